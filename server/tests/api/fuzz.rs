//! Hostile input over HTTP (issue 14): every route and every server function, each field (or
//! path segment) in turn replaced by a malformed, oversized (10 KB; 100 KB, over the URI and
//! body limits), non-UTF-8 or hostile value, sent anonymously and signed in as a viewer, an
//! operator and an admin; form posts also as plain no-JavaScript forms (their redirect followed);
//! then requests no browser sends: raw bytes on a socket, odd methods, content types and query
//! structures, forged cookies, foreign origins. For every answer:
//!
//! - no 5xx, and no panic on the server's threads (a panic hook records them; the
//!   `CatchPanicLayer` would turn one into a 500 as well). Leptos sends a server function's
//!   typed refusal with HTTP 500 (`server_fn`'s `error_response`); such an answer passes only if
//!   its `AppError`'s own status (`AppError::http_status`) is a 4xx
//!   (`a_server_function_refusal_answers_with_a_4xx` pins that transport down on its own);
//! - the request's text is not reflected: each request carries a marker of its own
//!   (`ZQXJ-planted-000123`), which must not appear in the answer, except where a page is
//!   designed to give a value back to the person who typed it: a form field's `value` (the
//!   search box, the date filters, the push-ID filter, sign-in's `next`) and the links that carry
//!   the same filters (`href`), and `add_user`'s answer naming the user it made. There it must
//!   sit inside its quoted attribute, escaped: no element, event handler or script comes from the
//!   hostile text, and the hostile markup never appears as written;
//! - anonymous requests write nothing but the sign-in bookkeeping: a bounded number of
//!   `login_failures` rows and failed `sign-in` audit rows (every table is compared before and
//!   after the anonymous pass).
//!
//! SQLite only; about 5,000 requests in 15–25 s of a debug build.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use app::domain::Action;
use app::error::AppError;
use pushdeck::auth::hash_password;
use pushdeck::sandbox::TaskSpec;
use pushdeck::store::users::Role;
use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, LOCATION, ORIGIN, REFERER};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::app::{Options, Session, TestApp};
use crate::helpers::{Db, pool};

/// The start of every request's own marker.
const MARK: &str = "ZQXJ-planted";

/// The fuzzed server's threads (its own runtime's), whose panics the hook records.
const THREADS: &str = "pushdeck-fuzz";
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Records panics on [`THREADS`]; the hook is process-wide, so other tests' threads pass
/// through to the previous hook untouched.
fn record_panics() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with(THREADS))
            {
                PANICS.lock().unwrap().push(info.to_string());
            }
            previous(info);
        }));
    });
}

/// A hostile value: text (percent-encoded where it is sent), a raw piece of a URL or a form
/// (sent as it is: broken percent-encoding), or bytes that are not UTF-8.
#[derive(Clone, Debug)]
enum Value {
    Text(String),
    Raw(String),
    Bytes(Vec<u8>),
}

impl Value {
    /// As a query or form value.
    fn encoded(&self) -> String {
        match self {
            Value::Text(t) => enc(t.as_bytes()),
            Value::Raw(r) => r.clone(),
            Value::Bytes(b) => enc(b),
        }
    }

    /// As a form body value: bytes that are not UTF-8 go in as they are.
    fn in_body(&self) -> Vec<u8> {
        match self {
            Value::Bytes(b) => b.clone(),
            other => other.encoded().into_bytes(),
        }
    }

    /// The markup the value carries, which must never reach a page as written.
    fn markup(&self) -> Option<&'static str> {
        match self {
            Value::Text(t) if t.contains("<script>") => Some("<script>alert(1)</script>"),
            Value::Text(t) if t.contains("<img") => Some("<img src=x onerror=alert(1)>"),
            _ => None,
        }
    }
}

