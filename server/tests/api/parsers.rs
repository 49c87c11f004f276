//! Property tests of the server's parsers at the edge (issue 14): the Task List's page cursor,
//! the configuration's environment and file layering (`config::Config::load_from`), and the
//! database URL as start-up errors print it. No text makes one panic; what a formatter writes
//! reads back as itself; a refusal is one line that names what is wrong.

use app::domain::time::format_offset;
use proptest::prelude::*;
use pushdeck::config::Config;
use pushdeck::store::redact_url;
use pushdeck::store::tasks::Cursor;

/// Text a link, an environment variable or a file may hold.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        ".{0,40}",
        proptest::collection::vec(any::<u8>(), 0..40)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        "[-+0-9.eE_ ]{0,30}",
        "[ \t\r\n\u{0}\u{202e}0-9a-z<>\"'%&;=/.:\\[\\]{},#-]{0,40}",
        Just("99999999999999999999".to_string()),
        Just("-1".to_string()),
        Just("nan".to_string()),
        Just("inf".to_string()),
    ]
}

/// The keys the configuration knows, as environment variables.
const KEYS: &[&str] = &[
    "SERVER__LISTEN",
    "SERVER__PUBLIC_URL",
    "SERVER__SITE_ROOT",
    "SERVER__DISPLAY_UTC_OFFSET",
    "SERVER__SHUTDOWN_GRACE_SECS",
    "DATABASE__URL",
    "DATABASE__MAX_CONNECTIONS",
    "DATABASE__CONNECT_TIMEOUT_SECS",
    "SANDBOX__ENABLED",
    "SANDBOX__LISTEN",
    "SANDBOX__SPEEDUP",
    "SANDBOX__SEED",
    "SANDBOX__PROFILE",
    "SYNC__ENABLED",
    "SYNC__CALLS_PER_HOUR",
    "SYNC__RESERVE_PER_HOUR",
    "SYNC__MARGIN_PER_HOUR",
    "SYNC__LOOKBACK_DAYS",
    "SYNC__OPEN_TASK_INTERVAL_SECS",
    "SYNC__RECONCILE_PER_HOUR",
    "SYNC__RECONCILE_EVERY_SECS",
    "AUTH__IDLE_TIMEOUT_MINS",
    "AUTH__ABSOLUTE_TIMEOUT_HOURS",
    "AUTH__MAX_FAILURES",
    "AUTH__TRUST_FORWARDED_FOR",
    "LOG__FILTER",
    "LOG__FORMAT",
    "UPSTREAM__CONNECT_TIMEOUT_SECS",
    "UPSTREAM__REQUEST_TIMEOUT_SECS",
    "UPSTREAM__RETRIES",
    "UPSTREAM__PUSHES_PER_SECOND",
    "APPS__0__ID",
    "APPS__0__NAME",
    "APPS__0__PLATFORM",
    "APPS__0__ACCESS_ID",
    "APPS__0__ACCESS_POINT",
    "APPS__0__BASE_URL",
    "APPS__0__AUTH",
    "APPS__0__SECRET_KEY",
    "APPS__0__SECRET_KEY_ENV",
    "APPS__0__RECALL_AVAILABLE",
    "APPS__0__HUAWEI_LEGACY_SHARE",
    "APPS__1__ID",
];

