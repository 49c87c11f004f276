//! One user service for the Admin page and the `pushdeck user` command: each command validated
//! and audited the same way, on both stores; the Admin page's new forms; and the command line
//! itself, run as the real binary.

use app::domain::{Action, Role};
use app::error::AppError;
use pushdeck::clock::SharedClock;
use pushdeck::users::{Changer, Password, UserError, UserService};

use crate::app::TestApp;
use crate::both_stores;
use crate::helpers::{Db, TestDb};

fn admin(name: &str) -> Changer {
    Changer {
        user_id: Some(1),
        username: name.into(),
        ip: "192.0.2.7".into(),
    }
}

async fn audit_actions(store: &pushdeck::store::Store) -> Vec<(String, String, String)> {
    let page = store
        .audit_page(&pushdeck::store::audit::AuditFilter::default(), 100)
        .await
        .unwrap();
    page.into_iter()
        .rev()
        .filter(|e| e.kind == "admin")
        .map(|e| (e.username, e.action, e.detail))
        .collect()
}

both_stores!(
    every_user_command_is_validated_and_audited,
    |db: Db| async move {
        let test_db = TestDb::new(db).await;
        let store = test_db.store().await;
        let users = UserService::new(store.clone(), SharedClock::system());
        let by = admin("root");

        // add: a given password, a generated one, and what is refused.
        let (lee, generated) = users
            .add(
                &by,
                "lee",
                Role::Operator,
                &[Action::Terminate],
                Password::Given("a-long-enough-password".into()),
            )
            .await
            .unwrap();
        assert_eq!(
            (lee.role, lee.permissions.clone()),
            (Role::Operator, vec![Action::Terminate])
        );
        assert_eq!(generated, None);
        let (_, generated) = users
            .add(&by, "kim", Role::Viewer, &Action::ALL, Password::Generate)
            .await
            .unwrap();
        assert_eq!(generated.map(|p| p.len()), Some(20));
        for (name, password, field) in [
            ("x", "a-long-enough-password", "username"),
            ("bad name", "a-long-enough-password", "username"),
            ("ok-name", "short", "password"),
        ] {
            match users
                .add(
                    &by,
                    name,
                    Role::Viewer,
                    &[],
                    Password::Given(password.into()),
                )
                .await
            {
                Err(UserError::Invalid { field: f, .. }) => assert_eq!(f, field, "{name}"),
                other => panic!("{name}: {other:?}"),
            }
        }
        assert!(matches!(
            users
                .add(&by, "lee", Role::Viewer, &[], Password::Generate)
                .await,
            Err(UserError::Exists(_))
        ));

        // list
        let names: Vec<String> = users
            .list()
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.username)
            .collect();
        assert_eq!(names, ["kim", "lee"]);

        // set-role: viewers hold no action, and an admin cannot demote themself.
        users
            .set_role(&by, "lee", Role::Viewer, &Action::ALL)
            .await
            .unwrap();
        let lee = store.user_by_name("lee").await.unwrap().unwrap().0;
        assert_eq!((lee.role, lee.permissions.len()), (Role::Viewer, 0));
        let me = Changer {
            username: "lee".into(),
            ..by.clone()
        };
        assert!(matches!(
            users.set_role(&me, "lee", Role::Operator, &[]).await,
            Err(UserError::Invalid { field: "role", .. })
        ));
        assert!(matches!(
            users.set_role(&by, "nobody", Role::Viewer, &[]).await,
            Err(UserError::NotFound(_))
        ));

        // disable, enable: the user's sessions end on disable.
        store
            .create_session("s1", lee.user_id, 0, i64::MAX, "")
            .await
            .unwrap();
        users.disable(&by, "lee").await.unwrap();
        assert!(store.session("s1").await.unwrap().is_none());
        assert!(store.user_by_name("lee").await.unwrap().unwrap().0.disabled);
        assert!(matches!(
            users.disable(&me, "lee").await,
            Err(UserError::Invalid {
                field: "username",
                ..
            })
        ));
        users.enable(&by, "lee").await.unwrap();
        let lee = store.user_by_name("lee").await.unwrap().unwrap().0;
        assert!(!lee.disabled);
        assert_eq!(lee.role, Role::Viewer, "enabled with the role it had");

        // reset-password: a typed one, a generated one; sessions end; short ones refused.
        store
            .create_session("s2", lee.user_id, 0, i64::MAX, "")
            .await
            .unwrap();
        assert_eq!(
            users
                .reset_password(&by, "lee", Password::Given("another-long-password".into()))
                .await
                .unwrap(),
            None
        );
        assert!(store.session("s2").await.unwrap().is_none());
        let hash = store.user_by_name("lee").await.unwrap().unwrap().1;
        assert!(pushdeck::auth::verify_password(
            "another-long-password",
            &hash
        ));
        let generated = users
            .reset_password(&by, "lee", Password::Generate)
            .await
            .unwrap()
            .unwrap();
        let hash = store.user_by_name("lee").await.unwrap().unwrap().1;
        assert!(pushdeck::auth::verify_password(&generated, &hash));
        assert!(matches!(
            users
                .reset_password(&by, "lee", Password::Given("short".into()))
                .await,
            Err(UserError::Invalid {
                field: "password",
                ..
            })
        ));
        assert!(matches!(
            users
                .reset_password(&by, "nobody", Password::Generate)
                .await,
            Err(UserError::NotFound(_))
        ));
        // An admin's session is not proof enough to change their own password.
        assert!(matches!(
            users
                .reset_password(&me, "lee", Password::Given("a-long-enough-password".into()))
                .await,
            Err(UserError::Invalid {
                field: "username",
                ..
            })
        ));

        // Every change that happened is in the audit log, by who made it; no refusal is.
        let audited = audit_actions(&store).await;
        let actions: Vec<&str> = audited.iter().map(|(_, a, _)| a.as_str()).collect();
        assert_eq!(
            actions,
            [
                "add-user",
                "add-user",
                "set-role",
                "disable-user",
                "enable-user",
                "reset-password",
                "reset-password"
            ]
        );
        assert!(audited.iter().all(|(who, _, _)| who == "root"));
        assert_eq!(audited[0].2, "lee as operator (terminate)");
        assert_eq!(audited[2].2, "lee → viewer (none)");
        let dump = crate::helpers::dump_database(&store).await;
        assert!(
            !dump.contains(&generated),
            "a password never reaches the database"
        );
    }
);