/// Percent-encodes everything but the unreserved characters.
fn enc(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len() * 3);
    for &c in b {
        if c.is_ascii_alphanumeric() || b"-_.~".contains(&c) {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// How many values [`hostile`] gives.
const VALUES: usize = 14;

/// The `i`th hostile value, carrying the marker `m` where it can, and its name.
fn hostile(i: usize, m: &str) -> (&'static str, Value) {
    let t = Value::Text;
    match i {
        0 => ("marker", t(m.to_string())),
        1 => ("script", t(format!("<script>alert(1)</script>{m}"))),
        2 => (
            "attribute",
            t(format!("\"><img src=x onerror=alert(1)>{m}'")),
        ),
        3 => ("sql", t(format!("' or 1=1 --{m}"))),
        4 => (
            "traversal",
            t(format!("../../../../etc/passwd/{m}/..%2f..%2f")),
        ),
        5 => (
            "control",
            t(format!("{m}\0\u{1}\u{7}\u{1b}[2J\r\n\t\u{7f}")),
        ),
        6 => (
            "unicode",
            t(format!("\u{202e}{m}\u{200b}\u{feff}😀推送通知 Ωmega")),
        ),
        7 => ("huge number", t("99999999999999999999".into())),
        8 => ("negative", t("-1".into())),
        9 => ("empty", t(String::new())),
        10 => ("bad percent", Value::Raw(format!("%FF%FE%{m}%zz%C0%AF%"))),
        11 => ("not utf-8", {
            let mut b = vec![0xFF, 0xFE, 0xC0, 0xAF, 0xED, 0xA0, 0x80];
            b.extend_from_slice(m.as_bytes());
            b.push(0x80);
            Value::Bytes(b)
        }),
        12 => ("10 KB", t(format!("{m}{}", "x".repeat(10 * 1024)))),
        // Over the 64 KiB body limit: a form refuses it at the edge (413).
        _ => ("100 KB", t(format!("{m}{}", "y".repeat(100 * 1024)))),
    }
}

/// One endpoint: a path (`{seg}` where a path segment is fuzzed), the fields it reads with a
/// baseline value each (`{key}` and `{user}` are made unique per request), GET or a form POST.
struct Endpoint {
    method: &'static str,
    path: String,
    fields: Vec<(&'static str, String)>,
    /// A server function: its refusals travel as typed errors.
    server_fn: bool,
    /// Who sends it: every reader for reads; for writes, up to the role that reaches the
    /// deepest path (and one below it, which must be refused).
    roles: &'static [&'static str],
}

const EVERYONE: &[&str] = &["anonymous", "viewer", "operator", "admin"];
const UP_TO_OPERATOR: &[&str] = &["anonymous", "viewer", "operator"];
const UP_TO_ADMIN: &[&str] = &["anonymous", "operator", "admin"];

fn endpoints(task: &str, act_task: &str) -> Vec<Endpoint> {
    let get = |path: &str, fields: &[(&'static str, &str)]| Endpoint {
        method: "GET",
        path: path.to_string(),
        fields: fields.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        server_fn: path.starts_with("/api/"),
        roles: EVERYONE,
    };
    let post =
        |path: &str, fields: &[(&'static str, &str)], roles: &'static [&'static str]| Endpoint {
            method: "POST",
            path: path.to_string(),
            fields: fields.iter().map(|(k, v)| (*k, v.to_string())).collect(),
            server_fn: true,
            roles,
        };
    let app = ("app", "demo-android");
    vec![
        // The pages (app/src/ui/shell.rs) and the fallback.
        get("/", &[("x", "1")]),
        get(
            "/tasks",
            &[
                app,
                ("status", "pushing"),
                ("platform", "android"),
                ("audience", "all"),
                ("from", "2026-01-01"),
                ("to", "2027-12-31"),
                ("q", "Sandbox"),
                ("sort", "oldest"),
                ("after", ""),
                ("before", ""),
            ],
        ),
        get(
            &format!("/tasks/{task}"),
            &[app, ("confirm", "terminate"), ("done", ""), ("__err", "")],
        ),
        get("/tasks/{seg}", &[app]),
        get(
            "/audit",
            &[
                ("user", ""),
                ("action", "sign-in"),
                ("push_id", ""),
                ("from", "2026-01-01"),
                ("to", ""),
                ("before", ""),
            ],
        ),
        get("/admin", &[("__err", "")]),
        get("/login", &[("next", "/tasks"), ("__err", "")]),
        get("/{seg}", &[]),
        get("/pkg/{seg}", &[]),
        // The plain endpoints (startup::router).
        get("/healthz", &[("x", "1")]),
        get("/readyz", &[("x", "1")]),
        get("/events", &[app, ("watch", task)]),
        get(
            "/audit.csv",
            &[
                ("user", ""),
                ("action", ""),
                ("push_id", ""),
                ("from", ""),
                ("to", ""),
            ],
        ),
        // Server functions read by GET (app/src/api).
        get("/api/apps", &[("x", "1")]),
        get("/api/session", &[("x", "1")]),
        get("/api/admin", &[("x", "1")]),
        get(
            "/api/tasks",
            &[
                ("query[app]", "demo-android"),
                ("query[statuses][0]", "Pushing"),
                ("query[platform]", "Android"),
                ("query[audience]", "All"),
                ("query[created_from]", "2026-01-01"),
                ("query[created_to]", "2027-12-31"),
                ("query[q]", "Sandbox"),
                ("query[oldest_first]", "true"),
                ("query[after]", "1.1"),
                ("query[before]", "1.1"),
            ],
        ),
        get("/api/task", &[app, ("push_id", task)]),
        get(
            "/api/audit",
            &[
                ("query[user]", "admin"),
                ("query[action]", "sign-in"),
                ("query[push_id]", task),
                ("query[from]", "2026-01-01"),
                ("query[to]", "2027-12-31"),
                ("query[before]", "100"),
            ],
        ),
        // Server functions that write, as form posts (`logout` goes last, on its own).
        post(
            "/api/login",
            &[
                ("username", "nobody"),
                ("password", "wrong-password"),
                ("next", "/tasks"),
            ],
            &["anonymous", "viewer"],
        ),
        post(
            "/api/act",
            &[
                app,
                ("push_id", act_task),
                ("action", "override"),
                ("idempotency_key", "{key}"),
                ("typed_confirmation", act_task),
                ("title", "Corrected title"),
                ("content", "Corrected content"),
                ("choice", "continue"),
                ("click", "url"),
                ("url", "https://shop.example.com/sale"),
                ("intent", ""),
            ],
            UP_TO_OPERATOR,
        ),
        post("/api/refresh", &[app, ("push_id", task)], UP_TO_OPERATOR),
        post(
            "/api/admin/add_user",
            &[
                ("username", "{user}"),
                ("role", "viewer"),
                ("password", ""),
                ("perm_terminate", "on"),
                ("perm_recall", ""),
                ("perm_override", "on"),
                ("perm_cancel", ""),
            ],
            UP_TO_ADMIN,
        ),
        post(
            "/api/admin/update_user",
            &[
                ("username", "fuzz-target"),
                ("role", "operator"),
                ("perm_terminate", "on"),
                ("perm_recall", "on"),
                ("perm_override", ""),
                ("perm_cancel", "on"),
            ],
            UP_TO_ADMIN,
        ),
        post(
            "/api/admin/disable_user",
            &[("username", "fuzz-target")],
            UP_TO_ADMIN,
        ),
        post(
            "/api/admin/enable_user",
            &[("username", "fuzz-target")],
            UP_TO_ADMIN,
        ),
        post(
            "/api/admin/reset_password",
            &[
                ("username", "fuzz-target"),
                ("password", "a-new-password-123"),
            ],
            UP_TO_ADMIN,
        ),
    ]
}

/// What a run found.
#[derive(Default)]
struct Findings {
    failures: Vec<String>,
    /// The failures by endpoint, field and kind of problem.
    groups: BTreeMap<String, usize>,
    /// Markers given back by design, by where (`input.value`, `a.href`).
    echoed: BTreeMap<String, usize>,
    statuses: BTreeMap<u16, usize>,
    requests: usize,
}

/// What a request carried, for judging its answer.
struct Sent {
    label: String,
    marker: Option<String>,
    markup: Option<&'static str>,
    server_fn: bool,
    /// An endpoint that streams (`/events`): only its status is read.
    stream: bool,
    /// A successful answer names what the field made (`add_user`'s username).
    names_what_it_made: bool,
}

struct Fuzz {
    app: TestApp,
    sessions: BTreeMap<&'static str, Session>,
    task: String,
    act_task: String,
    n: AtomicUsize,
    found: Mutex<Findings>,
}

impl Fuzz {
    fn next(&self) -> usize {
        self.n.fetch_add(1, Ordering::SeqCst)
    }

    fn session(&self, who: &str) -> Option<&Session> {
        self.sessions.get(who)
    }

    fn fail(&self, label: &str, what: String) {
        // Grouped as "endpoint field: kind of problem" for the summary.
        let place = label.split_once(' ').map_or(label, |(_, rest)| rest);
        let place = place.rsplit_once('=').map_or(place, |(p, _)| p);
        let kind = what.split_once(": ").map_or(what.as_str(), |(h, rest)| {
            if h.starts_with("HTTP ") { rest } else { h }
        });
        let kind = kind.split([':', '…']).next().unwrap_or(kind).trim();
        let mut f = self.found.lock().unwrap();
        *f.groups.entry(format!("{place}: {kind}")).or_default() += 1;
        f.failures.push(format!("{label}: {what}"));
    }

    /// Every endpoint's path segment or fields, one hostile value at a time, as `who`.
    async fn walk(&self, who: &'static str) {
        for ep in endpoints(&self.task, &self.act_task) {
            if !ep.roles.contains(&who) {
                continue;
            }
            let targets: Vec<Option<usize>> = if ep.path.contains("{seg}") {
                vec![None]
            } else if ep.fields.is_empty() {
                vec![]
            } else {
                (0..ep.fields.len()).map(Some).collect()
            };
            for target in targets {
                for i in 0..VALUES {
                    let n = self.next();
                    let m = format!("{MARK}-{n:06}");
                    let (name, value) = hostile(i, &m);
                    let field = match target {
                        Some(f) => ep.fields[f].0,
                        None => "{path}",
                    };
                    let label = format!("{who} {} {} {field}={name}", ep.method, ep.path);
                    let sent = Sent {
                        label,
                        marker: value_carries_marker(&value, &m).then(|| m.clone()),
                        markup: value.markup(),
                        server_fn: ep.server_fn,
                        stream: ep.path == "/events",
                        names_what_it_made: ep.path == "/api/admin/add_user" && field == "username",
                    };
                    let (target_url, body) = self.target_and_body(&ep, target, &value, n);
                    if ep.method == "GET" && target_url.len() > 60_000 {
                        // Longer than any URI the HTTP libraries build (64 KiB): on a socket.
                        let cookie = self
                            .session(who)
                            .map(|s| format!("Cookie: {}\r\n", s.cookie))
                            .unwrap_or_default();
                        let addr = self.app.base.trim_start_matches("http://");
                        let bytes = format!(
                            "GET {target_url} HTTP/1.1\r\nHost: {addr}\r\n{cookie}\
                             Connection: close\r\n\r\n"
                        );
                        self.raw(&sent.label, bytes.as_bytes(), &m, false).await;
                        continue;
                    }
                    let req = self.request(who, &ep, target_url, body, false);
                    self.send(req, &sent).await;
                    // Without JavaScript a form posts as HTML and comes back to the page with
                    // its error in the URL: the page it lands on must not show the text either.
                    if ep.method == "POST" && (name == "marker" || name == "attribute") {
                        let n = self.next();
                        let m = format!("{MARK}-{n:06}");
                        let (_, value) = hostile(i, &m);
                        let sent = Sent {
                            label: format!("{} (plain form)", sent.label),
                            marker: Some(m),
                            ..sent
                        };
                        let (target_url, body) = self.target_and_body(&ep, target, &value, n);
                        let req = self.request(who, &ep, target_url, body, true);
                        self.send_plain_form(who, req, &sent).await;
                    }
                }
            }
        }
    }

    /// The path and query, and the form body, of an endpoint with `value` in its `target`
    /// field (or its path segment).
    fn target_and_body(
        &self,
        ep: &Endpoint,
        target: Option<usize>,
        value: &Value,
        n: usize,
    ) -> (String, Vec<u8>) {
        let baseline = |v: &str| {
            v.replace("{key}", &format!("fuzz-key-{n}"))
                .replace("{user}", &format!("fuzz-user-{n}"))
        };
        let path = ep.path.replace("{seg}", &value.encoded());
        let mut joined: Vec<u8> = Vec::new();
        for (j, (k, v)) in ep.fields.iter().enumerate() {
            if j > 0 {
                joined.push(b'&');
            }
            joined.extend_from_slice(k.as_bytes());
            joined.push(b'=');
            if target == Some(j) {
                if ep.method == "POST" {
                    joined.extend_from_slice(&value.in_body());
                } else {
                    joined.extend_from_slice(value.encoded().as_bytes());
                }
            } else {
                joined.extend_from_slice(enc(baseline(v).as_bytes()).as_bytes());
            }
        }
        if ep.method == "GET" {
            let q = String::from_utf8(joined).expect("a query is ASCII");
            if q.is_empty() {
                (path, Vec::new())
            } else {
                (format!("{path}?{q}"), Vec::new())
            }
        } else {
            (path, joined)
        }
    }

    /// The request as a browser (or its script) sends it.
    fn request(
        &self,
        who: &str,
        ep: &Endpoint,
        target_url: String,
        body: Vec<u8>,
        plain_form: bool,
    ) -> reqwest::RequestBuilder {
        let app = &self.app;
        let mut req = if ep.method == "GET" {
            app.http.get(format!("{}{target_url}", app.base))
        } else {
            let req = app
                .http
                .post(format!("{}{target_url}", app.base))
                .header(ORIGIN, &app.base)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body);
            if plain_form {
                req.header(ACCEPT, "text/html,application/xhtml+xml")
                    .header(
                        REFERER,
                        format!("{}/tasks/{}?app=demo-android", app.base, self.task),
                    )
            } else {
                req.header(ACCEPT, "application/json")
            }
        };
        if let Some(s) = self.session(who) {
            req = req.header(COOKIE, &s.cookie);
        }
        req
    }

    /// A request written on a socket of its own; its answer must be below 500 and must not
    /// show `marker`. `truncated`: the request is cut short, and closing without an answer is
    /// an answer.
    async fn raw(&self, label: &str, bytes: &[u8], marker: &str, truncated: bool) {
        let addr = self.app.base.trim_start_matches("http://").to_string();
        let started = Instant::now();
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        // The server may stop reading (and answer) before a huge request is all sent.
        let _ = s.write_all(bytes).await;
        if truncated {
            // The body is short of its Content-Length: tell the server nothing more comes.
            let _ = s.shutdown().await;
        }
        let mut answer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut answer)).await;
        if read.is_err() {
            return self.fail(label, format!("no answer within {:?}", started.elapsed()));
        }
        let text = String::from_utf8_lossy(&answer);
        let status: u16 = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        {
            let mut fd = self.found.lock().unwrap();
            fd.requests += 1;
            *fd.statuses.entry(status).or_default() += 1;
        }
        let closed_on_a_cut_request = truncated && answer.is_empty();
        let header_end = text.find("\r\n\r\n").unwrap_or(text.len());
        let body = &text[header_end..];
        if !(100..500).contains(&status) && !closed_on_a_cut_request {
            self.fail(
                label,
                format!(
                    "HTTP {status}: {} … {}",
                    excerpt(&text, 0, 40),
                    excerpt(body, 0, 300)
                ),
            );
        }
        for (at, c) in marker_contexts(body, marker) {
            if !ECHO_CONTEXTS.contains(&c.as_str()) {
                self.fail(
                    label,
                    format!(
                        "HTTP {status}: the request's text is shown ({c}): …{}…",
                        excerpt(body, at, 100)
                    ),
                );
            }
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder, sent: &Sent) -> Option<String> {
        let res = match send_once_more_on_a_dropped_connection(req).await {
            Ok(r) => r,
            Err(e) => {
                self.fail(&sent.label, format!("no answer: {}", with_causes(&e)));
                return None;
            }
        };
        self.judge(res, sent).await
    }

    /// A no-JavaScript form post: follow its redirect back to the page, as a browser would.
    async fn send_plain_form(&self, who: &str, req: reqwest::RequestBuilder, sent: &Sent) {
        let res = match send_once_more_on_a_dropped_connection(req).await {
            Ok(r) => r,
            Err(e) => return self.fail(&sent.label, format!("no answer: {}", with_causes(&e))),
        };
        let location = res
            .headers()
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        self.judge(res, sent).await;
        let Some(location) = location else { return };
        let url = if location.starts_with('/') {
            format!("{}{location}", self.app.base)
        } else if location.starts_with(&self.app.base) {
            location
        } else {
            return self.fail(
                &sent.label,
                format!("redirected off the console: {location}"),
            );
        };
        let mut req = self.app.http.get(url);
        if let Some(s) = self.session(who) {
            req = req.header(COOKIE, &s.cookie);
        }
        let sent = Sent {
            label: format!("{} → its redirect", sent.label),
            marker: sent.marker.clone(),
            markup: sent.markup,
            server_fn: false,
            stream: false,
            names_what_it_made: false,
        };
        self.send(req, &sent).await;
    }

    /// Judges an answer; returns its body.
    async fn judge(&self, res: reqwest::Response, sent: &Sent) -> Option<String> {
        let status = res.status().as_u16();
        let typed = res.headers().contains_key("serverfnerror");
        let html = res
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|c| c.to_str().ok())
            .is_some_and(|c| c.starts_with("text/html"));
        {
            let mut f = self.found.lock().unwrap();
            f.requests += 1;
            *f.statuses.entry(status).or_default() += 1;
        }
        if sent.stream && status == 200 {
            // The event stream stays open: its status is the answer.
            return None;
        }
        let body = match res.bytes().await {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                self.fail(&sent.label, format!("HTTP {status}, body unreadable: {e}"));
                return None;
            }
        };
        if status >= 500 {
            match serde_json::from_str::<AppError>(&body) {
                // A refusal answers with its own status (`http::server_fn_status`).
                Ok(e) if sent.server_fn && typed && e.http_status() < 500 => self.fail(
                    &sent.label,
                    format!("a refusal sent as HTTP {status}: {e:?}"),
                ),
                Ok(e) if sent.server_fn && typed => self.fail(
                    &sent.label,
                    format!("a server error ({} by its kind): {e:?}", e.http_status()),
                ),
                _ => self.fail(
                    &sent.label,
                    format!("HTTP {status}: {}", excerpt(&body, 0, 300)),
                ),
            }
        }
        if let Some(m) = &sent.marker {
            if sent.names_what_it_made
                && (200..400).contains(&status)
                && serde_json::from_str::<AppError>(&body).is_err()
            {
                // The answer names what the request made (a new user): by design.
                *self
                    .found
                    .lock()
                    .unwrap()
                    .echoed
                    .entry("the name of what it made".into())
                    .or_default() += 1;
            } else if html {
                for (at, context) in marker_contexts(&body, m) {
                    if ECHO_CONTEXTS.contains(&context.as_str()) {
                        *self
                            .found
                            .lock()
                            .unwrap()
                            .echoed
                            .entry(context)
                            .or_default() += 1;
                    } else {
                        self.fail(
                            &sent.label,
                            format!(
                                "HTTP {status}: the request's text is shown ({context}): …{}…",
                                excerpt(&body, at, 120)
                            ),
                        );
                    }
                }
            } else if let Some(at) = body.find(m.as_str()) {
                self.fail(
                    &sent.label,
                    format!(
                        "HTTP {status}: the request's text is in the answer: …{}…",
                        excerpt(&body, at, 160)
                    ),
                );
            }
        }
        if html {
            for problem in markup_problems(&body) {
                self.fail(&sent.label, format!("HTTP {status}: {problem}"));
            }
        }
        if let Some(markup) = sent.markup
            && let Some(at) = body.find(markup)
        {
            self.fail(
                &sent.label,
                format!(
                    "HTTP {status}: the hostile markup is in the answer as written: …{}…",
                    excerpt(&body, at, 120)
                ),
            );
        }
        Some(body)
    }
}

/// Whether the value, as the server decodes it, still holds the marker as one piece.
fn value_carries_marker(v: &Value, m: &str) -> bool {
    match v {
        Value::Text(t) => t.contains(m),
        Value::Raw(r) => r.contains(m),
        Value::Bytes(b) => b.windows(m.len()).any(|w| w == m.as_bytes()),
    }
}

/// Where a page may give back what its own user typed: the form field and the links that carry
/// the filters (the search box, the date and push-ID filters, sign-in's `next`).
const ECHO_CONTEXTS: &[&str] = &["input.value", "a.href"];

/// `s` around byte `at`, on character boundaries.
fn excerpt(s: &str, at: usize, radius: usize) -> String {
    let mut start = at.saturating_sub(radius);
    while !s.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + radius).min(s.len());
    while !s.is_char_boundary(end) {
        end += 1;
    }
    s[start..end].replace('\n', "⏎")
}

