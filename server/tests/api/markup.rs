//! Text from outside is data, never markup: tasks created through TPNS's push API with hostile
//! titles, contents, tags and accounts, and a hostile override, on every server-rendered page.
//! Each page must carry the Content-Security-Policy with a fresh nonce, every `<script>` must
//! carry that nonce, no element or event handler may come from the hostile text, and the text
//! must read exactly as written once the HTML's entities are decoded.

use app::domain::{Action, Audience, MessageKind};
use pushdeck::store::users::Role;
use pushdeck::tpns::{PushRequest, TagItem, TagRule};

use crate::app::TestApp;
use crate::helpers::Db;

const TITLE: &str = "</title><script>alert(3)</script>";
const CONTENT: &str = "<img src=x onerror=alert(1)> </textarea><script>alert(2)</script> \"double\" 'single' javascript:alert(2)";
const TAGS: [&str; 2] = [
    "</script><script>alert(4)</script>",
    "\"' onmouseover=alert(5) x=\"",
];
const ACCOUNTS: [&str; 2] = ["<svg onload=alert(6)>", "javascript:alert(7)"];
const OVERRIDE_TITLE: &str = "\"><iframe src=javascript:alert(8)></iframe>";

/// The elements the console's own pages use. Anything else in a page came from somewhere else.
const KNOWN_ELEMENTS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "link",
    "script",
    "body",
    "header",
    "nav",
    "main",
    "div",
    "span",
    "a",
    "p",
    "h1",
    "h2",
    "section",
    "aside",
    "form",
    "input",
    "select",
    "option",
    "button",
    "label",
    "fieldset",
    "legend",
    "textarea",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "dl",
    "dt",
    "dd",
    "ol",
    "ul",
    "li",
    "time",
    "dialog",
    "figure",
    "figcaption",
    "leptos-island",
    "leptos-children",
    "template",
    "strong",
    "em",
    "code",
    "small",
    "br",
    "hr",
];

/// One tag of a page: its name and attributes (values with entities decoded).
#[derive(Debug)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

/// Splits a page into tags and decoded text. Script contents are skipped (their nonce is
/// checked instead); comments are skipped.
fn parse(html: &str) -> (Vec<Tag>, String) {
    let (mut tags, mut text) = (Vec::new(), String::new());
    let b = html.as_bytes();
    let mut i = 0;
    let mut text_start = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        text.push_str(&decode(&html[text_start..i]));
        text.push(' ');
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map_or(b.len(), |e| i + e + 3);
            text_start = i;
            continue;
        }
        if html[i..].starts_with("<!") || html[i..].starts_with("</") {
            i = html[i..].find('>').map_or(b.len(), |e| i + e + 1);
            text_start = i;
            continue;
        }
        // `<` followed by a letter opens a tag; anything else would be text the browser shows
        // as `<`, which a correctly escaped page never contains.
        assert!(
            b.get(i + 1).is_some_and(u8::is_ascii_alphabetic),
            "a bare `<` in the page at {i}: {}",
            &html[i..(i + 80).min(html.len())]
        );
        let mut j = i + 1;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
            j += 1;
        }
        let name = html[i + 1..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' || html[j..].starts_with("/>") {
                break;
            }
            let start = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !b"=>/".contains(&b[j]) {
                j += 1;
            }
            let key = html[start..j].to_ascii_lowercase();
            let mut value = String::new();
            if b.get(j) == Some(&b'=') {
                j += 1;
                let quote = b[j];
                if quote == b'"' || quote == b'\'' {
                    let end = html[j + 1..]
                        .find(quote as char)
                        .expect("a closed attribute");
                    value = decode(&html[j + 1..j + 1 + end]);
                    j += end + 2;
                } else {
                    let s = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    value = decode(&html[s..j]);
                }
            } else if key.is_empty() {
                j += 1;
            }
            attrs.push((key, value));
        }
        let close = html[j..].find('>').map_or(b.len(), |e| j + e + 1);
        if name == "textarea" || name == "title" {
            // Text up to the closing tag, whatever it holds (RCDATA): `<` inside is shown as
            // text, but the first closing tag ends the element.
            let end_tag = format!("</{name}");
            let end = html[close..]
                .to_ascii_lowercase()
                .find(&end_tag)
                .map_or(b.len(), |e| close + e);
            text.push_str(&decode(&html[close..end]));
            tags.push(Tag { name, attrs });
            i = end;
            text_start = i;
            continue;
        }
        if name == "script" {
            i = html[close..]
                .find("</script>")
                .map_or(b.len(), |e| close + e + "</script>".len());
        } else {
            i = close;
        }
        tags.push(Tag { name, attrs });
        text_start = i;
    }
    text.push_str(&decode(&html[text_start.min(html.len())..]));
    (tags, text)
}

/// Decodes the entities a renderer writes.
fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let Some(end) = rest.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let ent = &rest[1..end];
        let c = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if ent.starts_with("#x") => u32::from_str_radix(&ent[2..], 16)
                .ok()
                .and_then(char::from_u32),
            _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every check a page must pass; returns its decoded text.
