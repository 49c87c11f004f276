//! Override: read the task's collapse ID, then push the corrected message to the same audience
//! with that `collapse_id` and the operator's `force_collapse` choice (`server/docs/tpns.md` §5).
//! The new push carries the original's message as TPNS's record keeps it (`pushConfig`: the
//! click action, `custom_content`, channel settings; the iOS `environment`), with the title,
//! content and — on Android — the click action the operator corrected.

use app::dto::ActionRequest;
use app::i18n::{T, Words};
use domain::{Audience, ClickAction, Platform, Status};
use serde_json::{Map, Value, json};

use super::{ActionError, ActionService};
use crate::apps::UpstreamApp;
use crate::store::tasks::{StoredTask, TaskMessage, TaskUpsert};
use crate::sync::RefreshReason;
use tpns::{PushRequest, TagItem, TagRule, TpnsError};

/// An override's push as TPNS accepted it: the new task.
pub(super) struct Pushed {
    pub push_id: String,
    pub task: TaskUpsert,
}

/// What the upstream call(s) of an action came to, with a summary of the request for the audit
/// log.
pub(super) type Called = (String, Result<Option<Pushed>, TpnsError>);

/// What an override will send, settled before its intent is written: a task that cannot be
/// overridden is refused like any rule, with nothing recorded as attempted.
pub(crate) struct OverridePlan {
    pub(super) collapse_id: i64,
    body: PushRequest,
    summary: String,
    title: String,
    content: String,
}

impl ActionService {
    /// Reads the task fresh from TPNS (its collapse ID, and the message a list page or an older
    /// Pushdeck did not store) and builds the override's push from what is then known;
    /// refuses when TPNS reports no collapse ID or Pushdeck does not know the task's audience
    /// (an override without it would not reach the same devices).
    pub(super) async fn plan_override(
        &self,
        w: Words,
        app: &UpstreamApp,
        stored: &StoredTask,
        req: &ActionRequest,
    ) -> Result<OverridePlan, ActionError> {
        let fresh = self
            .sync
            .refresh_task(app, &stored.push_id, RefreshReason::Person)
            .await
            .ok()
            .flatten();
        // The store keeps what every read said (a sparse read erases nothing), so the fresh
        // row holds the most that is known.
        let task = fresh.as_ref().unwrap_or(stored);
        let collapse_id = task.collapse_id.or(stored.collapse_id);
        let Some(collapse_id) = collapse_id else {
            return Err(ActionError::NotAllowed(w.t(T::SrvNoCollapseId).to_string()));
        };
        let title = req.title.clone().unwrap_or_default().trim().to_string();
        let content = req.content.clone().unwrap_or_default().trim().to_string();
        // The dialog (and a plain form post) sends the click action as shown: the original's
        // unless the operator changed it. Only a change is a correction; the original's body
        // then goes out as it was.
        let click = req
            .click
            .as_ref()
            .filter(|c| Some(*c) != task.click_action().as_ref());
        let body = build(
            task,
            collapse_id,
            &title,
            &content,
            req.choice.map(|c| c.force_collapse()),
            click,
        );
        if !reaches_the_same_audience(&body) {
            return Err(ActionError::NotAllowed(w.f(
                T::SrvAudienceUnread,
                &[("audience", w.audience_noun(task.audience))],
            )));
        }
        let summary = format!(
            "POST /v3/push/app audience_type={} collapse_id={collapse_id} force_collapse={} title={}{}",
            task.audience.upstream(),
            body.force_collapse
                .map(|b| b.to_string())
                .unwrap_or_else(|| "unset".into()),
            // JSON, as sent: the title is a person's text and is quoted the standard way.
            serde_json::Value::from(title.as_str()),
            match click {
                Some(c) => format!(
                    " click={}{}",
                    c.slug(),
                    c.target()
                        .map(|t| format!(" target={}", Value::from(t)))
                        .unwrap_or_default()
                ),
                None => String::new(),
            }
        );
        Ok(OverridePlan {
            collapse_id,
            body,
            summary,
            title,
            content,
        })
    }

