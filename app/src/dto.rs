//! Data shapes that cross between the server and the browser.

use serde::{Deserialize, Serialize};

use crate::domain::Platform;

/// A TPNS app the console serves, as the browser may see it: never its SecretKey.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    /// The console's short id of the app, used in URLs (`?app=`).
    pub id: String,
    pub name: String,
    pub platform: Platform,
    /// `Guangzhou`, `Shanghai`, `Hong Kong`, `Singapore` or `Sandbox`/`Custom`.
    pub access_point: String,
    /// `Signature` or `Basic`.
    pub auth_scheme: String,
    pub recall_available: bool,
}

use crate::domain::{
    Action, Audience, Counters, MessageKind, Refusal, Source, Status,
    rules::{DoneAction, TaskFacts},
};

/// The Task List's filters, sort and page, as they appear in the URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TaskQuery {
    pub app: Option<String>,
    pub statuses: Vec<Status>,
    pub platform: Option<Platform>,
    pub audience: Option<Audience>,
    /// `YYYY-MM-DD`, in the console's display zone, inclusive.
    pub created_from: Option<String>,
    pub created_to: Option<String>,
    /// Free text matched against push ID, title and content.
    pub q: Option<String>,
    pub oldest_first: bool,
    /// Keyset cursor: rows after this position in the chosen order.
    pub after: Option<String>,
    /// Keyset cursor: rows before this position (the previous page).
    pub before: Option<String>,
}

/// One row of the Task List.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRow {
    pub push_id: String,
    pub title: String,
    pub content: String,
    pub audience: Audience,
    pub audience_summary: String,
    pub platform: Platform,
    pub message_type: MessageKind,
    pub created_at: i64,
    pub send_time: Option<i64>,
    pub status: Status,
    pub in_flight: Option<Action>,
    pub totals: Counters,
    /// When the counters were last read from TPNS (Unix seconds); `None`: not yet.
    pub counters_at: Option<i64>,
    pub source: Source,
    /// Unix seconds; `None` for a task never read from TPNS.
    pub last_synced_at: Option<i64>,
    pub stale: bool,
    /// When the task started, or will start, sending (Unix seconds).
    pub push_time: i64,
    /// The offline-storage period (seconds).
    pub expire_secs: i64,
    /// What Pushdeck's actions already did to the task.
    pub done: Vec<DoneAction>,
    /// A recurring push (`loop_param`).
    pub recurring: bool,
    pub version: i64,
}

impl TaskRow {
    /// The facts the action rules judge the task by: the row's own fields, not a second copy
    /// of them on the wire (the Task List's island gets 50 rows as props).
    pub fn facts(&self) -> TaskFacts {
        TaskFacts {
            status: self.status,
            platform: self.platform,
            audience: self.audience,
            push_time: self.push_time,
            scheduled: self.send_time.is_some(),
            expire_secs: self.expire_secs,
            in_flight: self.in_flight,
            done: self.done.clone(),
        }
    }
}

/// A page of the Task List with what its controls need.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskPage {
    pub app: AppInfo,
    pub rows: Vec<TaskRow>,
    /// Tasks per status for the app (the status filter's counts).
    pub status_counts: Vec<(Status, u64)>,
    pub next: Option<String>,
    pub prev: Option<String>,
    pub now: i64,
    pub utc_offset_minutes: i32,
    pub budget: Budget,
    /// The actions the signed-in user's role allows, before each task's own rules.
    pub permitted: Vec<Action>,
}

/// The upstream query budget left for the app (`server/docs/product.md`: shown in the UI).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budget {
    /// Single-task record queries left in the current hour.
    pub record_left: u32,
    /// Per-task statistics queries left in the current hour.
    pub stats_left: u32,
    pub per_hour: u32,
    /// When the next call is possible if none is left now (Unix seconds).
    pub next_at: Option<i64>,
}

