//! The shapes of the JSON API (`server/docs/api.md`), apart from the pages' DTOs so that the
//! console's pages can change without breaking a script. Enumerations travel as TPNS's or the
//! console's stable spellings (`terminated`, `tag`, `android`), times as Unix seconds (the audit
//! log's as milliseconds, as it stores them).

use std::collections::BTreeMap;

use app::dto;
use domain::rules::{RefusalKind, RuleContext};
use domain::{Action, Counters as DomainCounters};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A TPNS app the console serves (never its SecretKey).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct App {
    /// The console's id of the app, used in paths.
    pub id: String,
    pub name: String,
    /// `android` or `ios`.
    pub platform: String,
    /// `Guangzhou`, `Shanghai`, `Hong Kong`, `Singapore`, `Sandbox` or `Custom`.
    pub access_point: String,
    pub recall_available: bool,
}

/// Device counts of a task, as TPNS reports them.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Counters {
    /// Eligible devices (`pushActiveUv`).
    pub planned: u64,
    /// Handed to a channel or delivered to an online device (`pushOnlineUv`).
    pub sent: u64,
    /// Arrived on the device (`arrivalUv`).
    pub arrived: u64,
    /// Clicked (`clickUv`).
    pub clicked: u64,
    /// Cleared from the tray (`cleanupUv`).
    pub cleared: u64,
}

/// One push task, as the Task List shows it.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Task {
    pub push_id: String,
    pub title: String,
    pub content: String,
    /// TPNS's `audience_type`: `all`, `tag`, `token`, `token_list`, `account`, `account_list`,
    /// `package_account_push`, `package_token_push`.
    pub audience: String,
    pub audience_summary: String,
    /// `android` or `ios`.
    pub platform: String,
    /// `notify` or `message`.
    pub message_type: String,
    /// Unix seconds.
    pub created_at: i64,
    /// When a scheduled task sends (Unix seconds).
    pub send_time: Option<i64>,
    /// `created`, `scheduled`, `pushing`, `completed`, `failed`, `canceled`, `deleted`,
    /// `recalled`, `overridden` or `terminated`.
    pub status: String,
    /// An action of the console's under way on the task.
    pub in_flight: Option<String>,
    pub counters: Counters,
    /// When the counters were read from TPNS (Unix seconds).
    pub counters_at: Option<i64>,
    /// `console` (sent through the TPNS console) or `api` (through the push API).
    pub source: String,
    /// When the task was last read from TPNS (Unix seconds).
    pub last_synced_at: Option<i64>,
    /// Whether the status may be out of date.
    pub stale: bool,
    /// A recurring push (`loop_param`).
    pub recurring: bool,
    /// Grows with every change of the stored task.
    pub version: i64,
}

/// A page of the Task List, newest first unless `sort=oldest`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TaskList {
    pub app: String,
    pub tasks: Vec<Task>,
    /// The `after` cursor of the next page, if there is one.
    pub next: Option<String>,
    /// The `before` cursor of the previous page, if there is one.
    pub prev: Option<String>,
    /// Tasks of the app per status (all of them, whatever the filters).
    pub status_counts: BTreeMap<String, u64>,
    pub budget: Budget,
}

/// The upstream query budget left for the app this hour.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Budget {
    pub record_left: u32,
    pub stats_left: u32,
    pub per_hour: u32,
    /// When the next call is possible if none is left (Unix seconds).
    pub next_at: Option<i64>,
}

/// Whether an action may be taken on the task now, and if not, why.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Eligibility {
    /// `terminate`, `recall`, `override` or `cancel`.
    pub action: String,
    /// Allowed by the task's rules (the token's and its owner's permissions aside).
    pub allowed: bool,
    /// Whether the caller holds the permission.
    pub permitted: bool,
    /// Why not, as a stable code: `in_flight`, `already_done`, `platform`, `audience`,
    /// `recall_unavailable`, `status`, `no_offline_storage`, `offline_period_over`,
    /// `not_scheduled`, `too_late`.
    pub refusal: Option<String>,
    /// The sentence the console's disabled button shows.
    pub reason: Option<String>,
}

