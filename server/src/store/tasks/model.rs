//! A task as the store holds it, and what the action rules and the sync worker judge it by.

use domain::rules::TaskFacts;
use domain::{
    Action, Audience, ClickAction, Counters, DoneAction, MessageKind, Platform, Source, Status,
};
use sqlx::Row;

use crate::store::StoreError;

/// A task as the upstream (or the console's own push) describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskUpsert {
    pub push_id: String,
    pub audience: Audience,
    pub audience_summary: String,
    pub audience_detail: Option<String>,
    pub platform: Platform,
    pub message_type: MessageKind,
    pub title: String,
    pub content: String,
    pub created_at: i64,
    pub send_time: Option<i64>,
    pub push_time: i64,
    /// The offline-storage period; `None` when the record does not say: TPNS's default
    /// ([`DEFAULT_EXPIRE_SECS`]) for a new task, what an earlier read said for a known one.
    pub expire_secs: Option<i64>,
    pub status: Status,
    pub collapse_id: Option<i64>,
    pub source: Source,
    pub message: TaskMessage,
}

/// TPNS's default (and maximum) offline-storage period (`server/docs/tpns.md` §2.4), for
/// records without `expireTime`.
pub const DEFAULT_EXPIRE_SECS: i64 = 259_200;

/// What TPNS's record says of a task's message beyond title and content (migration 0008).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskMessage {
    /// The platform bodies (`pushConfig`), as JSON: what an override carries over.
    pub push_config: Option<String>,
    /// iOS: `product` or `dev`.
    pub environment: Option<String>,
    /// A recurring push (`loop_param`).
    pub recurring: bool,
    /// Where TPNS's record says the task was made (`api`, or `web` for TPNS's console); `None`
    /// when no record said (sparse pages) or for the console's own tasks.
    pub upstream_source: Option<String>,
}

/// A stored task.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredTask {
    pub task_id: i64,
    pub app_id: String,
    pub push_id: String,
    pub audience: Audience,
    pub audience_summary: String,
    pub audience_detail: Option<String>,
    pub platform: Platform,
    pub message_type: MessageKind,
    pub title: String,
    pub content: String,
    pub created_at: i64,
    pub send_time: Option<i64>,
    pub push_time: i64,
    pub expire_secs: i64,
    pub status: Status,
    pub collapse_id: Option<i64>,
    pub source: Source,
    pub message: TaskMessage,
    pub overrides_push_id: Option<String>,
    pub overridden_by_push_id: Option<String>,
    pub totals: Counters,
    pub in_flight: Option<Action>,
    /// What Pushdeck's actions did to the task (migration 0007).
    pub done: Vec<DoneAction>,
    /// When an action's outcome last set the status (ms).
    pub acted_at_ms: Option<i64>,
    /// Milliseconds.
    pub last_synced_at: Option<i64>,
    pub stats_synced_at: Option<i64>,
    pub version: i64,
}

/// What changed in a task, for the change feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    pub app_id: String,
    pub push_id: String,
}

pub(crate) const TASK_COLUMNS: &str = "task_id, app_id, push_id, audience, audience_summary, audience_detail, platform, \
     message_type, title, content, created_at, send_time, push_time, expire_secs, status, collapse_id, source, \
     upstream_source, push_config, environment, recurring, overrides_push_id, overridden_by_push_id, planned, sent, arrived, clicked, cleared, in_flight, \
     done_actions, acted_at_ms, last_synced_at, stats_synced_at, version";

