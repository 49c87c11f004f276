//! Property tests of the domain's parsers at the edge (issue 14): the push ID of a link or a form,
//! the override dialog's click action, the slugs of the Task List's filters, roles and UTC
//! offsets. No text makes one panic; what a formatter writes reads back as itself; and a refusal
//! is one of the console's own sentences, never the text it refused. (Dates have their own
//! properties in `src/time.rs`.)

use domain::click::{MAX_TARGET_LEN, refusals, valid_url};
use domain::time::{format_offset, parse_offset};
use domain::{
    Action, Audience, ClickAction, OverrideChoice, Platform, PushId, Role, Source, Status,
};
use proptest::prelude::*;

/// Any text a browser (or a script) can send: printable, control characters, bidi overrides,
/// and the lossy reading of arbitrary bytes.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,60}",
        ".{0,60}",
        proptest::collection::vec(any::<u8>(), 0..60)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        "[0-9a-zA-Z]{0,50}",
        "[ \t\r\n\u{0}\u{202e}\u{200b}0-9a-z<>\"'%&;=/.:-]{0,50}",
    ]
}

proptest! {
    #[test]
    fn a_push_id_is_exactly_one_to_forty_ascii_letters_and_digits(s in any_text()) {
        let t = s.trim();
        let expected = !t.is_empty() && t.len() <= PushId::MAX_LEN
            && t.bytes().all(|b| b.is_ascii_alphanumeric());
        match PushId::parse(&s) {
            Some(id) => {
                prop_assert!(expected, "{:?} was read as a push ID", s);
                prop_assert_eq!(id.as_str(), t);
                // What it writes reads back as itself, through its text and through serde.
                prop_assert_eq!(PushId::parse(&id.to_string()), Some(id.clone()));
                let json = serde_json::to_string(&id).unwrap();
                prop_assert_eq!(serde_json::from_str::<PushId>(&json).unwrap(), id);
            }
            None => {
                prop_assert!(!expected, "{:?} was refused", s);
                // Deserialising refuses it too, with a message that is not the text.
                let json = serde_json::to_string(&s).unwrap();
                let err = serde_json::from_str::<PushId>(&json).unwrap_err().to_string();
                prop_assert!(err.contains("not a push ID"), "{}", err);
            }
        }
    }

    #[test]
    fn every_push_id_of_letters_and_digits_round_trips(
        s in "[0-9A-Za-z]{1,40}",
        pad in "[ \t]{0,3}",
    ) {
        let id = PushId::parse(&format!("{pad}{s}{pad}")).expect("a push ID");
        prop_assert_eq!(id.as_str(), s.as_str());
    }

    #[test]
    fn a_click_action_is_read_or_refused_with_the_consoles_own_sentence(
        kind in prop_oneof![
            Just("app".to_string()),
            Just("url".to_string()),
            Just("intent".to_string()),
            any_text(),
        ],
        url in proptest::option::of(prop_oneof![
            any_text(),
            " ?https?://[a-z0-9.-]{0,12}[/?#]?[!-~]{0,20} ?",
        ]),
        intent in proptest::option::of(any_text()),
        planted in proptest::bool::ANY,
    ) {
        // A distinctive marker in the hostile fields shows whether a refusal repeats them (at
        // the end, so that a good address stays good).
        let mark = |v: Option<String>| {
            v.map(|v| if planted { format!("{v}ZQXJ-planted") } else { v })
        };
        let (url, intent) = (mark(url), mark(intent));
        match ClickAction::from_form(&kind, url.as_deref(), intent.as_deref()) {
            Ok(action) => {
                prop_assert_eq!(action.slug(), kind.trim());
                match &action {
                    ClickAction::OpenApp => prop_assert_eq!(action.target(), None),
                    ClickAction::OpenUrl(u) => {
                        prop_assert!(valid_url(u));
                        prop_assert_eq!(u.as_str(), url.as_deref().unwrap_or("").trim());
                    }
                    ClickAction::Intent(i) => {
                        prop_assert!(!i.is_empty() && i.len() <= MAX_TARGET_LEN);
                        prop_assert!(!i.chars().any(char::is_control));
                        prop_assert_eq!(i.as_str(), intent.as_deref().unwrap_or("").trim());
                    }
                }
                // What the details page puts back in the dialog reads as the same action.
                let again = ClickAction::from_form(
                    action.slug(),
                    action.target().filter(|_| action.slug() == "url"),
                    action.target().filter(|_| action.slug() == "intent"),
                );
                prop_assert_eq!(again, Ok(action));
            }
            Err((field, message)) => {
                prop_assert!(["click", "url", "intent"].contains(&field), "{}", field);
                prop_assert!([refusals::URL, refusals::INTENT, refusals::KIND].contains(&message));
                prop_assert!(!message.contains("ZQXJ"));
            }
        }
    }

    #[test]
    fn a_valid_url_is_an_absolute_web_address_without_spaces(
        u in any_text(),
        host in "[a-z0-9-]{1,20}(\\.[a-z]{2,6})?",
        path in "[/?#][!-~]{0,40}",
    ) {
        if valid_url(&u) {
            prop_assert!(u.starts_with("https://") || u.starts_with("http://"));
            prop_assert!(u.len() <= MAX_TARGET_LEN);
            prop_assert!(!u.chars().any(|c| c.is_whitespace() || c.is_control()));
        }
        for scheme in ["https://", "http://"] {
            let ok = format!("{scheme}{host}{path}");
            prop_assert!(valid_url(&ok), "{} was refused", ok);
            prop_assert!(!valid_url(&format!("{ok} x")), "a space inside");
            prop_assert!(!valid_url(&format!("{ok}\n")), "a line break at the end");
        }
        let script = format!("javascript:{host}");
        prop_assert!(!valid_url(&script), "{}", script);
        let long = format!("https://{host}/{}", "a".repeat(MAX_TARGET_LEN));
        prop_assert!(!valid_url(&long), "over {} bytes", MAX_TARGET_LEN);
    }

    #[test]
    fn slugs_read_only_their_own_spelling(s in any_text()) {
        // Each reader refuses anything but a value its writer produces.
        if let Some(v) = Status::from_slug(&s) { prop_assert_eq!(v.slug(), s.as_str()); }
        if let Some(v) = Status::from_upstream(&s) { prop_assert_eq!(v.upstream(), s.as_str()); }
        if let Some(v) = Platform::from_slug(&s) { prop_assert_eq!(v.slug(), s.as_str()); }
        if let Some(v) = Audience::from_upstream(&s) { prop_assert_eq!(v.upstream(), s.as_str()); }
        if let Some(v) = Action::from_slug(&s) { prop_assert_eq!(v.slug(), s.as_str()); }
        if let Some(v) = OverrideChoice::from_slug(&s) { prop_assert_eq!(v.slug(), s.as_str()); }
        if let Some(v) = Source::from_slug(&s) { prop_assert_eq!(v.slug(), s.as_str()); }
        if let Some(r) = Role::parse(&s) {
            prop_assert_eq!(r.as_str(), s.trim().to_ascii_lowercase());
        }
    }

    #[test]
    fn an_offset_reads_back_as_written(minutes in -14 * 60..=14 * 60i32) {
        let m = minutes - minutes % 15;
        prop_assert_eq!(parse_offset(&format_offset(m)), Some(m));
        let (sign, abs) = if m < 0 { ('-', -m) } else { ('+', m) };
        let hh_mm = format!("{sign}{:02}:{:02}", abs / 60, abs % 60);
        prop_assert_eq!(parse_offset(&hh_mm), Some(m));
        prop_assert_eq!(parse_offset(&format!("{sign}{:02}{:02}", abs / 60, abs % 60)), Some(m));
        prop_assert_eq!(parse_offset(&format!(" UTC{hh_mm} ")), Some(m));
    }

    #[test]
    fn an_offset_is_never_out_of_range(s in any_text()) {
        if let Some(m) = parse_offset(&s) {
            prop_assert!((-14 * 60 - 59..=14 * 60 + 59).contains(&m), "{:?} read as {}", s, m);
        }
    }
}

#[test]
fn every_slug_round_trips() {
    for s in Status::ALL {
        assert_eq!(Status::from_slug(s.slug()), Some(s));
        assert_eq!(Status::from_upstream(s.upstream()), Some(s));
    }
    for p in Platform::ALL {
        assert_eq!(Platform::from_slug(p.slug()), Some(p));
    }
    for a in Audience::ALL {
        assert_eq!(Audience::from_upstream(a.upstream()), Some(a));
    }
    for a in Action::ALL {
        assert_eq!(Action::from_slug(a.slug()), Some(a));
    }
    for c in [
        OverrideChoice::ContinueDelivery,
        OverrideChoice::AbortForThese,
    ] {
        assert_eq!(OverrideChoice::from_slug(c.slug()), Some(c));
    }
    for r in Role::ALL {
        assert_eq!(Role::parse(r.as_str()), Some(r));
    }
}
