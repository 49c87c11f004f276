//! The HTTP side: one reqwest client with timeouts, authentication per app, retries only where a
//! repeat is harmless.

use std::time::Duration;

use rand::Rng;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::Serialize;
use serde_json::{Value, json};

use super::envelope;
use super::error::{TpnsError, codes};
use super::records::{ChannelStat, PushRecord, PushResponse, RecordPage, RecordQuery};
use super::request::PushRequest;
use super::sign::{basic_authorization, signature};
use super::{AuthScheme, Credentials, Endpoint};
use crate::clock::SharedClock;

/// How the client behaves on the wire.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// Time to open a connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Time for a whole request, from sending to the last byte of the answer.
    pub request_timeout: Duration,
    /// Further attempts after a transient failure, for calls that are safe to repeat.
    pub max_retries: u32,
    /// The first retry waits about this long; each further one twice as long (plus jitter).
    pub retry_base_delay: Duration,
    /// Where the signature's `TimeStamp` comes from: the same clock as the rest of the server, so
    /// that a test driving the sandbox on a manual clock signs with the sandbox's time.
    pub clock: SharedClock,
    /// Told of every attempt and how it ended (the console counts them for `/metrics`).
    pub observer: Option<std::sync::Arc<dyn CallObserver>>,
}

/// Hears of each attempt of a call: its endpoint, how it ended, how long it took.
pub trait CallObserver: Send + Sync + std::fmt::Debug {
    fn observe(&self, endpoint: Endpoint, result: CallResult, elapsed: Duration);
}

/// How one attempt ended, as a metric label: `ok`, TPNS's error code, or the transport's trouble.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallResult {
    Ok,
    Code(i64),
    Timeout,
    Connect,
    Transport,
    HttpStatus(u16),
    Malformed,
}

impl CallResult {
    pub fn of(r: &Result<Value, TpnsError>) -> CallResult {
        match r {
            Ok(_) => CallResult::Ok,
            Err(TpnsError::Upstream { code, .. }) => CallResult::Code(*code),
            Err(TpnsError::Timeout) => CallResult::Timeout,
            Err(TpnsError::Connect(_)) => CallResult::Connect,
            Err(TpnsError::Transport(_)) => CallResult::Transport,
            Err(TpnsError::HttpStatus { status }) => CallResult::HttpStatus(*status),
            Err(TpnsError::Malformed(_)) => CallResult::Malformed,
        }
    }
}

impl std::fmt::Display for CallResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallResult::Ok => f.write_str("ok"),
            CallResult::Code(c) => write!(f, "{c}"),
            CallResult::Timeout => f.write_str("timeout"),
            CallResult::Connect => f.write_str("connect"),
            CallResult::Transport => f.write_str("transport"),
            CallResult::HttpStatus(s) => write!(f, "http_{s}"),
            CallResult::Malformed => f.write_str("malformed"),
        }
    }
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(10),
            max_retries: 2,
            retry_base_delay: Duration::from_millis(200),
            clock: SharedClock::system(),
            observer: None,
        }
    }
}

/// The TPNS REST client, built once and shared (cloning is cheap: the connection pool is shared).
#[derive(Clone, Debug)]
pub struct TpnsClient {
    http: reqwest::Client,
    options: ClientOptions,
}

impl TpnsClient {
    pub fn new(options: ClientOptions) -> TpnsClient {
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .user_agent(concat!("pushdeck/", env!("CARGO_PKG_VERSION")))
            .build()
            // Building fails only when the TLS backend cannot initialise, which no configuration
            // can fix at run time.
            .expect("the HTTP client (rustls) can be built");
        TpnsClient { http, options }
    }

    /// The same client without automatic retries. The sync worker counts every call in its
    /// quota ledger before making it, and a retry the ledger never saw could spend upstream
    /// budget it does not know about; it retries on a later tick instead, counted again.
    pub fn without_retries(&self) -> TpnsClient {
        let mut options = self.options.clone();
        options.max_retries = 0;
        TpnsClient {
            http: self.http.clone(),
            options,
        }
    }

    /// Creates a task (`/v3/push/app`, §2), or overrides one when `req.collapse_id` is set.
    /// Never retried: a lost answer may hide a push that went out, and a second one would notify
    /// every device twice. The caller reconciles by reading tasks back.
    pub async fn push(
        &self,
        c: &Credentials,
        req: &PushRequest,
    ) -> Result<PushResponse, TpnsError> {
        let v = self.call(c, Endpoint::Push, encode(req)).await?;
        envelope::push_response(&v)
    }

    /// Terminate: drops the task's offline messages still in their storage period (§5).
    pub async fn stop_push(&self, c: &Credentials, push_id: &str) -> Result<(), TpnsError> {
        self.action(c, Endpoint::Stop, push_id).await
    }

    /// Recall: as stop, and removes shown, unclicked notifications (§5; offline on real TPNS).
    pub async fn revoke_push(&self, c: &Credentials, push_id: &str) -> Result<(), TpnsError> {
        self.action(c, Endpoint::Revoke, push_id).await
    }

    /// Cancels a scheduled task before its send time (§5).
    pub async fn cancel_timing_task(
        &self,
        c: &Credentials,
        push_id: &str,
    ) -> Result<(), TpnsError> {
        self.action(c, Endpoint::Cancel, push_id).await
    }