pub(crate) fn task_from_row(row: &sqlx::any::AnyRow) -> Result<StoredTask, StoreError> {
    let text = |c: &str| -> Result<String, StoreError> { Ok(row.try_get::<String, _>(c)?) };
    let bad = |what: &str, v: &str| StoreError::Corrupt(format!("tasks.{what} = {v:?}"));
    let audience = text("audience")?;
    let platform = text("platform")?;
    let message_type = text("message_type")?;
    let status = text("status")?;
    let source = text("source")?;
    let upstream_source: Option<String> = row.try_get("upstream_source")?;
    let in_flight: Option<String> = row.try_get("in_flight")?;
    let n = |c: &str| -> Result<u64, StoreError> { Ok(row.try_get::<i64, _>(c)?.max(0) as u64) };
    Ok(StoredTask {
        task_id: row.try_get("task_id")?,
        app_id: text("app_id")?,
        push_id: text("push_id")?,
        audience: Audience::from_upstream(&audience).ok_or_else(|| bad("audience", &audience))?,
        audience_summary: text("audience_summary")?,
        audience_detail: row.try_get("audience_detail")?,
        platform: Platform::from_slug(&platform).ok_or_else(|| bad("platform", &platform))?,
        message_type: MessageKind::from_upstream(&message_type)
            .ok_or_else(|| bad("message_type", &message_type))?,
        title: text("title")?,
        content: text("content")?,
        created_at: row.try_get("created_at")?,
        send_time: row.try_get("send_time")?,
        push_time: row.try_get("push_time")?,
        expire_secs: row.try_get("expire_secs")?,
        status: Status::from_upstream(&status).ok_or_else(|| bad("status", &status))?,
        collapse_id: row.try_get("collapse_id")?,
        source: match (source.as_str(), upstream_source.as_deref()) {
            ("console", _) => Source::Console,
            (_, Some("web")) => Source::Web,
            ("api", _) => Source::Api,
            _ => return Err(bad("source", &source)),
        },
        message: TaskMessage {
            push_config: row.try_get("push_config")?,
            environment: row.try_get("environment")?,
            recurring: row.try_get::<i64, _>("recurring")? != 0,
            upstream_source,
        },
        overrides_push_id: row.try_get("overrides_push_id")?,
        overridden_by_push_id: row.try_get("overridden_by_push_id")?,
        totals: Counters {
            planned: n("planned")?,
            sent: n("sent")?,
            arrived: n("arrived")?,
            clicked: n("clicked")?,
            cleared: n("cleared")?,
        },
        in_flight: in_flight.as_deref().and_then(Action::from_slug),
        done: parse_done(&text("done_actions")?)?,
        acted_at_ms: row.try_get("acted_at_ms")?,
        last_synced_at: row.try_get("last_synced_at")?,
        stats_synced_at: row.try_get("stats_synced_at")?,
        version: row.try_get("version")?,
    })
}

/// The `done_actions` column.
pub(crate) fn parse_done(json: &str) -> Result<Vec<DoneAction>, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("tasks.done_actions: {e}")))
}

pub(super) fn search_text(push_id: &str, title: &str, content: &str) -> String {
    format!("{push_id} {title} {content}").to_lowercase()
}

/// A live task is expected to be re-read at least once a sweep pass: 15 minutes at worst with
/// 10,000 live tasks on TPNS's 200 list calls an hour (`BENCHMARKS.md`), far less for smaller
/// apps. A third more allows for a back-off after a 1008028 or a page read twice; past that the
/// task is shown as *sync stale*.
pub const STALE_AFTER_SECS: i64 = 20 * 60;
/// A scheduled task whose send time passed this long ago, and that has not been read since, is
/// known to show an out-of-date status (it has started sending, or failed).
pub const SEND_TIME_GRACE_SECS: i64 = 2 * 60;

impl StoredTask {
    /// The facts the action rules judge the task by.
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

    /// Whether the task can still change without an action of ours.
    pub fn is_live(&self, now: i64) -> bool {
        match self.status {
            Status::Created | Status::Scheduled | Status::Pushing => true,
            Status::Completed => now < self.push_time + self.expire_secs,
            _ => false,
        }
    }

    /// Where the original message takes the user, for an Android task, from the record's
    /// `pushConfig` (`android.action`: `action_type` 1 app, 2 browser with `browser.url`, 3
    /// `intent`; `server/docs/tpns.md` §2.3). `None` when TPNS's record does not say, or for iOS.
    pub fn click_action(&self) -> Option<ClickAction> {
        if self.platform != Platform::Android {
            return None;
        }
        let config: serde_json::Value =
            serde_json::from_str(self.message.push_config.as_deref()?).ok()?;
        let action = config.get("android")?.get("action")?;
        let kind = action
            .get("action_type")
            .and_then(tpns::lenient::int_of)
            .unwrap_or(1);
        let text = |v: Option<&serde_json::Value>| v.and_then(tpns::lenient::text_of);
        match kind {
            2 => text(action.get("browser").and_then(|b| b.get("url"))).map(ClickAction::OpenUrl),
            3 => text(action.get("intent")).map(ClickAction::Intent),
            _ => Some(ClickAction::OpenApp),
        }
    }