/// A complete app, so that a test of one of its keys is not refused for a missing other.
fn app_env() -> Vec<(String, String)> {
    [
        ("PUSHDECK__APPS__0__ID", "shop"),
        ("PUSHDECK__APPS__0__NAME", "Shop"),
        ("PUSHDECK__APPS__0__PLATFORM", "android"),
        ("PUSHDECK__APPS__0__ACCESS_ID", "1500000001"),
        ("PUSHDECK__APPS__0__SECRET_KEY", "12345"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// A refusal start-up prints: one line, naming the key or the variable at fault. (Some
/// refusals repeat the operator's value, as `display_utc_offset`'s does by design: a value
/// with a line break of its own is shown with it.)
fn check_refusal(err: &str, inputs: &[&str]) -> Result<(), TestCaseError> {
    prop_assert!(!err.trim().is_empty(), "an empty refusal");
    prop_assert!(
        err.starts_with("configuration key") || err.starts_with("environment variable"),
        "a refusal that names nothing: {}",
        err
    );
    if !inputs.iter().any(|v| v.contains(['\n', '\r'])) {
        prop_assert!(
            !err.contains(['\n', '\r']),
            "a refusal of more than one line: {:?}",
            err
        );
    }
    Ok(())
}

proptest! {
    #[test]
    fn a_page_cursor_reads_back_as_written(created_at in any::<i64>(), task_id in any::<i64>()) {
        let c = Cursor { created_at, task_id };
        let text = c.encode();
        prop_assert!(text.is_ascii() && !text.contains(['&', '#', '?', ' ']));
        prop_assert_eq!(Cursor::decode(&text), Some(c));
    }

    #[test]
    fn no_text_makes_the_cursor_reader_panic(
        s in prop_oneof![any_text(), "[-+0-9]{0,25}\\.[-+0-9]{0,25}"],
    ) {
        if let Some(c) = Cursor::decode(&s) {
            // Whatever was read is a position the list can write again.
            prop_assert_eq!(Cursor::decode(&c.encode()), Some(c));
            prop_assert!(s.contains('.'));
        }
    }

    #[test]
    fn no_environment_value_makes_start_up_panic(
        keys in proptest::collection::vec(
            prop_oneof![
                proptest::sample::select(KEYS.to_vec()).prop_map(str::to_string),
                "[A-Z_0-9]{0,20}",
            ],
            1..4,
        ),
        values in proptest::collection::vec(any_text(), 4),
        with_app in any::<bool>(),
    ) {
        let mut vars = if with_app { app_env() } else { Vec::new() };
        for (k, v) in keys.iter().zip(&values) {
            vars.push((format!("PUSHDECK__{k}"), v.clone()));
        }
        if let Err(e) = Config::load_from(None, &vars) {
            let inputs: Vec<&str> = vars.iter().map(|(_, v)| v.as_str()).collect();
            check_refusal(&e.0, &inputs)?;
        }
    }

    #[test]
    fn numbers_read_back_through_the_environment(n in any::<u32>(), secs in 0.0f64..1e6) {
        let vars = vec![
            ("PUSHDECK__SYNC__CALLS_PER_HOUR".to_string(), n.to_string()),
            ("PUSHDECK__UPSTREAM__REQUEST_TIMEOUT_SECS".to_string(), format!("{secs:?}")),
        ];
        match Config::load_from(None, &vars) {
            Ok(c) => {
                prop_assert_eq!(c.sync.calls_per_hour, n);
                prop_assert_eq!(c.upstream.request_timeout_secs, secs);
            }
            Err(e) => {
                // Below the reserve and the margin (10 + 2): refused, naming the keys.
                prop_assert!(n <= 12, "{} refused: {}", n, e);
                prop_assert!(e.0.contains("sync.reserve_per_hour"), "{}", e);
                check_refusal(&e.0, &[])?;
            }
        }
        let too_big = format!("{}", u64::from(u32::MAX) + 1 + u64::from(n));
        let vars = [("PUSHDECK__AUTH__MAX_FAILURES".to_string(), too_big)];
        let e = Config::load_from(None, &vars).unwrap_err();
        prop_assert!(e.0.contains("auth.max_failures"), "{}", e);
        check_refusal(&e.0, &[])?;
    }

    #[test]
    fn an_offset_reads_back_through_the_environment(minutes in -12 * 60..=14 * 60i32) {
        let m = minutes - minutes % 15;
        let (sign, abs) = if m < 0 { ('-', -m) } else { ('+', m) };
        // The spellings the README and `format_offset` write, and `+8` (`parse_offset` reads
        // it, and an environment variable is where a person types it).
        let hh_mm = format!("{sign}{:02}:{:02}", abs / 60, abs % 60);
        let mut spellings = vec![hh_mm, format_offset(m)];
        if m != 0 && m % 60 == 0 {
            spellings.push(format!("{sign}{}", abs / 60));
        }
        for spelling in spellings {
            let vars = vec![("PUSHDECK__SERVER__DISPLAY_UTC_OFFSET".to_string(), spelling.clone())];
            match Config::load_from(None, &vars) {
                Ok(c) => prop_assert_eq!(c.utc_offset_minutes(), m, "{}", spelling),
                Err(e) => prop_assert!(false, "{} refused: {}", spelling, e),
            }
        }
    }

    #[test]
    fn text_values_read_back_through_the_environment(
        filter in "[a-z_]{1,12}(,[a-z_:]{1,12}=(trace|debug|info|warn|error)){1,3}",
        name in "[A-Za-z][A-Za-z0-9 .-]{0,30}",
        access_id in "[0-9]{1,19}",
    ) {
        let mut vars = app_env();
        vars.push(("PUSHDECK__LOG__FILTER".into(), filter.clone()));
        vars.push(("PUSHDECK__APPS__0__NAME".into(), name.clone()));
        vars.push(("PUSHDECK__APPS__0__ACCESS_ID".into(), access_id.clone()));
        let c = Config::load_from(None, &vars).unwrap();
        prop_assert_eq!(c.log.filter, filter);
        // A name of letters is read as written; numeric-looking values stay text.
        let expect_name = match name.trim().parse::<f64>() {
            Ok(_) => c.apps[0].name.clone(),
            Err(_) if ["true", "false", "inf", "nan"].contains(&name.as_str()) => {
                c.apps[0].name.clone()
            }
            Err(_) => name.clone(),
        };
        prop_assert_eq!(c.apps[0].name.clone(), expect_name);
        // Digits stay the digits written (leading zeros are no TOML number: text as written).
        prop_assert_eq!(c.apps[0].access_id.clone(), access_id);
    }

    #[test]
    fn no_file_makes_start_up_panic(text in prop_oneof![
        any_text(),
        // A section, then a key with a string, a number, a boolean, a list or a table.
        "(\\[[a-z_.]{0,12}\\]\n)?\
         ([a-z_]{1,14} = (\"[^\"\n]{0,12}\"|[0-9.-]{1,8}|true|\\[\\]|\\{\\}))?\n?",
        Just("[server]\nlisten = 5\n".to_string()),
        Just("[[apps]]\nid = \"<script>\"\n".to_string()),
    ]) {
        let dir = std::env::temp_dir().join(format!("pushdeck-cfg-prop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.toml");
        std::fs::write(&file, &text).unwrap();
        if let Err(e) = Config::load_from(Some(&file), &[]) {
            prop_assert!(!e.0.trim().is_empty());
            prop_assert!(
                e.0.starts_with("configuration key") || e.0.starts_with("config file"),
                "a refusal that names nothing: {}", e
            );
        }
    }

    #[test]
    fn a_database_password_never_reaches_a_start_up_line(
        scheme in prop_oneof![Just("postgres"), Just("postgresql"), Just("mysql")],
        user in "[a-z][a-z0-9_]{0,10}",
        password in "[!$&()*+,;=0-9A-Za-z@:._~-]{6,20}",
        host in "[a-z][a-z0-9.-]{0,15}(:[0-9]{2,5})?",
    ) {
        // A password as people type it, `@` and `:` included: URL parsers (the WHATWG rules
        // sqlx's `url` follows) take the last `@` as the end of the credentials.
        let url = format!("{scheme}://{user}:{password}@{host}/db");
        let shown = redact_url(&url);
        prop_assert_eq!(&shown, &format!("{scheme}://{user}:***@{host}/db"), "{}", url);
        let e = Config::load_from(None, &[("PUSHDECK__DATABASE__URL".to_string(), url.clone())]);
        if let Err(e) = e {
            prop_assert!(!e.0.contains(&password), "{} shows the password: {}", url, e);
        }
    }
}
