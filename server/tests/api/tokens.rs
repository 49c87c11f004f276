//! API tokens from the Account page and `pushdeck token`: shown once, stored hashed, named,
//! narrowed, revocable, audited.

use app::domain::Action;
use pushdeck::users::Changer;
use reqwest::header::{AUTHORIZATION, COOKIE, ORIGIN};

use crate::app::TestApp;
use crate::helpers::{Db, dump_database};

/// The status of `GET /api/v1/apps` with the token.
async fn apps_status(app: &TestApp, secret: &str) -> u16 {
    app.http
        .get(format!("{}/api/v1/apps", app.base))
        .header(AUTHORIZATION, format!("Bearer {secret}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn token_cli(lang: &str, db_url: &str, args: &[&str]) -> (bool, String) {
    crate::helpers::pushdeck_in(lang, db_url, &[&["token"], args].concat(), None)
}

/// The secret in a `pushdeck token add` answer.
fn secret_in(out: &str) -> String {
    out.split_whitespace()
        .find(|w| w.starts_with("pdk_"))
        .expect("a token in the answer")
        .to_string()
}

#[tokio::test]
async fn the_token_command_adds_lists_and_revokes_through_the_service() {
    let app = TestApp::spawn(Db::Sqlite).await;
    app.user(
        "lee",
        pushdeck::store::users::Role::Operator,
        &[Action::Terminate, Action::Recall],
    )
    .await;
    let url = app.db.url.clone();
    let (ok, out) = token_cli(
        "en",
        &url,
        &[
            "add",
            "--user",
            "lee",
            "--name",
            "deploy-bot",
            "--permissions",
            "terminate,cancel",
            "--expires-in-days",
            "30",
        ],
    );
    assert!(ok, "{out}");
    let secret = secret_in(&out);
    assert_eq!(secret.len(), 4 + 64);
    // Cancel is not lee's to give: the token holds only what both hold.
    assert!(out.contains("(actions: terminate)"), "{out}");
    // The token works, and is the only place the secret is: the database holds its hash.
    assert_eq!(apps_status(&app, &secret).await, 200);
    let dump = dump_database(&app.services.store).await;
    assert!(!dump.contains(&secret), "the secret is not stored");
    assert!(!dump.contains(&secret[4..]), "nor its random part");
    let (ok, out) = token_cli(
        "en",
        &url,
        &["add", "--user", "lee", "--name", "deploy-bot"],
    );
    assert!(
        !ok && out.contains("already a live token named deploy-bot"),
        "{out}"
    );
    for bad in ["", "a b", "<script>", &"x".repeat(65)] {
        let (ok, out) = token_cli("en", &url, &["add", "--user", "lee", "--name", bad]);
        assert!(!ok && out.contains("1 to 64 letters"), "{bad:?}: {out}");
    }
    let (ok, out) = token_cli(
        "en",
        &url,
        &[
            "add",
            "--user",
            "lee",
            "--name",
            "x",
            "--expires-in-days",
            "0",
        ],
    );
    assert!(!ok && out.contains("1 to 3650 days"), "{out}");
    let (ok, out) = token_cli("en", &url, &["add", "--user", "nobody", "--name", "x"]);
    assert!(!ok && out.contains("nobody"), "{out}");
    let (ok, out) = token_cli("en", &url, &["list", "--user", "lee"]);
    assert!(
        ok && out.contains("deploy-bot") && out.contains("live") && out.contains(&secret[..10]),
        "{out}"
    );
    assert!(
        !out.contains(&secret),
        "a list never shows the token: {out}"
    );
    let (ok, out) = token_cli(
        "zh_CN.UTF-8",
        &url,
        &["revoke", "--user", "lee", "--name", "deploy-bot"],
    );
    assert!(ok && out.contains("已吊销 lee 的令牌 deploy-bot"), "{out}");
    assert_eq!(apps_status(&app, &secret).await, 401, "revoked at once");
    let (ok, out) = token_cli("en", &url, &["list", "--user", "lee"]);
    assert!(ok && out.contains("revoked"), "{out}");
    // The name is free again once revoked.
    let (ok, out) = token_cli(
        "en",
        &url,
        &["add", "--user", "lee", "--name", "deploy-bot"],
    );
    assert!(ok, "{out}");
    // Audited as the terminal's user, never with the secret.
    let audit = app
        .services
        .store
        .audit_page(&Default::default(), 50)
        .await
        .unwrap();
    let token_entries: Vec<_> = audit
        .iter()
        .filter(|e| e.action.ends_with("-token"))
        .collect();
    assert_eq!(token_entries.len(), 3, "{token_entries:?}");
    assert!(
        token_entries
            .iter()
            .all(|e| e.username == "(command line: ops-oncall)")
    );
    assert!(audit.iter().all(|e| !e.detail.contains("pdk_")));
    app.stop().await;
}

/// The Account page makes a token with a plain form and shows it on the page that answers, once;
/// the next visit lists it without the secret; revoking it is a plain form too.
#[tokio::test]
async fn the_account_page_shows_a_new_token_once() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let s = app.operator("lee").await;
    let form = [
        ("name", "deploy-bot"),
        ("days", "90"),
        ("perm_terminate", "on"),
    ];
    // Another site's form cannot make one.
    let res = app
        .http
        .post(format!("{}/account/tokens", app.base))
        .header(COOKIE, &s.cookie)
        .header(ORIGIN, "http://elsewhere.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = app
        .http
        .post(format!("{}/account/tokens", app.base))
        .header(COOKIE, &s.cookie)
        .header(ORIGIN, &app.base)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let page = res.text().await.unwrap();
    let secret = page
        .split("data-testid=\"fresh-token\"")
        .nth(1)
        .and_then(|rest| rest.split('>').nth(1))
        .and_then(|rest| rest.split('<').next())
        .expect("the token on the page")
        .to_string();
    assert!(secret.starts_with("pdk_"), "{secret}");
    let tokens = app.services.tokens.list("lee").await.unwrap();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].permissions, vec![Action::Terminate]);
    assert!(tokens[0].expires_at.is_some());
    // The next visit lists it, without the secret.
    let again = app.get(Some(&s), "/account").await.text().await.unwrap();
    assert!(
        again.contains("deploy-bot") && !again.contains(&secret),
        "shown once"
    );
    // A refused form answers the page with the reason, and makes nothing.
    let res = app
        .http
        .post(format!("{}/account/tokens", app.base))
        .header(COOKIE, &s.cookie)
        .header(ORIGIN, &app.base)
        .form(&[("name", "<img src=x onerror=alert(1)>"), ("days", "90")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("role=\"alert\"") && page.contains("1 to 64 letters"),
        "refused, saying why"
    );
    assert_eq!(app.services.tokens.list("lee").await.unwrap().len(), 1);
    // Signed out: refused, nothing made.
    let res = app
        .http
        .post(format!("{}/account/tokens", app.base))
        .header(ORIGIN, &app.base)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    assert_eq!(app.services.tokens.list("lee").await.unwrap().len(), 1);
    // Revoke, as the page's plain form does.
    let res = app
        .post(
            Some(&s),
            "/api/account/revoke_token",
            &[("name", "deploy-bot")],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(apps_status(&app, &secret).await, 401);
    // Another user's token is not theirs to revoke.
    app.operator("kim").await;
    app.services
        .tokens
        .add(&Changer::command_line(), "kim", "kims", &[], None)
        .await
        .unwrap();
    let res = app
        .post(Some(&s), "/api/account/revoke_token", &[("name", "kims")])
        .await;
    assert_eq!(res.status().as_u16(), 404);
    assert!(
        app.services.tokens.list("kim").await.unwrap()[0]
            .revoked_at
            .is_none()
    );
    app.stop().await;
}

/// A disabled user's tokens stop at once, and start again when they are enabled.
#[tokio::test]
async fn a_disabled_owners_tokens_stop_at_once() {
    let app = TestApp::spawn(Db::Sqlite).await;
    app.operator("lee").await;
    let made = app
        .services
        .tokens
        .add(&Changer::command_line(), "lee", "bot", &Action::ALL, None)
        .await
        .unwrap();
    let get = || apps_status(&app, &made.secret);
    assert_eq!(get().await, 200);
    app.services
        .users
        .disable(&Changer::command_line(), "lee")
        .await
        .unwrap();
    assert_eq!(get().await, 401);
    app.services
        .users
        .enable(&Changer::command_line(), "lee")
        .await
        .unwrap();
    assert_eq!(get().await, 200);
    app.stop().await;
}