    /// Whether the task's shown status may well be out of date: it is live and was not read for
    /// longer than its expected interval ([`STALE_AFTER_SECS`]), or it is still shown as
    /// scheduled more than [`SEND_TIME_GRACE_SECS`] after its send time without a read since.
    /// A task never read from TPNS (created by the console) counts from its creation.
    pub fn is_stale(&self, now: i64) -> bool {
        if !self.is_live(now) {
            return false;
        }
        let known_at = self
            .last_synced_at
            .map_or(self.created_at, |ms| ms.div_euclid(1000));
        let overdue_start = self.status == Status::Scheduled
            && self
                .send_time
                .is_some_and(|s| now - s > SEND_TIME_GRACE_SECS && known_at < s);
        now - known_at > STALE_AFTER_SECS || overdue_start
    }
}

/// A task for tests: pushed to all Android devices three hours before `now`, last read
/// `synced_secs_ago` seconds before it.
#[cfg(test)]
pub(crate) fn sample_task(status: Status, synced_secs_ago: Option<i64>, now: i64) -> StoredTask {
    StoredTask {
        task_id: 1,
        app_id: "a".into(),
        push_id: "1".into(),
        audience: Audience::All,
        audience_summary: "All devices".into(),
        audience_detail: None,
        platform: Platform::Android,
        message_type: MessageKind::Notify,
        title: "t".into(),
        content: "c".into(),
        created_at: now - 3 * 3600,
        send_time: None,
        push_time: now - 3 * 3600,
        expire_secs: 259_200,
        status,
        collapse_id: None,
        source: Source::Api,
        message: TaskMessage::default(),
        overrides_push_id: None,
        overridden_by_push_id: None,
        totals: Counters::default(),
        in_flight: None,
        done: Vec::new(),
        acted_at_ms: None,
        last_synced_at: synced_secs_ago.map(|s| (now - s) * 1000),
        stats_synced_at: None,
        version: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_741_572_000;

    #[test]
    fn a_live_task_is_stale_once_unread_for_longer_than_a_sweep_pass_allows() {
        assert!(!sample_task(Status::Pushing, Some(STALE_AFTER_SECS), NOW).is_stale(NOW));
        assert!(sample_task(Status::Pushing, Some(STALE_AFTER_SECS + 1), NOW).is_stale(NOW));
    }

    #[test]
    fn a_final_task_is_never_stale() {
        assert!(!sample_task(Status::Canceled, Some(86_400), NOW).is_stale(NOW));
        let mut done = sample_task(Status::Completed, Some(86_400), NOW);
        done.expire_secs = 3_600;
        assert!(!done.is_stale(NOW), "its offline-storage period is over");
    }

    #[test]
    fn a_task_never_read_counts_from_its_creation() {
        let mut t = sample_task(Status::Created, None, NOW);
        t.created_at = NOW - 60;
        assert!(!t.is_stale(NOW));
        t.created_at = NOW - STALE_AFTER_SECS - 1;
        assert!(t.is_stale(NOW));
    }

    #[test]
    fn a_task_still_shown_as_scheduled_after_its_send_time_is_stale_until_read_again() {
        let mut t = sample_task(Status::Scheduled, Some(300), NOW);
        t.send_time = Some(NOW - SEND_TIME_GRACE_SECS - 1);
        assert!(t.is_stale(NOW));
        t.send_time = Some(NOW - 30);
        assert!(!t.is_stale(NOW), "within the grace");
        t.send_time = Some(NOW - SEND_TIME_GRACE_SECS - 1);
        t.last_synced_at = Some((NOW - 10) * 1000);
        assert!(
            !t.is_stale(NOW),
            "read after the send time, still scheduled upstream"
        );
    }
}