fn check_page(path: &str, csp: &str, html: &str) -> String {
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .unwrap_or_else(|| panic!("{path}: the CSP has no nonce: {csp}"));
    for d in [
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(d), "{path}: the CSP lacks {d}");
    }
    let (tags, text) = parse(html);
    assert!(tags.iter().any(|t| t.name == "body"), "{path}: not a page");
    for t in &tags {
        assert!(
            KNOWN_ELEMENTS.contains(&t.name.as_str()),
            "{path}: an element the console never writes: <{}> {:?}",
            t.name,
            t.attrs
        );
        for (k, v) in &t.attrs {
            assert!(
                !k.starts_with("on"),
                "{path}: an event handler attribute {k}={v:?} on <{}>",
                t.name
            );
            if ["href", "src", "action", "formaction"].contains(&k.as_str()) {
                let v = v.trim().to_ascii_lowercase();
                assert!(
                    !v.starts_with("javascript:") && !v.starts_with("data:"),
                    "{path}: a script URL in {k} of <{}>",
                    t.name
                );
            }
        }
        if t.name == "script" {
            assert!(
                t.attrs.iter().any(|(k, v)| k == "nonce" && v == nonce),
                "{path}: a script without this response's nonce: {:?}",
                t.attrs
            );
        }
    }
    text
}

async fn page(app: &TestApp, s: &crate::app::Session, path: &str) -> String {
    let res = app.get(Some(s), path).await;
    let status = res.status();
    assert!(
        status.is_success() || status == 404,
        "{path}: HTTP {status}"
    );
    let csp = res
        .headers()
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{path}: no Content-Security-Policy header"))
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(
        res.headers()
            .get("x-content-type-options")
            .map(|v| v.to_str().unwrap()),
        Some("nosniff"),
        "{path}"
    );
    assert_eq!(
        res.headers()
            .get("referrer-policy")
            .map(|v| v.to_str().unwrap()),
        Some("same-origin"),
        "{path}"
    );
    let html = res.text().await.unwrap();
    if let Ok(dir) = std::env::var("PUSHDECK_DUMP_PAGES") {
        let name: String = path
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        std::fs::write(format!("{dir}/{name}.html"), &html).unwrap();
    }
    check_page(path, &csp, &html)
}

/// Pushes through TPNS's push API, as any backend holding the app's credentials can.
async fn push(app: &TestApp, body: &PushRequest) -> String {
    let upstream = app.services.apps.get("demo-android").unwrap().clone();
    let pushed = app
        .services
        .tpns
        .push(&upstream.creds, body)
        .await
        .expect("the sandbox accepts the push");
    app.import("demo-android", &pushed.push_id).await;
    pushed.push_id
}

fn hostile_tag_push() -> PushRequest {
    let mut p = PushRequest::new(Audience::Tag, MessageKind::Notify, TITLE, CONTENT);
    p.tag_rules = Some(vec![TagRule {
        tag_items: vec![TagItem {
            tags: TAGS.iter().map(|t| t.to_string()).collect(),
            is_not: false,
            tags_operator: "OR".into(),
            items_operator: "OR".into(),
            tag_type: "xg_user_define".into(),
        }],
        operator: None,
        is_not: false,
    }]);
    p
}

