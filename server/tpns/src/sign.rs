//! Request authentication (`server/docs/tpns.md` §1.2, §1.3), shared by the client that signs and the
//! sandbox that checks.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

/// `Sign` of the signature scheme: `base64(hex_lower(HMAC_SHA256(SecretKey, TimeStamp + AccessId
/// + body)))`. The hex step is what the worked example and the sample value show (§1.3), not a
/// Base64 of the raw 32 bytes. `body` must be the exact bytes sent.
pub fn signature(secret: &SecretString, timestamp: i64, access_id: &str, body: &[u8]) -> String {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes())
        .expect("HMAC-SHA256 takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(access_id.as_bytes());
    mac.update(body);
    let hex = hex::encode(mac.finalize().into_bytes());
    BASE64.encode(hex)
}

/// The `Authorization` header value of the Basic scheme: `Basic base64(AccessID:SecretKey)`.
pub fn basic_authorization(access_id: &str, secret: &SecretString) -> String {
    let raw = format!("{access_id}:{}", secret.expose_secret());
    format!("Basic {}", BASE64.encode(raw))
}

/// Splits a Basic `Authorization` header into AccessID and SecretKey (for the sandbox).
pub fn parse_basic(header: &str) -> Option<(String, String)> {
    let encoded = header
        .strip_prefix("Basic ")
        .or_else(|| header.strip_prefix("basic "))?;
    let decoded = BASE64.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

/// Compares two secrets or signatures without leaking through timing where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "2b1c4f0e9d8a7b6c5d4e3f2a1b0c9d8e";

    /// Computed independently with Python:
    /// `base64.b64encode(hmac.new(secret, (ts + aid + body).encode(), sha256).hexdigest().encode())`.
    #[test]
    fn the_signature_matches_a_vector_computed_independently() {
        let body = br#"{"audience_type":"all","message_type":"notify","message":{"title":"Hi","content":"Hello"}}"#;
        let sign = signature(
            &SecretString::from(SECRET),
            1_700_000_000,
            "1500000101",
            body,
        );
        assert_eq!(
            sign,
            "ODU0OGYwZjdmMjRiOWNiMzU1N2RmMDllNmNiNjhjZjAxYzE2NzE5ZjlmYmZhNDJkYzc3MDY5YjViZjcyNzRhMA=="
        );
    }

    #[test]
    fn the_signature_covers_every_byte_of_the_body() {
        let secret = SecretString::from(SECRET);
        let a = signature(&secret, 1, "id", br#"{"a":1}"#);
        let b = signature(&secret, 1, "id", br#"{"a": 1}"#);
        assert_ne!(a, b);
        assert_ne!(a, signature(&secret, 2, "id", br#"{"a":1}"#));
    }

    #[test]
    fn basic_authorization_matches_a_vector_and_parses_back() {
        let header = basic_authorization("1500000101", &SecretString::from(SECRET));
        assert_eq!(
            header,
            "Basic MTUwMDAwMDEwMToyYjFjNGYwZTlkOGE3YjZjNWQ0ZTNmMmExYjBjOWQ4ZQ=="
        );
        assert_eq!(
            parse_basic(&header),
            Some(("1500000101".to_string(), SECRET.to_string()))
        );
        assert_eq!(parse_basic("Bearer x"), None);
    }

    #[test]
    fn signatures_compare_equal_only_when_identical() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}
