//! What can go wrong talking to TPNS, as a type the console can branch on.

/// The `ret_code`s the console gives a meaning to (`server/docs/tpns.md` §6).
pub mod codes {
    pub const OK: i64 = 0;
    pub const PARSE_ERROR: i64 = 1008001;
    pub const MISSING_PARAMETER: i64 = 1008002;
    pub const AUTH_FAILED: i64 = 1008003;
    pub const INTERNAL: i64 = 1008004;
    pub const INVALID_PARAMETER: i64 = 1008007;
    pub const NOT_FOUND: i64 = 1008015;
    pub const BAD_DATE: i64 = 1008016;
    pub const RATE_LIMITED: i64 = 1008028;
    pub const WRONG_ACCESS_POINT: i64 = 1008035;
    pub const INVALID_SEND_TIME: i64 = 10010012;
    /// "AccessID and AccessKey do not match" (Chinese table only).
    pub const KEY_MISMATCH: i64 = 10030002;
}

/// What an upstream `ret_code` means to the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpstreamKind {
    /// 1008015: the push ID does not exist, or the task is older than TPNS keeps (one month).
    NotFound,
    /// 1008028: over a rate limit; try again in the next window, never at once.
    RateLimited,
    /// 1008003, 1008035, 10030002: wrong SecretKey, AccessID or access point.
    Auth,
    /// 1008001, 1008002, 1008007, 1008016: TPNS refused the request's content.
    InvalidParameter,
    /// 10010012: `send_time` more than ten minutes in the past (or too far ahead).
    InvalidSendTime,
    /// Any other code, and errors that are not an upstream answer at all.
    Other,
}

impl UpstreamKind {
    pub fn of_code(code: i64) -> UpstreamKind {
        match code {
            codes::NOT_FOUND => UpstreamKind::NotFound,
            codes::RATE_LIMITED => UpstreamKind::RateLimited,
            codes::AUTH_FAILED | codes::WRONG_ACCESS_POINT | codes::KEY_MISMATCH => {
                UpstreamKind::Auth
            }
            codes::PARSE_ERROR
            | codes::MISSING_PARAMETER
            | codes::INVALID_PARAMETER
            | codes::BAD_DATE => UpstreamKind::InvalidParameter,
            codes::INVALID_SEND_TIME => UpstreamKind::InvalidSendTime,
            _ => UpstreamKind::Other,
        }
    }
}

/// A failed TPNS call. The `Display` text is short and fit to show an operator: it never holds
/// credentials, headers or request bodies.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TpnsError {
    /// No answer within the request timeout. The call may or may not have taken effect.
    #[error("TPNS did not answer in time")]
    Timeout,
    /// The connection could not be opened; the request never reached TPNS.
    #[error("cannot connect to TPNS: {0}")]
    Connect(String),
    /// The connection broke while the request or the answer was under way.
    #[error("the connection to TPNS broke: {0}")]
    Transport(String),
    /// An HTTP status other than 200 without a TPNS error in the body (a gateway error, say).
    #[error("TPNS answered with HTTP status {status}")]
    HttpStatus { status: u16 },
    /// The answer was not the JSON TPNS sends.
    #[error("TPNS sent an answer that cannot be read: {0}")]
    Malformed(String),
    /// TPNS answered with a non-zero `ret_code`/`retCode`; `message` is its `err_msg` verbatim.
    #[error("TPNS refused the request ({code}): {message}")]
    Upstream { code: i64, message: String },
}

impl TpnsError {
    /// The meaning of an upstream code; [`UpstreamKind::Other`] for errors that are not one.
    pub fn kind(&self) -> UpstreamKind {
        match self {
            TpnsError::Upstream { code, .. } => UpstreamKind::of_code(*code),
            _ => UpstreamKind::Other,
        }
    }

