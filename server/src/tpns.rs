//! The TPNS REST API v3 client (`../shared/spec/tpns-api.md`).

use secrecy::SecretString;

pub use crate::config::AuthScheme;

/// How to reach and authenticate as one TPNS app.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub access_id: String,
    pub secret: SecretString,
    /// `https://api.tpns.tencent.com` or the sandbox's `http://127.0.0.1:port`, no trailing slash.
    pub base_url: String,
    pub auth: AuthScheme,
}

/// Placeholder until the client lands.
#[derive(Clone, Debug, Default)]
pub struct TpnsClient;
