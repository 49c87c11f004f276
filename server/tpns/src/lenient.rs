//! Serde helpers for fields whose type the TPNS documentation leaves open: ids that come as
//! numbers in one sample and strings in the table (`server/docs/tpns.md` §3.1), `push_id` as a string or
//! an array (§2.5), counters that may come as strings. Each reads a `serde_json::Value` and takes
//! what it can; a value of no usable type becomes the field's empty value rather than failing the
//! whole answer.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string, or a number written as one. Anything else is `None`.
pub fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An integer, from a number or a numeric string (floats are truncated).
pub fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<i64>()
                .ok()
                .or_else(|| s.parse::<f64>().ok().map(|f| f as i64))
        }
        _ => None,
    }
}

/// Every id in a string, a number, or an array of either.
pub fn ids_of(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().filter_map(text_of).collect(),
        other => text_of(other).into_iter().collect(),
    }
}

pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(text_of(&Value::deserialize(d)?).unwrap_or_default())
}

pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(text_of(&Value::deserialize(d)?))
}

pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(int_of(&Value::deserialize(d)?))
}

/// A counter: negative or unreadable values count as zero.
pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(int_of(&Value::deserialize(d)?).map_or(0, |n| n.max(0) as u64))
}

pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => Some(b),
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        Value::String(s) => match s.as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

pub fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(ids_of(&Value::deserialize(d)?))
}

/// A JSON value that is absent for `null`.
pub fn opt_value<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        v => Some(v),
    })
}

/// A JSON object, also when it arrives as a string holding one (as some of TPNS's answers nest
/// JSON in strings, `custom_content` among them).
pub fn opt_object<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Object(m) => Some(Value::Object(m)),
        Value::String(s) => serde_json::from_str::<Value>(&s)
            .ok()
            .filter(Value::is_object),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_are_read_from_numbers_strings_and_arrays() {
        assert_eq!(text_of(&json!(133703)), Some("133703".into()));
        assert_eq!(text_of(&json!("133703")), Some("133703".into()));
        assert_eq!(
            ids_of(&json!(["1", 2])),
            vec!["1".to_string(), "2".to_string()]
        );
        assert_eq!(ids_of(&json!(null)), Vec::<String>::new());
    }

    #[test]
    fn integers_are_read_from_numbers_and_numeric_strings() {
        assert_eq!(int_of(&json!(7)), Some(7));
        assert_eq!(int_of(&json!(" 42 ")), Some(42));
        assert_eq!(int_of(&json!(3.9)), Some(3));
        assert_eq!(int_of(&json!("n/a")), None);
        assert_eq!(int_of(&json!(true)), None);
    }
}