    /// The upstream `ret_code`, when TPNS answered with one.
    pub fn code(&self) -> Option<i64> {
        match self {
            TpnsError::Upstream { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Whether the same call may well succeed if made again shortly: transport trouble, a 5xx or
    /// 429 from a gateway, or TPNS's "internal service call failed". A rate-limit answer is not
    /// transient in this sense: its window is an hour (or a second for pushes), and the caller's
    /// quota ledger decides when to try again.
    pub fn is_transient(&self) -> bool {
        match self {
            TpnsError::Timeout | TpnsError::Connect(_) | TpnsError::Transport(_) => true,
            TpnsError::HttpStatus { status } => *status >= 500 || *status == 429,
            TpnsError::Upstream { code, .. } => *code == codes::INTERNAL,
            TpnsError::Malformed(_) => false,
        }
    }

    /// Whether the request may have reached TPNS and taken effect although no success came
    /// back: the caller must then read the task back rather than assume either outcome. TPNS's
    /// "internal service call failed" (1008004) is one: the call got in, and what it did before
    /// failing is not said.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            TpnsError::Timeout | TpnsError::Transport(_) | TpnsError::Malformed(_) => true,
            TpnsError::HttpStatus { status } => *status >= 500,
            TpnsError::Upstream { code, .. } => *code == codes::INTERNAL,
            TpnsError::Connect(_) => false,
        }
    }

    /// An upstream error with its message cleaned for display: control characters dropped and
    /// the length capped, since the text comes from outside.
    pub(crate) fn upstream(code: i64, message: &str) -> TpnsError {
        let mut clean: String = message
            .chars()
            .filter(|c| !c.is_control())
            .take(300)
            .collect();
        if clean.trim().is_empty() {
            clean = "no error message".into();
        }
        TpnsError::Upstream {
            code,
            message: clean,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_codes_map_to_their_meanings() {
        let kind = |c| TpnsError::upstream(c, "x").kind();
        assert_eq!(kind(1008015), UpstreamKind::NotFound);
        assert_eq!(kind(1008028), UpstreamKind::RateLimited);
        assert_eq!(kind(1008003), UpstreamKind::Auth);
        assert_eq!(kind(1008035), UpstreamKind::Auth);
        assert_eq!(kind(1008007), UpstreamKind::InvalidParameter);
        assert_eq!(kind(1008002), UpstreamKind::InvalidParameter);
        assert_eq!(kind(10010012), UpstreamKind::InvalidSendTime);
        assert_eq!(kind(1008019), UpstreamKind::Other);
        assert_eq!(TpnsError::Timeout.kind(), UpstreamKind::Other);
    }

    #[test]
    fn transport_trouble_and_gateway_errors_are_transient_but_rate_limits_are_not() {
        assert!(TpnsError::Timeout.is_transient());
        assert!(TpnsError::Transport("reset".into()).is_transient());
        assert!(TpnsError::HttpStatus { status: 503 }.is_transient());
        assert!(!TpnsError::HttpStatus { status: 404 }.is_transient());
        assert!(TpnsError::upstream(1008004, "internal").is_transient());
        assert!(!TpnsError::upstream(1008028, "request too fast").is_transient());
        assert!(!TpnsError::Malformed("x".into()).is_transient());
    }

    #[test]
    fn lost_answers_and_internal_errors_leave_the_outcome_unknown_but_refusals_do_not() {
        assert!(TpnsError::Timeout.outcome_unknown());
        assert!(TpnsError::Malformed("x".into()).outcome_unknown());
        assert!(TpnsError::HttpStatus { status: 502 }.outcome_unknown());
        assert!(TpnsError::upstream(1008004, "internal").outcome_unknown());
        assert!(!TpnsError::upstream(1008007, "invalid").outcome_unknown());
        assert!(!TpnsError::Connect("refused".into()).outcome_unknown());
    }

    #[test]
    fn the_display_text_keeps_the_upstream_message_and_drops_control_characters() {
        let e = TpnsError::upstream(1008015, "push id\r\n not exist");
        assert_eq!(
            e.to_string(),
            "TPNS refused the request (1008015): push id not exist"
        );
        assert_eq!(e.code(), Some(1008015));
        let long = TpnsError::upstream(1, &"a".repeat(1000));
        assert!(long.to_string().len() < 400);
    }
}