/// A task's push details.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskDetail {
    pub app: AppInfo,
    pub row: TaskRow,
    pub expire_secs: i64,
    pub collapse_id: Option<i64>,
    pub overrides: Option<String>,
    pub overridden_by: Option<String>,
    /// Per channel, by its name (`domain::channel_label`: Pushdeck's name for a channel it
    /// knows, TPNS's code for one it does not), in the table's order.
    pub channels: Vec<(String, Counters)>,
    pub stats_synced_at: Option<i64>,
    pub cannot_replace: CannotReplace,
    /// Devices where the task is shown and not clicked on channels a recall reaches.
    pub recall_reach: u64,
    /// The original's click action (Android), which the override dialog lets the operator
    /// correct, as [`crate::domain::ClickAction::slug`] (empty where TPNS's record does not
    /// say), and its web address or intent.
    pub click_kind: String,
    pub click_target: String,
    pub history: Vec<AuditEntry>,
    pub now: i64,
    pub utc_offset_minutes: i32,
    pub budget: Budget,
    /// What the signed-in user may do (their role and permissions), before the task's rules.
    pub permitted: Vec<Action>,
    /// Whether the user may spend query budget on "Refresh now" (viewers may not).
    pub may_refresh: bool,
    /// A request key for the dialogs' plain-form (no JavaScript) submissions.
    pub form_key: String,
}

/// Android devices of a task on channels that cannot replace a shown notification (every
/// channel but TPNS's own, Xiaomi, Meizu and Huawei EMUI 10+): the override dialog's question is
/// about them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannotReplace {
    /// Per channel, its name and devices, as the dialog shows them ("vivo 1,200, OPPO 800,
    /// …"; Huawei below EMUI 10 estimated from the app's configured share, as TPNS reports
    /// Huawei as one channel).
    pub parts: String,
    pub total: u64,
    /// Of them, devices the original already reached.
    pub already_shown: u64,
}

/// An action the operator confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRequest {
    pub app: String,
    /// Checked where the request enters (`from_form`); never needs checking again.
    pub push_id: crate::domain::PushId,
    pub action: Action,
    /// One per confirmation dialog: a retried or double-submitted request reuses it.
    pub idempotency_key: String,
    /// The push ID typed by the operator, required for tasks aimed at all devices.
    pub typed_confirmation: Option<String>,
    /// For Override.
    pub title: Option<String>,
    pub content: Option<String>,
    pub choice: Option<crate::domain::OverrideChoice>,
    /// For an Android override: where the corrected notification takes the user (`None`:
    /// as the original did).
    pub click: Option<crate::domain::ClickAction>,
}

/// How an action ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionOutcome {
    pub app: String,
    pub action: Action,
    pub push_id: String,
    /// The task's status as read back from TPNS after the action.
    pub status: Status,
    pub message: String,
    /// The override's new task.
    pub new_push_id: Option<String>,
}

/// One entry of the audit log or a task's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at_ms: i64,
    pub username: String,
    pub ip: String,
    pub kind: String,
    pub action: String,
    pub app_id: Option<String>,
    pub push_id: Option<String>,
    pub request_summary: String,
    pub upstream_answer: String,
    pub outcome: String,
    pub detail: String,
    /// The API token the request came with, if it did. The browser never reads it (the server
    /// writes it into the names it shows), so its decoder skips it and stays smaller.
    #[cfg_attr(
        feature = "ssr",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    #[cfg_attr(not(feature = "ssr"), serde(skip))]
    pub via_token: Option<String>,
}

/// Why a button is disabled, or `None` when it is enabled.
pub type Eligibility = Option<Refusal>;

/// A task's live state, streamed to open pages when it changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskEvent {
    pub app_id: String,
    pub push_id: String,
    pub status: Status,
    pub in_flight: Option<Action>,
    pub totals: Counters,
    pub last_synced_at: Option<i64>,
    pub overridden_by: Option<String>,
    pub version: i64,
}

