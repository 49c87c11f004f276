//! A page render has a deadline.
//!
//! A page's server rendering waits for its resources inside Leptos's `<Suspense>`. Now and then,
//! on a loaded machine, one render never finished and its request hung with no answer: the HTTP
//! fuzz walk saw one page GET in some thousands time out after 90 s while the server went on
//! answering everything else at once. That is the shape of Leptos 0.8's Suspense lost-wake-up
//! races (leptos-rs/leptos#4851, #4673, #4698; fixed in part in 0.8.23, the newest 0.8), but the
//! cause here is not found: moving each render to a thread of its own did not end it.
//!
//! So a render that has not finished by [`RENDER_DEADLINE`] is dropped (which cancels it and
//! frees what it held) and started once more; after a second miss the page answers 503 with
//! "reload". An operator's page never hangs. Rendering a page only reads (and notes that the
//! task is being watched), so starting it again repeats nothing that matters. Each miss is logged
//! with its path.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{Method, StatusCode};

/// How long a page render may take before it is started again. A render takes well under a
/// second even on a loaded test machine.
pub const RENDER_DEADLINE: Duration = Duration::from_secs(10);

/// The deadline the middleware applies ([`RENDER_DEADLINE`]; shorter in tests).
#[derive(Clone, Copy, Debug)]
pub struct Deadline(pub Duration);

impl Default for Deadline {
    fn default() -> Self {
        Deadline(RENDER_DEADLINE)
    }
}

/// Whether a request is a page for Leptos to render (not a server function, a stream, a file or
/// a health check).
fn is_page(req: &Request) -> bool {
    let path = req.uri().path();
    matches!(*req.method(), Method::GET | Method::HEAD)
        && !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && !matches!(
            path,
            "/events"
                | "/healthz"
                | "/readyz"
                | "/audit.csv"
                | "/tasks.csv"
                | "/metrics"
                | "/favicon.svg"
                | "/keys.js"
        )
}

/// The middleware (`axum::middleware::from_fn_with_state`).
pub async fn render_within_deadline(
    State(Deadline(deadline)): State<Deadline>,
    req: Request,
    next: Next,
) -> Response {
    if !is_page(&req) {
        return next.run(req).await;
    }
    // A page GET's body, if a client sent one, is not read.
    let (parts, _) = req.into_parts();
    for attempt in 1..=2 {
        let req = Request::from_parts(parts.clone(), Body::empty());
        match tokio::time::timeout(deadline, next.clone().run(req)).await {
            Ok(res) => return res,
            Err(_) => tracing::error!(
                path = %parts.uri.path(),
                attempt,
                "a page render did not finish in {deadline:?}"
            ),
        }
    }
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(http::header::RETRY_AFTER, "1")],
        "The page took too long to render. Please reload it.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::routing::get;
    use tower::ServiceExt;

    /// A render that never finishes is dropped and started again; one that never finishes twice
    /// answers 503. Server functions have no deadline here.
    #[tokio::test]
    async fn a_render_past_its_deadline_is_started_again_and_then_refused() {
        let renders = Arc::new(AtomicUsize::new(0));
        let dropped = Arc::new(AtomicUsize::new(0));
        struct Count(Arc<AtomicUsize>);
        impl Drop for Count {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let app = |hang_first: usize| {
            let (renders, dropped) = (renders.clone(), dropped.clone());
            let handler = move || {
                let n = renders.fetch_add(1, Ordering::SeqCst);
                let guard = Count(dropped.clone());
                async move {
                    if n < hang_first {
                        std::future::pending::<()>().await;
                    }
                    drop(guard);
                    "the page"
                }
            };
            axum::Router::new()
                .route("/tasks", get(handler.clone()))
                .route("/api/slow", get(handler))
                .layer(axum::middleware::from_fn_with_state(
                    Deadline(Duration::from_millis(200)),
                    render_within_deadline,
                ))
        };
        let get = |path: &str| http::Request::get(path).body(Body::empty()).unwrap();

        let res = app(1).oneshot(get("/tasks")).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "the second render answers");
        assert_eq!(renders.swap(0, Ordering::SeqCst), 2);
        assert_eq!(
            dropped.swap(0, Ordering::SeqCst),
            2,
            "the hung render was dropped"
        );

        let res = app(2).oneshot(get("/tasks")).await.unwrap();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            renders.swap(0, Ordering::SeqCst),
            2,
            "started twice, not more"
        );

        let slow =
            tokio::time::timeout(Duration::from_millis(600), app(1).oneshot(get("/api/slow")))
                .await;
        assert!(slow.is_err(), "a server function is not cut short");
        assert_eq!(renders.load(Ordering::SeqCst), 1);
    }
}
