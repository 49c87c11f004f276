//! Property tests of what the console reads from a URL or a form before the server sees it
//! (issue 14): the Task List's query (`ui::query`), the sign-in redirect, the action form
//! (`dto::ActionRequest::from_form`) and an error carried back in a link (`?__err=`). No text
//! makes a reader panic; a query written into a link reads back as itself; a refusal is one of
//! the console's own sentences and never repeats the text it refused.

use app::domain::{Action, Audience, Platform, PushId, Status};
use app::dto::{ActionRequest, ClickForm, TaskQuery};
use app::error::AppError;
use app::pages::task_details::from_link;
use app::ui::query::{encode, safe_next, task_href, task_list_href, task_query};
use leptos::server_fn::error::ServerFnUrlError;
use proptest::prelude::*;

/// Text a browser, a crafted link or a script can send.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        ".{0,40}",
        proptest::collection::vec(any::<u8>(), 0..40)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        "[ \t\r\n\u{0}\u{202e}\u{feff}0-9a-z<>\"'%&;=/?#+.:-]{0,40}",
        Just("<script>alert(1)</script>".to_string()),
        Just("' or 1=1 --".to_string()),
        Just("../../../etc/passwd".to_string()),
        Just("99999999999999999999".to_string()),
        Just("%FF%FE".to_string()),
    ]
}

/// `application/x-www-form-urlencoded` decoding, as a browser's URL reader does it.
fn decode(v: &str) -> String {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(x)) => {
                out.push(x);
                i += 3;
                continue;
            }
            (b'+', _) => out.push(b' '),
            (c, _) => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The pairs of a `/tasks?…` link.
