//! A TPNS push ID, checked once where it enters the console.

use serde::{Deserialize, Serialize};

/// A task's push ID as TPNS assigns it (ten digits in practice, `"push_id":"3895624686"`,
/// `server/docs/tpns.md` §2.5): 1–40 ASCII letters and digits. Anything else is not one, so a
/// value of this type never needs checking again.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PushId(String);

impl PushId {
    /// The longest push ID accepted.
    pub const MAX_LEN: usize = 40;

    /// `None` when `s` (trimmed) is not a push ID.
    pub fn parse(s: &str) -> Option<PushId> {
        let s = s.trim();
        (!s.is_empty() && s.len() <= Self::MAX_LEN && s.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then(|| PushId(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for PushId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for PushId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PushId {
    type Error = &'static str;
    fn try_from(s: String) -> Result<PushId, &'static str> {
        PushId::parse(&s).ok_or("not a push ID")
    }
}

impl From<PushId> for String {
    fn from(p: PushId) -> String {
        p.0
    }
}

impl PartialEq<str> for PushId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<String> for PushId {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

#[cfg(test)]
mod tests {
    use super::PushId;

    #[test]
    fn only_letters_and_digits_up_to_forty_are_a_push_id() {
        assert_eq!(
            PushId::parse(" 3895624686 ").unwrap().as_str(),
            "3895624686"
        );
        for bad in [
            "",
            " ",
            "12 34",
            "<script>",
            "1;drop",
            &"9".repeat(41),
            "３８",
        ] {
            assert!(PushId::parse(bad).is_none(), "{bad:?}");
        }
        assert!(serde_json::from_str::<PushId>("\"12a\"").is_ok());
        assert!(serde_json::from_str::<PushId>("\"1 2\"").is_err());
    }
}
