//! Signing in and out, resolving sessions, throttling, and the first admin.

use std::time::Duration;

use axum::http::{HeaderMap, header};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::password::{generate_password, hash_password, verify_password};
use crate::config::{AuthConfig, Config};
use crate::store::users::{Role, User};
use crate::store::{Store, StoreError};
use tpns::clock::SharedClock;

/// Why a sign-in failed. The message never says whether the username exists.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// `known`: the username is an account (for the audit log only, never for the answer).
    /// `burst`: failed sign-ins from this address in the window, this one included (counted
    /// when it was let through, so each attempt of a parallel burst has its own number);
    /// `name_burst`: the same for this username from this address;
    /// `starts_wait`: this failure makes the name from this address, or the address, wait.
    #[error("Wrong username or password.")]
    Invalid {
        known: bool,
        burst: i64,
        name_burst: i64,
        starts_wait: bool,
    },
    /// This address must wait before it tries this username (or any) again; nothing was
    /// written (not even to the audit log: the failure that started the wait is there).
    #[error("Too many attempts. Try again in a few minutes.")]
    Throttled { known: bool },
    /// A username or password longer than any real one: refused before anything is written.
    #[error("Wrong username or password.")]
    TooLong,
    #[error("internal: {0}")]
    Store(#[from] StoreError),
}

/// What every API token starts with, so that secret scanners (and people) recognise one.
pub const TOKEN_PREFIX: &str = "pdk_";

/// The answer to an `Authorization: Bearer` token.
#[derive(Debug)]
pub enum BearerOutcome {
    /// The owner, with the permissions owner and token both hold, and the token's name.
    Accepted(User, String),
    Refused(TokenRefusal),
}

/// Why a token does not authenticate. Telling them apart helps the script's owner, and tells
/// nothing to someone who does not hold the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenRefusal {
    /// Not a token of this console (or not a Bearer token at all).
    Unknown,
    Expired,
    Revoked,
    OwnerDisabled,
}

/// How many locks sign-in bookkeeping is striped over.
const BOOKKEEPING_STRIPES: usize = 64;
/// Failed sign-ins are counted over this window.
const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// The longest wait a throttled address is given.
const MAX_DELAY_MS: i64 = 15 * 60_000;
/// Failed sign-ins are kept this long, then pruned.
const KEEP_FAILURES_MS: i64 = 24 * 3_600_000;
/// How long an attempt on an account that strangers are guessing at is held before its answer:
/// it slows guessing from many addresses down without stopping the owner.
const ACCOUNT_SLOWDOWN: Duration = Duration::from_secs(2);
/// Longer fields are not a username or password anyone uses.
const MAX_USERNAME_CHARS: usize = 64;
const MAX_PASSWORD_CHARS: usize = domain::user::refusals::MAX_PASSWORD_CHARS;

/// The wait before the next attempt after `failures` failed ones, `allowed` of which are free:
/// 15 seconds, doubling with every further failure, at most [`MAX_DELAY_MS`].
fn backoff_ms(failures: i64, allowed: i64) -> i64 {
    if failures < allowed {
        return 0;
    }
    let doublings = (failures - allowed).min(20) as u32;
    (15_000i64 << doublings).min(MAX_DELAY_MS)
}
/// `last_seen_at` is written at most this often (seconds), not on every request.
const TOUCH_EVERY_SECS: i64 = 60;

/// Sessions and sign-in.
pub struct AuthService {
    store: Store,
    clock: SharedClock,
    config: AuthConfig,
    /// `scheme://host[:port]` the browser uses, when configured.
    public_origin: Option<String>,
    secure_cookies: bool,
    /// A valid hash to verify against when the username does not exist, so both cases take
    /// the same time.
    dummy_hash: String,
    /// Sign-in bookkeeping (the throttle's reads, then its writes) one attempt at a time per
    /// address (striped by a hash of it: the limits that matter are all keyed by the address), so
    /// that a burst of parallel guesses cannot all pass the check before any of them is
    /// counted. The password check itself runs outside it.
    bookkeeping: [tokio::sync::Mutex<()>; BOOKKEEPING_STRIPES],
}

