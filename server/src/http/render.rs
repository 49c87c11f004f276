//! Pages are rendered each on one thread.
//!
//! A page's server rendering waits for its resources inside Leptos's `<Suspense>`: the resources
//! load as tasks of their own, and the boundary is told when the last one is done. On tokio's
//! multi-threaded runtime those tasks finish on other threads while the boundary checks them,
//! and Leptos 0.8 has had lost-wakeup races there (leptos-rs/leptos#4851, #4673, #4698; fixed in
//! part in 0.8.23): now and then a page never finished rendering and its request hung with no
//! answer (the HTTP fuzz walk saw one GET in some thousands time out after 90 s). Here every page
//! render, with every task it spawns, runs on one render thread (a current-thread runtime), so
//! those checks and wake-ups never race; other requests (server functions, `/events`, health)
//! stay on the multi-threaded runtime.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::FutureExt;
use http::{Method, StatusCode};
use tokio::sync::{mpsc, oneshot};

type Job = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()>>> + Send>;

/// Render threads, each running a current-thread runtime; jobs are dealt round-robin. The
/// threads end when the pool is dropped (the server stopped).
pub struct RenderPool {
    threads: Vec<mpsc::UnboundedSender<Job>>,
    next: AtomicUsize,
    /// [`RENDER_DEADLINE`], shorter in tests.
    deadline: Duration,
}

impl RenderPool {
    /// `threads` render threads, named after the thread that builds the pool
    /// (`<name>-render-<i>`), so a panic on them is attributed to the server that owns them.
    pub fn new(threads: usize) -> std::io::Result<Arc<RenderPool>> {
        let base = match std::thread::current().name() {
            None | Some("main") => "pushdeck".to_string(),
            Some(name) => name.to_string(),
        };
        let mut senders = Vec::new();
        for i in 0..threads.max(1) {
            let (tx, mut rx) = mpsc::unbounded_channel::<Job>();
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            std::thread::Builder::new()
                .name(format!("{base}-render-{i}"))
                .spawn(move || {
                    let local = tokio::task::LocalSet::new();
                    local.block_on(&runtime, async move {
                        while let Some(job) = rx.recv().await {
                            tokio::task::spawn_local(job());
                        }
                    });
                })?;
            senders.push(tx);
        }
        Ok(Arc::new(RenderPool {
            threads: senders,
            next: AtomicUsize::new(0),
            deadline: RENDER_DEADLINE,
        }))
    }

    /// The same pool with another render deadline (tests).
    pub fn with_deadline(self: Arc<Self>, deadline: Duration) -> Arc<RenderPool> {
        let pool = Arc::try_unwrap(self).unwrap_or_else(|_| panic!("the pool is shared"));
        Arc::new(RenderPool { deadline, ..pool })
    }

    /// Runs `make()`'s future on a render thread and gives back its output; a panic there is
    /// resumed here (for the panic layer to answer).
    pub async fn run<F, Fut>(&self, make: F) -> Fut::Output
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future + 'static,
        Fut::Output: Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move || {
            Box::pin(async move {
                let out = AssertUnwindSafe(make()).catch_unwind().await;
                let _ = tx.send(out);
            })
        });
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.threads.len();
        if self.threads[i].send(job).is_err() {
            panic!("a render thread has stopped");
        }
        match rx.await {
            Ok(Ok(out)) => out,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => panic!("a render thread dropped a page"),
        }
    }
}

/// Whether a request is a page for Leptos to render (not a server function, a stream, a file or
/// a health check).
fn is_page(req: &Request) -> bool {
    let path = req.uri().path();
    req.method() == Method::GET
        && !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && !matches!(
            path,
            "/events" | "/healthz" | "/readyz" | "/audit.csv" | "/favicon.svg" | "/keys.js"
        )
}

/// How long a page render may take before it is started again. A render takes well under a
/// second even on a loaded test machine.
pub const RENDER_DEADLINE: Duration = Duration::from_secs(10);

/// The middleware (`axum::middleware::from_fn_with_state`).
///
/// A render that has not finished by [`RENDER_DEADLINE`] is started once more, and after a
/// second miss the page answers 503 ("try again"): an operator's page never hangs. Rendering a
/// page only reads (and notes that the task is being watched), so starting it again repeats
/// nothing that matters. The render threads did not end the rare hang the fuzz walk sees (one
/// page GET in some thousands, on a loaded machine, with the server otherwise healthy); its
/// cause is not found yet, and each miss is logged with its path.
pub async fn render_pages_on_one_thread(
    State(pool): State<Arc<RenderPool>>,
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
        let next = next.clone();
        match tokio::time::timeout(pool.deadline, pool.run(move || next.run(req))).await {
            Ok(res) => return res,
            Err(_) => tracing::error!(
                path = %parts.uri.path(),
                attempt,
                "a page render did not finish in {:?}",
                pool.deadline
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_job_and_every_task_it_spawns_run_on_one_render_thread() {
        let pool = std::thread::spawn(|| RenderPool::new(2).unwrap())
            .join()
            .unwrap();
        for _ in 0..4 {
            let threads = pool
                .run(|| async {
                    let mut seen = vec![std::thread::current().id()];
                    for _ in 0..8 {
                        let h = tokio::spawn(async {
                            tokio::task::yield_now().await;
                            std::thread::current().id()
                        });
                        seen.push(h.await.unwrap());
                    }
                    seen
                })
                .await;
            assert!(threads.iter().all(|t| *t == threads[0]), "{threads:?}");
            assert_ne!(threads[0], std::thread::current().id());
        }
        let panicked = AssertUnwindSafe(pool.run(|| async { panic!("in a render") }))
            .catch_unwind()
            .await;
        assert!(panicked.is_err(), "a panic comes back to the caller");
        assert_eq!(pool.run(|| async { 7 }).await, 7, "and the thread goes on");
    }

    /// A render that never finishes is started again; one that never finishes twice answers 503.
    #[tokio::test]
    async fn a_render_past_its_deadline_is_started_again_and_then_refused() {
        use axum::routing::get;
        use tower::ServiceExt;
        let pool = RenderPool::new(1)
            .unwrap()
            .with_deadline(Duration::from_millis(200));
        let renders = Arc::new(AtomicUsize::new(0));
        let app = |hang_first: usize| {
            let renders = renders.clone();
            axum::Router::new()
                .route(
                    "/tasks",
                    get(move || {
                        let n = renders.fetch_add(1, Ordering::SeqCst);
                        async move {
                            if n < hang_first {
                                std::future::pending::<()>().await;
                            }
                            "the page"
                        }
                    }),
                )
                .layer(axum::middleware::from_fn_with_state(
                    pool.clone(),
                    render_pages_on_one_thread,
                ))
        };
        let get = || http::Request::get("/tasks").body(Body::empty()).unwrap();
        let res = app(1).oneshot(get()).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "the second render answers");
        assert_eq!(renders.swap(0, Ordering::SeqCst), 2);
        let res = app(2).oneshot(get()).await.unwrap();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(renders.load(Ordering::SeqCst), 2, "started twice, not more");
    }
}
