//! The TPNS REST API v3 client (`server/docs/tpns.md`).
//!
//! One [`TpnsClient`] serves every app: the per-app part (access point, AccessID, SecretKey, auth
//! scheme) travels with each call as [`Credentials`]. Where the upstream documentation is open
//! (marked UNCONFIRMED in the spec) the client is tolerant: both response envelopes, ids as
//! numbers or strings, `push_id` as a string or an array, unknown fields ignored.

mod access;
mod client;
pub mod clock;
mod endpoint;
mod envelope;
mod error;
pub mod lenient;
mod records;
mod request;
pub mod sign;

use secrecy::SecretString;

pub use access::{AccessPoint, AuthScheme};
pub use client::{CallObserver, CallResult, ClientOptions, TpnsClient};
pub use endpoint::Endpoint;
pub use error::{TpnsError, UpstreamKind, codes};
pub use records::{ChannelStat, PushRecord, PushResponse, RecordPage, RecordQuery};
pub use request::{Message, PushRequest, TagItem, TagList, TagRule};
pub use sign::{basic_authorization, signature};

/// How to reach and authenticate as one TPNS app.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub access_id: String,
    pub secret: SecretString,
    /// `https://api.tpns.tencent.com` or the sandbox's `http://127.0.0.1:port`, no trailing slash.
    pub base_url: String,
    pub auth: AuthScheme,
}
