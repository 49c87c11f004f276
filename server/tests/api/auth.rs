//! Sign-in, sessions, roles, the Origin check, secrets, and the append-only audit log.

use app::domain::Action;
use app::error::AppError;
use pushdeck::sandbox::{DEMO_ANDROID_SECRET, DEMO_IOS_SECRET, DEMO_NEWS_SECRET, TaskSpec};
use pushdeck::store::users::Role;
use reqwest::StatusCode;

use crate::app::{Options, Session, TestApp, decode};
use crate::both_stores;
use crate::helpers::Db;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cell {
    Allowed,
    Refused,
}
use Cell::*;

/// A POST of the matrix: its name, path, form, and expected cells.
type Post<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, &'a str);

const ROLES: [&str; 8] = [
    "anonymous",
    "viewer",
    "operator",
    "op-no-terminate",
    "op-no-recall",
    "op-no-override",
    "op-no-cancel",
    "admin",
];

async fn sessions(app: &TestApp) -> Vec<(&'static str, Option<Session>)> {
    let mut out = vec![("anonymous", None)];
    out.push(("viewer", Some(app.user("vera", Role::Viewer, &[]).await)));
    out.push(("operator", Some(app.operator("otto").await)));
    for (name, missing) in [
        ("op-no-terminate", Action::Terminate),
        ("op-no-recall", Action::Recall),
        ("op-no-override", Action::Override),
        ("op-no-cancel", Action::Cancel),
    ] {
        let perms: Vec<Action> = Action::ALL.into_iter().filter(|a| *a != missing).collect();
        out.push((name, Some(app.user(name, Role::Operator, &perms).await)));
    }
    out.push(("admin", Some(app.user("ada", Role::Admin, &[]).await)));
    out
}

/// Refused means: sent to sign in, 401/403, or the typed Unauthorized/Forbidden.
async fn judge(res: reqwest::Response) -> Cell {
    let status = res.status();
    if status == StatusCode::SEE_OTHER
        || status == StatusCode::UNAUTHORIZED
        || status == StatusCode::FORBIDDEN
    {
        return Refused;
    }
    let body = res.text().await.unwrap_or_default();
    if let Ok(e) = serde_json::from_str::<AppError>(&body) {
        return match e {
            AppError::Unauthorized | AppError::Forbidden { .. } => Refused,
            _ => Allowed,
        };
    }
    // As a page shows it (the island's words carry every sentence, so the bare text is not
    // enough).
    if body.contains(">Only admins can manage users.<") || body.contains(">Please sign in.<") {
        return Refused;
    }
    Allowed
}

fn row(expect: &str) -> Vec<Cell> {
    expect
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == 'Y' { Allowed } else { Refused })
        .collect()
}