/// A task's push details.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TaskDetail {
    pub app: String,
    pub task: Task,
    /// The offline-storage period (seconds).
    pub expire_secs: i64,
    pub collapse_id: Option<i64>,
    /// The task this one overrode.
    pub overrides: Option<String>,
    /// The task that overrode this one.
    pub overridden_by: Option<String>,
    /// Counters per channel, by name.
    pub channels: Vec<ChannelCounters>,
    /// Android devices on channels that cannot replace a shown notification.
    pub cannot_replace: u64,
    /// Devices a recall reaches.
    pub recall_reach: u64,
    pub actions: Vec<Eligibility>,
    /// The task's audit entries, oldest first.
    pub history: Vec<AuditEntry>,
    pub budget: Budget,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ChannelCounters {
    pub channel: String,
    pub counters: Counters,
}

/// An action to carry out. Send it with an `Idempotency-Key` header: a retried request with
/// the same key answers the first one's outcome and never acts twice.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionBody {
    /// `terminate`, `recall`, `override` or `cancel`.
    pub action: String,
    /// For a task pushed to all devices: its push ID again, as the dialog asks it typed.
    #[serde(default)]
    pub confirm_push_id: Option<String>,
    /// Override: the corrected title.
    #[serde(default)]
    pub title: Option<String>,
    /// Override: the corrected content.
    #[serde(default)]
    pub content: Option<String>,
    /// Override: what devices that cannot replace a notification get: `continue` (the new
    /// message, shown beside the old) or `abort` (nothing new).
    #[serde(default)]
    pub choice: Option<String>,
    /// Override (Android): where the corrected notification takes the user; absent: as the
    /// original did.
    #[serde(default)]
    pub click: Option<Click>,
}

/// Where a notification takes the user.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Click {
    /// `app`, `url` or `intent`.
    pub kind: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub intent: Option<String>,
}

/// How an action ended.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Outcome {
    pub app: String,
    pub push_id: String,
    pub action: String,
    /// The task's status as read back from TPNS after the action.
    pub status: String,
    /// The outcome sentence the console shows.
    pub message: String,
    /// The override's new task.
    pub new_push_id: Option<String>,
}

/// One entry of the audit log.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix milliseconds.
    pub at_ms: i64,
    pub username: String,
    /// The API token the request came with.
    pub via_token: Option<String>,
    pub ip: String,
    /// `action`, `admin` or `auth`.
    pub kind: String,
    /// `terminate`, `recall`, `override`, `cancel`, `sign-in`, `add-user`, `add-token`, …
    pub action: String,
    pub app: Option<String>,
    pub push_id: Option<String>,
    pub request_summary: String,
    pub upstream_answer: String,
    /// `succeeded`, `failed`, `refused`, `unknown`, `succeeded (reconciled)`, …
    pub outcome: String,
    pub detail: String,
}

/// A page of the audit log, newest first.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct AuditList {
    pub entries: Vec<AuditEntry>,
    /// The `before` of the next page, if there is one.
    pub next_before: Option<i64>,
}

/// Every error answers with this shape.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable machine code (`server/docs/api.md`): `unauthorized`, `token_expired`,
    /// `token_revoked`, `owner_disabled`, `forbidden`, `not_found`, `invalid`,
    /// `idempotency_key_required`, `conflict`, `not_allowed`, `rate_limited`, `throttled`,
    /// `upstream_error`, `upstream_unavailable`, `payload_too_large`, `internal`.
    pub code: String,
    /// The sentence the console would show, in the request's `Accept-Language` (English by
    /// default).
    pub message: String,
    /// The request field at fault (`invalid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// TPNS's error code (`upstream_error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tpns_code: Option<i64>,
    /// Who acted first (`conflict`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// When they acted (`conflict`, Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<i64>,
    /// When the next call is possible (`rate_limited`, Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_at: Option<i64>,
}

impl From<DomainCounters> for Counters {
    fn from(c: DomainCounters) -> Counters {
        Counters {
            planned: c.planned,
            sent: c.sent,
            arrived: c.arrived,
            clicked: c.clicked,
            cleared: c.cleared,
        }
    }
}

impl From<&dto::AppInfo> for App {
    fn from(a: &dto::AppInfo) -> App {
        App {
            id: a.id.clone(),
            name: a.name.clone(),
            platform: a.platform.slug().into(),
            access_point: a.access_point.clone(),
            recall_available: a.recall_available,
        }
    }
}

