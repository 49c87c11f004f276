//! A connection whose request body was not read to its end is closed after the answer.
//!
//! Many answers are decided before the body is read: a sign-in required, a refused origin, a
//! body over the limit (`server/docs/security.md`). The unread rest of the body still sits on
//! the connection. hyper then closes the connection once the answer is written, but the answer
//! itself may already have gone out without saying so, and a client that reuses the connection
//! for its next request has that request cut off ("connection closed before message
//! completed"). RFC 9112 §9.6 asks a server that closes to say `Connection: close`; this layer
//! says it whenever the body was not read to its end, so no client reuses such a connection.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderValue;
use http::header::CONNECTION;
use http_body::{Frame, SizeHint};

/// The middleware (`axum::middleware::from_fn`).
pub async fn close_unless_body_read(req: Request, next: Next) -> Response {
    if req.body().is_end_stream() {
        // No body at all (or an empty one): nothing can be left on the connection.
        return next.run(req).await;
    }
    let read = Arc::new(AtomicBool::new(false));
    let req = req.map(|inner| {
        Body::new(Tracked {
            inner,
            read: read.clone(),
        })
    });
    let mut res = next.run(req).await;
    if !read.load(Ordering::Acquire) {
        res.headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    res
}

/// A request body that records when it has been read to its end.
struct Tracked {
    inner: Body,
    read: Arc<AtomicBool>,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            // The end, read cleanly.
            Poll::Ready(None) => self.read.store(true, Ordering::Release),
            // The last frame: a reader that stops here has read everything.
            Poll::Ready(Some(Ok(_))) if self.inner.is_end_stream() => {
                self.read.store(true, Ordering::Release)
            }
            // An error (the size limit, a cut connection) leaves the rest unread.
            _ => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::routing::post;
    use tower::ServiceExt;

    async fn answer(app: Router, body: &'static str) -> Option<HeaderValue> {
        let req = http::Request::post("/")
            .header(http::header::CONTENT_LENGTH, body.len())
            .body(Body::from(body))
            .unwrap();
        let res = app.oneshot(req).await.unwrap();
        res.headers().get(CONNECTION).cloned()
    }

    fn app(handler: axum::routing::MethodRouter) -> Router {
        Router::new()
            .route("/", handler)
            .layer(axum::middleware::from_fn(close_unless_body_read))
    }

    #[tokio::test]
    async fn a_body_left_unread_closes_the_connection_and_a_read_one_keeps_it() {
        let unread = app(post(|| async { "refused before reading" }));
        assert_eq!(
            answer(unread, "username=a&password=b").await,
            Some(HeaderValue::from_static("close"))
        );

        let read = app(post(|body: String| async move { body }));
        assert_eq!(answer(read, "username=a&password=b").await, None);

        let empty = app(post(|| async { "nothing to read" }));
        assert_eq!(answer(empty, "").await, None);
    }
}