impl ActionRequest {
    /// Builds a request from the dialog's form fields, refusing unknown values.
    #[allow(clippy::too_many_arguments)]
    pub fn from_form(
        app: String,
        push_id: String,
        action: &str,
        idempotency_key: String,
        typed_confirmation: Option<String>,
        title: Option<String>,
        content: Option<String>,
        choice: Option<&str>,
        click: ClickForm,
    ) -> Result<ActionRequest, crate::error::AppError> {
        use crate::error::AppError;
        let push_id = crate::domain::PushId::parse(&push_id)
            .ok_or_else(|| AppError::validation("push_id", "That is not a push ID."))?;
        let action = Action::from_slug(action)
            .ok_or_else(|| AppError::validation("action", "Unknown action."))?;
        let choice = match choice.map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(crate::domain::OverrideChoice::from_slug(c).ok_or_else(|| {
                AppError::validation(
                    "choice",
                    "Choose Continue delivery or Abort for these devices.",
                )
            })?),
        };
        let click = match click
            .kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            None => None,
            Some(kind) => Some(
                crate::domain::ClickAction::from_form(
                    kind,
                    click.url.as_deref(),
                    click.intent.as_deref(),
                )
                .map_err(|(field, message)| AppError::validation(field, message))?,
            ),
        };
        if idempotency_key.trim().is_empty() || idempotency_key.len() > 100 {
            return Err(AppError::validation(
                "idempotency_key",
                "The form is missing its request key; reload the page.",
            ));
        }
        Ok(ActionRequest {
            app,
            push_id,
            action,
            idempotency_key,
            typed_confirmation: typed_confirmation.filter(|s| !s.trim().is_empty()),
            title,
            content,
            choice,
            click,
        })
    }
}

/// The override dialog's click-action fields as the form sends them.
#[derive(Clone, Debug, Default)]
pub struct ClickForm {
    /// `app`, `url` or `intent`; absent: keep the original's.
    pub kind: Option<String>,
    pub url: Option<String>,
    pub intent: Option<String>,
}

/// The signed-in user, as the pages see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    pub username: String,
    pub role: crate::domain::Role,
    pub permissions: Vec<Action>,
    pub disabled: bool,
}

/// Who is signed in and which apps they see (the layout's data).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: Option<UserInfo>,
    pub apps: Vec<AppInfo>,
}

/// The audit page's filters, as they appear in the URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    pub user: Option<String>,
    pub action: Option<String>,
    pub push_id: Option<String>,
    /// `YYYY-MM-DD`, inclusive, in the console's zone.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Entries older than this id (the next page).
    pub before: Option<i64>,
}

/// A page of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next_before: Option<i64>,
    pub utc_offset_minutes: i32,
    /// The usernames seen, for the user filter.
    pub usernames: Vec<String>,
}

/// The admin page: users and the configured apps (never a SecretKey).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub users: Vec<UserInfo>,
    pub apps: Vec<AppInfo>,
}

/// The Account page: who is signed in and their API tokens (never a token itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    pub user: UserInfo,
    pub tokens: Vec<TokenInfo>,
    pub utc_offset_minutes: i32,
}

/// One API token, as its owner's list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub name: String,
    /// Its first characters (`pdk_3f9a1c…`).
    pub prefix: String,
    /// The actions it may carry out (its owner's permissions narrow them further).
    pub permissions: Vec<Action>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// It authenticates now.
    pub live: bool,
}

/// A token just made, for the one page that shows it (never stored, never in a URL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FreshToken {
    pub name: String,
    pub secret: String,
}

/// Why the Account page's new-token form was refused, for the page it answers with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenFormRefusal(pub String);

/// The API reference page: the OpenAPI document, read into what the page lists.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiReference {
    pub title: String,
    pub description: String,
    pub operations: Vec<ApiOperation>,
    pub schemas: Vec<ApiSchema>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiOperation {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub tag: String,
    /// (name, where, required, description)
    pub params: Vec<(String, String, bool, String)>,
    /// The request body's schema name.
    pub body: Option<String>,
    /// (status, description, schema name)
    pub responses: Vec<(String, String, String)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiSchema {
    pub name: String,
    pub description: String,
    /// (name, type, required, description)
    pub fields: Vec<(String, String, bool, String)>,
}

/// The answer to adding a user: the generated password, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    pub username: String,
    pub generated_password: Option<String>,
}
