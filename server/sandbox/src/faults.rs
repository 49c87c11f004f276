//! Fault injection per endpoint, for tests: latency, no answer, 5xx, a dropped connection,
//! malformed JSON, or a chosen `ret_code`; each either before the call takes effect (nothing
//! happened) or after it (TPNS did it, then the answer was lost or replaced by an error: the
//! most common real failure of a remote write).

use std::collections::BTreeMap;
use std::time::Duration;

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use tpns::Endpoint;

/// What an endpoint does instead of (or before) answering normally.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// Delay before the answer (or before the failure below).
    #[serde(default)]
    pub latency_ms: u64,
    /// The failure; `None` adds only the latency.
    #[serde(default)]
    pub kind: Option<FaultKind>,
    /// The fault applies to this many calls, then clears itself; `None`: until cleared.
    #[serde(default)]
    pub times: Option<u32>,
    /// Whether the call takes effect first.
    #[serde(default)]
    pub when: FaultWhen,
}

/// When a fault strikes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultWhen {
    /// Before the call is applied: nothing happened upstream.
    #[default]
    Before,
    /// After the call is applied (the task was created, stopped, recalled or canceled), the
    /// answer is delayed, lost, broken or replaced by the error.
    After,
}

/// A way to fail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FaultKind {
    /// Never answer (until the sandbox shuts down): the client's timeout fires.
    Timeout,
    /// An HTTP error status with an HTML body, as a gateway sends.
    Status { status: u16 },
    /// Start the answer, then break the connection.
    Drop,
    /// A 200 whose body is cut-off JSON.
    Malformed,
    /// A TPNS error in the endpoint's envelope; the message defaults to TPNS's wording.
    RetCode { code: i64, message: Option<String> },
}

impl Fault {
    pub fn latency(d: Duration) -> Fault {
        Fault {
            latency_ms: d.as_millis() as u64,
            ..Fault::default()
        }
    }
    pub fn timeout() -> Fault {
        Fault::of(FaultKind::Timeout)
    }
    pub fn status(status: u16) -> Fault {
        Fault::of(FaultKind::Status { status })
    }
    pub fn drop_connection() -> Fault {
        Fault::of(FaultKind::Drop)
    }
    pub fn malformed() -> Fault {
        Fault::of(FaultKind::Malformed)
    }
    pub fn ret_code(code: i64) -> Fault {
        Fault::of(FaultKind::RetCode {
            code,
            message: None,
        })
    }
    /// Limits the fault to the next `n` calls.
    pub fn times(mut self, n: u32) -> Fault {
        self.times = Some(n);
        self
    }
    /// Strikes after the call has taken effect.
    pub fn after_effect(mut self) -> Fault {
        self.when = FaultWhen::After;
        self
    }
    /// Adds latency (before the failure, or before the answer).
    pub fn with_latency(mut self, d: Duration) -> Fault {
        self.latency_ms = d.as_millis() as u64;
        self
    }
    fn of(kind: FaultKind) -> Fault {
        Fault {
            kind: Some(kind),
            ..Fault::default()
        }
    }
}

/// The faults switched on, per endpoint.
#[derive(Debug, Default)]
pub(crate) struct Faults(BTreeMap<Endpoint, Fault>);

impl Faults {
    pub(crate) fn set(&mut self, ep: Endpoint, fault: Fault) {
        self.0.insert(ep, fault);
    }
    pub(crate) fn clear(&mut self, ep: Option<Endpoint>) {
        match ep {
            Some(ep) => {
                self.0.remove(&ep);
            }
            None => self.0.clear(),
        }
    }
    pub(crate) fn list(&self) -> BTreeMap<String, Fault> {
        self.0
            .iter()
            .map(|(k, v)| (k.key().to_string(), v.clone()))
            .collect()
    }

    /// The fault for this call, counting it against `times`.
    pub(crate) fn take(&mut self, ep: Endpoint) -> Option<Fault> {
        let fault = self.0.get_mut(&ep)?;
        let out = fault.clone();
        match &mut fault.times {
            Some(0) => {
                self.0.remove(&ep);
                return None;
            }
            Some(1) => {
                self.0.remove(&ep);
            }
            Some(n) => *n -= 1,
            None => {}
        }
        Some(out)
    }
}

/// The answer of a failure that needs no TPNS logic (all but `Timeout` and `RetCode`).
pub(crate) fn broken_response(kind: &FaultKind) -> Response {
    match kind {
        FaultKind::Status { status } => {
            let code = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY);
            (
                code,
                [("content-type", "text/html")],
                format!("<html><body><h1>{code}</h1></body></html>"),
            )
                .into_response()
        }
        FaultKind::Malformed => (
            [("content-type", "application/json")],
            r#"{"ret_code":0,"retCode":0,"push_id":"39000"#,
        )
            .into_response(),
        // A body that fails at once: hyper sends the head and then aborts the connection, which
        // the client sees as a connection broken mid-answer.
        _ => {
            let stream = futures::stream::once(async {
                Err::<bytes::Bytes, std::io::Error>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "fault: drop",
                ))
            });
            Response::new(Body::from_stream(stream))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_limited_to_n_calls_clears_itself() {
        let mut f = Faults::default();
        f.set(Endpoint::Push, Fault::status(503).times(2));
        assert!(f.take(Endpoint::Push).is_some());
        assert!(f.take(Endpoint::Push).is_some());
        assert!(f.take(Endpoint::Push).is_none());
        f.set(Endpoint::Stop, Fault::timeout());
        assert!((0..5).all(|_| f.take(Endpoint::Stop).is_some()));
        assert!(f.take(Endpoint::Record).is_none());
    }

    #[test]
    fn faults_read_from_the_admin_json() {
        let f: Fault =
            serde_json::from_str(r#"{"kind":{"type":"ret_code","code":1008028},"times":1}"#)
                .unwrap();
        assert_eq!(f, Fault::ret_code(1008028).times(1));
        let f: Fault = serde_json::from_str(r#"{"latency_ms":250}"#).unwrap();
        assert_eq!(f, Fault::latency(Duration::from_millis(250)));
        let f: Fault =
            serde_json::from_str(r#"{"kind":{"type":"timeout"},"when":"after"}"#).unwrap();
        assert_eq!(f, Fault::timeout().after_effect());
    }
}