    /// Step 2: the push. Never retried: a blind retry could send the message twice. The new
    /// task is recorded by the settlement, in the same transaction as the outcome.
    pub(super) async fn override_task(
        &self,
        app: &UpstreamApp,
        task: &StoredTask,
        plan: OverridePlan,
    ) -> Called {
        let OverridePlan {
            collapse_id,
            body,
            summary,
            title,
            content,
        } = plan;
        let pushed = match self.tpns.push(&app.creds, &body).await {
            Ok(r) => r.push_id,
            Err(e) => return (summary, Err(e)),
        };
        let now = self.clock.now();
        let new_task = TaskUpsert {
            push_id: pushed.clone(),
            audience: task.audience,
            audience_summary: task.audience_summary.clone(),
            audience_detail: task.audience_detail.clone(),
            platform: task.platform,
            message_type: task.message_type,
            title,
            content,
            created_at: now,
            send_time: None,
            push_time: now,
            expire_secs: Some(task.expire_secs),
            status: Status::Created,
            collapse_id: Some(collapse_id),
            source: domain::Source::Console,
            message: TaskMessage {
                push_config: Some(
                    json!({ "android": body.message.android, "ios": body.message.ios }).to_string(),
                ),
                environment: body.environment.clone(),
                recurring: false,
                upstream_source: None,
            },
        };
        (
            summary,
            Ok(Some(Pushed {
                push_id: pushed,
                task: new_task,
            })),
        )
    }
}

/// The override's push body: the original audience and message, the new title and content,
/// the corrected click action (Android), the collapse ID.
pub(super) fn build(
    task: &StoredTask,
    collapse_id: i64,
    title: &str,
    content: &str,
    force_collapse: Option<bool>,
    click: Option<&ClickAction>,
) -> PushRequest {
    let mut body = PushRequest::new(task.audience, task.message_type, title, content);
    body.platform = Some(task.platform.slug().to_string());
    body.collapse_id = Some(collapse_id);
    body.expire_time = Some(task.expire_secs);
    let original = original_config(task.message.push_config.as_deref());
    if task.platform == Platform::Ios {
        // A `dev` app's push must say `dev` again; TPNS's default is `product` (§2.1), which is
        // also what a record without `environment` is taken for.
        body.environment = Some(
            task.message
                .environment
                .clone()
                .unwrap_or_else(|| "product".into()),
        );
        body.message.ios = ios_body(original.get("ios"));
    } else {
        // Only Android has channels that cannot replace; the operator chose for them.
        body.force_collapse = force_collapse;
        body.message.android = android_body(original.get("android"), click);
    }
    let detail: Value = task
        .audience_detail
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or(Value::Null);
    match task.audience {
        Audience::Tag => body.tag_rules = tag_rules(&detail),
        Audience::AccountList | Audience::Account => {
            body.account_list = string_list(&detail, &["account_list", "target_list", "targetList"])
        }
        Audience::TokenList | Audience::Token => {
            body.token_list = string_list(&detail, &["token_list", "target_list", "targetList"])
        }
        Audience::PackageAccount | Audience::PackageToken => {
            body.upload_id = ["upload_id", "uploadId"]
                .iter()
                .find_map(|k| detail.get(*k).and_then(Value::as_i64))
        }
        Audience::All => {}
    }
    body
}