/// One tag of a page: its name, and each attribute's name and value span.
struct Tag {
    name: String,
    attrs: Vec<(String, std::ops::Range<usize>)>,
}

/// The tags of a page, and the spans of text inside `<script>`, `<style>`, `<title>` and
/// `<textarea>` (text whatever it holds) and comments.
fn tags(html: &str) -> (Vec<Tag>, Vec<(String, std::ops::Range<usize>)>) {
    let b = html.as_bytes();
    let (mut tags, mut raw) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if html[i..].starts_with("<!--") {
            let end = html[i..].find("-->").map_or(b.len(), |e| i + e + 3);
            raw.push(("comment".to_string(), i..end));
            i = end;
            continue;
        }
        let mut j = i + 1;
        if b.get(j) == Some(&b'/') {
            j += 1;
        }
        if !b.get(j).is_some_and(u8::is_ascii_alphabetic) && b.get(j) != Some(&b'!') {
            i += 1;
            continue;
        }
        let closing = b[i + 1] == b'/';
        let start = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-' || b[j] == b'!') {
            j += 1;
        }
        let name = html[start..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                j += 1;
                break;
            }
            if b[j] == b'/' {
                j += 1;
                continue;
            }
            let s = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !b"=>/".contains(&b[j]) {
                j += 1;
            }
            let key = html[s..j].to_ascii_lowercase();
            if j == s {
                j += 1;
                continue;
            }
            let mut span = j..j;
            if b.get(j) == Some(&b'=') {
                j += 1;
                match b.get(j) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        let end = html[j + 1..].find(q as char).map_or(b.len(), |e| j + 1 + e);
                        span = j + 1..end;
                        j = end + 1;
                    }
                    _ => {
                        let s = j;
                        while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                            j += 1;
                        }
                        span = s..j;
                    }
                }
            }
            attrs.push((key, span));
        }
        let j = j.min(b.len());
        if !closing && ["script", "style", "title", "textarea"].contains(&name.as_str()) {
            let close = format!("</{name}");
            let end = html[j..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(b.len(), |e| j + e);
            raw.push((name.clone(), j..end));
            tags.push(Tag { name, attrs });
            i = end;
            continue;
        }
        if !closing {
            tags.push(Tag { name, attrs });
        }
        i = j;
    }
    (tags, raw)
}

