//! Where a notification takes the user when it is tapped: the `action` of the Android body
//! (`server/docs/tpns.md` §2.3), which the override dialog lets an operator correct.

use serde::{Deserialize, Serialize};

/// A notification's click action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClickAction {
    /// `action_type` 1: open the app (the activity the original named, if any, is kept).
    OpenApp,
    /// `action_type` 2: open a web page.
    OpenUrl(String),
    /// `action_type` 3: open an intent (a deep link); Huawei's channel takes its custom
    /// parameters from the intent too (§5.1).
    Intent(String),
}

/// The longest URL or intent accepted.
pub const MAX_TARGET_LEN: usize = 2048;

/// The sentences a click action is refused with.
pub mod refusals {
    pub const URL: &str =
        "Enter a web address that starts with https:// or http://, without spaces.";
    pub const INTENT: &str = "Enter the intent to open, without line breaks.";
    pub const KIND: &str = "Choose what the notification opens: the app, a web page or an intent.";
}

impl ClickAction {
    /// `app`, `url` or `intent`, as the dialog's form sends it.
    pub fn slug(&self) -> &'static str {
        match self {
            ClickAction::OpenApp => "app",
            ClickAction::OpenUrl(_) => "url",
            ClickAction::Intent(_) => "intent",
        }
    }

    /// The web address or intent, if the action has one.
    pub fn target(&self) -> Option<&str> {
        match self {
            ClickAction::OpenApp => None,
            ClickAction::OpenUrl(t) | ClickAction::Intent(t) => Some(t),
        }
    }

    /// The action the dialog's fields describe, checked: a URL must be an absolute `http(s)`
    /// address without spaces (the most common mistake a corrected push is sent for), an intent
    /// a single line.
    pub fn from_form(
        kind: &str,
        url: Option<&str>,
        intent: Option<&str>,
    ) -> Result<ClickAction, (&'static str, &'static str)> {
        let text = |v: Option<&str>| v.map(str::trim).unwrap_or("").to_string();
        match kind.trim() {
            "app" => Ok(ClickAction::OpenApp),
            "url" => {
                let u = text(url);
                if valid_url(&u) {
                    Ok(ClickAction::OpenUrl(u))
                } else {
                    Err(("url", refusals::URL))
                }
            }
            "intent" => {
                let i = text(intent);
                if !i.is_empty() && i.len() <= MAX_TARGET_LEN && !i.chars().any(char::is_control) {
                    Ok(ClickAction::Intent(i))
                } else {
                    Err(("intent", refusals::INTENT))
                }
            }
            _ => Err(("click", refusals::KIND)),
        }
    }
}

/// An absolute `http`/`https` address with a host, no whitespace or control characters.
pub fn valid_url(u: &str) -> bool {
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"));
    let Some(rest) = rest else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    u.len() <= MAX_TARGET_LEN
        && !host.is_empty()
        && !host.starts_with('.')
        && !u.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_must_be_an_absolute_web_address() {
        for ok in [
            "https://shop.example.com/sale?id=7",
            "http://example.com",
            "https://例え.jp/セール",
        ] {
            assert!(valid_url(ok), "{ok}");
        }
        for bad in [
            "",
            "shop.example.com",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "https://shop.example.com/spring sale",
            "https://shop.example.com/\nnext",
            "ftp://example.com",
        ] {
            assert!(!valid_url(bad), "{bad}");
        }
    }

    #[test]
    fn the_form_gives_an_action_or_names_the_field_at_fault() {
        assert_eq!(
            ClickAction::from_form("url", Some(" https://x.example/a "), None),
            Ok(ClickAction::OpenUrl("https://x.example/a".into()))
        );
        assert_eq!(
            ClickAction::from_form("app", Some("ignored"), None),
            Ok(ClickAction::OpenApp)
        );
        assert_eq!(
            ClickAction::from_form("intent", None, Some("xgscheme://com.shop/sale?x=1")),
            Ok(ClickAction::Intent("xgscheme://com.shop/sale?x=1".into()))
        );
        assert_eq!(
            ClickAction::from_form("url", Some("x"), None)
                .unwrap_err()
                .0,
            "url"
        );
        assert_eq!(
            ClickAction::from_form("intent", None, Some(" "))
                .unwrap_err()
                .0,
            "intent"
        );
        assert_eq!(
            ClickAction::from_form("mail", None, None).unwrap_err().0,
            "click"
        );
    }
}