impl AuthService {
    pub fn new(store: Store, clock: SharedClock, config: &Config) -> AuthService {
        let public_origin = config.server.public_url.as_deref().map(origin_of);
        let secure_cookies = match &public_origin {
            Some(o) => o.starts_with("https://"),
            // Local development: a loopback address without TLS.
            None => !config.server.listen.ip().is_loopback(),
        };
        AuthService {
            store,
            clock,
            config: config.auth.clone(),
            public_origin,
            secure_cookies,
            dummy_hash: hash_password("not a real password"),
            bookkeeping: std::array::from_fn(|_| tokio::sync::Mutex::new(())),
        }
    }

    pub fn trust_forwarded_for(&self) -> bool {
        self.config.trust_forwarded_for
    }

    /// The user of a session token, if the session is valid now. Expired sessions are deleted.
    pub async fn resolve(&self, token: &str) -> Result<Option<(User, String)>, StoreError> {
        let hash = token_hash(token);
        let Some(s) = self.store.session(&hash).await? else {
            return Ok(None);
        };
        let now = self.clock.now();
        let idle = self.config.idle_timeout_mins as i64 * 60;
        if s.user.disabled || now > s.expires_at || now - s.last_seen_at > idle {
            self.store.delete_session(&hash).await?;
            return Ok(None);
        }
        if now - s.last_seen_at >= TOUCH_EVERY_SECS {
            self.store.touch_session(&hash, now).await?;
        }
        Ok(Some((s.user, hash)))
    }

    /// The user an API token acts as (`server/docs/api.md`): its owner, with the permissions
    /// both the owner and the token hold. Read with the owner on every request, so that a
    /// revoked token, a disabled owner or a narrowed role stops at once.
    pub async fn resolve_token(&self, token: &str) -> Result<BearerOutcome, StoreError> {
        if !token.starts_with(TOKEN_PREFIX) {
            return Ok(BearerOutcome::Refused(TokenRefusal::Unknown));
        }
        let Some((t, mut user)) = self.store.token_by_hash(&token_hash(token)).await? else {
            return Ok(BearerOutcome::Refused(TokenRefusal::Unknown));
        };
        let now = self.clock.now();
        if t.revoked_at.is_some() {
            return Ok(BearerOutcome::Refused(TokenRefusal::Revoked));
        }
        if !t.is_live(now) {
            return Ok(BearerOutcome::Refused(TokenRefusal::Expired));
        }
        if user.disabled {
            return Ok(BearerOutcome::Refused(TokenRefusal::OwnerDisabled));
        }
        user.permissions.retain(|a| t.permissions.contains(a));
        // Best effort: a token that works is not refused for want of its "last used" note.
        if t.last_used_at.is_none_or(|at| now - at >= TOUCH_EVERY_SECS)
            && let Err(e) = self.store.touch_token(t.token_id, now).await
        {
            tracing::warn!(error = %e, "could not note an API token's use");
        }
        Ok(BearerOutcome::Accepted(user, t.name))
    }

