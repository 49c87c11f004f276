//! Sign-in, sessions, roles and the request checks every state change passes.
//!
//! Passwords are Argon2id hashes. Sessions live in the database (any instance serves any
//! request); the browser holds only a random token in an `HttpOnly`, `SameSite=Strict` cookie
//! (`Secure` outside local development), and the database only its SHA-256.

mod middleware;
mod password;
mod service;

pub use middleware::{Caller, authenticate, is_token_api, request_locale};
pub use password::{generate_password, hash_password, verify_password};
pub use service::{AuthService, BearerOutcome, LoginError, TOKEN_PREFIX, TokenRefusal, token_hash};

/// The session cookie's name.
pub const COOKIE: &str = "pushdeck_session";

/// The cookie that remembers this browser's language (`server/docs/i18n.md`).
pub const LANG_COOKIE: &str = "pushdeck_lang";