/// Where each occurrence of `marker` sits in a page: `tag.attribute`, `text`, or the element
/// whose raw text holds it (`script`, `title`, …).
fn marker_contexts(html: &str, marker: &str) -> Vec<(usize, String)> {
    let (tags, raw) = tags(html);
    html.match_indices(marker)
        .map(|(at, _)| {
            for t in &tags {
                for (k, span) in &t.attrs {
                    if span.contains(&at) {
                        return (at, format!("{}.{k}", t.name));
                    }
                }
            }
            for (name, span) in &raw {
                if span.contains(&at) {
                    return (at, format!("{name} text"));
                }
            }
            (at, "text".to_string())
        })
        .collect()
}

/// Elements and attributes no page of the console writes, which could only come from hostile
/// text: an event handler, a script without this response's nonce, an image or a frame.
fn markup_problems(html: &str) -> Vec<String> {
    let (tags, _) = tags(html);
    let mut out = Vec::new();
    for t in &tags {
        if ["img", "svg", "iframe", "object", "embed", "math", "base"].contains(&t.name.as_str()) {
            out.push(format!("an element the console never writes: <{}>", t.name));
        }
        for (k, span) in &t.attrs {
            if k.starts_with("on") {
                out.push(format!(
                    "an event handler {k}={:?} on <{}>",
                    &html[span.clone()],
                    t.name
                ));
            }
        }
        if t.name == "script" && !t.attrs.iter().any(|(k, _)| k == "nonce") {
            out.push("a script without a nonce".to_string());
        }
    }
    out
}