both_stores!(
    the_admin_page_enables_users_and_sets_a_typed_password,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        let root = app.user("root", Role::Admin, &Action::ALL).await;
        let lee = app.operator("lee").await;
        let post = |path: &'static str, form: Vec<(&'static str, &'static str)>| {
            let app = &app;
            let root = root.clone();
            async move { app.post(Some(&root), path, &form).await }
        };
        assert!(
            post("/api/admin/disable_user", vec![("username", "lee")])
                .await
                .status()
                .is_success()
        );
        assert!(
            app.get(Some(&lee), "/api/session")
                .await
                .text()
                .await
                .unwrap()
                .contains("\"user\":null")
        );
        assert!(
            post("/api/admin/enable_user", vec![("username", "lee")])
                .await
                .status()
                .is_success()
        );
        let res = post(
            "/api/admin/reset_password",
            vec![("username", "lee"), ("password", "short")],
        )
        .await;
        match crate::app::decode::<app::dto::NewUser>(res).await {
            Err(AppError::Validation { message, .. }) => {
                assert_eq!(message, app::api::admin::refusals::NEW_PASSWORD)
            }
            other => panic!("{other:?}"),
        }
        let res = post(
            "/api/admin/reset_password",
            vec![("username", "lee"), ("password", "lees-new-password-1")],
        )
        .await;
        assert!(res.status().is_success());
        assert!(app.login("lee", "lee-password-123").await.is_err());
        // The old session ended with the old password; the new one signs in.
        assert!(
            app.get(Some(&lee), "/api/session")
                .await
                .text()
                .await
                .unwrap()
                .contains("\"user\":null")
        );
        assert!(app.login("lee", "lees-new-password-1").await.is_ok());
        // Without JavaScript the forms post as forms: back to the Admin page, and a refusal
        // comes back in the URL, shown in the page's own words.
        let plain = |path: &str, form: &[(&str, &str)]| {
            app.http
                .post(format!("{}{path}", app.base))
                .header("origin", &app.base)
                .header("referer", format!("{}/admin", app.base))
                .header("accept", "text/html")
                .header("cookie", &root.cookie)
                .form(form)
                .send()
        };
        let res = plain("/api/admin/disable_user", &[("username", "lee")])
            .await
            .unwrap();
        assert!(res.status().is_redirection(), "{}", res.status());
        let back = res.headers()["location"].to_str().unwrap();
        assert!(
            back.starts_with(&format!("{}/admin", app.base)) && !back.contains("__err"),
            "{back}"
        );
        let res = plain("/api/admin/enable_user", &[("username", "lee")])
            .await
            .unwrap();
        assert!(res.status().is_redirection(), "{}", res.status());
        let res = plain(
            "/api/admin/reset_password",
            &[("username", "lee"), ("password", "short")],
        )
        .await
        .unwrap();
        let back = res.headers()["location"].to_str().unwrap().to_string();
        assert!(back.contains("__err="), "{back}");
        let page = app
            .get(Some(&root), back.trim_start_matches(&app.base))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains(app::api::admin::refusals::NEW_PASSWORD),
            "the page's own sentence"
        );
        let lee = app
            .login("lee", "lees-new-password-1")
            .await
            .expect("enabled again");
        // Not for operators.
        let res = app
            .post(Some(&lee), "/api/admin/enable_user", &[("username", "lee")])
            .await;
        assert!(matches!(
            crate::app::decode::<()>(res).await,
            Err(AppError::Forbidden { .. })
        ));
        app.stop().await;
    }
);