    /// Checks the password and opens a session; returns the user and the cookie's token.
    ///
    /// Throttling (`server/docs/security.md`): failures are counted per username and address,
    /// per address, and per username from anywhere, over [`THROTTLE_WINDOW`].
    /// - A username from one address, and one address over all usernames, get their free
    ///   attempts (`max_failures`, ×4 for an address), then a wait that doubles with every
    ///   failure. A refused attempt writes nothing.
    /// - A username guessed at from many addresses is slowed, never locked: past ×4 failures
    ///   every attempt on it waits [`ACCOUNT_SLOWDOWN`] before its answer, and the owner signing
    ///   in from an address of their own still gets in.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        ip: &str,
    ) -> Result<(User, String), LoginError> {
        if username.chars().count() > MAX_USERNAME_CHARS
            || password.chars().count() > MAX_PASSWORD_CHARS
        {
            return Err(LoginError::TooLong);
        }
        // Keys hold no typed name (it may be a password typed in the wrong field) and treat an
        // IPv6 /64, which one client commonly holds whole, as one address.
        let name = token_hash(&username.to_lowercase());
        let from = throttle_address(ip);
        let pair_key = format!("pair:{name}|{from}");
        let ip_key = format!("ip:{from}");
        let user_key = format!("user:{name}");
        let max = i64::from(self.config.max_failures.max(1));
        let found = self.store.user_by_name(username).await?;
        let known = found.is_some();
        // One attempt of an address at a time; another address's flood waits on another stripe
        // (or, on a shared stripe, behind a few statements per attempt).
        let stripe = usize::from(Sha256::digest(from.as_bytes())[0]) % BOOKKEEPING_STRIPES;
        let bookkeeping = self.bookkeeping[stripe].lock().await;
        let now_ms = self.clock.now_ms();
        let since = now_ms - THROTTLE_WINDOW.as_millis() as i64;
        // Checked before anything is written: a refused attempt costs the database nothing.
        let mut counts = [0i64; 2];
        for (i, (key, allowed)) in [(&pair_key, max), (&ip_key, max * 4)]
            .into_iter()
            .enumerate()
        {
            let (n, last) = self.store.login_failures_since(key, since).await?;
            let wait = backoff_ms(n, allowed);
            if wait > 0 && last.is_some_and(|l| now_ms < l + wait) {
                return Err(LoginError::Throttled { known });
            }
            counts[i] = n + 1;
        }
        let [pair_burst, burst] = counts;
        let starts_wait = pair_burst == max || burst == max * 4;
        let (on_account, _) = self.store.login_failures_since(&user_key, since).await?;
        // The attempt counts before the password is checked, so that parallel guesses all count
        // against the limits; a success takes it back.
        for key in [&pair_key, &ip_key, &user_key] {
            self.store.record_login_failure(key, now_ms).await?;
        }
        self.store
            .prune_login_failures(now_ms - KEEP_FAILURES_MS)
            .await?;
        drop(bookkeeping);
        if on_account >= max * 4 {
            tokio::time::sleep(ACCOUNT_SLOWDOWN).await;
        }
        // Argon2 takes tens of milliseconds of CPU: off the async workers.
        let (password, hash) = (
            password.to_string(),
            found
                .as_ref()
                .map(|(_, h)| h.clone())
                .unwrap_or_else(|| self.dummy_hash.clone()),
        );
        let verified = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .unwrap_or(false);
        let ok = verified && found.as_ref().is_some_and(|(u, _)| !u.disabled);
        let Some((user, _)) = found.filter(|_| ok) else {
            return Err(LoginError::Invalid {
                known,
                burst,
                name_burst: pair_burst,
                starts_wait,
            });
        };
        self.store.forget_login_failure(&ip_key, now_ms).await?;
        self.store.forget_login_failure(&user_key, now_ms).await?;
        self.store.clear_login_failures(&pair_key).await?;
        let token = new_token();
        let now = now_ms / 1000;
        let expires = now + self.config.absolute_timeout_hours as i64 * 3600;
        self.store
            .create_session(&token_hash(&token), user.user_id, now, expires, ip)
            .await?;
        Ok((user, token))
    }

    pub async fn logout(&self, session_hash: &str) -> Result<(), StoreError> {
        self.store.delete_session(session_hash).await
    }

    /// The `Set-Cookie` value for a new session.
    pub fn cookie(&self, token: &str) -> String {
        let max_age = self.config.absolute_timeout_hours * 3600;
        format!(
            "{}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
            super::COOKIE,
            if self.secure_cookies { "; Secure" } else { "" }
        )
    }

    /// The `Set-Cookie` value that remembers this browser's language for a year. Not
    /// `HttpOnly`-sensitive (it holds `en` or `zh`), but sent the same way as the session's.
    pub fn lang_cookie(&self, locale: domain::Locale) -> String {
        format!(
            "{}={}; Path=/; SameSite=Lax; Max-Age=31536000{}",
            super::LANG_COOKIE,
            locale.code(),
            if self.secure_cookies { "; Secure" } else { "" }
        )
    }

    /// The `Set-Cookie` value that removes the session cookie.
    pub fn clear_cookie(&self) -> String {
        format!(
            "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
            super::COOKIE,
            if self.secure_cookies { "; Secure" } else { "" }
        )
    }

    /// A state-changing request must come from the console's own pages: its `Origin` (or, when
    /// a browser sends none, its `Referer`) must be the console's origin.
    pub fn origin_allowed(&self, headers: &HeaderMap) -> bool {
        let expected = match &self.public_origin {
            Some(o) => o.clone(),
            None => match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
                Some(host) => format!(
                    "{}://{host}",
                    if self.secure_cookies { "https" } else { "http" }
                ),
                None => return false,
            },
        };
        let got = headers
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .map(origin_of)
            .or_else(|| {
                headers
                    .get(header::REFERER)
                    .and_then(|v| v.to_str().ok())
                    .map(origin_of)
            });
        got.is_some_and(|g| g.eq_ignore_ascii_case(&expected))
    }

    /// On first start with no users, creates an admin with a random password and prints it
    /// once to the log. There is no default password.
    pub async fn bootstrap_admin(&self) -> Result<(), StoreError> {
        if self.store.count_users().await? > 0 {
            return Ok(());
        }
        let password = generate_password();
        if self
            .store
            .add_user(
                "admin",
                &hash_password(&password),
                Role::Admin,
                &[],
                self.clock.now(),
            )
            .await?
            .is_some()
        {
            tracing::warn!(
                username = "admin",
                password = %password,
                "no users existed: created the first admin; this password is shown only once — sign in and keep it safe, or set one with `pushdeck user`"
            );
        }
        Ok(())
    }
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> String {
    let url = url.trim();
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            format!(
                "{}://{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase()
            )
        }
        None => url.to_string(),
    }
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The address a sign-in is throttled under: an IPv4 address as it is, an IPv6 address by its
/// /64 (a client is commonly handed a whole /64, and would otherwise have endless addresses).
fn throttle_address(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(std::net::IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map_or(ip.to_string(), |v4| v4.to_string()),
        _ => ip.to_string(),
    }
}

