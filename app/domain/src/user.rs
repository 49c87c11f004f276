//! Who may do what in the console (`server/docs/product.md`, "Security").

use serde::{Deserialize, Serialize};

/// A console user's role: *viewer* (read only), *operator* (actions, each a permission of its
/// own), *admin* (users and apps, and every action).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Operator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Operator, Role::Admin];

    /// The stored and typed spelling: `viewer`, `operator`, `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
    }

    /// What the role may do, in a few words.
    pub fn description(self) -> &'static str {
        match self {
            Role::Viewer => "read only",
            Role::Operator => "actions",
            Role::Admin => "users and apps",
        }
    }
}

/// The sentences a user change is refused with, wherever it is made. A change posted without
/// JavaScript comes back with its error in the URL, which anyone can craft, so the Admin page
/// shows only these.
pub mod refusals {
    /// The longest password anyone is given or may sign in with (issue 14: a field of
    /// megabytes is no password, and hashing it is work a stranger should not cause).
    pub const MAX_PASSWORD_CHARS: usize = 1024;
    pub const USERNAME: &str = "Use 2–64 letters, digits, dots, dashes, underscores or @.";
    pub const ROLE: &str = "Choose viewer, operator or admin.";
    pub const PASSWORD: &str = "Use 12 to 1,024 characters, or leave it empty to generate one.";
    pub const OWN_ADMIN_ROLE: &str = "You cannot remove your own admin role.";
    pub const DISABLE_SELF: &str = "You cannot disable yourself.";
    pub const NEW_PASSWORD: &str = "Type a new password of 12 to 1,024 characters.";
    pub const OWN_PASSWORD: &str =
        "You cannot set your own password here; use `pushdeck user reset-password`.";
    pub const ALL: [&str; 7] = [
        USERNAME,
        ROLE,
        PASSWORD,
        OWN_ADMIN_ROLE,
        DISABLE_SELF,
        NEW_PASSWORD,
        OWN_PASSWORD,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_their_own_spelling_in_any_case_and_nothing_else() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(Role::parse(&r.as_str().to_uppercase()), Some(r));
        }
        assert_eq!(Role::parse(" Operator "), Some(Role::Operator));
        assert_eq!(Role::parse("root"), None);
    }
}