    /// One task's record (§3.1). An unknown ID, or one older than TPNS keeps, is an error of kind
    /// `NotFound`.
    pub async fn push_record(
        &self,
        c: &Credentials,
        push_id: &str,
    ) -> Result<PushRecord, TpnsError> {
        let v = self
            .call(c, Endpoint::Record, encode(&json!({ "pushId": push_id })))
            .await?;
        let mut records = envelope::records(&v);
        match records.iter().position(|r| r.push_id == push_id) {
            Some(i) => Ok(records.swap_remove(i)),
            None if records.len() == 1 => Ok(records.swap_remove(0)),
            // A success without the record means the same to the console as 1008015.
            None => Err(TpnsError::upstream(
                codes::NOT_FOUND,
                "no record for this push ID",
            )),
        }
    }

    /// One page of the tasks created in a date range (§3.2).
    pub async fn push_records(
        &self,
        c: &Credentials,
        query: &RecordQuery,
    ) -> Result<RecordPage, TpnsError> {
        let v = self.call(c, Endpoint::RecordList, encode(query)).await?;
        Ok(envelope::record_page(&v))
    }

    /// Per-channel counters of one task (§4.1), including TPNS's `all` row.
    pub async fn task_stat_channel(
        &self,
        c: &Credentials,
        push_id: &str,
    ) -> Result<Vec<ChannelStat>, TpnsError> {
        let v = self
            .call(c, Endpoint::TaskStat, encode(&json!({ "pushId": push_id })))
            .await?;
        Ok(envelope::channel_stats(&v))
    }

    /// The three actions take one field, `pushId` in the parameter table but `pushid` in every
    /// sample body (§5). Send the documented spelling and, if TPNS says a parameter is missing,
    /// once more with the sampled one.
    async fn action(&self, c: &Credentials, ep: Endpoint, push_id: &str) -> Result<(), TpnsError> {
        match self
            .call(c, ep, encode(&json!({ "pushId": push_id })))
            .await
        {
            Err(e) if e.code() == Some(codes::MISSING_PARAMETER) => {
                tracing::debug!(endpoint = %ep, "TPNS missed pushId; sending it as pushid");
                self.call(c, ep, encode(&json!({ "pushid": push_id })))
                    .await
                    .map(drop)
            }
            other => other.map(drop),
        }
    }

    /// Sends `body`, retrying transient failures with exponential backoff when `ep` is safe to
    /// repeat. Returns the whole answer once its envelope says success.
    #[tracing::instrument(level = "debug", skip_all, fields(endpoint = %ep, access_id = %c.access_id))]
    async fn call(&self, c: &Credentials, ep: Endpoint, body: Vec<u8>) -> Result<Value, TpnsError> {
        let attempts = if ep.is_safe_to_repeat() {
            1 + self.options.max_retries
        } else {
            1
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = std::time::Instant::now();
            let result = self.send_once(c, ep, &body).await;
            if let Some(o) = &self.options.observer {
                o.observe(ep, CallResult::of(&result), started.elapsed());
            }
            match result {
                Err(e) if e.is_transient() && attempt < attempts => {
                    let delay = self.backoff(attempt);
                    tracing::warn!(error = %e, attempt, delay_ms = delay.as_millis() as u64, "TPNS call failed; retrying");
                    tokio::time::sleep(delay).await;
                }
                Err(e) => {
                    tracing::debug!(error = %e, attempt, "TPNS call failed");
                    return Err(e);
                }
                Ok(v) => return Ok(v),
            }
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.options.retry_base_delay;
        let exp = base.saturating_mul(1 << (attempt - 1).min(16));
        let jitter_ms = rand::thread_rng().gen_range(0..=base.as_millis().max(1) as u64 / 2);
        exp + Duration::from_millis(jitter_ms)
    }

    async fn send_once(
        &self,
        c: &Credentials,
        ep: Endpoint,
        body: &[u8],
    ) -> Result<Value, TpnsError> {
        if c.base_url.is_empty() {
            return Err(TpnsError::Connect(
                "no TPNS base URL is configured for this app".into(),
            ));
        }
        let url = format!("{}{}", c.base_url.trim_end_matches('/'), ep.path());
        let mut req = self.http.post(url).header(CONTENT_TYPE, "application/json");
        match c.auth {
            AuthScheme::Signature => {
                // Signed over exactly the bytes sent below; a fresh TimeStamp on every attempt.
                let ts = self.options.clock.now();
                let sign = signature(&c.secret, ts, &c.access_id, body);
                req = req
                    .header("AccessId", c.access_id.as_str())
                    .header("TimeStamp", ts.to_string())
                    .header("Sign", sensitive(&sign)?);
            }
            AuthScheme::Basic => {
                req = req.header(
                    AUTHORIZATION,
                    sensitive(&basic_authorization(&c.access_id, &c.secret))?,
                );
            }
        }
        let resp = req.body(body.to_vec()).send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.map_err(transport)?;
        tracing::debug!(status, bytes = bytes.len(), "TPNS answered");
        envelope::open(status, &bytes)
    }
}

/// A header value kept out of `Debug` output and HTTP/2 header tables.
fn sensitive(value: &str) -> Result<HeaderValue, TpnsError> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        TpnsError::Connect("the credentials contain characters a header cannot carry".into())
    })?;
    v.set_sensitive(true);
    Ok(v)
}

fn encode<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    // Request types have string keys and plain values only, for which serde_json cannot fail.
    serde_json::to_vec(value).expect("a TPNS request encodes as JSON")
}

/// Classifies a reqwest failure without its URL (which names only the host, but the operator
/// needs the cause, not the address) and with the underlying cause, which reqwest keeps in its
/// source chain.
fn transport(e: reqwest::Error) -> TpnsError {
    if e.is_timeout() {
        return TpnsError::Timeout;
    }
    let connect = e.is_connect();
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    let text: String = text.chars().take(240).collect();
    if connect {
        TpnsError::Connect(text)
    } else {
        TpnsError::Transport(text)
    }
}

#[cfg(test)]
mod tests;
