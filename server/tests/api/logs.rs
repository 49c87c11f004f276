//! SecretKeys never reach the log, even at debug level, while the console serves pages, signs in
//! and syncs against the sandbox with both auth schemes.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use pushdeck::sandbox::{DEMO_ANDROID_SECRET, DEMO_IOS_SECRET, DEMO_NEWS_SECRET};

#[tokio::test]
async fn secret_keys_appear_in_no_log_line_even_at_debug_level() {
    let dir = std::env::temp_dir().join(format!("pushdeck-logs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pushdeck"))
        .arg("serve")
        .env("PUSHDECK__SERVER__LISTEN", "127.0.0.1:0")
        .env(
            "PUSHDECK__DATABASE__URL",
            format!("sqlite://{}/p.db", dir.display()),
        )
        .env("PUSHDECK__SANDBOX__SEED", "5")
        .env("PUSHDECK__SANDBOX__STATS_CALLS_PER_HOUR", "100000")
        .env("PUSHDECK__SYNC__CALLS_PER_HOUR", "100000")
        .env("RUST_LOG", "debug")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
    }
    let find = |needle: &str| -> Option<String> {
        lines
            .lock()
            .unwrap()
            .iter()
            .find(|l| l.contains(needle))
            .cloned()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let (base, password) = loop {
        if let (Some(serving), Some(admin)) = (
            find("Pushdeck is serving the console"),
            find("created the first admin"),
        ) {
            let base = serving
                .split("address=")
                .nth(1)
                .unwrap()
                .split_whitespace()
                .next()
                .unwrap()
                .to_string();
            let password = admin
                .split("password=")
                .nth(1)
                .unwrap()
                .split_whitespace()
                .next()
                .unwrap()
                .to_string();
            break (base, password);
        }
        assert!(
            Instant::now() < deadline,
            "the console did not start: {:?}",
            lines.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http
        .post(format!("{base}/api/login"))
        .header("origin", &base)
        .form(&[("username", "admin"), ("password", password.as_str())])
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
        .expect("the first admin signs in with the printed password");
    for app in ["demo-android", "demo-ios", "demo-news"] {
        let page = http
            .get(format!("{base}/tasks?app={app}"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert!(page.status().is_success());
    }
    // Let the sync worker call the sandbox for a while, with signatures and Basic auth.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let _ = child.kill();
    let _ = child.wait();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let all = lines.lock().unwrap().join("\n");
    assert!(all.contains("demo-ios"), "the log covers the sandbox apps");
    assert!(all.lines().count() > 20, "debug logging was on");
    let basic =
        |id: &str, s: &str| base64::engine::general_purpose::STANDARD.encode(format!("{id}:{s}"));
    let forbidden = [
        DEMO_ANDROID_SECRET.to_string(),
        DEMO_IOS_SECRET.to_string(),
        DEMO_NEWS_SECRET.to_string(),
        basic("1600000102", DEMO_IOS_SECRET),
        basic("1500000101", DEMO_ANDROID_SECRET),
    ];
    for f in &forbidden {
        assert!(!all.contains(f.as_str()), "a secret is in the log");
    }
    let _ = std::fs::remove_dir_all(dir);
}