impl From<dto::TaskRow> for Task {
    fn from(r: dto::TaskRow) -> Task {
        Task {
            push_id: r.push_id,
            title: r.title,
            content: r.content,
            audience: r.audience.upstream().into(),
            audience_summary: r.audience_summary,
            platform: r.platform.slug().into(),
            message_type: r.message_type.upstream().into(),
            created_at: r.created_at,
            send_time: r.send_time,
            status: r.status.slug().into(),
            in_flight: r.in_flight.map(|a| a.slug().into()),
            counters: r.totals.into(),
            counters_at: r.counters_at,
            source: r.source.slug().into(),
            last_synced_at: r.last_synced_at,
            stale: r.stale,
            recurring: r.recurring,
            version: r.version,
        }
    }
}

impl From<dto::Budget> for Budget {
    fn from(b: dto::Budget) -> Budget {
        Budget {
            record_left: b.record_left,
            stats_left: b.stats_left,
            per_hour: b.per_hour,
            next_at: b.next_at,
        }
    }
}

impl From<dto::AuditEntry> for AuditEntry {
    fn from(e: dto::AuditEntry) -> AuditEntry {
        AuditEntry {
            id: e.id,
            at_ms: e.at_ms,
            username: e.username,
            via_token: e.via_token,
            ip: e.ip,
            kind: e.kind,
            action: e.action,
            app: e.app_id,
            push_id: e.push_id,
            request_summary: e.request_summary,
            upstream_answer: e.upstream_answer,
            outcome: e.outcome,
            detail: e.detail,
        }
    }
}

impl From<dto::ActionOutcome> for Outcome {
    fn from(o: dto::ActionOutcome) -> Outcome {
        Outcome {
            app: o.app,
            push_id: o.push_id,
            action: o.action.slug().into(),
            status: o.status.slug().into(),
            message: o.message,
            new_push_id: o.new_push_id,
        }
    }
}

/// The stable code of a rule's refusal.
pub fn refusal_code(k: RefusalKind) -> &'static str {
    match k {
        RefusalKind::InFlight => "in_flight",
        RefusalKind::AlreadyDone => "already_done",
        RefusalKind::Platform => "platform",
        RefusalKind::Audience => "audience",
        RefusalKind::RecallUnavailable => "recall_unavailable",
        RefusalKind::Status => "status",
        RefusalKind::NoOfflineStorage => "no_offline_storage",
        RefusalKind::OfflinePeriodOver => "offline_period_over",
        RefusalKind::NotScheduled => "not_scheduled",
        RefusalKind::TooLate => "too_late",
    }
}

/// The push details in the API's shape. The history keeps the log's own codes (the pages show
/// them in the reader's words); the actions say what the rules allow now.
pub fn detail(
    w: app::i18n::Words,
    d: dto::TaskDetail,
    history: Vec<dto::AuditEntry>,
) -> TaskDetail {
    let ctx = RuleContext {
        now: d.now,
        recall_available: d.app.recall_available,
        utc_offset_minutes: d.utc_offset_minutes,
    };
    let actions = Action::ALL
        .into_iter()
        .map(|a| {
            let r = domain::rules::check(a, &d.row.facts(), &ctx).err();
            Eligibility {
                action: a.slug().into(),
                allowed: r.is_none(),
                permitted: d.permitted.contains(&a),
                refusal: r.as_ref().map(|r| refusal_code(r.kind).into()),
                reason: r.as_ref().map(|r| app::i18n::refusal::refusal(w, r, &ctx)),
            }
        })
        .collect();
    TaskDetail {
        app: d.app.id.clone(),
        expire_secs: d.expire_secs,
        collapse_id: d.collapse_id,
        overrides: d.overrides,
        overridden_by: d.overridden_by,
        channels: d
            .channels
            .into_iter()
            .map(|(channel, c)| ChannelCounters {
                channel,
                counters: c.into(),
            })
            .collect(),
        cannot_replace: d.cannot_replace.total,
        recall_reach: d.recall_reach,
        actions,
        history: history.into_iter().map(AuditEntry::from).collect(),
        budget: d.budget.into(),
        task: d.row.into(),
    }
}
