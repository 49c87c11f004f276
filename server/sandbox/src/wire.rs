//! TPNS's answers: the error codes with TPNS-like English messages (`server/docs/tpns.md` §6) and the
//! two envelope styles (§1.4).

use serde_json::{Map, Value, json};

use super::profile::Profile;
use tpns::{Endpoint, codes};

/// A refusal, as TPNS would word it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub code: i64,
    pub message: String,
}

impl ApiError {
    pub(crate) fn new(code: i64, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
        }
    }
    pub(crate) fn parse(detail: impl std::fmt::Display) -> ApiError {
        ApiError::new(
            codes::PARSE_ERROR,
            format!("parameter parse error: {detail}"),
        )
    }
    pub(crate) fn missing(name: &str) -> ApiError {
        ApiError::new(
            codes::MISSING_PARAMETER,
            format!("missing required parameter: {name}"),
        )
    }
    pub(crate) fn auth(detail: &str) -> ApiError {
        ApiError::new(codes::AUTH_FAILED, format!("auth failure: {detail}"))
    }
    pub(crate) fn invalid(detail: impl std::fmt::Display) -> ApiError {
        ApiError::new(
            codes::INVALID_PARAMETER,
            format!("invalid parameter: {detail}"),
        )
    }
    pub(crate) fn not_found() -> ApiError {
        ApiError::new(codes::NOT_FOUND, "push id not exist")
    }
    pub(crate) fn bad_date(detail: impl std::fmt::Display) -> ApiError {
        ApiError::new(codes::BAD_DATE, format!("invalid date format: {detail}"))
    }
    pub(crate) fn too_fast() -> ApiError {
        ApiError::new(codes::RATE_LIMITED, "request too fast")
    }
    pub(crate) fn wrong_access_point() -> ApiError {
        ApiError::new(
            codes::WRONG_ACCESS_POINT,
            "accessId not exist, or the application's service access point does not match the host requested",
        )
    }
    pub(crate) fn send_time(detail: &str) -> ApiError {
        ApiError::new(
            codes::INVALID_SEND_TIME,
            format!("invalid push time: {detail}"),
        )
    }

    /// The message TPNS's table gives a code, for faults that name only the code.
    pub(crate) fn for_code(code: i64) -> ApiError {
        let text = match code {
            codes::PARSE_ERROR => "parameter parse error",
            codes::MISSING_PARAMETER => "missing required parameter",
            codes::AUTH_FAILED => "auth failure",
            codes::INTERNAL => "internal service call failed",
            codes::INVALID_PARAMETER => "invalid parameter",
            codes::NOT_FOUND => "push id not exist",
            codes::BAD_DATE => "invalid date format",
            codes::RATE_LIMITED => "request too fast",
            codes::WRONG_ACCESS_POINT => "accessId not exist or access point mismatch",
            codes::INVALID_SEND_TIME => "invalid push time",
            _ => "error",
        };
        ApiError::new(code, text)
    }
}

/// The two envelope styles of `server/docs/tpns.md` §1.4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// `ret_code`/`err_msg`, as the push API answers.
    Snake,
    /// `retCode`/`errMsg`, as the statistics endpoints answer.
    Camel,
}

impl Style {
    /// The style of an endpoint's answers: snake_case for `/v3/push/*` (the action endpoints'
    /// shape is undocumented, §5.2, so they answer like the push API), camelCase for
    /// `/v3/statistics/*`. The quirky profile swaps both, since a client accepts either
    /// everywhere (§1.4, §9).
    pub(crate) fn of(ep: Endpoint, profile: Profile) -> Style {
        let documented = if ep.is_statistics() {
            Style::Camel
        } else {
            Style::Snake
        };
        match (profile, documented) {
            (Profile::Quirky, Style::Snake) => Style::Camel,
            (Profile::Quirky, Style::Camel) => Style::Snake,
            (_, style) => style,
        }
    }
}

/// Wraps an answer in its endpoint's envelope (see [`Style::of`]).
pub(crate) fn envelope(
    ep: Endpoint,
    profile: Profile,
    result: Result<Map<String, Value>, ApiError>,
) -> Value {
    let (code, message, payload) = match result {
        Ok(payload) => (codes::OK, None, payload),
        Err(e) => (e.code, Some(e.message), Map::new()),
    };
    let mut out = match Style::of(ep, profile) {
        Style::Camel => {
            json!({ "retCode": code, "errMsg": message.unwrap_or_else(|| "NO_ERROR".into()) })
        }
        Style::Snake => json!({ "ret_code": code, "err_msg": message.unwrap_or_default() }),
    };
    if let Value::Object(map) = &mut out {
        map.extend(payload);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_endpoints_answer_in_snake_case_and_statistics_in_camel_case() {
        let mut payload = Map::new();
        payload.insert("push_id".into(), json!("1"));
        assert_eq!(
            envelope(Endpoint::Push, Profile::Friendly, Ok(payload)),
            json!({"ret_code": 0, "err_msg": "", "push_id": "1"})
        );
        assert_eq!(
            envelope(
                Endpoint::Record,
                Profile::Sparse,
                Err(ApiError::not_found())
            ),
            json!({"retCode": 1008015, "errMsg": "push id not exist"})
        );
        assert_eq!(
            envelope(Endpoint::Stop, Profile::Friendly, Err(ApiError::too_fast()))["ret_code"],
            1008028
        );
    }

    #[test]
    fn the_quirky_profile_answers_every_endpoint_in_the_other_style() {
        for ep in Endpoint::ALL {
            let friendly = Style::of(ep, Profile::Friendly);
            assert_ne!(Style::of(ep, Profile::Quirky), friendly, "{ep}");
            assert_eq!(Style::of(ep, Profile::Sparse), friendly, "{ep}");
        }
        assert_eq!(
            envelope(Endpoint::Cancel, Profile::Quirky, Ok(Map::new())),
            json!({"retCode": 0, "errMsg": "NO_ERROR"})
        );
        assert_eq!(
            envelope(
                Endpoint::TaskStat,
                Profile::Quirky,
                Err(ApiError::not_found())
            ),
            json!({"ret_code": 1008015, "err_msg": "push id not exist"})
        );
    }
}
