//! The console in Chinese and English (`server/docs/i18n.md`): which language a request gets,
//! the switch that remembers it, pages rendered in Chinese that carry no English sentence of
//! the console's own, and the server's refusals in the reader's language.

use app::domain::{Action, Audience, Locale};
use app::i18n::T;
use pushdeck::sandbox::TaskSpec;
use pushdeck::store::users::Role;
use reqwest::header::{ACCEPT_LANGUAGE, COOKIE, LOCATION, ORIGIN, REFERER, SET_COOKIE};

use crate::app::{Session, TestApp};
use crate::helpers::Db;

async fn page_as(app: &TestApp, s: Option<&Session>, path: &str, accept: &str) -> String {
    let mut req = app
        .http
        .get(format!("{}{path}", app.base))
        .header(ACCEPT_LANGUAGE, accept);
    if let Some(s) = s {
        req = req.header(COOKIE, &s.cookie);
    }
    let res = req.send().await.unwrap();
    res.text().await.unwrap()
}

async fn choose(app: &TestApp, s: Option<&Session>, lang: &str, back: &str) -> reqwest::Response {
    let mut req = app
        .http
        .post(format!("{}/lang", app.base))
        .header(ORIGIN, &app.base)
        .form(&[("lang", lang)]);
    if !back.is_empty() {
        req = req.header(REFERER, back);
    }
    if let Some(s) = s {
        req = req.header(COOKIE, &s.cookie);
    }
    req.send().await.unwrap()
}

/// A task pushed to a tag on the Android demo app, imported.
async fn tag_task(app: &TestApp) -> String {
    let spec = TaskSpec {
        audience: Audience::Tag,
        ..Default::default()
    };
    app.task("demo-android", &spec).await
}

fn lang_of(html: &str) -> &str {
    let start = html.find("<html lang=\"").expect("an html element") + 12;
    &html[start..start + html[start..].find('"').unwrap()]
}

