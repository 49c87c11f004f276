//! The JSON API under `/api/v1/` (`server/docs/api.md`): its tokens in every state, each role,
//! its error shapes and statuses, idempotent replays and exactly-once through it, the OpenAPI
//! document checked against real answers, `/metrics`, and the task export.

use std::collections::BTreeSet;
use std::sync::OnceLock;
use std::time::Duration;

use app::domain::{Action, Audience, Status};
use pushdeck::sandbox::{Fault, TaskSpec};
use pushdeck::store::users::Role;
use pushdeck::tpns::Endpoint;
use pushdeck::users::Changer;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, ORIGIN, RETRY_AFTER};
use serde_json::{Value, json};

use crate::app::{Options, TestApp};
use crate::both_stores;
use crate::helpers::Db;

const APP: &str = "demo-android";

/// An answer of the API: status, headers, JSON body (or text).
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
    text: String,
}

impl Answer {
    fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

/// The OpenAPI document, read once per test binary.
fn openapi() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        use utoipa::OpenApi;
        serde_json::to_value(pushdeck::api::ApiDoc::openapi()).unwrap()
    })
}

/// Checks an answer against the document: the operation must list the status, and the body must
/// match that response's schema. Returns the violations.
fn violations(method: &str, template: &str, a: &Answer) -> Vec<String> {
    let doc = openapi();
    let op = &doc["paths"][template][method];
    assert!(op.is_object(), "{method} {template} is not in the document");
    let resp = &op["responses"][a.status.to_string()];
    if !resp.is_object() {
        return vec![format!(
            "{method} {template} answered {} which the document does not list: {}",
            a.status, a.text
        )];
    }
    let Some(schema) = resp["content"]["application/json"]["schema"].as_object() else {
        return Vec::new();
    };
    let wrapper = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": doc["components"],
        "allOf": [Value::Object(schema.clone())],
    });
    let validator = jsonschema::validator_for(&wrapper).expect("the response schema compiles");
    validator
        .iter_errors(&a.body)
        .map(|e| {
            format!(
                "{method} {template} {}: {e} at {}",
                a.status, e.instance_path
            )
        })
        .collect()
}

/// Calls the API; `template` names the operation in the document, and every answer is checked
/// against it.
async fn call(
    app: &TestApp,
    token: Option<&str>,
    method: &str,
    template: &str,
    path: &str,
    body: Option<Value>,
    key: Option<&str>,
) -> Answer {
    let url = format!("{}{path}", app.base);
    let mut req = match method {
        "get" => app.http.get(url),
        _ => app.http.post(url),
    };
    if let Some(t) = token {
        req = req.header(AUTHORIZATION, format!("Bearer {t}"));
    }
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    let a = Answer {
        status,
        headers,
        body,
        text,
    };
    let is_json = a
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json || a.status >= 400 {
        let v = violations(method, template, &a);
        assert!(v.is_empty(), "{}", v.join("\n"));
    }
    a
}

async fn token(
    app: &TestApp,
    owner: &str,
    name: &str,
    actions: &[Action],
    days: Option<u32>,
) -> String {
    app.services
        .tokens
        .add(&Changer::command_line(), owner, name, actions, days)
        .await
        .unwrap()
        .secret
}

fn tag_task() -> TaskSpec {
    TaskSpec {
        audience: Audience::Tag,
        title: "Weekend sale".into(),
        content: "Up to 50% off".into(),
        ..TaskSpec::default()
    }
}

fn details(id: &str) -> String {
    format!("/api/v1/apps/{APP}/tasks/{id}")
}

fn actions_path(id: &str) -> String {
    format!("/api/v1/apps/{APP}/tasks/{id}/actions")
}

const LIST: &str = "/api/v1/apps/{app}/tasks";
const DETAIL: &str = "/api/v1/apps/{app}/tasks/{push_id}";
const ACT: &str = "/api/v1/apps/{app}/tasks/{push_id}/actions";
const REFRESH: &str = "/api/v1/apps/{app}/tasks/{push_id}/refresh";