/// The record's `pushConfig` as an object (empty when TPNS did not report it).
fn original_config(push_config: Option<&str>) -> Map<String, Value> {
    push_config
        .and_then(|c| serde_json::from_str::<Value>(c).ok())
        .and_then(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default()
}

/// The original's Android body with the corrected click action (§2.3). `n_id` is left out: it
/// is the deprecated way to replace a notification and must not fight `collapse_id`. The
/// intent follows the action, because Huawei's channel takes the notification's parameters from
/// it (§5.1): an intent action sets it, a web page drops the old one (it would open the old
/// target on Huawei), opening the app keeps it. `None` when there is neither an original body
/// nor a correction: TPNS then uses its defaults, as for the original.
fn android_body(original: Option<&Value>, click: Option<&ClickAction>) -> Option<Value> {
    let mut android = match original {
        Some(Value::Object(m)) => m.clone(),
        _ if click.is_none() => return None,
        _ => Map::new(),
    };
    android.remove("n_id");
    if let Some(click) = click {
        let mut action = match android.remove("action") {
            Some(Value::Object(a)) => a,
            _ => Map::new(),
        };
        match click {
            ClickAction::OpenApp => {
                // An intent that was the action goes with it; one that only carried Huawei's
                // parameters for opening the app stays.
                if action.get("action_type").and_then(tpns::lenient::int_of) == Some(3) {
                    action.remove("intent");
                }
                action.insert("action_type".into(), json!(1));
                action.remove("browser");
            }
            ClickAction::OpenUrl(url) => {
                let confirm = action
                    .get("browser")
                    .and_then(|b| b.get("confirm"))
                    .cloned()
                    .unwrap_or(json!(0));
                action.insert("action_type".into(), json!(2));
                action.insert("browser".into(), json!({ "url": url, "confirm": confirm }));
                action.remove("intent");
            }
            ClickAction::Intent(intent) => {
                action.insert("action_type".into(), json!(3));
                action.insert("intent".into(), json!(intent));
                action.remove("browser");
            }
        }
        android.insert("action".into(), Value::Object(action));
    }
    Some(Value::Object(android))
}

/// The original's iOS body without its `aps.alert`: the alert is the old text, and TPNS builds
/// it from the new title and content (§2.3).
fn ios_body(original: Option<&Value>) -> Option<Value> {
    let Some(Value::Object(ios)) = original else {
        return None;
    };
    let mut ios = ios.clone();
    if let Some(Value::Object(aps)) = ios.get_mut("aps") {
        aps.remove("alert");
    }
    Some(Value::Object(ios))
}

/// The push names its devices: every audience but "all" needs its target list, tags or upload.
fn reaches_the_same_audience(body: &PushRequest) -> bool {
    match body.audience_type {
        Audience::All => true,
        Audience::Tag => body.tag_rules.as_ref().is_some_and(|r| {
            r.iter()
                .any(|rule| rule.tag_items.iter().any(|i| !i.tags.is_empty()))
        }),
        Audience::AccountList | Audience::Account => {
            body.account_list.as_ref().is_some_and(|l| !l.is_empty())
        }
        Audience::TokenList | Audience::Token => {
            body.token_list.as_ref().is_some_and(|l| !l.is_empty())
        }
        Audience::PackageAccount | Audience::PackageToken => body.upload_id.is_some(),
    }
}

fn string_list(detail: &Value, keys: &[&str]) -> Option<Vec<String>> {
    keys.iter().find_map(|k| {
        detail.get(*k).and_then(Value::as_array).map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
    })
}

/// Tag rules from the stored detail: either `tag_rules` as sent, or TPNS's record shape
/// `tagSet: {op, tagWithType: [{tagTypeName, tagValue}]}` (§3.1).
fn tag_rules(detail: &Value) -> Option<Vec<TagRule>> {
    if let Some(rules) = detail.get("tag_rules").and_then(Value::as_array) {
        let parsed: Vec<TagRule> = rules
            .iter()
            .map(|r| TagRule {
                tag_items: r["tag_items"]
                    .as_array()
                    .map(|items| items.iter().map(tag_item).collect())
                    .unwrap_or_default(),
                operator: r["operator"].as_str().map(str::to_string),
                is_not: r["is_not"].as_bool().unwrap_or(false),
            })
            .collect();
        return Some(parsed);
    }
    let set = detail.get("tag_set").or_else(|| detail.get("tagSet"))?;
    let op = set["op"].as_str().unwrap_or("OR").to_string();
    let mut items: Vec<TagItem> = Vec::new();
    for t in set["tagWithType"].as_array()? {
        let tag_type = t["tagTypeName"]
            .as_str()
            .unwrap_or("xg_user_define")
            .to_string();
        let value = t["tagValue"].as_str().unwrap_or_default().to_string();
        match items.iter_mut().find(|i| i.tag_type == tag_type) {
            Some(i) => i.tags.push(value),
            None => items.push(TagItem {
                tags: vec![value],
                is_not: false,
                tags_operator: op.clone(),
                items_operator: op.clone(),
                tag_type,
            }),
        }
    }
    Some(vec![TagRule {
        tag_items: items,
        operator: None,
        is_not: false,
    }])
}

fn tag_item(v: &Value) -> TagItem {
    TagItem {
        tags: v["tags"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        is_not: v["is_not"].as_bool().unwrap_or(false),
        tags_operator: v["tags_operator"].as_str().unwrap_or("OR").to_string(),
        items_operator: v["items_operator"].as_str().unwrap_or("OR").to_string(),
        tag_type: v["tag_type"]
            .as_str()
            .unwrap_or("xg_user_define")
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tasks::sample_task;

    fn original(platform: Platform, config: Value, environment: Option<&str>) -> StoredTask {
        let mut t = sample_task(Status::Pushing, Some(0), 1_000_000);
        t.platform = platform;
        t.message.push_config = Some(config.to_string());
        t.message.environment = environment.map(str::to_string);
        t
    }

    fn android_of(body: &PushRequest) -> Value {
        body.message.android.clone().expect("an android body")
    }

    const CUSTOM: &str = r#"{"order":"A-7"}"#;

    fn wrong_link() -> Value {
        json!({"android": {
            "n_id": 5, "n_ch_id": "sales", "custom_content": CUSTOM, "ring": 1,
            "action": {"action_type": 2, "browser": {"url": "https://shop.example/wrong", "confirm": 1},
                       "intent": "xgscheme://old?k=v", "activity": "MainActivity"}
        }, "ios": null})
    }

    #[test]
    fn a_corrected_url_keeps_the_rest_of_the_original_android_body() {
        let fix = ClickAction::OpenUrl("https://shop.example/right".into());
        let body = build(
            &original(Platform::Android, wrong_link(), None),
            9,
            "T",
            "C",
            Some(false),
            Some(&fix),
        );
        let a = android_of(&body);
        assert_eq!(a["action"]["action_type"], 2);
        assert_eq!(
            a["action"]["browser"],
            json!({"url": "https://shop.example/right", "confirm": 1})
        );
        assert!(
            a["action"].get("intent").is_none(),
            "Huawei would still open the old target"
        );
        assert_eq!(a["action"]["activity"], "MainActivity");
        assert_eq!(
            (a["custom_content"].as_str(), a["n_ch_id"].as_str()),
            (Some(CUSTOM), Some("sales"))
        );
        assert!(a.get("n_id").is_none(), "n_id must not fight collapse_id");
        assert_eq!(
            (body.collapse_id, body.force_collapse),
            (Some(9), Some(false))
        );
        assert_eq!(
            (body.message.title.as_str(), body.message.content.as_str()),
            ("T", "C")
        );
    }

    #[test]
    fn an_intent_replaces_the_web_page_and_opening_the_app_keeps_the_intent() {
        let t = original(Platform::Android, wrong_link(), None);
        let intent = ClickAction::Intent("xgscheme://shop/sale?id=7".into());
        let a = android_of(&build(&t, 9, "T", "C", Some(true), Some(&intent)));
        assert_eq!(a["action"]["action_type"], 3);
        assert_eq!(a["action"]["intent"], "xgscheme://shop/sale?id=7");
        assert!(a["action"].get("browser").is_none());
        let a = android_of(&build(
            &t,
            9,
            "T",
            "C",
            Some(true),
            Some(&ClickAction::OpenApp),
        ));
        assert_eq!(a["action"]["action_type"], 1);
        assert!(a["action"].get("browser").is_none());
        assert_eq!(
            a["action"]["intent"], "xgscheme://old?k=v",
            "Huawei's parameters stay"
        );
    }

    #[test]
    fn without_a_correction_the_original_action_is_sent_as_it_was() {
        let t = original(Platform::Android, wrong_link(), None);
        let a = android_of(&build(&t, 9, "T", "C", Some(true), None));
        assert_eq!(a["action"], wrong_link()["android"]["action"]);
        // Nothing known and nothing corrected: no body, TPNS's defaults as for the original.
        let mut bare = t.clone();
        bare.message.push_config = None;
        assert!(
            build(&bare, 9, "T", "C", Some(true), None)
                .message
                .android
                .is_none()
        );
        let a = android_of(&build(
            &bare,
            9,
            "T",
            "C",
            Some(true),
            Some(&ClickAction::OpenUrl("https://x.example".into())),
        ));
        assert_eq!(a["action"]["browser"]["url"], "https://x.example");
    }

    #[test]
    fn an_ios_override_repeats_the_environment_and_drops_the_old_alert() {
        let config = json!({"android": null, "ios": {"custom_content": CUSTOM,
            "aps": {"alert": {"title": "Old", "body": "Old body"}, "sound": "ding", "badge_type": -1}}});
        let body = build(
            &original(Platform::Ios, config, Some("dev")),
            9,
            "T",
            "C",
            None,
            None,
        );
        assert_eq!(body.environment.as_deref(), Some("dev"));
        let ios = body.message.ios.clone().unwrap();
        assert_eq!(ios["custom_content"], CUSTOM);
        assert_eq!(ios["aps"], json!({"sound": "ding", "badge_type": -1}));
        assert!(body.message.android.is_none() && body.force_collapse.is_none());
        let unsaid = build(
            &original(Platform::Ios, json!({}), None),
            9,
            "T",
            "C",
            None,
            None,
        );
        assert_eq!(unsaid.environment.as_deref(), Some("product"));
    }
}