#[tokio::test]
async fn hostile_text_from_tpns_is_shown_as_written_and_never_becomes_markup() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let op = app.operator("marta").await;
    let admin = app.user("root-admin", Role::Admin, &Action::ALL).await;

    let tagged = push(&app, &hostile_tag_push()).await;
    let mut accounts = PushRequest::new(Audience::AccountList, MessageKind::Notify, TITLE, CONTENT);
    accounts.account_list = Some(ACCOUNTS.iter().map(|a| a.to_string()).collect());
    let listed = push(&app, &accounts).await;
    let mut scheduled = PushRequest::new(Audience::All, MessageKind::Notify, TITLE, CONTENT);
    let later = app.services.clock.now() + 3 * 3600;
    scheduled.send_time = Some(app::domain::time::format_datetime(later, 480));
    let scheduled = push(&app, &scheduled).await;

    // A hostile override puts text from a person into the audit log and the CSV too.
    let outcome = app
        .act(
            &op,
            "demo-android",
            &listed,
            Action::Override,
            "markup-override-1",
            &[
                ("title", OVERRIDE_TITLE),
                ("content", CONTENT),
                ("choice", "continue"),
            ],
        )
        .await
        .expect("the override is accepted");
    let new_task = outcome.new_push_id.expect("a new task");

    let app_q = "app=demo-android";
    let list = page(&app, &op, &format!("/tasks?{app_q}")).await;
    for t in [TITLE, OVERRIDE_TITLE] {
        assert!(list.contains(t), "the Task List shows {t:?} as written");
    }
    let searched = page(
        &app,
        &op,
        &format!("/tasks?{app_q}&q=%3C%2Ftitle%3E%3Cscript%3E"),
    )
    .await;
    assert!(searched.contains(TITLE));

    let details = page(&app, &op, &format!("/tasks/{tagged}?{app_q}")).await;
    assert!(details.contains(TITLE) && details.contains(CONTENT));
    for tag in TAGS {
        assert!(details.contains(tag), "the tag {tag:?} reads as written");
    }
    for action in ["terminate", "override", "recall"] {
        page(
            &app,
            &op,
            &format!("/tasks/{tagged}?{app_q}&confirm={action}"),
        )
        .await;
    }
    page(
        &app,
        &op,
        &format!("/tasks/{scheduled}?{app_q}&confirm=cancel"),
    )
    .await;
    page(&app, &op, &format!("/tasks/{listed}?{app_q}")).await;
    let new_details = page(&app, &op, &format!("/tasks/{new_task}?{app_q}")).await;
    assert!(new_details.contains(OVERRIDE_TITLE));

    // Text from a link: a push ID, a search and a sign-in redirect that are markup.
    page(
        &app,
        &op,
        "/tasks/%3Cscript%3Ealert(9)%3C%2Fscript%3E?app=demo-android",
    )
    .await;
    page(
        &app,
        &op,
        "/tasks?app=%22%3E%3Cscript%3Ealert(10)%3C/script%3E",
    )
    .await;
    page(
        &app,
        &op,
        "/audit?user=%3Cscript%3E&push_id=%22%3E%3Cimg%20src%3Dx%3E",
    )
    .await;
    let res = app
        .get(None, "/login?next=%22%3E%3Cscript%3Ealert(11)%3C/script%3E")
        .await;
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    check_page("/login", &csp, &res.text().await.unwrap());

    let audit = page(&app, &op, "/audit").await;
    let summary = serde_json::to_string(OVERRIDE_TITLE).unwrap();
    assert!(
        audit.contains(&summary),
        "the audit log shows the override's title as sent: {summary}"
    );
    page(&app, &admin, "/admin").await;

    // The CSV export: a download, never a page, with the title's cell as sent.
    let res = app.get(Some(&op), "/audit.csv").await;
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(res.headers().contains_key("content-security-policy"));
    let csv = res.text().await.unwrap();
    let cells = parse_csv(&csv);
    assert!(
        cells.iter().flatten().any(|c| c.contains(&summary)),
        "the CSV holds the override's title as sent"
    );
    app.stop().await;
}

/// RFC 4180 cells.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    rows
}

#[test]
fn the_page_checker_catches_what_the_browser_would_run() {
    let csp = "script-src 'nonce-n1'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    let ok = r#"<html><head><title>&lt;/title&gt;&lt;script&gt;</title><script nonce="n1">1</script></head><body><p title="&quot; onclick=x">a &amp; b</p></body></html>"#;
    let text = check_page("ok", csp, ok);
    assert!(text.contains("</title><script>") && text.contains("a & b"));
    let cases = [
        r#"<html><body><title></title><script>alert(3)</script></title></body></html>"#,
        r#"<html><body><textarea></textarea><img src=x onerror=alert(1)></textarea></body></html>"#,
        r#"<html><body><img src=x onerror=alert(1)></body></html>"#,
        r#"<html><body><p title="" onclick="x">a</p></body></html>"#,
        r#"<html><body><a href=" javascript:alert(1)">a</a></body></html>"#,
        r#"<html><body><script nonce="other">1</script></body></html>"#,
    ];
    for bad in cases {
        let caught = std::panic::catch_unwind(|| check_page("bad", csp, bad)).is_err();
        assert!(caught, "not caught: {bad}");
    }
}

/// A crafted link cannot put a sentence of its own on a page under Pushdeck's name: the error
/// banners name the field or the kind of thing, never the link's text (issue 14).
#[tokio::test]
async fn text_from_a_link_is_never_shown_on_a_page() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let op = app.operator("olivia").await;
    let planted = "Call 555 0100 to unlock your account";
    let enc = planted.replace(' ', "%20");
    for path in [
        format!("/tasks/{enc}?app=demo-android"),
        format!("/tasks?app=demo-android&from={enc}"),
        format!("/tasks?app=demo-android&to={enc}"),
        format!("/audit?from={enc}"),
        format!("/audit?to={enc}"),
        format!("/tasks?app={enc}"),
        format!("/api/task?app=demo-android&push_id={enc}"),
        format!("/api/tasks?query[app]={enc}"),
    ] {
        let body = app.get(Some(&op), &path).await.text().await.unwrap();
        assert!(!body.contains("555"), "{path} shows the link's text");
    }
    // A well-formed push ID is named, so the page still says which task it could not find.
    let body = app
        .get(Some(&op), "/tasks/3999999999?app=demo-android")
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("Task 3999999999"), "the task is named");
    app.stop().await;
}