fn pairs_of(href: &str) -> Vec<(String, String)> {
    let query = href.split_once('?').map(|(_, q)| q).unwrap_or("");
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// A value as `task_query` keeps it: trimmed, and absent when empty.
fn kept(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn query() -> impl Strategy<Value = TaskQuery> {
    let text = || any_text().prop_map(kept);
    (
        (text(), text(), text(), text()),
        proptest::sample::subsequence(Status::ALL.to_vec(), 0..=Status::ALL.len()).prop_shuffle(),
        proptest::option::of(proptest::sample::select(Platform::ALL.to_vec())),
        proptest::option::of(proptest::sample::select(Audience::ALL.to_vec())),
        (text(), any::<bool>(), text(), text()),
    )
        .prop_map(
            |(
                (app, from, to, q),
                statuses,
                platform,
                audience,
                (after, oldest_first, before, _),
            )| {
                TaskQuery {
                    app,
                    statuses,
                    platform,
                    audience,
                    created_from: from,
                    created_to: to,
                    q,
                    oldest_first,
                    after,
                    before,
                }
            },
        )
}

/// Every sentence the action form is refused with.
const SENTENCES: [&str; 7] = [
    "That is not a push ID.",
    "Unknown action.",
    "Choose Continue delivery or Abort for these devices.",
    "The form is missing its request key; reload the page.",
    app::domain::click::refusals::URL,
    app::domain::click::refusals::INTENT,
    app::domain::click::refusals::KIND,
];

proptest! {
    #[test]
    fn a_task_list_query_reads_back_from_its_link(q in query()) {
        let href = task_list_href(&q);
        prop_assert!(href.starts_with("/tasks"));
        prop_assert!(href.is_ascii(), "{}", href);
        prop_assert!(!href.contains(['<', '>', '"', '\'', ' ', '\\']), "{}", href);
        let pairs = pairs_of(&href);
        let read = task_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        prop_assert_eq!(read, q);
    }

    #[test]
    fn any_pairs_give_a_bounded_query(
        pairs in proptest::collection::vec(
            (prop_oneof![
                Just("app".to_string()), Just("status".to_string()), Just("platform".to_string()),
                Just("audience".to_string()), Just("from".to_string()), Just("to".to_string()),
                Just("q".to_string()), Just("sort".to_string()), Just("after".to_string()),
                Just("before".to_string()), any_text(),
            ], prop_oneof![any_text(), "\\PC{150,400}"]),
            0..24,
        )
    ) {
        let q = task_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        prop_assert!(q.q.as_ref().is_none_or(|t| t.chars().count() <= 200));
        let mut seen = Vec::new();
        for s in &q.statuses {
            prop_assert!(!seen.contains(s), "a status twice");
            seen.push(*s);
        }
        let texts = [&q.app, &q.created_from, &q.created_to, &q.after, &q.before];
        for v in texts.into_iter().flatten() {
            prop_assert!(!v.is_empty() && v.trim().len() == v.len(), "{:?}", v);
        }
        // Whatever was read, its link is plain ASCII a browser sends as it is.
        let href = task_list_href(&q);
        prop_assert!(href.is_ascii() && !href.contains(['<', '>', '"', ' ']));
    }

    #[test]
    fn percent_encoding_is_undone_exactly(s in any_text()) {
        let e = encode(&s);
        let plain = |b: u8| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b);
        prop_assert!(e.bytes().all(plain), "{}", e);
        prop_assert_eq!(decode(&e), s.clone());
        let href = task_href(&s, &s);
        prop_assert!(href.is_ascii() && !href.contains(['<', '>', '"', ' ', '#']));
    }

    #[test]
    fn sign_in_redirects_only_to_a_path_of_this_console(next in proptest::option::of(prop_oneof![
        any_text(),
        "/[\\\\/\t\n a-z.:]{0,20}",
        Just("//evil.example".to_string()),
        Just("/\\evil.example".to_string()),
        Just("https://evil.example".to_string()),
    ])) {
        let to = safe_next(next.as_deref());
        prop_assert!(to == "/tasks" || Some(to.as_str()) == next.as_deref());
        prop_assert!(to.starts_with('/') && !to.starts_with("//"), "{:?}", to);
        prop_assert!(!to.contains('\\'));
        prop_assert!(!to.chars().any(|c| c.is_control() || c.is_whitespace()), "{:?}", to);
    }

    #[test]
    fn the_action_form_gives_a_checked_request_or_the_consoles_own_sentence(
        push_id in prop_oneof![any_text(), "[0-9]{10}", " ?[0-9A-Za-z]{1,45} ?"],
        action in prop_oneof![
            any_text(),
            Just("terminate".to_string()),
            Just("override".to_string()),
        ],
        key in prop_oneof![any_text(), "[a-z0-9-]{1,120}", Just(" ".to_string())],
        choice in proptest::option::of(prop_oneof![
            any_text(),
            Just("continue".to_string()),
            Just("abort".to_string()),
        ]),
        click in proptest::option::of(prop_oneof![
            any_text(),
            Just("url".to_string()),
            Just("intent".to_string()),
        ]),
        target in proptest::option::of(any_text()),
        typed in proptest::option::of(any_text()),
    ) {
        // A marker in every hostile field shows whether a refusal repeats one of them.
        let m = |v: &str| format!("{v}ZQXJ");
        let (choice, click, target, typed) = (
            choice.as_deref().map(m), click.as_deref().map(m),
            target.as_deref().map(m), typed.as_deref().map(m),
        );
        let push_id = m(&push_id);
        let got = ActionRequest::from_form(
            "demo-android".into(),
            push_id.clone(),
            &action,
            key.clone(),
            typed.clone(),
            Some(m("title")),
            Some(m("content")),
            choice.as_deref(),
            ClickForm { kind: click.clone(), url: target.clone(), intent: target.clone() },
        );
        match got {
            Ok(r) => {
                prop_assert_eq!(Some(r.push_id.clone()), PushId::parse(&push_id));
                prop_assert_eq!(Some(r.action), Action::from_slug(&action));
                let key = &r.idempotency_key;
                prop_assert!(!key.trim().is_empty() && key.len() <= 100);
                prop_assert!(r.typed_confirmation.as_ref().is_none_or(|t| !t.trim().is_empty()));
            }
            Err(AppError::Validation { field, message }) => {
                prop_assert!(
                    ["push_id", "action", "choice", "click", "url", "intent", "idempotency_key"]
                        .contains(&field.as_str()),
                    "{}", field
                );
                // One of a closed set of sentences: none can carry the form's text.
                prop_assert!(SENTENCES.contains(&message.as_str()), "{}", message);
                prop_assert!(!message.contains("ZQXJ"));
            }
            Err(other) => prop_assert!(false, "not a validation error: {:?}", other),
        }
    }

    #[test]
    fn an_error_from_a_link_never_carries_the_links_text(
        text in any_text(),
        code in any::<i64>(),
        at in proptest::option::of(any::<i64>()),
        kind in 0..12usize,
    ) {
        let t = format!("ZQXJ {text}");
        let e = match kind {
            0 => AppError::not_found(t.clone()),
            1 => AppError::validation(t.clone(), t.clone()),
            2 => AppError::validation("typed_confirmation", t.clone()),
            3 => AppError::forbidden(t.clone()),
            4 => AppError::Conflict { message: t.clone(), by: Some(t.clone()), at },
            5 => AppError::NotAllowed { reason: t.clone() },
            6 => AppError::Upstream { code, message: t.clone() },
            7 => AppError::UpstreamUnavailable { message: t.clone() },
            8 => AppError::RateLimited { message: t.clone(), retry_at: at },
            9 => AppError::Network { message: t.clone() },
            10 => AppError::Throttled,
            _ => AppError::Internal,
        };
        let safe = from_link(app::i18n::Words::new(app::i18n::Locale::Zh), e.clone());
        prop_assert_eq!(std::mem::discriminant(&safe), std::mem::discriminant(&e));
        let shown = format!("{safe:?} {safe}");
        // A field name is kept (it picks the sentence) but never shown; the sentence is ours.
        let sentence = safe.to_string();
        prop_assert!(!sentence.contains("ZQXJ"), "{}", sentence);
        prop_assert!(!sentence.is_empty());
        if kind != 1 {
            prop_assert!(!shown.contains("ZQXJ"), "{}", shown);
        }
    }

    #[test]
    fn any_text_in_err_decodes_to_an_error_without_a_panic(
        s in any_text(),
        planted in "\\PC{0,20}",
    ) {
        // `?__err=` as a crafted link carries it: garbage, or a well-formed error of its own.
        let url = ServerFnUrlError::<AppError>::new(
            "/api/act",
            AppError::NotAllowed { reason: format!("ZQXJ {planted}") },
        )
        .to_url("http://127.0.0.1/tasks/1")
        .unwrap();
        let forged = url
            .query_pairs()
            .find(|(k, _)| k == "__err")
            .map(|(_, v)| v.into_owned())
            .unwrap();
        for text in [s.as_str(), forged.as_str(), &format!("{forged}{s}")] {
            let e = ServerFnUrlError::<AppError>::decode_err(text);
            let sentence = from_link(app::i18n::Words::new(app::i18n::Locale::En), e).to_string();
            prop_assert!(!sentence.contains("ZQXJ"), "{}", sentence);
        }
    }
}