both_stores!(
    every_server_function_and_endpoint_is_allowed_or_refused_by_role,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        let id = app.task("demo-android", &TaskSpec::default()).await;
        let who = sessions(&app).await;
        let task_page = format!("/tasks/{id}?app=demo-android");
        let task_fn = format!("/api/task?app=demo-android&push_id={id}");
        //                       anon viewer op  -term -rec -ovr -can admin
        let gets: Vec<(&str, String, &str)> = vec![
            ("page /tasks", "/tasks".into(), "N Y Y Y Y Y Y Y"),
            ("page /tasks/{id}", task_page.clone(), "N Y Y Y Y Y Y Y"),
            ("page /audit", "/audit".into(), "N Y Y Y Y Y Y Y"),
            ("page /admin", "/admin".into(), "N N N N N N N Y"),
            ("fn apps", "/api/apps".into(), "N Y Y Y Y Y Y Y"),
            (
                "fn tasks",
                "/api/tasks?query[app]=demo-android".into(),
                "N Y Y Y Y Y Y Y",
            ),
            ("fn task", task_fn.clone(), "N Y Y Y Y Y Y Y"),
            ("fn session", "/api/session".into(), "Y Y Y Y Y Y Y Y"),
            (
                "fn audit",
                "/api/audit?query[user]=nobody".into(),
                "N Y Y Y Y Y Y Y",
            ),
            ("fn admin", "/api/admin".into(), "N N N N N N N Y"),
            (
                "sse /events",
                "/events?app=demo-android".into(),
                "N Y Y Y Y Y Y Y",
            ),
            ("csv /audit.csv", "/audit.csv".into(), "N Y Y Y Y Y Y Y"),
            ("/healthz", "/healthz".into(), "Y Y Y Y Y Y Y Y"),
            ("/readyz", "/readyz".into(), "Y Y Y Y Y Y Y Y"),
        ];
        let mut failures = Vec::new();
        for (name, path, expect) in &gets {
            for ((role, s), want) in who.iter().zip(row(expect)) {
                let got = if path.starts_with("/events") {
                    // The stream stays open: the status line is the answer.
                    let res = app.get(s.as_ref(), path).await;
                    if res.status() == StatusCode::OK {
                        Allowed
                    } else {
                        Refused
                    }
                } else {
                    judge(app.get(s.as_ref(), path).await).await
                };
                if got != want {
                    failures.push(format!("{name} as {role}: {got:?}, expected {want:?}"));
                }
            }
        }
        // Posts. An action on a task that does not exist is refused by the role check first, so
        // "allowed" shows as NotFound and changes nothing.
        let posts: Vec<Post> = vec![
            (
                "fn refresh",
                "/api/refresh",
                vec![("app", "demo-android"), ("push_id", "0")],
                "N N Y Y Y Y Y Y",
            ),
            (
                "fn act terminate",
                "/api/act",
                act("terminate"),
                "N N Y N Y Y Y Y",
            ),
            (
                "fn act recall",
                "/api/act",
                act("recall"),
                "N N Y Y N Y Y Y",
            ),
            (
                "fn act override",
                "/api/act",
                act("override"),
                "N N Y Y Y N Y Y",
            ),
            (
                "fn act cancel",
                "/api/act",
                act("cancel"),
                "N N Y Y Y Y N Y",
            ),
            (
                "fn update_user",
                "/api/admin/update_user",
                vec![("username", "nobody"), ("role", "viewer")],
                "N N N N N N N Y",
            ),
            (
                "fn disable_user",
                "/api/admin/disable_user",
                vec![("username", "nobody")],
                "N N N N N N N Y",
            ),
            (
                "fn login",
                "/api/login",
                vec![("username", "nobody"), ("password", "wrong-password")],
                "Y Y Y Y Y Y Y Y",
            ),
        ];
        for (name, path, form, expect) in &posts {
            for ((role, s), want) in who.iter().zip(row(expect)) {
                let got = judge(app.post(s.as_ref(), path, form).await).await;
                if got != want {
                    failures.push(format!("{name} as {role}: {got:?}, expected {want:?}"));
                }
            }
        }
        for ((role, s), want) in who.iter().zip(row("N N N N N N N Y")) {
            let name = format!("user-{role}");
            let got = judge(
                app.post(
                    s.as_ref(),
                    "/api/admin/add_user",
                    &[
                        ("username", &name),
                        ("role", "viewer"),
                        ("password", "a-long-password-1"),
                    ],
                )
                .await,
            )
            .await;
            if got != want {
                failures.push(format!("fn add_user as {role}: {got:?}, expected {want:?}"));
            }
        }
        // Signing out is allowed to everyone and ends the session.
        for (role, s) in &who {
            let res = app.post(s.as_ref(), "/api/logout", &[]).await;
            assert!(
                res.status().is_success() || res.status().is_redirection(),
                "logout as {role}: {}",
                res.status()
            );
            if let Some(s) = s {
                assert_eq!(
                    judge(app.get(Some(s), "/api/apps").await).await,
                    Refused,
                    "{role} still signed in"
                );
            }
        }
        assert!(
            failures.is_empty(),
            "authorization matrix:\n{}",
            failures.join("\n")
        );
        assert_eq!(ROLES.len(), who.len());
        // Nothing changed upstream for all those refused or allowed-but-missing actions.
        for ep in [
            pushdeck::tpns::Endpoint::Stop,
            pushdeck::tpns::Endpoint::Revoke,
            pushdeck::tpns::Endpoint::Cancel,
            pushdeck::tpns::Endpoint::Push,
        ] {
            assert_eq!(app.sandbox.traffic("demo-android", ep).calls, 0);
        }
        app.stop().await;
    }
);

fn act(action: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("app", "demo-android"),
        ("push_id", "0"),
        ("action", action),
        ("idempotency_key", action),
        ("title", "t"),
        ("content", "c"),
        ("choice", "abort"),
    ]
}