/// The SHA-256 of a session or API token: what the database keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_and_host() {
        assert_eq!(
            origin_of("http://127.0.0.1:3000/tasks?x=1"),
            "http://127.0.0.1:3000"
        );
        assert_eq!(
            origin_of("HTTPS://Console.Example.com"),
            "https://console.example.com"
        );
    }

    #[test]
    fn an_ipv6_client_is_throttled_by_its_slash_64() {
        assert_eq!(
            throttle_address("2001:db8:1:2:aaaa::1"),
            throttle_address("2001:db8:1:2:ffff:1:2:3")
        );
        assert_ne!(
            throttle_address("2001:db8:1:2::1"),
            throttle_address("2001:db8:1:3::1")
        );
        assert_eq!(throttle_address("203.0.113.9"), "203.0.113.9");
        assert_eq!(throttle_address("::ffff:203.0.113.9"), "203.0.113.9");
        assert_eq!(throttle_address("not an address"), "not an address");
    }

    #[test]
    fn the_wait_starts_after_the_free_attempts_and_doubles_up_to_fifteen_minutes() {
        assert_eq!(backoff_ms(4, 5), 0);
        assert_eq!(backoff_ms(5, 5), 15_000);
        assert_eq!(backoff_ms(6, 5), 30_000);
        assert_eq!(backoff_ms(10, 5), 480_000);
        assert_eq!(backoff_ms(11, 5), MAX_DELAY_MS);
        assert_eq!(backoff_ms(i64::MAX, 5), MAX_DELAY_MS, "no overflow");
    }
}