/// Every endpoint with a token in each state: valid answers, the others are refused with their
/// own code, and nothing is done for them.
#[tokio::test]
async fn every_endpoint_answers_each_token_state() {
    let app = TestApp::spawn_with(
        Db::Sqlite,
        Options {
            manual_clock: true,
            ..Options::default()
        },
    )
    .await;
    app.operator("lee").await;
    app.operator("kim").await;
    let id = app.task(APP, &tag_task()).await;
    let valid = token(&app, "lee", "valid", &Action::ALL, None).await;
    let expiring = token(&app, "lee", "expiring", &Action::ALL, Some(1)).await;
    let revoked = token(&app, "lee", "revoked", &Action::ALL, None).await;
    app.services
        .tokens
        .revoke(&Changer::command_line(), "lee", "revoked")
        .await
        .unwrap();
    let kims = token(&app, "kim", "kims", &Action::ALL, None).await;
    app.services
        .users
        .disable(&Changer::command_line(), "kim")
        .await
        .unwrap();
    app.advance(2 * 86_400);
    let made_up = format!("pdk_{}", "0".repeat(64));
    let endpoints: Vec<(&str, &str, String, Option<Value>)> = vec![
        ("get", "/api/v1/apps", "/api/v1/apps".into(), None),
        ("get", LIST, format!("/api/v1/apps/{APP}/tasks"), None),
        ("get", DETAIL, details(&id), None),
        ("post", REFRESH, format!("{}/refresh", details(&id)), None),
        ("get", "/api/v1/audit", "/api/v1/audit".into(), None),
        (
            "post",
            ACT,
            actions_path(&id),
            Some(json!({"action": "terminate"})),
        ),
    ];
    let cases: [(&str, Option<&str>, u16, &str); 6] = [
        ("no token", None, 401, "unauthorized"),
        ("a made-up token", Some(&made_up), 401, "unauthorized"),
        ("an expired token", Some(&expiring), 401, "token_expired"),
        ("a revoked token", Some(&revoked), 401, "token_revoked"),
        (
            "a disabled owner's token",
            Some(&kims),
            401,
            "owner_disabled",
        ),
        ("a valid token", Some(&valid), 200, ""),
    ];
    for (what, t, status, code) in cases {
        for (method, template, path, body) in &endpoints {
            let a = call(
                &app,
                t,
                method,
                template,
                path,
                body.clone(),
                Some(&format!("k-{what}")),
            )
            .await;
            assert_eq!(a.status, status, "{what}, {method} {path}: {}", a.text);
            if status != 200 {
                assert_eq!(a.code(), code, "{what}, {method} {path}");
                // Nothing was done: the task is as it was until the valid token acts.
                assert_eq!(app.status(APP, &id).await, Status::Pushing, "{what}");
            }
        }
    }
    assert_eq!(app.status(APP, &id).await, Status::Terminated);
    // The valid token's action is in the audit log under its owner, naming the token.
    let audit = app.services.store.task_audit(APP, &id).await.unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0].username, "lee");
    assert_eq!(audit[0].via_token.as_deref(), Some("valid"));
    app.stop().await;
}