both_stores!(
    a_wrong_password_and_an_unknown_user_get_the_same_answer,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        app.operator("olivia").await;
        let answer = |res: reqwest::Response| async move { decode::<()>(res).await.unwrap_err() };
        let wrong = answer(
            app.post(
                None,
                "/api/login",
                &[("username", "olivia"), ("password", "not-it-at-all")],
            )
            .await,
        )
        .await;
        let unknown = answer(
            app.post(
                None,
                "/api/login",
                &[("username", "nobody"), ("password", "not-it-at-all")],
            )
            .await,
        )
        .await;
        assert_eq!(wrong, unknown);
        assert_eq!(wrong.to_string(), "Wrong username or password.");
        assert!(app.login("olivia", "olivia-password-123").await.is_ok());
        // Both failures are audited; a name that is no account (perhaps a password typed in
        // the wrong field) is not written down.
        let audit = app
            .services
            .store
            .audit_page(&Default::default(), 50)
            .await
            .unwrap();
        let failed: Vec<&str> = audit
            .iter()
            .filter(|e| e.action == "sign-in" && e.outcome == "failed")
            .map(|e| e.username.as_str())
            .collect();
        assert_eq!(failed.len(), 2, "{failed:?}");
        assert!(failed.contains(&"olivia"), "{failed:?}");
        assert!(failed.contains(&"(unknown user)"), "{failed:?}");
        assert!(!audit.iter().any(|e| e.username == "nobody"));
        app.stop().await;
    }
);

both_stores!(
    sign_in_is_throttled_per_username_and_reveals_nothing,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        app.operator("olivia").await;
        for _ in 0..5 {
            let res = app
                .post(
                    None,
                    "/api/login",
                    &[("username", "olivia"), ("password", "guess-guess-guess")],
                )
                .await;
            assert_eq!(
                decode::<()>(res).await.unwrap_err().to_string(),
                "Wrong username or password."
            );
        }
        // Now even the right password waits, and the message says nothing about the account.
        let res = app
            .post(
                None,
                "/api/login",
                &[("username", "olivia"), ("password", "olivia-password-123")],
            )
            .await;
        assert_eq!(decode::<()>(res).await.unwrap_err(), AppError::Throttled);
        // From the same address, guessing across many usernames is throttled too.
        app.operator("pat").await;
        for i in 0..20 {
            let name = format!("someone{i}");
            let _ = app
                .post(
                    None,
                    "/api/login",
                    &[("username", name.as_str()), ("password", "x")],
                )
                .await;
        }
        let res = app
            .post(
                None,
                "/api/login",
                &[("username", "pat"), ("password", "pat-password-123")],
            )
            .await;
        assert_eq!(decode::<()>(res).await.unwrap_err(), AppError::Throttled);
        app.stop().await;
    }
);

/// A sign-in from `ip` (the console trusts `X-Forwarded-For` in these tests).
async fn sign_in_from(
    app: &TestApp,
    ip: &str,
    username: &str,
    password: &str,
) -> Result<(), AppError> {
    let res = app
        .http
        .post(format!("{}/api/login", app.base))
        .header(reqwest::header::ORIGIN, &app.base)
        .header("accept", "application/json")
        .header("x-forwarded-for", ip)
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap();
    decode::<()>(res).await
}

/// The first admin, `admin`, created at start with a random password: given a known one.
async fn known_admin(app: &TestApp) {
    sqlx::query("update users set password_hash = $1 where username = 'admin'")
        .bind(pushdeck::auth::hash_password("admin-password-123"))
        .execute(crate::helpers::pool(&app.services.store))
        .await
        .unwrap();
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(sql)
        .fetch_one(crate::helpers::pool(&app.services.store))
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
}

