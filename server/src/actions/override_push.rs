//! Override: read the task's collapse ID, then push the corrected message to the same audience
//! with that `collapse_id` and the operator's `force_collapse` choice (`server/docs/tpns.md` §5).

use app::dto::ActionRequest;
use domain::{Audience, Platform, Status};
use serde_json::Value;

use super::{ActionError, ActionService};
use crate::apps::UpstreamApp;
use crate::store::tasks::{StoredTask, TaskUpsert};
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
    /// Reads the task's collapse ID fresh from TPNS and builds the override's push; refuses
    /// when TPNS reports no collapse ID or Pushdeck does not know the task's audience (an
    /// override without it would not reach the same devices).
    pub(super) async fn plan_override(
        &self,
        app: &UpstreamApp,
        task: &StoredTask,
        req: &ActionRequest,
    ) -> Result<OverridePlan, ActionError> {
        let collapse_id = match self
            .sync
            .refresh_task(app, &task.push_id, RefreshReason::Person)
            .await
        {
            Ok(Some(t)) => t.collapse_id.or(task.collapse_id),
            _ => task.collapse_id,
        };
        let Some(collapse_id) = collapse_id else {
            return Err(ActionError::NotAllowed(
                "TPNS reports no collapse ID for this task, so it cannot be overridden; send a corrected push instead."
                    .into(),
            ));
        };
        let title = req.title.clone().unwrap_or_default().trim().to_string();
        let content = req.content.clone().unwrap_or_default().trim().to_string();
        let body = build(
            task,
            collapse_id,
            &title,
            &content,
            req.choice.map(|c| c.force_collapse()),
        );
        if !reaches_the_same_audience(&body) {
            return Err(ActionError::NotAllowed(format!(
                "This task was pushed to {}, but Pushdeck has not read which one from TPNS, so an override could not reach the same devices. Refresh the task and try again.",
                task.audience.noun()
            )));
        }
        let summary = format!(
            "POST /v3/push/app audience_type={} collapse_id={collapse_id} force_collapse={} title={}",
            task.audience.upstream(),
            body.force_collapse
                .map(|b| b.to_string())
                .unwrap_or_else(|| "unset".into()),
            // JSON, as sent: the title is a person's text and is quoted the standard way.
            serde_json::Value::from(title.as_str())
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
            expire_secs: task.expire_secs,
            status: Status::Created,
            collapse_id: Some(collapse_id),
            source: domain::Source::Console,
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

/// The override's push body: the original audience, the new message, the collapse ID.
pub(super) fn build(
    task: &StoredTask,
    collapse_id: i64,
    title: &str,
    content: &str,
    force_collapse: Option<bool>,
) -> PushRequest {
    let mut body = PushRequest::new(task.audience, task.message_type, title, content);
    body.platform = Some(task.platform.slug().to_string());
    body.collapse_id = Some(collapse_id);
    body.expire_time = Some(task.expire_secs);
    if task.platform == Platform::Ios {
        body.environment = Some("product".into());
    } else {
        // Only Android has channels that cannot replace; the operator chose for them.
        body.force_collapse = force_collapse;
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