/// A token acts with its owner's role and at most the actions chosen for it; viewers read only.
#[tokio::test]
async fn a_token_acts_with_its_owners_role_or_fewer_permissions() {
    let app = TestApp::spawn(Db::Sqlite).await;
    app.user("vera", Role::Viewer, &[]).await;
    app.user("otto", Role::Operator, &[Action::Terminate, Action::Recall])
        .await;
    app.user("ada", Role::Admin, &[]).await;
    // Asked for everything: a viewer's token gets nothing, an operator's what they hold.
    let viewer = token(&app, "vera", "v", &Action::ALL, None).await;
    let operator = token(&app, "otto", "o", &Action::ALL, None).await;
    let narrowed = token(&app, "ada", "terminate-only", &[Action::Terminate], None).await;
    let read_only = token(&app, "ada", "reader", &[], None).await;
    let tokens = app.services.tokens.list("otto").await.unwrap();
    assert_eq!(
        tokens[0].permissions,
        vec![Action::Terminate, Action::Recall]
    );
    for (who, t, action, status, code) in [
        ("viewer", &viewer, "terminate", 403, "forbidden"),
        ("read-only token", &read_only, "terminate", 403, "forbidden"),
        (
            "operator without cancel",
            &operator,
            "cancel",
            403,
            "forbidden",
        ),
        (
            "terminate-only token",
            &narrowed,
            "recall",
            403,
            "forbidden",
        ),
        ("terminate-only token", &narrowed, "terminate", 200, ""),
        ("operator", &operator, "terminate", 200, ""),
    ] {
        let spec = TaskSpec {
            audience: Audience::AccountList,
            send_in: (action == "cancel").then(|| Duration::from_secs(3600)),
            ..tag_task()
        };
        let id = app.task(APP, &spec).await;
        let before = app.sandbox.traffic(APP, Endpoint::Stop).calls;
        let a = call(
            &app,
            Some(t),
            "post",
            ACT,
            &actions_path(&id),
            Some(json!({"action": action})),
            Some(&format!("{who}-{action}")),
        )
        .await;
        assert_eq!(
            (a.status, a.code()),
            (status, code),
            "{who} {action}: {}",
            a.text
        );
        if status != 200 {
            assert_eq!(
                app.sandbox.traffic(APP, Endpoint::Stop).calls,
                before,
                "{who}: nothing sent"
            );
        }
        // Everyone reads, every read endpoint.
        for (template, path) in [
            (DETAIL, details(&id)),
            (LIST, format!("/api/v1/apps/{APP}/tasks")),
            ("/api/v1/apps", "/api/v1/apps".to_string()),
            ("/api/v1/audit", "/api/v1/audit".to_string()),
        ] {
            let r = call(&app, Some(t), "get", template, &path, None, None).await;
            assert_eq!(r.status, 200, "{who} reads {path}");
        }
    }
    // Viewers may not spend the query budget; a read-only token of an admin may.
    let id = app.task(APP, &tag_task()).await;
    let path = format!("{}/refresh", details(&id));
    let a = call(&app, Some(&viewer), "post", REFRESH, &path, None, None).await;
    assert_eq!((a.status, a.code()), (403, "forbidden"));
    let a = call(&app, Some(&read_only), "post", REFRESH, &path, None, None).await;
    assert_eq!(a.status, 200, "{}", a.text);
    // The details say what the caller may do.
    let a = call(
        &app,
        Some(&narrowed),
        "get",
        DETAIL,
        &details(&id),
        None,
        None,
    )
    .await;
    let permitted: Vec<&str> = a.body["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["permitted"] == true)
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(permitted, vec!["terminate"]);
    app.stop().await;
}

/// The session cookie does not authenticate the API, so a page elsewhere cannot make a signed-in
/// browser act through it; a token needs no cookie and no `Origin`.
#[tokio::test]
async fn the_api_takes_tokens_only_and_needs_no_origin() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let s = app.operator("lee").await;
    let id = app.task(APP, &tag_task()).await;
    let res = app
        .http
        .post(format!("{}{}", app.base, actions_path(&id)))
        .header(COOKIE, &s.cookie)
        .header(ORIGIN, "http://elsewhere.example")
        .header("Idempotency-Key", "csrf")
        .json(&json!({"action": "terminate"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    assert_eq!(app.status(APP, &id).await, Status::Pushing);
    let t = token(&app, "lee", "bot", &Action::ALL, None).await;
    let a = call(
        &app,
        Some(&t),
        "post",
        ACT,
        &actions_path(&id),
        Some(json!({"action": "terminate"})),
        Some("no-origin"),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["status"], "terminated");
    // A token is not a session: it opens no page.
    let res = app
        .http
        .get(format!("{}/tasks", app.base))
        .header(AUTHORIZATION, format!("Bearer {t}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "sent to sign in");
    app.stop().await;
}

/// Each error kind answers with its status, its stable code and the console's sentence, in the
/// shape the document gives; nothing is sent to TPNS for a request that is refused.
async fn errors_have_their_status_and_code(db: Db) {
    let app = TestApp::spawn(db).await;
    app.operator("lee").await;
    app.operator("kim").await;
    let t = token(&app, "lee", "bot", &Action::ALL, None).await;
    let kims = token(&app, "kim", "kims", &Action::ALL, None).await;
    let id = app.task(APP, &tag_task()).await;
    let act = |body: Value, key: Option<&'static str>| {
        let (app, t, id) = (&app, t.clone(), id.clone());
        async move {
            call(
                app,
                Some(&t),
                "post",
                ACT,
                &actions_path(&id),
                Some(body),
                key,
            )
            .await
        }
    };
    let stops = || app.sandbox.traffic(APP, Endpoint::Stop).calls;
    let before = stops();
    // 422: no key, bad JSON fields, unknown values.
    let a = act(json!({"action": "terminate"}), None).await;
    assert_eq!(
        (a.status, a.code()),
        (422, "idempotency_key_required"),
        "{}",
        a.text
    );
    let a = act(json!({"action": "terminate", "force": true}), Some("k1")).await;
    assert_eq!((a.status, a.code()), (422, "invalid"), "{}", a.text);
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("force"),
        "{}",
        a.text
    );
    let a = act(json!({"action": "explode"}), Some("k2")).await;
    assert_eq!(
        (a.status, a.code(), a.body["error"]["field"].as_str()),
        (422, "invalid", Some("action"))
    );
    let a = act(
        json!({"action": "override", "title": "x", "content": "y", "choice": "maybe"}),
        Some("k3"),
    )
    .await;
    assert_eq!(
        (a.status, a.body["error"]["field"].as_str()),
        (422, Some("choice")),
        "{}",
        a.text
    );
    let res = app
        .http
        .post(format!("{}{}", app.base, actions_path(&id)))
        .header(AUTHORIZATION, format!("Bearer {t}"))
        .header("Idempotency-Key", "k4")
        .header(CONTENT_TYPE, "application/json")
        .body(vec![0xff, 0xfe, b'{'])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422, "a body that is not JSON");
    let list = format!("/api/v1/apps/{APP}/tasks");
    for (query, field) in [
        ("status=bogus", "status"),
        ("platform=windows", "platform"),
        ("sort=sideways", "sort"),
        ("colour=red", "colour"),
        ("from=yesterday", "from"),
        ("after=not-a-cursor", "after"),
    ] {
        let a = call(
            &app,
            Some(&t),
            "get",
            LIST,
            &format!("{list}?{query}"),
            None,
            None,
        )
        .await;
        assert_eq!(
            (a.status, a.code(), a.body["error"]["field"].as_str()),
            (422, "invalid", Some(field)),
            "{query}: {}",
            a.text
        );
    }
    // 404: an app or task that is not there (the text from the path is not repeated).
    let a = call(
        &app,
        Some(&t),
        "get",
        LIST,
        "/api/v1/apps/<script>/tasks",
        None,
        None,
    )
    .await;
    assert_eq!((a.status, a.code()), (404, "not_found"));
    assert!(!a.text.contains("<script>"), "{}", a.text);
    let a = call(
        &app,
        Some(&t),
        "get",
        DETAIL,
        &details("100000000000000001"),
        None,
        None,
    )
    .await;
    assert_eq!((a.status, a.code()), (404, "not_found"));
    assert_eq!(stops(), before, "nothing sent for the refusals");
    // 502: TPNS refused it, with its code; nothing changed.
    app.sandbox
        .set_fault(Endpoint::Stop, Fault::ret_code(1008007).times(1));
    let a = act(json!({"action": "terminate"}), Some("k5")).await;
    app.sandbox.clear_fault(Endpoint::Stop);
    assert_eq!(
        (a.status, a.code(), a.body["error"]["tpns_code"].as_i64()),
        (502, "upstream_error", Some(1008007)),
        "{}",
        a.text
    );
    // 503 when TPNS cannot be reached before the call lands.
    app.sandbox
        .set_fault(Endpoint::Stop, Fault::status(503).times(5));
    let a = act(json!({"action": "terminate"}), Some("k6")).await;
    app.sandbox.clear_fault(Endpoint::Stop);
    // The gateway's 503 may have come after TPNS acted: the answer says the outcome is not
    // known yet, and when to look again.
    assert_eq!(
        (a.status, a.code()),
        (503, "upstream_unavailable"),
        "{}",
        a.text
    );
    assert!(a.headers.get(RETRY_AFTER).is_some(), "{:?}", a.headers);
    // 200, then 409: the rules refuse a second Terminate, naming who did it.
    let a = act(json!({"action": "terminate"}), Some("k7")).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let a = call(
        &app,
        Some(&kims),
        "post",
        ACT,
        &actions_path(&id),
        Some(json!({"action": "terminate"})),
        Some("k7"),
    )
    .await;
    // (kim sent the same key as lee's request: keys are each user's own, so it is kim's.)
    assert_eq!((a.status, a.code()), (409, "conflict"), "{}", a.text);
    assert_eq!(a.body["error"]["by"], "lee", "{}", a.text);
    // 409 not_allowed: a rule (Cancel Push on a task that is not scheduled).
    let other = app.task(APP, &tag_task()).await;
    let a = call(
        &app,
        Some(&t),
        "post",
        ACT,
        &actions_path(&other),
        Some(json!({"action": "cancel"})),
        Some("k9"),
    )
    .await;
    assert_eq!((a.status, a.code()), (409, "not_allowed"), "{}", a.text);
    // Chinese when asked.
    let res = app
        .http
        .get(format!("{}/api/v1/apps", app.base))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert!(
        body["error"]["message"].as_str().unwrap().contains("令牌"),
        "{body}"
    );
    // An unknown path under the API answers in its shape.
    let res = app
        .http
        .get(format!("{}/api/v1/nothing-here", app.base))
        .header(AUTHORIZATION, format!("Bearer {t}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    app.stop().await;
}

both_stores!(errors_have_their_status_and_code_on, |db: Db| async move {
    errors_have_their_status_and_code(db).await
});

/// A spent query budget answers 429 with `Retry-After`, and nothing is sent.
#[tokio::test]
async fn a_spent_budget_answers_429_with_retry_after() {
    let app = TestApp::spawn_with(
        Db::Sqlite,
        Options {
            tweak: Some(|c| {
                c.sync.calls_per_hour = 5;
                c.sync.margin_per_hour = 0;
                c.sync.reserve_per_hour = 0;
            }),
            ..Options::default()
        },
    )
    .await;
    app.operator("lee").await;
    let t = token(&app, "lee", "bot", &[], None).await;
    let id = app.task(APP, &tag_task()).await;
    for _ in 0..10 {
        app.services
            .store
            .note_call(APP, Endpoint::Record.key(), app.services.clock.now_ms())
            .await
            .unwrap();
    }
    let reads = app.sandbox.traffic(APP, Endpoint::Record).calls;
    let a = call(
        &app,
        Some(&t),
        "post",
        REFRESH,
        &format!("{}/refresh", details(&id)),
        None,
        None,
    )
    .await;
    assert_eq!((a.status, a.code()), (429, "rate_limited"), "{}", a.text);
    let secs: i64 = a.headers[RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&secs), "{secs}");
    assert!(a.body["error"]["retry_at"].as_i64().is_some(), "{}", a.text);
    assert_eq!(
        app.sandbox.traffic(APP, Endpoint::Record).calls,
        reads,
        "nothing sent"
    );
    app.stop().await;
}

/// A retried request with the same `Idempotency-Key` answers the first one's outcome and sends
/// nothing; the key cannot be borrowed for another task; the answer lost after TPNS applied the
/// action is recorded as done and the retry does not repeat it.
async fn idempotent_replays_and_exactly_once(db: Db) {
    let app = TestApp::spawn(db).await;
    app.operator("lee").await;
    let t = token(&app, "lee", "bot", &Action::ALL, None).await;
    for (action, ep, spec) in [
        ("terminate", Endpoint::Stop, tag_task()),
        (
            "recall",
            Endpoint::Revoke,
            TaskSpec {
                audience: Audience::AccountList,
                ..tag_task()
            },
        ),
        (
            "cancel",
            Endpoint::Cancel,
            TaskSpec {
                send_in: Some(Duration::from_secs(3600)),
                ..tag_task()
            },
        ),
    ] {
        // The answer is lost after TPNS applied it, each way it can be (the pages' faults): the
        // outcome is the action done, and a replay answers it without a call.
        for (i, (fault_name, fault)) in [
            (
                "dropped connection",
                Fault::drop_connection().times(1).after_effect(),
            ),
            ("HTTP 503", Fault::status(503).times(1).after_effect()),
            ("malformed body", Fault::malformed().times(1).after_effect()),
            (
                "ret_code 1008004",
                Fault::ret_code(1008004).times(1).after_effect(),
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let id = app.task(APP, &spec).await;
            app.sandbox.set_fault(ep, fault);
            let key = format!("{action}-{i}");
            let body = Some(json!({"action": action}));
            let first = call(
                &app,
                Some(&t),
                "post",
                ACT,
                &actions_path(&id),
                body.clone(),
                Some(&key),
            )
            .await;
            app.sandbox.clear_fault(ep);
            assert_eq!(
                first.status, 200,
                "{action} after {fault_name}: {}",
                first.text
            );
            let done = Action::from_slug(action).unwrap().expected_status();
            assert_eq!(
                first.body["status"],
                done.slug(),
                "{action} after {fault_name}"
            );
            let calls = app.sandbox.traffic(APP, ep).calls;
            let again = call(
                &app,
                Some(&t),
                "post",
                ACT,
                &actions_path(&id),
                body,
                Some(&key),
            )
            .await;
            assert_eq!(
                again.body, first.body,
                "{action} after {fault_name}: the first outcome"
            );
            assert_eq!(
                app.sandbox.traffic(APP, ep).calls,
                calls,
                "{action} after {fault_name}: nothing sent again"
            );
            let audit = app.services.store.task_audit(APP, &id).await.unwrap();
            assert_eq!(audit.len(), 1, "{action} after {fault_name}: {audit:?}");
        }
        let id = app.task(APP, &spec).await;
        // The answer is lost after TPNS applied it.
        app.sandbox
            .set_fault(ep, Fault::timeout().times(1).after_effect());
        let key = format!("{action}-once");
        let first = call(
            &app,
            Some(&t),
            "post",
            ACT,
            &actions_path(&id),
            Some(json!({"action": action})),
            Some(&key),
        )
        .await;
        app.sandbox.clear_fault(ep);
        assert_eq!(first.status, 200, "{action}: {}", first.text);
        let calls = app.sandbox.traffic(APP, ep).calls;
        // The script retries, as any would after a timeout of its own.
        for _ in 0..3 {
            let again = call(
                &app,
                Some(&t),
                "post",
                ACT,
                &actions_path(&id),
                Some(json!({"action": action})),
                Some(&key),
            )
            .await;
            assert_eq!(again.status, 200, "{action}: {}", again.text);
            assert_eq!(again.body, first.body, "{action}: the first outcome");
        }
        assert_eq!(
            app.sandbox.traffic(APP, ep).calls,
            calls,
            "{action}: nothing sent again"
        );
        let audit = app.services.store.task_audit(APP, &id).await.unwrap();
        assert_eq!(audit.len(), 1, "{action}: one audited outcome: {audit:?}");
        // The key belongs to that action on that task.
        let other = app.task(APP, &spec).await;
        let a = call(
            &app,
            Some(&t),
            "post",
            ACT,
            &actions_path(&other),
            Some(json!({"action": action})),
            Some(&key),
        )
        .await;
        assert_eq!(
            (a.status, a.body["error"]["field"].as_str()),
            (422, Some("idempotency_key")),
            "{}",
            a.text
        );
    }
    // An Override whose answer is lost is unknown until the reconciler finds its new task, and
    // a retry with the same key never pushes a second message.
    let id = app.task(APP, &tag_task()).await;
    let body = json!({"action": "override", "title": "Weekend sale (fixed)", "content": "Correct link", "choice": "continue"});
    app.sandbox
        .set_fault(Endpoint::Push, Fault::timeout().times(1).after_effect());
    let first = call(
        &app,
        Some(&t),
        "post",
        ACT,
        &actions_path(&id),
        Some(body.clone()),
        Some("override-once"),
    )
    .await;
    app.sandbox.clear_fault(Endpoint::Push);
    assert_eq!(
        (first.status, first.code()),
        (503, "upstream_unavailable"),
        "the outcome is not known yet: {}",
        first.text
    );
    let pushes = app.sandbox.traffic(APP, Endpoint::Push).calls;
    for _ in 0..3 {
        let again = call(
            &app,
            Some(&t),
            "post",
            ACT,
            &actions_path(&id),
            Some(body.clone()),
            Some("override-once"),
        )
        .await;
        assert_eq!(again.body, first.body, "{}", again.text);
    }
    assert_eq!(
        app.sandbox.traffic(APP, Endpoint::Push).calls,
        pushes,
        "no second override sent"
    );
    assert_eq!(app.sandbox.overrides(APP).len(), 1);
    app.stop().await;
}

both_stores!(
    idempotent_replays_and_exactly_once_on,
    |db: Db| async move { idempotent_replays_and_exactly_once(db).await }
);

/// The list pages through every task with its keyset cursors, with the page's filters.
#[tokio::test]
async fn the_list_pages_and_filters_like_the_task_list() {
    let app = TestApp::spawn(Db::Sqlite).await;
    app.operator("lee").await;
    let t = token(&app, "lee", "bot", &[], None).await;
    let mut made = BTreeSet::new();
    for i in 0..55 {
        let spec = TaskSpec {
            title: format!("Sale {i}"),
            ..tag_task()
        };
        made.insert(app.task(APP, &spec).await);
    }
    let scheduled = app
        .task(
            APP,
            &TaskSpec {
                send_in: Some(Duration::from_secs(3600)),
                title: "Later".into(),
                ..tag_task()
            },
        )
        .await;
    let mut seen = BTreeSet::new();
    let mut path = format!("/api/v1/apps/{APP}/tasks");
    loop {
        let a = call(&app, Some(&t), "get", LIST, &path, None, None).await;
        assert_eq!(a.status, 200, "{}", a.text);
        for task in a.body["tasks"].as_array().unwrap() {
            assert!(
                seen.insert(task["push_id"].as_str().unwrap().to_string()),
                "no task twice"
            );
        }
        match a.body["next"].as_str() {
            Some(n) => path = format!("/api/v1/apps/{APP}/tasks?after={n}"),
            None => break,
        }
    }
    made.insert(scheduled.clone());
    assert_eq!(seen, made);
    let a = call(
        &app,
        Some(&t),
        "get",
        LIST,
        &format!("/api/v1/apps/{APP}/tasks?status=scheduled,created"),
        None,
        None,
    )
    .await;
    let ids: Vec<&str> = a.body["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["push_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![scheduled.as_str()]);
    let a = call(
        &app,
        Some(&t),
        "get",
        LIST,
        &format!("/api/v1/apps/{APP}/tasks?q=Sale%2054"),
        None,
        None,
    )
    .await;
    assert_eq!(a.body["tasks"].as_array().unwrap().len(), 1, "{}", a.text);
    assert_eq!(a.body["status_counts"]["scheduled"], 1);
    app.stop().await;
}

/// The document is OpenAPI 3.1, every reference in it resolves, its schemas compile, and it
/// lists every route the API serves (and the API serves every path it lists).
#[tokio::test]
async fn the_openapi_document_validates_and_matches_the_routes() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let res = app
        .http
        .get(format!("{}/api/v1/openapi.json", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "public");
    let served: Value = res.json().await.unwrap();
    let doc = openapi();
    assert_eq!(&served, doc);
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    // Every $ref resolves.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(doc, &mut all);
    assert!(!all.is_empty());
    for r in &all {
        let pointer = r.strip_prefix('#').expect("a local reference");
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }
    // Every schema compiles as JSON Schema 2020-12.
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        let wrapper = json!({"components": doc["components"], "allOf": [schema]});
        assert!(jsonschema::validator_for(&wrapper).is_ok(), "{name}");
    }
    // Every operation has responses with descriptions, and a 401 when it needs a token.
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            documented.insert(format!("{} {path}", method.to_uppercase()));
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("200"), "{method} {path}");
            assert!(
                responses.contains_key("401"),
                "{method} {path} needs a token"
            );
            for (status, r) in responses {
                assert!(
                    r["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{method} {path} {status}"
                );
            }
        }
    }
    let expected: BTreeSet<String> = [
        "GET /api/v1/apps",
        "GET /api/v1/apps/{app}/tasks",
        "GET /api/v1/apps/{app}/tasks.csv",
        "GET /api/v1/apps/{app}/tasks/{push_id}",
        "POST /api/v1/apps/{app}/tasks/{push_id}/actions",
        "POST /api/v1/apps/{app}/tasks/{push_id}/refresh",
        "GET /api/v1/audit",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(documented, expected);
    // Each documented path is served (an unsigned request is refused, not "not found").
    for op in &expected {
        let (method, path) = op.split_once(' ').unwrap();
        let path = path
            .replace("{app}", APP)
            .replace("{push_id}", "100000000000000001");
        let req = if method == "GET" {
            app.http.get(format!("{}{path}", app.base))
        } else {
            app.http.post(format!("{}{path}", app.base))
        };
        let res = req.send().await.unwrap();
        assert_eq!(res.status().as_u16(), 401, "{op}");
    }
    app.stop().await;
}

/// `/metrics` needs its bearer token on the console's listener, and its counters move with an
/// action: the action by kind and outcome, the upstream call by endpoint and result, the HTTP
/// request by route pattern.
#[tokio::test]
async fn metrics_move_with_an_action() {
    let app = TestApp::spawn_with(
        Db::Sqlite,
        Options {
            tweak: Some(|c| {
                c.metrics.token = Some("scrape-secret".to_string().into());
                c.metrics.listen = Some(([127, 0, 0, 1], 0).into());
            }),
            ..Options::default()
        },
    )
    .await;
    let res = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401, "no token");
    let scrape = || async {
        let res = app
            .http
            .get(format!("{}/metrics", app.base))
            .header(AUTHORIZATION, "Bearer scrape-secret")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        res.text().await.unwrap()
    };
    let value = |text: &str, series: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    app.operator("lee").await;
    let t = token(&app, "lee", "bot", &Action::ALL, None).await;
    let id = app.task(APP, &tag_task()).await;
    let before = scrape().await;
    let a = call(
        &app,
        Some(&t),
        "post",
        ACT,
        &actions_path(&id),
        Some(json!({"action": "terminate"})),
        Some("m1"),
    )
    .await;
    assert_eq!(a.status, 200);
    let after = scrape().await;
    let action = r#"pushdeck_actions_total{action="terminate",outcome="succeeded"}"#;
    let stop = r#"pushdeck_upstream_calls_total{endpoint="stop",result="ok"}"#;
    let route = r#"pushdeck_http_requests_total{route="/api/v1/apps/{app}/tasks/{push_id}/actions",method="POST",status="200"}"#;
    for series in [action, stop, route] {
        assert_eq!(
            value(&after, series) - value(&before, series),
            1.0,
            "{series}\n{after}"
        );
    }
    assert!(
        after.contains("pushdeck_upstream_call_duration_seconds_bucket"),
        "{after}"
    );
    assert!(
        after.contains(r#"pushdeck_query_budget_left{app="demo-android",endpoint="record"}"#),
        "{after}"
    );
    assert!(
        after.contains(r#"pushdeck_action_intents{state="unknown"} 0"#),
        "{after}"
    );
    assert!(after.contains("pushdeck_sync_age_p95_seconds"), "{after}");
    // The listener of its own answers without a token, the same series.
    let addr = app.metrics_addr.expect("a metrics listener");
    let own = app
        .http
        .get(format!("http://{addr}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status().as_u16(), 200);
    let own = own.text().await.unwrap();
    assert_eq!(value(&own, action), value(&after, action), "{own}");
    // A made-up method is counted as "other", not as a series of its own.
    let odd = reqwest::Method::from_bytes(b"BREW").unwrap();
    app.http
        .request(odd, format!("{}/tasks", app.base))
        .send()
        .await
        .unwrap();
    let last = scrape().await;
    assert!(
        !last.contains("BREW") && last.contains(r#"method="other""#),
        "{last}"
    );
    app.stop().await;
}

/// The Task List's export: every page of the filtered tasks, from the page and from the API, a
/// hostile title defused as a formula and quoted as text.
#[tokio::test]
async fn the_task_export_streams_every_page_with_the_filters() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let s = app.operator("lee").await;
    let t = token(&app, "lee", "bot", &[], None).await;
    let hostile = "=HYPERLINK(\"http://evil.example\",\"click\"),<b>";
    for i in 0..520 {
        let spec = TaskSpec {
            title: if i == 7 {
                hostile.into()
            } else {
                format!("Sale {i}")
            },
            ..tag_task()
        };
        app.task(APP, &spec).await;
    }
    let scheduled = TaskSpec {
        send_in: Some(Duration::from_secs(3600)),
        title: "Later".into(),
        ..tag_task()
    };
    app.task(APP, &scheduled).await;
    let page = app
        .get(Some(&s), &format!("/tasks.csv?app={APP}&headers=en"))
        .await;
    assert_eq!(page.status().as_u16(), 200);
    assert!(
        page.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = page.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("push_id,created,"), "{}", lines[0]);
    assert_eq!(lines.len(), 1 + 521, "every page");
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\"),<b>\""),
        "defused and quoted"
    );
    let api = app
        .http
        .get(format!(
            "{}/api/v1/apps/{APP}/tasks.csv?status=scheduled&headers=en",
            app.base
        ))
        .header(AUTHORIZATION, format!("Bearer {t}"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status().as_u16(), 200);
    let csv = api.text().await.unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(
        csv.contains("Later") && csv.contains(",scheduled,"),
        "{csv}"
    );
    // Signed out: refused, nothing exported.
    let res = app.get(None, &format!("/tasks.csv?app={APP}")).await;
    assert!(res.status().is_redirection() || res.status().as_u16() == 401);
    app.stop().await;
}

/// Honest statuses on the pages' server functions too: a refusal is a 4xx with its kind's status
/// (so a proxy's 5xx alarm stays for real failures), a body that is not UTF-8 is the request's
/// fault (422), an oversized one 413.
#[tokio::test]
async fn server_function_refusals_answer_with_their_own_status() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let lee = app.operator("lee").await;
    let vera = app.user("vera", Role::Viewer, &[]).await;
    let id = app.task(APP, &tag_task()).await;
    let act = |s: &crate::app::Session, action: &'static str, key: &'static str| {
        let (app, s, id) = (&app, s.clone(), id.clone());
        async move {
            app.post(
                Some(&s),
                "/api/act",
                &[
                    ("app", APP),
                    ("push_id", &id),
                    ("action", action),
                    ("idempotency_key", key),
                ],
            )
            .await
            .status()
            .as_u16()
        }
    };
    assert_eq!(act(&vera, "terminate", "v1").await, 403, "a viewer");
    assert_eq!(act(&lee, "cancel", "l1").await, 409, "a rule refusal");
    assert_eq!(act(&lee, "explode", "l2").await, 422, "a bad form");
    assert_eq!(act(&lee, "terminate", "l3").await, 200);
    assert_eq!(act(&lee, "terminate", "l4").await, 409, "done already");
    let raw = |body: Vec<u8>| {
        let (app, cookie) = (&app, lee.cookie.clone());
        async move {
            app.http
                .post(format!("{}/api/act", app.base))
                .header(ORIGIN, &app.base)
                .header(COOKIE, cookie)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("accept", "application/json")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let res = raw(vec![b'a', b'p', b'p', b'=', 0xff, 0xfe]).await;
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    assert_eq!(status, 422, "not UTF-8: {text}");
    assert!(!text.contains("could not be read"), "{text}");
    // Oversized: 413, as an error the page's client reads (not "could not be read").
    let res = raw(vec![b'x'; 70 * 1024]).await;
    assert_eq!(res.status().as_u16(), 413, "oversized");
    let error: app::error::AppError = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    assert!(
        matches!(&error, app::error::AppError::Validation { message, .. } if message.contains("larger than")),
        "{error:?}"
    );
    app.stop().await;
}

/// Two requests with one key at once: one call to TPNS, both answered with its outcome. A key
/// used again with other fields is refused; TPNS's refusal is replayed as itself, with its code;
/// another user's same key is theirs.
#[tokio::test]
async fn replays_at_once_with_other_fields_and_of_a_refusal() {
    let app = TestApp::spawn(Db::Sqlite).await;
    app.operator("lee").await;
    app.operator("kim").await;
    let t = token(&app, "lee", "bot", &Action::ALL, None).await;
    let kims = token(&app, "kim", "kims", &Action::ALL, None).await;
    let id = app.task(APP, &tag_task()).await;
    // Slow answers, so that both requests are in flight together.
    app.sandbox.set_fault(
        Endpoint::Stop,
        Fault::latency(Duration::from_millis(400)).times(1),
    );
    let body = Some(json!({"action": "terminate"}));
    let path = actions_path(&id);
    let (a, b) = tokio::join!(
        call(
            &app,
            Some(&t),
            "post",
            ACT,
            &path,
            body.clone(),
            Some("same")
        ),
        call(
            &app,
            Some(&t),
            "post",
            ACT,
            &path,
            body.clone(),
            Some("same")
        ),
    );
    app.sandbox.clear_fault(Endpoint::Stop);
    assert_eq!((a.status, b.status), (200, 200), "{} / {}", a.text, b.text);
    assert_eq!(a.body, b.body);
    assert_eq!(
        app.sandbox.traffic(APP, Endpoint::Stop).calls,
        1,
        "one call"
    );
    // kim's "same" is kim's own key: refused by the rules (lee did it), not by lee's key.
    let k = call(
        &app,
        Some(&kims),
        "post",
        ACT,
        &actions_path(&id),
        body,
        Some("same"),
    )
    .await;
    assert_eq!((k.status, k.code()), (409, "conflict"), "{}", k.text);
    // An override's key with other fields.
    let other = app.task(APP, &tag_task()).await;
    let fix = |title: &str| {
        Some(
            json!({"action": "override", "title": title, "content": "Correct link", "choice": "continue"}),
        )
    };
    let first = call(
        &app,
        Some(&t),
        "post",
        ACT,
        &actions_path(&other),
        fix("Sale (fixed)"),
        Some("ovr"),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.text);
    let pushes = app.sandbox.traffic(APP, Endpoint::Push).calls;
    let changed = call(
        &app,
        Some(&t),
        "post",
        ACT,
        &actions_path(&other),
        fix("Sale (fixed again)"),
        Some("ovr"),
    )
    .await;
    assert_eq!(
        (changed.status, changed.body["error"]["field"].as_str()),
        (422, Some("idempotency_key")),
        "{}",
        changed.text
    );
    let same = call(
        &app,
        Some(&t),
        "post",
        ACT,
        &actions_path(&other),
        fix("Sale (fixed)"),
        Some("ovr"),
    )
    .await;
    assert_eq!(same.body, first.body);
    assert_eq!(
        app.sandbox.traffic(APP, Endpoint::Push).calls,
        pushes,
        "nothing pushed again"
    );
    // TPNS refuses; the replay is the same refusal, with TPNS's code.
    let third = app.task(APP, &tag_task()).await;
    app.sandbox
        .set_fault(Endpoint::Stop, Fault::ret_code(1008007).times(1));
    let refused = call(
        &app,
        Some(&t),
        "post",
        ACT,
        &actions_path(&third),
        Some(json!({"action": "terminate"})),
        Some("refused"),
    )
    .await;
    app.sandbox.clear_fault(Endpoint::Stop);
    assert_eq!(
        (refused.status, refused.body["error"]["tpns_code"].as_i64()),
        (502, Some(1008007)),
        "{}",
        refused.text
    );
    let stops = app.sandbox.traffic(APP, Endpoint::Stop).calls;
    let again = call(
        &app,
        Some(&t),
        "post",
        ACT,
        &actions_path(&third),
        Some(json!({"action": "terminate"})),
        Some("refused"),
    )
    .await;
    assert_eq!(again.status, 502, "{}", again.text);
    assert_eq!(again.body["error"]["tpns_code"].as_i64(), Some(1008007));
    assert_eq!(
        app.sandbox.traffic(APP, Endpoint::Stop).calls,
        stops,
        "not sent again"
    );
    // A task pushed to all devices needs its push ID typed again, named as the body names it.
    let all = app
        .task(
            APP,
            &TaskSpec {
                audience: Audience::All,
                ..tag_task()
            },
        )
        .await;
    let body = json!({"action": "terminate"});
    let a = call(
        &app,
        Some(&t),
        "post",
        ACT,
        &actions_path(&all),
        Some(body),
        Some("all"),
    )
    .await;
    assert_eq!(
        (a.status, a.body["error"]["field"].as_str()),
        (422, Some("confirm_push_id")),
        "{}",
        a.text
    );
    let body = json!({"action": "terminate", "confirm_push_id": all});
    let a = call(
        &app,
        Some(&t),
        "post",
        ACT,
        &actions_path(&all),
        Some(body),
        Some("all-2"),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    // A body over the limit, announced by its Content-Length, answers in the API's shape.
    let res = app
        .http
        .post(format!("{}{}", app.base, actions_path(&third)))
        .header(AUTHORIZATION, format!("Bearer {t}"))
        .header("Idempotency-Key", "big")
        .header(CONTENT_TYPE, "application/json")
        .body(vec![b' '; 70 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 413);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large", "{body}");
    app.stop().await;
}
