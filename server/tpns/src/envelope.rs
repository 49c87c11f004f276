//! Reading an answer: the envelope first (either style, §1.4), then the payload of each call.

use serde_json::Value;

use super::error::{TpnsError, codes};
use super::lenient::{ids_of, int_of, text_of};
use super::records::{ChannelStat, PushRecord, PushResponse, RecordPage, StatRow};

/// Checks an answer's HTTP status and envelope. The push endpoint answers `ret_code`/`err_msg`,
/// the statistics endpoints `retCode`/`errMsg`, and the action endpoints are undocumented
/// (§5.2), so both are accepted everywhere. A TPNS error in the body wins over the HTTP status,
/// since whether business errors ever come with a non-200 status is UNCONFIRMED.
pub(crate) fn open(status: u16, body: &[u8]) -> Result<Value, TpnsError> {
    let parsed: Result<Value, _> = serde_json::from_slice(body);
    let ok_status = (200..300).contains(&status);
    let value = match parsed {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) if !ok_status => return Err(TpnsError::HttpStatus { status }),
        Ok(_) => {
            return Err(TpnsError::Malformed(
                "the answer is not a JSON object".into(),
            ));
        }
        Err(_) if !ok_status => return Err(TpnsError::HttpStatus { status }),
        Err(e) => return Err(TpnsError::Malformed(format!("invalid JSON ({e})"))),
    };
    let code = value
        .get("ret_code")
        .or_else(|| value.get("retCode"))
        .map(int_of);
    let message = value
        .get("err_msg")
        .or_else(|| value.get("errMsg"))
        .and_then(text_of)
        .unwrap_or_default();
    match code {
        Some(Some(code)) if code != codes::OK => Err(TpnsError::upstream(code, &message)),
        _ if !ok_status => Err(TpnsError::HttpStatus { status }),
        Some(Some(_)) => Ok(value),
        Some(None) => Err(TpnsError::Malformed(
            "the return code is not a number".into(),
        )),
        None => Err(TpnsError::Malformed("the answer has no return code".into())),
    }
}

/// `/v3/push/app`: `push_id` as a string, a number or an array (§2.5).
pub(crate) fn push_response(v: &Value) -> Result<PushResponse, TpnsError> {
    let push_ids = v
        .get("push_id")
        .or_else(|| v.get("pushId"))
        .map(ids_of)
        .unwrap_or_default();
    let push_id = push_ids
        .first()
        .cloned()
        .ok_or_else(|| TpnsError::Malformed("the answer has no push_id".into()))?;
    Ok(PushResponse {
        push_id,
        push_ids,
        seq: v.get("seq").and_then(int_of).unwrap_or(0),
        environment: v
            .get("environment")
            .and_then(text_of)
            .filter(|s| !s.is_empty()),
    })
}

/// The `pushRecordData` array of the task-information query. Elements that cannot be read at
/// all (not objects) are dropped rather than failing the page.
pub(crate) fn records(v: &Value) -> Vec<PushRecord> {
    match v.get("pushRecordData") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| serde_json::from_value(item.clone()).ok())
            .collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn record_page(v: &Value) -> RecordPage {
    let records = records(v);
    let count = v
        .get("count")
        .and_then(int_of)
        .map_or(records.len() as u64, |n| n.max(0) as u64);
    RecordPage { count, records }
}

/// `pushStatDataAll` of the per-task statistics (§4.1).
pub(crate) fn channel_stats(v: &Value) -> Vec<ChannelStat> {
    match v.get("pushStatDataAll") {
        Some(Value::Array(rows)) => rows
            .iter()
            .filter_map(|row| serde_json::from_value::<StatRow>(row.clone()).ok())
            .map(ChannelStat::from)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open_str(status: u16, body: &str) -> Result<Value, TpnsError> {
        open(status, body.as_bytes())
    }

    #[test]
    fn both_envelope_styles_are_read() {
        assert!(open_str(200, r#"{"ret_code":0,"err_msg":"","push_id":"1"}"#).is_ok());
        assert!(open_str(200, r#"{"retCode":0,"errMsg":"NO_ERROR","count":0}"#).is_ok());
        assert_eq!(
            open_str(200, r#"{"ret_code":1008007,"err_msg":"invalid parameter"}"#).unwrap_err(),
            TpnsError::Upstream {
                code: 1008007,
                message: "invalid parameter".into()
            }
        );
        assert_eq!(
            open_str(200, r#"{"retCode":"1008015","errMsg":"push id not exist"}"#).unwrap_err(),
            TpnsError::Upstream {
                code: 1008015,
                message: "push id not exist".into()
            }
        );
    }

    #[test]
    fn a_tpns_error_with_a_non_200_status_keeps_its_code() {
        let e = open_str(401, r#"{"ret_code":1008003,"err_msg":"auth failure"}"#).unwrap_err();
        assert_eq!(e.code(), Some(1008003));
        assert_eq!(
            open_str(502, "<html>Bad Gateway</html>").unwrap_err(),
            TpnsError::HttpStatus { status: 502 }
        );
        assert_eq!(
            open_str(500, r#"{"ret_code":0}"#).unwrap_err(),
            TpnsError::HttpStatus { status: 500 }
        );
    }

    #[test]
    fn bad_json_or_a_missing_code_is_malformed() {
        assert!(matches!(
            open_str(200, "{\"ret_code\":0,"),
            Err(TpnsError::Malformed(_))
        ));
        assert!(matches!(
            open_str(200, "[1,2]"),
            Err(TpnsError::Malformed(_))
        ));
        assert!(matches!(
            open_str(200, r#"{"push_id":"1"}"#),
            Err(TpnsError::Malformed(_))
        ));
    }

    #[test]
    fn push_id_is_read_as_a_string_a_number_or_an_array() {
        let v = |s: &str| serde_json::from_str::<Value>(s).unwrap();
        let r = push_response(&v(
            r#"{"push_id":"3895624686","seq":7,"environment":"product"}"#,
        ))
        .unwrap();
        assert_eq!(
            (r.push_id.as_str(), r.seq, r.environment.as_deref()),
            ("3895624686", 7, Some("product"))
        );
        let r = push_response(&v(r#"{"push_id":3895624686}"#)).unwrap();
        assert_eq!(r.push_id, "3895624686");
        let r = push_response(&v(r#"{"push_id":["11","12"]}"#)).unwrap();
        assert_eq!((r.push_id.as_str(), r.push_ids.len()), ("11", 2));
        assert!(push_response(&v(r#"{"push_id":[]}"#)).is_err());
    }

    #[test]
    fn a_record_page_falls_back_to_the_page_length_without_count() {
        let v: Value =
            serde_json::from_str(r#"{"pushRecordData":[{"pushId":"1"},{"pushId":2},"junk"]}"#)
                .unwrap();
        let page = record_page(&v);
        assert_eq!(page.count, 2);
        assert_eq!(page.records[1].push_id, "2");
    }
}
