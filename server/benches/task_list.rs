//! The Task List with a million tasks: p50 and p99 of a page (50 rows, a status filter plus a
//! search) beside the raw SQL the store runs for it, in the same run, on SQLite and on
//! PostgreSQL: a common word and a rare one (on SQLite, by the FTS5 index, beside the `LIKE` scan
//! every search was before issue 17), and where a cheap page's time goes, each part timed alone.
//!
//! `cargo bench -p server --bench task_list` (PostgreSQL at `PUSHDECK_TEST_POSTGRES_URL`, default
//! the local server; `PUSHDECK_BENCH_TASKS` changes the million).

use std::time::{Duration, Instant};

use app::domain::Status;
use pushdeck::auth::hash_password;
use pushdeck::clock::SharedClock;
use pushdeck::config::Config;
use pushdeck::startup::Application;
use pushdeck::store::tasks::{ListFilter, Page, SearchBy, list_sql};
use pushdeck::store::users::Role;
use pushdeck::store::{Backend, Store};

/// The allocator of the `pushdeck` binary: the console is measured as it runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const APP: &str = "bench";
const WORDS: [&str; 24] = [
    "spring", "sale", "flash", "deal", "new", "arrivals", "weekend", "coupon", "order", "shipped",
    "price", "drop", "member", "points", "expire", "today", "free", "delivery", "back", "stock",
    "event", "reminder", "last", "chance",
];
const STATUSES: [(&str, u32); 8] = [
    ("PUSH_FINISHED", 55),
    ("PUSH_STARTED", 8),
    ("PUSH_WAIT", 4),
    ("PUSH_DELETED_PUSH_MSG", 10),
    ("PUSH_CANCELED", 8),
    ("PUSH_COLLAPSED", 5),
    ("PUSH_REVOKED", 5),
    ("PUSH_FAILED", 5),
];

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let n: i64 = std::env::var("PUSHDECK_BENCH_TASKS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1_000_000);
        let dir = std::env::temp_dir().join(format!("pushdeck-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let sqlite = format!("sqlite://{}/bench.db", dir.display());
        run("SQLite", &sqlite, n).await;
        let admin = std::env::var("PUSHDECK_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("pushdeck_bench_{}", std::process::id());
        exec(&admin, &format!("create database {name}")).await;
        let base = admin.rsplit_once('/').unwrap().0.to_string();
        run("PostgreSQL", &format!("{base}/{name}"), n).await;
        exec(
            &admin,
            &format!("drop database if exists {name} with (force)"),
        )
        .await;
        let _ = std::fs::remove_dir_all(dir);
    });
}

async fn exec(url: &str, sql: &str) {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut c = sqlx::AnyConnection::connect(url).await.unwrap();
    sqlx::query(sql).execute(&mut c).await.unwrap();
}

async fn run(label: &str, url: &str, n: i64) {
    let mut config = Config::default();
    config.server.listen = ([127, 0, 0, 1], 0).into();
    config.database.url = url.into();
    config.sandbox.enabled = false;
    config.sync.enabled = false;
    config.log.filter = "warn".into();
    let pw = "bench-password-123";
    config.apps = vec![];
    let store = Store::connect(url, 5, Duration::from_secs(5))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let t = Instant::now();
    seed(&store, n).await;
    println!(
        "{label}: seeded {n} tasks in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    store
        .add_user("bench", &hash_password(pw), Role::Viewer, &[], 0)
        .await
        .unwrap();
    store.close().await;

    let app_env = [
        ("PUSHDECK__APPS__0__ID", APP),
        ("PUSHDECK__APPS__0__NAME", "Bench"),
        ("PUSHDECK__APPS__0__PLATFORM", "android"),
        ("PUSHDECK__APPS__0__ACCESS_ID", "1"),
        ("PUSHDECK__APPS__0__SECRET_KEY", "x"),
        ("PUSHDECK__APPS__0__ACCESS_POINT", "custom"),
        ("PUSHDECK__APPS__0__BASE_URL", "http://127.0.0.1:9"),
    ];
    let env: Vec<(String, String)> = app_env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut config = Config::load_from(None, &env).unwrap();
    config.server.listen = ([127, 0, 0, 1], 0).into();
    config.database.url = url.into();
    config.sandbox.enabled = false;
    config.sync.enabled = false;
    let app = Application::build_with(config, SharedClock::system())
        .await
        .unwrap();
    let base = format!("http://{}", app.local_addr());
    let services = app.services();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http
        .post(format!("{base}/api/login"))
        .header("origin", &base)
        .form(&[("username", "bench"), ("password", pw)])
        .send()
        .await
        .unwrap();
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("pushdeck_session="))
        .map(|c| c.split(';').next().unwrap().to_string())
        .expect("signed in");
    // One GET as the signed-in viewer: the body and how long it took.
    let timed_get = async |url: &str| {
        let t = Instant::now();
        let body = http
            .get(url)
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        (body, t.elapsed())
    };

    // The same list through the JSON API, with a token (no cookie).
    let token = services
        .tokens
        .add(
            &pushdeck::users::Changer::command_line(),
            "bench",
            "bench",
            &[],
            None,
        )
        .await
        .unwrap()
        .secret;
    let timed_api = async |url: &str| {
        let t = Instant::now();
        let body = http
            .get(url)
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        (body, t.elapsed())
    };

    // Two searches with the status filter "pushing": a common word (a full page of 50 found
    // after a short scan) and a rare promotion code (a few rows among a million).
    let store = services.store.clone();
    let pool = store.pool_for_tests().clone();
    for (term, full_page) in [("sale", true), ("flashpromo", false)] {
        let filter = ListFilter {
            statuses: vec![Status::Pushing],
            text: Some(term.into()),
            ..Default::default()
        };
        // The scan every search was before issue 17 (on PostgreSQL still the store's one query).
        let (scan_sql, scan_args) = list_sql(APP, &filter, Page::First, 50);
        let page_url = format!("{base}/tasks?app={APP}&status=pushing&q={term}");
        let data_url =
            format!("{base}/api/tasks?query[app]={APP}&query[statuses][0]=Pushing&query[q]={term}");
        let api_url = format!("{base}/api/v1/apps/{APP}/tasks?status=pushing&q={term}");
        let rounds = 200;
        let mut t = Timings::default();
        let mut path = None;
        // Interleaved, so that the machine's noise falls on all alike; a warm-up round first.
        for i in 0..=rounds {
            let keep = i > 0;
            let s = Instant::now();
            let mut q = sqlx::query(&scan_sql);
            for (is_int, v) in &scan_args {
                q = if *is_int {
                    q.bind(v.parse::<i64>().unwrap())
                } else {
                    q.bind(v.clone())
                };
            }
            let rows = q.fetch_all(&pool).await.unwrap();
            t.add("scan", keep, s.elapsed());
            assert_eq!(rows.len() == 51, full_page, "{term}: {} rows", rows.len());
            assert!(!rows.is_empty());

            let s = Instant::now();
            let (rows, by) = store
                .list_rows(APP, &filter, Page::First, 50, SearchBy::Choice)
                .await
                .unwrap();
            t.add("raw", keep, s.elapsed());
            assert_eq!(rows.len() == 51, full_page, "{term}: {} rows", rows.len());
            path = by;

            let (body, d) = timed_get(&data_url).await;
            assert!(body.contains("\"rows\""), "{body}");
            t.add("data", keep, d);
            let (html, p) = timed_get(&page_url).await;
            assert!(html.contains("data-push-id"), "the page lists tasks");
            t.add("page", keep, p);
            let (json, a) = timed_api(&api_url).await;
            assert!(json.contains("\"tasks\""), "{json}");
            t.add("api", keep, a);
        }
        println!(
            "{label}, search {term:?} ({} rows), answered by {path:?}:",
            if full_page { "50" } else { "a few" }
        );
        let raw = t.p50("raw");
        let raw99 = t.p99("raw");
        t.line("the LIKE scan (before issue 17)", "scan", raw, raw99);
        t.line("raw SQL the store runs", "raw", raw, raw99);
        t.line("the page's data (/api/tasks)", "data", raw, raw99);
        t.line("the whole page (/tasks HTML)", "page", raw, raw99);
        t.line("the JSON API (/api/v1 list)", "api", raw, raw99);
    }

    // Where a cheap page's time goes: each part of it timed alone, interleaved, on the common
    // word's query.
    let filter = ListFilter {
        statuses: vec![Status::Pushing],
        text: Some("sale".into()),
        ..Default::default()
    };
    let session_token = cookie.split_once('=').unwrap().1.to_string();
    let health = format!("{base}/healthz");
    let mut t = Timings::default();
    for i in 0..=200 {
        let keep = i > 0;
        let s = Instant::now();
        let _ = http
            .get(&health)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        t.add("http", keep, s.elapsed());
        let (_, d) = timed_get(&health).await;
        t.add("http+session", keep, d);
        let s = Instant::now();
        services
            .auth
            .resolve(&session_token)
            .await
            .unwrap()
            .unwrap();
        t.add("session", keep, s.elapsed());
        let s = Instant::now();
        store
            .list_rows(APP, &filter, Page::First, 50, SearchBy::Choice)
            .await
            .unwrap();
        t.add("raw", keep, s.elapsed());
        let s = Instant::now();
        store
            .list_tasks(APP, &filter, Page::First, 50)
            .await
            .unwrap();
        t.add("list", keep, s.elapsed());
        let s = Instant::now();
        let (_, counts) = services.sync.budget_and_status_counts(APP).await;
        counts.unwrap();
        t.add("counts", keep, s.elapsed());
        let (_, d) = timed_get(&format!(
            "{base}/api/tasks?query[app]={APP}&query[statuses][0]=Pushing&query[q]=sale"
        ))
        .await;
        t.add("data", keep, d);
        let (_, p) = timed_get(&format!("{base}/tasks?app={APP}&status=pushing&q=sale")).await;
        t.add("page", keep, p);
    }
    let (page_html, _) = timed_get(&format!("{base}/tasks?app={APP}&status=pushing&q=sale")).await;
    let (data_json, _) = timed_get(&format!(
        "{base}/api/tasks?query[app]={APP}&query[statuses][0]=Pushing&query[q]=sale"
    ))
    .await;
    println!(
        "{label}, where the cheap page's time goes (\"sale\", each part alone; the page {:.0} KB of HTML, its data {:.0} KB of JSON):",
        page_html.len() as f64 / 1024.0,
        data_json.len() as f64 / 1024.0
    );
    let raw = t.p50("raw");
    let raw99 = t.p99("raw");
    t.line("an HTTP answer (GET /healthz)", "http", raw, raw99);
    t.line("the same, signed in", "http+session", raw, raw99);
    t.line("the session check (store)", "session", raw, raw99);
    t.line("raw SQL of the list", "raw", raw, raw99);
    t.line("the list, decoded (store)", "list", raw, raw99);
    t.line("status counts and budget (one read)", "counts", raw, raw99);
    t.line("the page's data (/api/tasks)", "data", raw, raw99);
    t.line("the whole page (/tasks HTML)", "page", raw, raw99);
    let _ = stop.send(());
    let _ = server.await;
}

/// Samples by name, in the order first seen.
#[derive(Default)]
struct Timings(Vec<(&'static str, Vec<Duration>)>);

impl Timings {
    fn add(&mut self, name: &'static str, keep: bool, d: Duration) {
        if !keep {
            return;
        }
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => v.push(d),
            None => self.0.push((name, vec![d])),
        }
    }

    fn pct(&self, name: &str, p: f64) -> f64 {
        let mut v = self
            .0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        v.sort();
        ms(v[((v.len() as f64 - 1.0) * p).round() as usize])
    }

    fn p50(&self, name: &str) -> f64 {
        self.pct(name, 0.5)
    }

    fn p99(&self, name: &str) -> f64 {
        self.pct(name, 0.99)
    }

    /// One line: p50 and p99, and their ratio to the raw SQL's.
    fn line(&self, what: &str, name: &str, raw50: f64, raw99: f64) {
        let (a, b) = (self.p50(name), self.p99(name));
        println!(
            "  {what:<36} p50 {a:>8.2} ms  p99 {b:>8.2} ms   ({:.2}x raw at p50, {:.2}x at p99)",
            a / raw50,
            b / raw99
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A million tasks over the last 90 days: a status mix like a busy app's, titles from a small
/// vocabulary (so a search word matches a few percent of them).
async fn seed(store: &Store, n: i64) {
    let pool = store.pool_for_tests();
    sqlx::query("insert into apps (app_id, name, platform, access_id, access_point, auth_scheme, recall_available, created_at, updated_at) values ($1, 'Bench', 'android', '1', 'custom', 'signature', 0, 0, 0) on conflict (app_id) do nothing")
        .bind(APP)
        .execute(pool)
        .await
        .unwrap();
    let now = 1_795_780_800i64;
    let mut rng: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let batch = 500;
    let mut i = 0;
    while i < n {
        let mut sql = String::from(
            "insert into tasks (app_id, push_id, audience, audience_summary, platform, message_type, title, content, created_at, push_time, expire_secs, status, source, planned, arrived, search_text, updated_at) values ",
        );
        let end = (i + batch).min(n);
        for k in i..end {
            let created = now - (n - k) * 90 * 86_400 / n;
            let pick = (next() % 100) as u32;
            let mut acc = 0;
            let status = STATUSES
                .iter()
                .find(|(_, w)| {
                    acc += w;
                    pick < acc
                })
                .map(|(s, _)| *s)
                .unwrap_or("PUSH_FINISHED");
            let w = |r: u64| WORDS[(r % WORDS.len() as u64) as usize];
            // One task in five thousand carries a promotion code, as the task an operator hunts.
            let title = if k % 5_000 == 17 {
                format!("{} flashpromo{} {}", w(next()), k % 97, w(next()))
            } else {
                format!("{} {} {}", w(next()), w(next()), w(next()))
            };
            let content = format!("{} {} {} {}", w(next()), w(next()), w(next()), w(next()));
            let push_id = 100_000_000 + k;
            let planned = 1000 + next() % 2_000_000;
            let search = format!("{push_id} {title} {content}");
            if k > i {
                sql.push(',');
            }
            sql.push_str(&format!(
                "('{APP}', '{push_id}', 'all', 'All devices', 'android', 'notify', '{title}', '{content}', {created}, {created}, 259200, '{status}', 'api', {planned}, {}, '{search}', {created})",
                planned / 2
            ));
        }
        sqlx::query(&sql).execute(pool).await.unwrap();
        i = end;
    }
    // The status counts' deltas folded, as the sync worker would (PostgreSQL, migration 0010).
    store.fold_status_counts(APP).await.unwrap();
    // Fresh statistics for the planner after a bulk load; on PostgreSQL the million folded
    // delta rows vacuumed too, as autovacuum does after a load (left dead, they are read by
    // every status count until then).
    let sql = match store.backend() {
        Backend::Postgres => "vacuum analyze",
        Backend::Sqlite => "analyze",
    };
    sqlx::query(sql).execute(pool).await.unwrap();
    // The search index as the server's upkeep keeps it (small steps in the background; here all the
    // steps at once, rather than in the first minutes of the measurement).
    let mut steps = 0;
    while store.tidy_search_index().await.unwrap() {
        steps += 1;
    }
    if store.backend() == Backend::Sqlite {
        println!("  the search index tidied in {steps} steps of upkeep");
        let mb = async |like: &str| -> f64 {
            let bytes: i64 = sqlx::query_scalar(
                "select cast(coalesce(sum(pgsize), 0) as integer) from dbstat where name like $1",
            )
            .bind(like)
            .fetch_one(pool)
            .await
            .unwrap();
            bytes as f64 / 1e6
        };
        println!(
            "  SQLite file: the tasks table and its indexes {:.0} MB, the search index (FTS5) {:.0} MB",
            mb("tasks%").await + mb("sqlite_autoindex_tasks%").await - mb("tasks_fts%").await,
            mb("tasks_fts%").await
        );
    }
}