/// Every row of every table, as text, per table: what a request wrote shows as a difference.
async fn snapshot(app: &TestApp) -> BTreeMap<String, Vec<String>> {
    use sqlx::{Column, Row};
    let p = pool(&app.services.store);
    let names: Vec<String> = sqlx::query(
        "select name from sqlite_master where type = 'table' \
         and name not like 'sqlite_%' and name not like '_sqlx%' order by name",
    )
    .fetch_all(p)
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get::<String, _>(0).unwrap())
    .collect();
    assert!(names.len() >= 10, "the tables: {names:?}");
    let mut out = BTreeMap::new();
    for t in names {
        let rows = sqlx::query(&format!("select * from {t}"))
            .fetch_all(p)
            .await
            .unwrap();
        let mut lines: Vec<String> = rows
            .iter()
            .map(|r| {
                r.columns()
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let cell = r
                            .try_get::<String, _>(i)
                            .or_else(|_| r.try_get::<i64, _>(i).map(|v| v.to_string()))
                            .or_else(|_| r.try_get::<f64, _>(i).map(|v| v.to_string()))
                            .unwrap_or_else(|_| "NULL".into());
                        format!("{}={cell}", c.name())
                    })
                    .collect::<Vec<_>>()
                    .join("\t")
            })
            .collect();
        lines.sort();
        out.insert(t, lines);
    }
    out
}