both_stores!(
    a_strangers_thousand_guesses_neither_lock_out_the_owner_nor_grow_the_database,
    |db: Db| async move {
        let app = TestApp::spawn_with(
            db,
            Options {
                tweak: Some(|c| c.auth.trust_forwarded_for = true),
                ..Default::default()
            },
        )
        .await;
        known_admin(&app).await;
        let mut throttled = 0;
        for i in 0..1_000 {
            let password = format!("guess-{i}");
            match sign_in_from(&app, "203.0.113.9", "admin", &password).await {
                Err(AppError::Throttled) => throttled += 1,
                Err(AppError::Validation { .. }) => {}
                other => panic!("a guess got {other:?}"),
            }
        }
        assert!(
            throttled >= 990,
            "the address was slowed down: {throttled} refused"
        );
        // Refused attempts write nothing: a handful of failures, and as many audit rows as the
        // burst's milestones.
        let failures = count(&app, "select count(*) from login_failures").await;
        assert!(failures <= 3 * 6, "{failures} failure rows");
        let audited = count(
            &app,
            "select count(*) from audit_log where action = 'sign-in'",
        )
        .await;
        assert!(audited <= 4, "{audited} audit rows for 1,000 guesses");
        // The owner, from their own address, signs in at once.
        sign_in_from(&app, "198.51.100.7", "admin", "admin-password-123")
            .await
            .expect("the owner is not locked out");
        // A too-long username is refused before anything is written: over its own limit, and
        // (a body of megabytes) at the edge, on a connection of its own since the server
        // answers without reading the rest.
        assert!(
            sign_in_from(&app, "198.51.100.8", &"a".repeat(65), "x")
                .await
                .is_err()
        );
        let huge = reqwest::Client::new()
            .post(format!("{}/api/login", app.base))
            .header(reqwest::header::ORIGIN, &app.base)
            .header("x-forwarded-for", "198.51.100.8")
            .form(&[
                ("username", "a".repeat(100_000).as_str()),
                ("password", "x"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            huge.headers()
                .get(reqwest::header::CONNECTION)
                .and_then(|v| v.to_str().ok()),
            Some("close"),
            "the unread body's connection is not kept"
        );
        assert_eq!(
            count(&app, "select count(*) from login_failures").await,
            failures
        );
        // A new name for every guess does not flood the log either: each name's first failure
        // is written while the address has free attempts, then only the address's milestones.
        for i in 0..300 {
            let _ = sign_in_from(&app, "203.0.113.77", &format!("name{i}"), "guess").await;
        }
        let audited = count(
            &app,
            "select count(*) from audit_log where action = 'sign-in' and ip = '203.0.113.77'",
        )
        .await;
        assert!(audited <= 22, "{audited} audit rows for 300 names");
        // No typed name is kept in the throttle's bookkeeping.
        assert_eq!(
            count(
                &app,
                "select count(*) from login_failures where key like '%name1%' or key like '%admin%'"
            )
            .await,
            0
        );
        app.stop().await;
    }
);

both_stores!(
    a_parallel_burst_of_guesses_is_counted_as_it_comes_not_after,
    |db: Db| async move {
        let app = TestApp::spawn_with(
            db,
            Options {
                tweak: Some(|c| c.auth.trust_forwarded_for = true),
                ..Default::default()
            },
        )
        .await;
        known_admin(&app).await;
        // A hundred guesses sent at once: none may pass the throttle's check before the
        // earlier ones are counted.
        let guesses = (0..100).map(|i| {
            let password = format!("burst-{i}");
            let app = &app;
            async move { sign_in_from(app, "203.0.113.50", "admin", &password).await }
        });
        let answers = futures::future::join_all(guesses).await;
        let checked = answers
            .iter()
            .filter(|a| matches!(a, Err(AppError::Validation { .. })))
            .count();
        assert!(
            checked <= 5,
            "{checked} of 100 parallel guesses had their password checked"
        );
        let failures = count(&app, "select count(*) from login_failures").await;
        assert!(failures <= 3 * 5, "{failures} failure rows for one burst");
        app.stop().await;
    }
);

both_stores!(
    guessing_one_account_from_many_addresses_slows_down_without_stopping_the_owner,
    |db: Db| async move {
        let app = TestApp::spawn_with(
            db,
            Options {
                tweak: Some(|c| c.auth.trust_forwarded_for = true),
                ..Default::default()
            },
        )
        .await;
        known_admin(&app).await;
        // Twenty addresses, one guess each: the account's own limit (×4 the per-address one).
        for i in 0..20 {
            let ip = format!("192.0.2.{i}");
            assert!(matches!(
                sign_in_from(&app, &ip, "admin", "guess").await,
                Err(AppError::Validation { .. })
            ));
        }
        // The next guess, from yet another address, waits before its answer.
        let started = std::time::Instant::now();
        let _ = sign_in_from(&app, "192.0.2.200", "admin", "guess").await;
        assert!(
            started.elapsed() >= std::time::Duration::from_secs(2),
            "slowed down"
        );
        // The owner waits too, but gets in.
        sign_in_from(&app, "198.51.100.7", "admin", "admin-password-123")
            .await
            .expect("slowed, not locked");
        app.stop().await;
    }
);

both_stores!(
    sessions_expire_when_idle_and_at_their_absolute_limit,
    |db: Db| async move {
        let app = TestApp::spawn_with(
            db,
            Options {
                manual_clock: true,
                ..Default::default()
            },
        )
        .await;
        let s = app.operator("olivia").await;
        assert_eq!(judge(app.get(Some(&s), "/api/apps").await).await, Allowed);
        app.advance(61 * 60);
        assert_eq!(
            judge(app.get(Some(&s), "/api/apps").await).await,
            Refused,
            "idle for over an hour"
        );
        let s = app.login("olivia", "olivia-password-123").await.unwrap();
        // Active every 50 minutes, the session still ends 12 hours after sign-in.
        for _ in 0..15 {
            app.advance(50 * 60);
            let _ = app.get(Some(&s), "/api/apps").await;
        }
        assert_eq!(
            judge(app.get(Some(&s), "/api/apps").await).await,
            Refused,
            "past the absolute limit"
        );
        app.stop().await;
    }
);

both_stores!(cross_origin_posts_are_refused, |db: Db| async move {
    let app = TestApp::spawn(db).await;
    let s = app.operator("olivia").await;
    let post = |origin: Option<&str>, referer: Option<&str>| {
        let mut req = app
            .http
            .post(format!("{}/api/refresh", app.base))
            .header("cookie", &s.cookie)
            .form(&[("app", "demo-android"), ("push_id", "0")]);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(r) = referer {
            req = req.header("referer", r);
        }
        req.send()
    };
    assert_eq!(
        post(Some("http://evil.example"), None)
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(None, None).await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "no Origin and no Referer"
    );
    assert_eq!(
        post(None, Some("http://evil.example/tasks"))
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let same = format!("{}/tasks", app.base);
    assert_ne!(
        post(None, Some(&same)).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_ne!(
        post(Some(&app.base), None).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    app.stop().await;
});

both_stores!(
    a_disabled_users_live_session_stops_working,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        let admin = app.user("ada", Role::Admin, &[]).await;
        let s = app.operator("olivia").await;
        assert_eq!(judge(app.get(Some(&s), "/api/apps").await).await, Allowed);
        let res = app
            .post(
                Some(&admin),
                "/api/admin/disable_user",
                &[("username", "olivia")],
            )
            .await;
        assert!(res.status().is_success(), "{}", res.status());
        assert_eq!(judge(app.get(Some(&s), "/api/apps").await).await, Refused);
        assert_eq!(
            app.get(Some(&s), "/tasks").await.status(),
            StatusCode::SEE_OTHER
        );
        assert!(
            app.login("olivia", "olivia-password-123").await.is_err(),
            "cannot sign in again"
        );
        let audit = app
            .services
            .store
            .audit_page(&Default::default(), 50)
            .await
            .unwrap();
        assert!(
            audit
                .iter()
                .any(|e| e.action == "disable-user" && e.username == "ada" && e.detail == "olivia")
        );
        app.stop().await;
    }
);

both_stores!(
    secret_keys_appear_in_no_page_and_no_database_row,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        let admin = app.user("ada", Role::Admin, &[]).await;
        let id = app.task("demo-android", &TaskSpec::default()).await;
        let op = app.operator("olivia").await;
        app.act(&op, "demo-android", &id, Action::Terminate, "k", &[])
            .await
            .unwrap();
        let secrets = [DEMO_ANDROID_SECRET, DEMO_IOS_SECRET, DEMO_NEWS_SECRET];
        for path in [
            "/tasks",
            &format!("/tasks/{id}?app=demo-android"),
            "/admin",
            "/audit",
            "/api/admin",
            "/api/apps",
            "/audit.csv",
            "/api/session",
        ] {
            let body = app.get(Some(&admin), path).await.text().await.unwrap();
            for s in secrets {
                assert!(!body.contains(s), "{path} shows a SecretKey");
            }
        }
        let dump = crate::helpers::dump_database(&app.services.store).await;
        assert!(dump.len() > 1000, "the dump covers the data");
        for s in secrets {
            assert!(!dump.contains(s), "a SecretKey is stored in the database");
        }
        app.stop().await;
    }
);

both_stores!(
    audit_rows_cannot_be_updated_or_deleted,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        app.operator("olivia").await;
        let _ = app.login("olivia", "wrong-wrong-wrong").await;
        let n = app
            .services
            .store
            .audit_page(&Default::default(), 10)
            .await
            .unwrap()
            .len();
        assert!(n >= 1);
        let pool = crate::helpers::pool(&app.services.store);
        let upd = sqlx::query("update audit_log set outcome = 'succeeded'")
            .execute(pool)
            .await;
        let del = sqlx::query("delete from audit_log").execute(pool).await;
        for (what, r) in [("update", upd), ("delete", del)] {
            let err = r.expect_err(&format!("{what} must be refused")).to_string();
            assert!(err.contains("append-only"), "{what}: {err}");
        }
        assert_eq!(
            app.services
                .store
                .audit_page(&Default::default(), 10)
                .await
                .unwrap()
                .len(),
            n
        );
        app.stop().await;
    }
);