/// The real `pushdeck user …` on a database of its own, in English whatever this machine's
/// locale.
fn user(db_url: &str, args: &[&str], stdin: Option<&str>) -> (bool, String) {
    user_in("en", db_url, args, stdin)
}

fn user_in(lang: &str, db_url: &str, args: &[&str], stdin: Option<&str>) -> (bool, String) {
    crate::helpers::pushdeck_in(lang, db_url, &[&["user"], args].concat(), stdin)
}

#[tokio::test]
async fn the_user_command_line_speaks_the_terminals_language() {
    let db = TestDb::new(Db::Sqlite).await;
    let (ok, out) = user_in(
        "zh_CN.UTF-8",
        &db.url,
        &["add", "--username", "wang", "--role", "operator"],
        Some("a-long-enough-password\n"),
    );
    assert!(ok, "{out}");
    assert_eq!(out.trim(), "已添加 wang（操作员）");
    let (ok, out) = user_in(
        "zh_CN.UTF-8",
        &db.url,
        &["add", "--username", "x", "--role", "viewer"],
        Some("a-long-enough-password"),
    );
    assert!(!ok && out.contains("请使用 2–64 个字母"), "{out}");
    let (ok, out) = user_in(
        "zh_CN.UTF-8",
        &db.url,
        &["disable", "--username", "nobody"],
        None,
    );
    assert!(!ok && out.contains("没有名为 nobody 的用户。"), "{out}");
}

#[tokio::test]
async fn the_user_command_line_goes_through_the_same_service_and_audit() {
    let db = TestDb::new(Db::Sqlite).await;
    let url = db.url.clone();
    let (ok, out) = user(
        &url,
        &[
            "add",
            "--username",
            "lee",
            "--role",
            "operator",
            "--permissions",
            "terminate,cancel",
        ],
        Some("a-long-enough-password\n"),
    );
    assert!(ok, "{out}");
    assert_eq!(out.trim(), "added lee (operator)");
    let (ok, out) = user(
        &url,
        &[
            "add",
            "--username",
            "kim",
            "--role",
            "viewer",
            "--generate-password",
        ],
        None,
    );
    assert!(
        ok && out.starts_with("added kim (viewer); password: "),
        "{out}"
    );
    // The same refusals as the Admin page.
    let (ok, out) = user(
        &url,
        &["add", "--username", "x", "--role", "viewer"],
        Some("a-long-enough-password"),
    );
    assert!(
        !ok && out.contains(app::api::admin::refusals::USERNAME),
        "{out}"
    );
    let (ok, out) = user(
        &url,
        &["add", "--username", "max", "--role", "viewer"],
        Some("short"),
    );
    assert!(
        !ok && out.contains(app::api::admin::refusals::PASSWORD),
        "{out}"
    );
    let (ok, out) = user(
        &url,
        &["set-role", "--username", "lee", "--role", "overlord"],
        None,
    );
    assert!(
        !ok && out.contains(app::api::admin::refusals::ROLE),
        "{out}"
    );

    let (ok, out) = user(
        &url,
        &[
            "set-role",
            "--username",
            "kim",
            "--role",
            "operator",
            "--permissions",
            "recall",
        ],
        None,
    );
    assert!(ok, "{out}");
    let (ok, out) = user(&url, &["disable", "--username", "lee"], None);
    assert!(ok && out.contains("lee is disabled"), "{out}");
    let (ok, out) = user(&url, &["list"], None);
    assert!(ok, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("kim") && lines[0].contains("operator") && lines[0].contains("recall")
    );
    assert!(
        lines[1].starts_with("lee")
            && lines[1].contains("terminate, cancel")
            && lines[1].ends_with("disabled")
    );
    let (ok, out) = user(&url, &["enable", "--username", "lee"], None);
    assert!(ok && out.contains("lee is enabled again"), "{out}");
    let (ok, out) = user(
        &url,
        &["reset-password", "--username", "lee", "--generate-password"],
        None,
    );
    assert!(ok && out.starts_with("lee has a new password: "), "{out}");
    let (ok, out) = user(
        &url,
        &["reset-password", "--username", "nobody"],
        Some("a-long-enough-password"),
    );
    assert!(
        !ok && out.contains("There is no user named nobody."),
        "{out}"
    );

    let store = db.store().await;
    let audited = audit_actions(&store).await;
    let actions: Vec<&str> = audited.iter().map(|(_, a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "add-user",
            "add-user",
            "set-role",
            "disable-user",
            "enable-user",
            "reset-password"
        ]
    );
    assert!(
        audited
            .iter()
            .all(|(who, _, _)| who == "(command line: ops-oncall)"),
        "{audited:?}"
    );
    store.close().await;
}