/// Rows of `after` not in `before`, and rows of `before` gone from `after`.
fn difference(before: &[String], after: &[String]) -> (Vec<String>, Vec<String>) {
    let mut count: BTreeMap<&str, i64> = BTreeMap::new();
    for r in before {
        *count.entry(r).or_default() -= 1;
    }
    for r in after {
        *count.entry(r).or_default() += 1;
    }
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    for (r, n) in count {
        for _ in 0..n.max(0) {
            added.push(r.to_string());
        }
        for _ in 0..(-n).max(0) {
            removed.push(r.to_string());
        }
    }
    (added, removed)
}

/// Requests a client library would not send: bytes that are not UTF-8 in the request line and
/// in headers, a header of 10 KB, a truncated request. Sent on a socket of their own; answers
/// must still be below 500 and carry no marker.
async fn raw_requests(f: &Fuzz, who: &str) {
    let addr = f.app.base.trim_start_matches("http://").to_string();
    let cookie = f
        .session(who)
        .map(|s| format!("Cookie: {}\r\n", s.cookie))
        .unwrap_or_default();
    let mut cases: Vec<(String, Vec<u8>, String)> = Vec::new();
    for (what, line) in [
        ("a query", "GET /tasks?app=demo-android&q=\u{0}MARK"),
        ("a path", "GET /tasks/MARK"),
        ("the audit filters", "GET /audit?user=MARK&push_id=MARK"),
        ("a server function", "GET /api/tasks?query[q]=MARK"),
        ("sign-in", "GET /login?next=/MARK"),
    ] {
        let n = f.next();
        let m = format!("{MARK}-{n:06}");
        let mut req: Vec<u8> = Vec::new();
        for (k, piece) in line.split("MARK").enumerate() {
            if k > 0 {
                req.extend_from_slice(&[0xFF, 0xFE, 0xC3]);
                req.extend_from_slice(m.as_bytes());
                req.push(0x80);
            }
            req.extend_from_slice(piece.as_bytes());
        }
        req.extend_from_slice(
            format!(" HTTP/1.1\r\nHost: {addr}\r\n{cookie}Connection: close\r\n\r\n").as_bytes(),
        );
        cases.push((format!("raw bytes in {what}"), req, m));
    }
    let n = f.next();
    let m = format!("{MARK}-{n:06}");
    let mut bad_cookie =
        format!("GET /tasks HTTP/1.1\r\nHost: {addr}\r\nCookie: pushdeck_session=").into_bytes();
    bad_cookie.extend_from_slice(&[0xFF, 0xFE]);
    bad_cookie.extend_from_slice(format!("{m}\r\nConnection: close\r\n\r\n").as_bytes());
    cases.push(("a cookie that is not UTF-8".into(), bad_cookie, m));
    let n = f.next();
    let m = format!("{MARK}-{n:06}");
    let long_header = format!(
        "GET /api/session HTTP/1.1\r\nHost: {addr}\r\n{cookie}X-Forwarded-For: {m}{}\r\n\
         User-Agent: {m}\r\nConnection: close\r\n\r\n",
        "9".repeat(10 * 1024)
    );
    cases.push(("a 10 KB header".into(), long_header.into_bytes(), m));
    let n = f.next();
    let m = format!("{MARK}-{n:06}");
    let mut form = format!(
        "POST /api/act HTTP/1.1\r\nHost: {addr}\r\n{cookie}Origin: {}\r\n\
         Accept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 400\r\nConnection: close\r\n\r\n",
        f.app.base
    )
    .into_bytes();
    form.extend_from_slice(format!("app=demo-android&push_id={m}&action=\u{0}").as_bytes());
    cases.push(("a body shorter than its Content-Length".into(), form, m));
    for (what, bytes, m) in cases {
        let truncated = what.contains("shorter than");
        f.raw(&format!("{who} {what}"), &bytes, &m, truncated).await;
    }
}