/// The text between tags, with the few entities the renderer writes decoded.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut in_script = false;
    let lower = html.to_ascii_lowercase().into_bytes();
    let mut i = 0;
    let b = html.as_bytes();
    while i < b.len() {
        if lower[i..].starts_with(b"<script") {
            in_script = true;
        }
        if in_script {
            if lower[i..].starts_with(b"</script>") {
                in_script = false;
                i += 9;
            } else {
                i += 1;
            }
            continue;
        }
        match b[i] {
            b'<' => {
                in_tag = true;
                out.push(' ');
            }
            b'>' => in_tag = false,
            _ if !in_tag => {
                let ch = html[i..].chars().next().unwrap();
                out.push(ch);
                i += ch.len_utf8();
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The English fragments of the catalog a Chinese page must not show: each literal piece of a
/// template between its placeholders, of two words or more (a single word such as "API" or a
/// channel name may be data).
fn english_fragments() -> Vec<(T, String)> {
    let mut out = Vec::new();
    for k in T::ALL {
        let (en, zh) = (k.text(Locale::En), k.text(Locale::Zh));
        if en == zh {
            continue;
        }
        for piece in en.split(['{', '}']).step_by(2) {
            let piece = piece.trim_matches(|c: char| c.is_whitespace() || ",.;:()—·".contains(c));
            if piece.split_whitespace().count() >= 2 && !zh.contains(piece) {
                out.push((*k, piece.to_string()));
            }
        }
    }
    out
}

#[tokio::test]
async fn a_page_rendered_in_chinese_shows_no_english_sentence_of_the_consoles_own() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let op = app.operator("li").await;
    let admin = app.user("wang", Role::Admin, &Action::ALL).await;
    for s in [&op, &admin] {
        choose(&app, Some(s), "zh", "").await;
    }
    let tag = tag_task(&app).await;
    let all = app.task("demo-android", &TaskSpec::default()).await;
    let scheduled = app
        .task(
            "demo-android",
            &TaskSpec {
                audience: Audience::Tag,
                send_in: Some(std::time::Duration::from_secs(3 * 3600)),
                ..Default::default()
            },
        )
        .await;
    let ios = app.task("demo-ios", &TaskSpec::default()).await;
    app.act(&op, "demo-android", &tag, Action::Terminate, "zh-t-1", &[])
        .await
        .expect("terminated");

    let fragments = english_fragments();
    assert!(fragments.len() > 100, "{}", fragments.len());
    let pages = [
        (Some(&op), "/tasks?app=demo-android".to_string()),
        (
            Some(&op),
            "/tasks?app=demo-android&status=scheduled".to_string(),
        ),
        (
            Some(&op),
            "/tasks?app=demo-android&from=2026-13-01".to_string(),
        ),
        (Some(&op), format!("/tasks/{tag}?app=demo-android")),
        (
            Some(&op),
            format!("/tasks/{all}?app=demo-android&confirm=override"),
        ),
        (
            Some(&op),
            format!("/tasks/{all}?app=demo-android&confirm=terminate"),
        ),
        (
            Some(&op),
            format!("/tasks/{scheduled}?app=demo-android&confirm=cancel"),
        ),
        (
            Some(&op),
            format!("/tasks/{ios}?app=demo-ios&confirm=recall"),
        ),
        (Some(&op), "/tasks/3999999999?app=demo-android".to_string()),
        (Some(&op), "/audit".to_string()),
        (Some(&admin), "/admin".to_string()),
        (Some(&op), "/account".to_string()),
        (None, "/login".to_string()),
        (Some(&op), "/no/such/page".to_string()),
    ];
    // The check can fail: the same pages in English show many of these fragments.
    let english = text_of(&page_as(&app, None, "/login", "en").await);
    let en_op = app.operator("lee").await;
    let english = english
        + &text_of(
            &page_as(
                &app,
                Some(&en_op),
                &format!("/tasks/{tag}?app=demo-android"),
                "en",
            )
            .await,
        );
    let found = fragments
        .iter()
        .filter(|(_, p)| english.contains(p.as_str()))
        .count();
    assert!(
        found >= 20,
        "only {found} English fragments found on English pages"
    );
    for (who, path) in pages {
        // The stored choice decides for the signed-in; the browser's header for the sign-in page.
        let html = page_as(&app, who, &path, "zh-CN,zh;q=0.9").await;
        assert_eq!(lang_of(&html), "zh-CN", "{path}");
        let text = text_of(&html);
        assert!(
            text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{path}"
        );
        for (key, piece) in &fragments {
            assert!(
                !text.contains(piece.as_str()),
                "{path} shows the English of {key:?}: {piece:?}"
            );
        }
        // The words an island receives are the reader's language only.
        assert!(!html.contains("Terminate stops delivery"), "{path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn the_language_is_the_users_choice_then_the_cookie_then_accept_language() {
    let app = TestApp::spawn(Db::Sqlite).await;
    // Nothing chosen: Accept-Language decides, English when it names neither language.
    for (accept, lang) in [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR, de;q=0.5", "en"),
        ("fr;q=1, zh-TW;q=0.4", "zh-CN"),
    ] {
        let html = page_as(&app, None, "/login", accept).await;
        assert_eq!(lang_of(&html), lang, "{accept}");
    }
    // The switch before sign-in: a cookie, and back to the page it was on.
    let res = choose(
        &app,
        None,
        "zh",
        &format!("{}/login?next=%2Faudit", app.base),
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()[LOCATION], "/login?next=%2Faudit");
    // An action's one-time parameters are not repeated on the way back.
    let res = choose(
        &app,
        None,
        "zh",
        &format!(
            "{}/tasks/1?app=demo-android&confirm=terminate&done=terminate&__err=x",
            app.base
        ),
    )
    .await;
    assert_eq!(res.headers()[LOCATION], "/tasks/1?app=demo-android");
    let cookie = res.headers()[SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.starts_with("pushdeck_lang=zh;"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    let mut req = app
        .http
        .get(format!("{}/login", app.base))
        .header(ACCEPT_LANGUAGE, "en")
        .header(COOKIE, "pushdeck_lang=zh");
    let html = req.send().await.unwrap().text().await.unwrap();
    assert_eq!(lang_of(&html), "zh-CN", "the cookie beats the header");
    // Only a path of the console is followed back; an unknown language is refused.
    for back in ["https://evil.example//evil.example/x", "not a url", ""] {
        let res = choose(&app, None, "en", back).await;
        assert_eq!(res.headers()[LOCATION], "/tasks", "{back}");
    }
    assert_eq!(choose(&app, None, "fr", "").await.status(), 422);
    // A foreign page cannot switch anyone's language.
    let res = app
        .http
        .post(format!("{}/lang", app.base))
        .header(ORIGIN, "https://evil.example")
        .form(&[("lang", "zh")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // Signed in, the choice is stored with the user: another browser (no cookie, English
    // header) gets it too.
    let op = app.operator("zhao").await;
    let en = page_as(&app, Some(&op), "/tasks", "en").await;
    assert_eq!(lang_of(&en), "en");
    choose(&app, Some(&op), "zh", "").await;
    let other = app.login("zhao", "zhao-password-123").await.unwrap();
    req = app
        .http
        .get(format!("{}/tasks", app.base))
        .header(ACCEPT_LANGUAGE, "en-US")
        .header(COOKIE, format!("{}; pushdeck_lang=en", other.cookie));
    let html = req.send().await.unwrap().text().await.unwrap();
    assert_eq!(
        lang_of(&html),
        "zh-CN",
        "the user's choice beats the cookie"
    );
    assert!(html.contains("任务列表"));
    app.stop().await;
}

#[tokio::test]
async fn the_servers_refusals_and_outcomes_are_in_the_readers_language() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let op = app.operator("chen").await;
    choose(&app, Some(&op), "zh", "").await;
    let ios = app.task("demo-ios", &TaskSpec::default()).await;
    let refused = app
        .act(&op, "demo-ios", &ios, Action::Terminate, "zh-r-1", &[])
        .await
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "iOS 任务不支持终止：移动推送无法停止 iOS 排队中的下发。"
    );
    let tag = tag_task(&app).await;
    let done = app
        .act(&op, "demo-android", &tag, Action::Terminate, "zh-r-2", &[])
        .await
        .expect("terminated");
    assert_eq!(done.message, "终止成功：任务当前为已终止。");
    // A second terminate names who did it first, in Chinese, with a Chinese date.
    let again = app
        .act(&op, "demo-android", &tag, Action::Terminate, "zh-r-3", &[])
        .await
        .unwrap_err()
        .to_string();
    assert!(again.starts_with("chen 已于 "), "{again}");
    assert!(again.contains('年') && again.contains("终止"), "{again}");
    // A form the server refuses: the domain's fixed sentence, said in Chinese.
    let bad = app
        .post(
            Some(&op),
            "/api/act",
            &[
                ("app", "demo-android"),
                ("push_id", "not a push id"),
                ("action", "terminate"),
                ("idempotency_key", "zh-r-4"),
            ],
        )
        .await;
    let bad = crate::app::decode::<app::dto::ActionOutcome>(bad)
        .await
        .unwrap_err();
    assert_eq!(bad.to_string(), "这不是推送 ID。");
    app.stop().await;
}
