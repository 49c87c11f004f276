//! Start-up fails fast with one clear line naming the problem.

use std::process::Command;

use crate::helpers::{Db, TestDb, test_config};
use pushdeck::startup::Application;

fn pushdeck(envs: &[(&str, &str)]) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pushdeck"));
    cmd.arg("migrate");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.env("RUST_LOG", "off");
    let out = cmd.output().expect("run pushdeck");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn one_line(stderr: &str) -> &str {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {stderr:?}");
    lines[0]
}

#[test]
fn an_unknown_configuration_key_stops_start_up_naming_the_key() {
    let (ok, err) = pushdeck(&[("PUSHDECK__SERVER__LISTN", "127.0.0.1:1")]);
    assert!(!ok);
    let line = one_line(&err);
    assert!(
        line.starts_with("error: configuration key `server.listn`"),
        "{line}"
    );
    assert!(line.contains("unknown field"), "{line}");
}

#[test]
fn an_unknown_key_in_the_config_file_is_named_too() {
    let dir = std::env::temp_dir().join(format!("pushdeck-badcfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(&file, "[database]\nurl = \"sqlite://x.db\"\npool = 3\n").unwrap();
    let (ok, err) = pushdeck(&[("PUSHDECK_CONFIG", file.to_str().unwrap())]);
    assert!(!ok);
    let line = one_line(&err);
    assert!(line.contains("`database.pool`"), "{line}");
}

#[test]
fn an_unreachable_database_stops_start_up_naming_it() {
    let (ok, err) = pushdeck(&[
        (
            "PUSHDECK__DATABASE__URL",
            "postgres://pushdeck:hunter2@127.0.0.1:1/pushdeck",
        ),
        ("PUSHDECK__DATABASE__CONNECT_TIMEOUT_SECS", "3"),
    ]);
    assert!(!ok);
    let line = one_line(&err);
    assert!(
        line.starts_with(
            "error: cannot connect to the database at postgres://pushdeck:***@127.0.0.1:1/pushdeck"
        ),
        "{line}"
    );
    assert!(!line.contains("hunter2"), "the password leaked: {line}");
}

#[tokio::test]
async fn a_port_in_use_stops_start_up_naming_the_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let db = TestDb::new(Db::Sqlite).await;
    let mut config = test_config(&db.url);
    config.server.listen = addr;
    let err = match Application::build(config).await {
        Ok(_) => panic!("start-up succeeded on a port in use"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.starts_with(&format!("cannot listen on {addr}:")),
        "{err}"
    );
    assert!(!err.contains('\n'));
}

#[test]
fn the_binary_reports_a_port_in_use_in_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = std::env::temp_dir().join(format!("pushdeck-port-{}", std::process::id()));
    let url = format!("sqlite://{}/p.db", dir.display());
    let out = Command::new(env!("CARGO_BIN_EXE_pushdeck"))
        .arg("serve")
        .env("PUSHDECK__SERVER__LISTEN", &addr)
        .env("PUSHDECK__DATABASE__URL", &url)
        .env("PUSHDECK__SANDBOX__ENABLED", "false")
        .env("PUSHDECK__SYNC__ENABLED", "false")
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let line = one_line(&err);
    assert!(
        line.starts_with(&format!("error: cannot listen on {addr}:")),
        "{line}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