/// Methods, content types and bodies a browser's form never sends.
async fn odd_requests(f: &Fuzz, who: &'static str) {
    let app = &f.app;
    let cookie = f.session(who).map(|s| s.cookie.clone());
    let with = |r: reqwest::RequestBuilder| match &cookie {
        Some(c) => r.header(COOKIE, c),
        None => r,
    };
    let mut cases: Vec<(String, reqwest::RequestBuilder, String, bool)> = Vec::new();
    for method in ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE"] {
        for path in ["/tasks", "/api/act", "/api/tasks", "/audit.csv", "/events"] {
            let n = f.next();
            let m = format!("{MARK}-{n:06}");
            let req = app
                .http
                .request(
                    reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                    format!("{}{path}?app={m}", app.base),
                )
                .header(ORIGIN, &app.base)
                .body(format!("push_id={m}"));
            cases.push((
                format!("{method} {path}"),
                with(req),
                m,
                path.starts_with("/api/"),
            ));
        }
    }
    let bodies: [(&str, &str); 5] = [
        (
            "application/json",
            "{\"app\":\"MARK\",\"push_id\":[1,{\"a\":null}],\"action\":1e999}",
        ),
        ("text/plain", "app=MARK&push_id=1"),
        (
            "multipart/form-data; boundary=x",
            "--x\r\nContent-Disposition: form-data; name=\"app\"\r\n\r\nMARK\r\n--x--",
        ),
        (
            "application/x-www-form-urlencoded",
            "app=MARK&app=MARK&push_id&=&&&%&action[]=MARK&action[x][y]=1",
        ),
        ("", "MARK"),
    ];
    for path in [
        "/api/act",
        "/api/login",
        "/api/admin/add_user",
        "/api/refresh",
    ] {
        for (ctype, body) in bodies {
            let n = f.next();
            let m = format!("{MARK}-{n:06}");
            let mut req = app
                .http
                .post(format!("{}{path}", app.base))
                .header(ORIGIN, &app.base)
                .header(ACCEPT, "application/json")
                .body(body.replace("MARK", &m));
            if !ctype.is_empty() {
                req = req.header(CONTENT_TYPE, ctype);
            }
            cases.push((format!("POST {path} as {ctype:?}"), with(req), m, true));
        }
    }
    for (path, origin) in [
        ("/api/act", "http://evil.example"),
        ("/api/login", "null"),
        ("/api/admin/add_user", "http://127.0.0.1.evil.example"),
    ] {
        let n = f.next();
        let m = format!("{MARK}-{n:06}");
        let req = app
            .http
            .post(format!("{}{path}", app.base))
            .header(ORIGIN, origin)
            .form(&[("username", m.as_str()), ("app", m.as_str())]);
        cases.push((format!("POST {path} from {origin}"), with(req), m, true));
    }
    // The server function the GETs call, posted to; the form-posted ones, read by GET.
    for path in ["/api/tasks", "/api/session", "/api/act", "/api/logout"] {
        let n = f.next();
        let m = format!("{MARK}-{n:06}");
        let req = app
            .http
            .get(format!("{}{path}?app={m}&query[app]={m}", app.base));
        cases.push((format!("GET {path}"), with(req), m.clone(), true));
    }
    // Keys the GET server functions' query decoder reads as structure.
    for q in [
        "query[app][0][1][2]=MARK",
        "query=MARK",
        "query[statuses]=MARK&query[statuses][]=MARK",
        "query[statuses][99999999999]=Pushing",
        "query[before]=-99999999999999999999&query[user]=MARK",
        &format!("{}=MARK", "query[a]".repeat(500)),
    ] {
        for path in ["/api/tasks", "/api/audit", "/api/task"] {
            let n = f.next();
            let m = format!("{MARK}-{n:06}");
            let req = app
                .http
                .get(format!("{}{path}?{}", app.base, q.replace("MARK", &m)));
            cases.push((
                format!("GET {path}?{}", excerpt(q, 0, 40)),
                with(req),
                m,
                true,
            ));
        }
    }
    // A forged session cookie, and many of them.
    for cookie_value in [
        "pushdeck_session=MARK".to_string(),
        "pushdeck_session=; pushdeck_session=MARK; pushdeck_session=\"MARK\"".to_string(),
        format!("pushdeck_session={}MARK", "A".repeat(8 * 1024)),
    ] {
        for path in ["/tasks", "/api/session", "/api/apps"] {
            let n = f.next();
            let m = format!("{MARK}-{n:06}");
            let req = app
                .http
                .get(format!("{}{path}", app.base))
                .header(COOKIE, cookie_value.replace("MARK", &m));
            cases.push((
                format!("GET {path} with a forged cookie"),
                req,
                m,
                path.starts_with("/api/"),
            ));
        }
    }
    for (what, req, m, server_fn) in cases {
        let sent = Sent {
            label: format!("{who} {what}"),
            marker: Some(m),
            markup: None,
            server_fn,
            stream: what.contains("/events"),
            names_what_it_made: false,
        };
        f.send(req, &sent).await;
    }
}

/// Sends every hostile request as every role and judges every answer (SQLite; see the module's
/// documentation).
#[test]
fn hostile_requests_get_no_5xx_no_panic_no_reflection_and_anonymous_ones_write_nothing() {
    record_panics();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(THREADS)
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            // On a worker, where the server's own tasks run too.
            if let Err(e) = tokio::spawn(fuzz()).await {
                std::panic::resume_unwind(e.into_panic());
            }
        });
}

async fn fuzz() {
    let started = Instant::now();
    // The detector detects: a panic on the server's threads is recorded.
    let _ = tokio::spawn(async { panic!("{MARK}: the panic hook's own check") }).await;
    assert_eq!(
        std::mem::take(&mut *PANICS.lock().unwrap()).len(),
        1,
        "the panic hook records the server's threads"
    );
    let app = TestApp::spawn_with(
        Db::Sqlite,
        Options {
            // No heartbeat in the background: every row that changes is a request's.
            tweak: Some(|c| c.sync.reconcile_every_secs = 0.0),
            ..Default::default()
        },
    )
    .await;
    let task = app.task("demo-android", &TaskSpec::default()).await;
    let act_task = app.task("demo-android", &TaskSpec::default()).await;
    let mut sessions = BTreeMap::new();
    sessions.insert("viewer", app.user("vera", Role::Viewer, &[]).await);
    sessions.insert("operator", app.operator("otto").await);
    sessions.insert("admin", app.user("ada", Role::Admin, &Action::ALL).await);
    let leaving = app.operator("lea").await;
    app.services
        .store
        .add_user(
            "fuzz-target",
            &hash_password("fuzz-target-password-1"),
            Role::Viewer,
            &[],
            app.services.clock.now(),
        )
        .await
        .unwrap()
        .unwrap();
    let f = Fuzz {
        app,
        sessions,
        task,
        act_task,
        n: AtomicUsize::new(0),
        found: Mutex::new(Findings::default()),
    };

    // Anonymous first, between two pictures of the database.
    let before = snapshot(&f.app).await;
    f.walk("anonymous").await;
    raw_requests(&f, "anonymous").await;
    odd_requests(&f, "anonymous").await;
    let logout = f
        .app
        .http
        .post(format!("{}/api/logout", f.app.base))
        .header(ORIGIN, &f.app.base)
        .header(ACCEPT, "application/json");
    f.send(
        logout,
        &Sent {
            label: "anonymous POST /api/logout".into(),
            marker: None,
            markup: None,
            server_fn: true,
            stream: false,
            names_what_it_made: false,
        },
    )
    .await;
    let after = snapshot(&f.app).await;
    let anonymous_done = started.elapsed();
    let max_failures = i64::from(f.app.services.config.auth.max_failures);
    for (table, rows) in &after {
        let (added, removed) = difference(before.get(table).map_or(&[][..], |r| r), rows);
        assert!(
            removed.is_empty(),
            "anonymous requests removed or changed rows of {table}: {removed:#?}"
        );
        match table.as_str() {
            // One row per counted attempt and key (3); an address gets 4 × max_failures free
            // attempts, then one more each time its doubling wait is over.
            "login_failures" => assert!(
                added.len() as i64 <= 3 * (4 * max_failures + 3),
                "{} login_failures rows for anonymous guesses",
                added.len()
            ),
            // A burst is audited at its milestones, counted per username and address: each
            // new username's first failure is one row, so an address's free attempts bound
            // them (not the four rows of one username's thousand guesses, `auth.rs`).
            "audit_log" => {
                assert!(
                    added.len() as i64 <= 4 * max_failures + 3,
                    "{} audit rows: {added:#?}",
                    added.len()
                );
                for r in &added {
                    assert!(
                        r.contains("action=sign-in") && !r.contains("outcome=succeeded"),
                        "anonymous requests wrote an audit row other than a failed sign-in: {r}"
                    );
                }
            }
            _ => assert!(
                added.is_empty(),
                "anonymous requests wrote to {table}: {added:#?}"
            ),
        }
    }
    for table in before.keys() {
        assert!(after.contains_key(table), "the table {table} is gone");
    }

    // Then signed in, as each role.
    for who in ["viewer", "operator", "admin"] {
        f.walk(who).await;
        raw_requests(&f, who).await;
        odd_requests(&f, who).await;
    }
    // Signing out, hostile or not, ends only the caller's own session.
    let n = f.next();
    let logout = f
        .app
        .http
        .post(format!("{}/api/logout?x={MARK}-{n:06}", f.app.base))
        .header(ORIGIN, &f.app.base)
        .header(ACCEPT, "application/json")
        .header(COOKIE, &leaving.cookie)
        .form(&[("x", format!("{MARK}-{n:06}"))]);
    f.send(
        logout,
        &Sent {
            label: "signed-in POST /api/logout".into(),
            marker: Some(format!("{MARK}-{n:06}")),
            markup: None,
            server_fn: true,
            stream: false,
            names_what_it_made: false,
        },
    )
    .await;
    let still = f.app.get(f.session("viewer"), "/api/session").await;
    assert!(
        still.text().await.unwrap().contains("\"vera\""),
        "the other sessions survive"
    );

    let panics = PANICS.lock().unwrap().clone();
    let found = f.found.lock().unwrap();
    eprintln!(
        "fuzz: {} requests in {:?} (anonymous pass {:?}); statuses {:?}; markers given back by \
         design {:?}",
        found.requests,
        started.elapsed(),
        anonymous_done,
        found.statuses,
        found.echoed
    );
    assert!(
        panics.is_empty(),
        "the server panicked:\n{}",
        panics.join("\n")
    );
    let shown: Vec<&str> = found.failures.iter().take(60).map(String::as_str).collect();
    let groups: Vec<String> = found
        .groups
        .iter()
        .map(|(g, n)| format!("{n:>4} × {g}"))
        .collect();
    assert!(
        found.failures.is_empty(),
        "{} of {} hostile requests were mishandled, by endpoint and field:\n{}\n\nThe first \
         of them:\n{}{}",
        found.failures.len(),
        found.requests,
        groups.join("\n"),
        shown.join("\n"),
        if found.failures.len() > shown.len() {
            format!("\n… and {} more", found.failures.len() - shown.len())
        } else {
            String::new()
        }
    );
    assert!(
        found.requests > 2000,
        "the walk covered {} requests",
        found.requests
    );
}

/// A server function's refusal is the browser's fault (or a sign-in away), not the server's:
/// it answers with the refusal's own status (`AppError::http_status`), as the plain endpoints
/// do, not the 500 Leptos's `server_fn` sends for every error (`http::server_fn_status`).
#[tokio::test]
async fn a_server_function_refusal_answers_with_a_4xx() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let res = app.get(None, "/api/apps").await;
    let status = res.status().as_u16();
    let error: AppError = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    assert_eq!(error, AppError::Unauthorized);
    let res = app
        .post(
            None,
            "/api/login",
            &[("username", "nobody"), ("password", "x")],
        )
        .await;
    let login_status = res.status().as_u16();
    app.stop().await;
    assert_eq!(
        (status, login_status),
        (401, 422),
        "an anonymous read and a wrong password"
    );
}

/// An answer given before the request's body was read (a foreign origin, a sign-in required)
/// leaves the rest of the body on the connection: the answer says `Connection: close`, so the
/// client's next request goes on a fresh connection instead of one the server is closing. Before
/// this, the fuzz walk's next request on such a connection was now and then cut off ("no
/// answer").
#[tokio::test]
async fn an_answer_given_before_the_body_was_read_closes_its_connection() {
    let app = TestApp::spawn(Db::Sqlite).await;
    // One client, one pooled connection at a time: every request would reuse the last one.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .unwrap();
    let body = "x".repeat(60_000);
    let mut closed = Vec::new();
    for (what, path, origin) in [
        ("a foreign origin", "/api/login", "http://elsewhere.example"),
        ("a sign-in required", "/audit.csv", app.base.as_str()),
    ] {
        for _ in 0..20 {
            let refused = http
                .post(format!("{}{path}", app.base))
                .header(ORIGIN, origin)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            assert!(
                refused.status().is_client_error(),
                "{what}: {}",
                refused.status()
            );
            closed.push((
                what,
                refused
                    .headers()
                    .get(reqwest::header::CONNECTION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
            ));
            // The next request on the same client is answered.
            let next = http.get(format!("{}/healthz", app.base)).send().await;
            assert!(
                next.is_ok_and(|r| r.status().is_success()),
                "{what}: the next request"
            );
        }
    }
    // A body that was read keeps its connection.
    let read = app
        .post(
            None,
            "/api/login",
            &[("username", "nobody"), ("password", "x")],
        )
        .await;
    let kept = read.headers().get(reqwest::header::CONNECTION).cloned();
    app.stop().await;
    assert!(
        closed.iter().all(|(_, c)| c.as_deref() == Some("close")),
        "{closed:?}"
    );
    assert_eq!(
        kept, None,
        "a sign-in whose body was read keeps its connection"
    );
}

/// The error and its causes, for a "no answer" (reqwest's own message names only the request).
fn with_causes(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        text.push_str(&format!(": {c}"));
        cause = c.source();
    }
    text
}

/// Sends `req`, once more if no connection to the server could be made at all (a machine out
/// of ports under the test's load, say): the request never reached the server. Any other error
/// (a connection dropped mid-answer, a timeout) is the server's and is not retried.
async fn send_once_more_on_a_dropped_connection(
    req: reqwest::RequestBuilder,
) -> reqwest::Result<reqwest::Response> {
    let again = req.try_clone();
    match (req.send().await, again) {
        (Err(e), Some(again)) if e.is_connect() => again.send().await,
        (other, _) => other,
    }
}
