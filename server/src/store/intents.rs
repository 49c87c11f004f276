//! Action intents: written before the upstream call, resolved after it (`server/docs/product.md`, "Nothing
//! lost", "Exactly once").

use domain::{Action, DoneAction};
use sqlx::Row;

use super::audit::{NewAudit, insert_audit};
use super::tasks::{TaskUpsert, insert_task, link_override, parse_done};
use super::{Backend, Store, StoreError};

/// An action attempt and how far it got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intent {
    pub intent_id: i64,
    pub app_id: String,
    pub push_id: String,
    pub action: Action,
    pub params: String,
    pub idempotency_key: String,
    pub user_id: Option<i64>,
    pub username: String,
    pub state: IntentState,
    pub owner: String,
    pub created_at_ms: i64,
    pub resolved_at_ms: Option<i64>,
    pub upstream_code: Option<i64>,
    pub upstream_message: Option<String>,
    pub new_push_id: Option<String>,
    pub outcome: Option<String>,
    /// How often the reconciler has looked at it without settling it.
    pub attempts: i64,
    /// When the reconciler may look again (ms).
    pub next_check_at_ms: i64,
    /// When the upstream call left (ms); `None`: it never did.
    pub sent_at_ms: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntentState {
    Pending,
    Succeeded,
    Failed,
    /// The upstream call's outcome is not known (timeout, dropped connection); reconciled later.
    Unknown,
}

impl IntentState {
    pub fn as_str(self) -> &'static str {
        match self {
            IntentState::Pending => "pending",
            IntentState::Succeeded => "succeeded",
            IntentState::Failed => "failed",
            IntentState::Unknown => "unknown",
        }
    }
    fn parse(s: &str) -> Option<IntentState> {
        Some(match s {
            "pending" => IntentState::Pending,
            "succeeded" => IntentState::Succeeded,
            "failed" => IntentState::Failed,
            "unknown" => IntentState::Unknown,
            _ => return None,
        })
    }
}

/// A new intent.
pub struct NewIntent<'a> {
    pub app_id: &'a str,
    pub push_id: &'a str,
    pub action: Action,
    pub params: &'a str,
    pub idempotency_key: &'a str,
    pub user_id: Option<i64>,
    pub username: &'a str,
    pub owner: &'a str,
    pub now_ms: i64,
}

/// Why an intent could not be written.
#[derive(Debug)]
pub enum InsertError {
    /// This request key was used before: the earlier intent.
    SameKey(Intent),
    /// Another action is pending on the task: that intent.
    TaskBusy(Intent),
    /// Another action on the task was open when this one was written and ended a moment later,
    /// before it could be looked up: that intent, as it ended.
    JustResolved(Intent),
    Store(StoreError),
}

impl From<sqlx::Error> for InsertError {
    fn from(e: sqlx::Error) -> Self {
        InsertError::Store(e.into())
    }
}

/// An intent under way on its task: the task shows it "in progress". The unique index
/// `action_intents_one_pending` (migration 0007) lets one through per task across instances.
const PENDING_I: &str = "i.state = 'pending'";

const COLUMNS: &str = "intent_id, app_id, push_id, action, params, idempotency_key, user_id, username, state, owner, \
    created_at_ms, resolved_at_ms, upstream_code, upstream_message, new_push_id, outcome, attempts, next_check_at_ms, sent_at_ms";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Intent, StoreError> {
    let action: String = r.try_get("action")?;
    let state: String = r.try_get("state")?;
    Ok(Intent {
        intent_id: r.try_get("intent_id")?,
        app_id: r.try_get("app_id")?,
        push_id: r.try_get("push_id")?,
        action: Action::from_slug(&action)
            .ok_or_else(|| StoreError::Corrupt(format!("intent action {action}")))?,
        params: r.try_get("params")?,
        idempotency_key: r.try_get("idempotency_key")?,
        user_id: r.try_get("user_id")?,
        username: r.try_get("username")?,
        state: IntentState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("intent state {state}")))?,
        owner: r.try_get("owner")?,
        created_at_ms: r.try_get("created_at_ms")?,
        resolved_at_ms: r.try_get("resolved_at_ms")?,
        upstream_code: r.try_get("upstream_code")?,
        upstream_message: r.try_get("upstream_message")?,
        new_push_id: r.try_get("new_push_id")?,
        outcome: r.try_get("outcome")?,
        attempts: r.try_get("attempts")?,
        next_check_at_ms: r.try_get("next_check_at_ms")?,
        sent_at_ms: r.try_get("sent_at_ms")?,
    })
}

/// How an intent ends: its state and the upstream's answer, what it did to the task, and its
/// audit entry, all written in one transaction ([`Store::settle_intent`]).
#[derive(Debug)]
pub struct Settlement<'a> {
    pub intent_id: i64,
    /// `Succeeded`, `Failed` or `Unknown` (never back to `Pending`).
    pub state: IntentState,
    pub upstream_code: Option<i64>,
    pub upstream_message: Option<&'a str>,
    /// An override's new task.
    pub new_push_id: Option<&'a str>,
    /// The sentence the operator reads.
    pub outcome: &'a str,
    pub now_ms: i64,
    /// An override's new task as the console sent it, stored (if the sync worker has not
    /// imported it already) and linked both ways.
    pub new_task: Option<&'a TaskUpsert>,
    pub audit: NewAudit,
    /// Settles only an intent whose call never left (the reconciler, concluding that nothing
    /// was sent, must not race a call leaving now).
    pub only_if_unsent: bool,
    /// TPNS answered success after the reconciler had concluded otherwise: the answer is
    /// TPNS's word and overrules it.
    pub overrule_failed: bool,
}

/// What the settled action did, as the task's record of done actions keeps it: a success is
/// confirmed, an unknown outcome is noted unconfirmed (it blocks another override), a failure
/// takes back an unconfirmed note and leaves a confirmed one alone.
fn record_done(done: &mut Vec<DoneAction>, intent: &Intent, s: &Settlement<'_>) {
    let entry = |confirmed| DoneAction {
        action: intent.action,
        by: intent.username.clone(),
        at: intent.created_at_ms.div_euclid(1000),
        new_push_id: s.new_push_id.map(str::to_string),
        confirmed,
    };
    match s.state {
        IntentState::Succeeded => {
            done.retain(|d| d.action != intent.action);
            done.push(entry(true));
        }
        IntentState::Unknown => {
            if !done
                .iter()
                .any(|d| d.action == intent.action && d.confirmed)
            {
                done.retain(|d| d.action != intent.action);
                done.push(entry(false));
            }
        }
        IntentState::Failed | IntentState::Pending => {
            done.retain(|d| d.action != intent.action || d.confirmed);
        }
    }
}

impl Store {
    /// Writes a pending intent, unless the key was used before or the task has one pending. The
    /// database's unique indexes decide, so two instances racing get one winner.
    pub async fn insert_intent(&self, n: &NewIntent<'_>) -> Result<Intent, InsertError> {
        let res = sqlx::query(&format!(
            "insert into action_intents (app_id, push_id, action, params, idempotency_key, user_id, username, state, owner, created_at_ms)
             values ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9) returning {COLUMNS}"
        ))
        .bind(n.app_id)
        .bind(n.push_id)
        .bind(n.action.slug())
        .bind(n.params)
        .bind(n.idempotency_key)
        .bind(n.user_id)
        .bind(n.username)
        .bind(n.owner)
        .bind(n.now_ms)
        .fetch_one(&self.pool)
        .await;
        match res {
            Ok(row) => from_row(&row).map_err(InsertError::Store),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                if let Some(i) = self
                    .intent_by_key(n.idempotency_key)
                    .await
                    .map_err(InsertError::Store)?
                {
                    return Err(InsertError::SameKey(i));
                }
                if let Some(i) = self
                    .blocking_intent(n.app_id, n.push_id, n.action)
                    .await
                    .map_err(InsertError::Store)?
                {
                    return Err(InsertError::TaskBusy(i));
                }
                // The intent in the way ended between this insert and the lookup: answer with
                // it, as it ended, so the operator learns who acted first.
                match self
                    .latest_intent(n.app_id, n.push_id)
                    .await
                    .map_err(InsertError::Store)?
                {
                    Some(i) => Err(InsertError::JustResolved(i)),
                    None => Err(InsertError::Store(StoreError::Corrupt(
                        "an intent conflicted with nothing the store can find".into(),
                    ))),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn intent_by_key(&self, key: &str) -> Result<Option<Intent>, StoreError> {
        let row = sqlx::query(&format!(
            "select {COLUMNS} from action_intents where idempotency_key = $1"
        ))
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The intent that keeps `action` off the task now, if any: one under way, or for an
    /// override, an override whose outcome is unknown until reconciled (sending a second one
    /// meanwhile could reach every device twice). The same predicates as the unique indexes
    /// of migration 0007. A terminate, recall or cancel with an unknown outcome blocks nothing:
    /// repeating it upstream is harmless.
    pub async fn blocking_intent(
        &self,
        app_id: &str,
        push_id: &str,
        action: Action,
    ) -> Result<Option<Intent>, StoreError> {
        let row = sqlx::query(&format!(
            "select {COLUMNS} from action_intents where app_id = $1 and push_id = $2
               and (state = 'pending' or ($3 = 'override' and action = 'override' and state = 'unknown'))
             order by intent_id limit 1"
        ))
        .bind(app_id)
        .bind(push_id)
        .bind(action.slug())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The task's action under way, if any.
    pub async fn pending_intent(
        &self,
        app_id: &str,
        push_id: &str,
    ) -> Result<Option<Intent>, StoreError> {
        let row = sqlx::query(&format!(
            "select {COLUMNS} from action_intents where app_id = $1 and push_id = $2 and state = 'pending'"
        ))
        .bind(app_id)
        .bind(push_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Notes that the intent's upstream call leaves now, if the intent is still pending: once
    /// the reconciler has settled an intent (its owner looked dead), no call is made for it.
    pub async fn mark_sending(&self, intent_id: i64, now_ms: i64) -> Result<bool, StoreError> {
        let res = sqlx::query(
            "update action_intents set sent_at_ms = $1 where intent_id = $2 and state = 'pending'",
        )
        .bind(now_ms)
        .bind(intent_id)
        .execute(&self.pool)
        .await?;
        Ok(res.rows_affected() == 1)
    }

    /// The latest succeeded action on a task, to tell a late operator who acted first.
    pub async fn last_succeeded_intent(
        &self,
        app_id: &str,
        push_id: &str,
    ) -> Result<Option<Intent>, StoreError> {
        let row = sqlx::query(&format!(
            "select {COLUMNS} from action_intents where app_id = $1 and push_id = $2 and state = 'succeeded'
             order by resolved_at_ms desc limit 1"
        ))
        .bind(app_id)
        .bind(push_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The task's most recent intent, whatever its state.
    pub async fn latest_intent(
        &self,
        app_id: &str,
        push_id: &str,
    ) -> Result<Option<Intent>, StoreError> {
        let row = sqlx::query(&format!(
            "select {COLUMNS} from action_intents where app_id = $1 and push_id = $2
             order by intent_id desc limit 1"
        ))
        .bind(app_id)
        .bind(push_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Settles an intent (only from pending or unknown) in one transaction with everything that
    /// follows from it: the intent's state and answer; on the task, the status a success must
    /// now have (*Terminated*, *Recalled*, *Canceled*, *Overridden*) and the moment it was set,
    /// the record of done actions, the in-flight marker cleared unless an open intent still
    /// stands behind it; an override's new task stored and linked both ways; and the audit
    /// entry. Never one without the others. `false`: somebody else (the reconciler, or the
    /// pipeline) settled it first, and nothing was written.
    pub async fn settle_intent(&self, s: &Settlement<'_>) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!(
            "update action_intents set state = $1, upstream_code = $2, upstream_message = $3,
               new_push_id = coalesce($4, new_push_id), outcome = $5, resolved_at_ms = $6
             where intent_id = $7
               and (state in ('pending', 'unknown') or ($8 and state = 'failed'))
               and (not $9 or sent_at_ms is null)
             returning {COLUMNS}"
        ))
        .bind(s.state.as_str())
        .bind(s.upstream_code)
        .bind(s.upstream_message)
        .bind(s.new_push_id)
        .bind(s.outcome)
        .bind(s.now_ms)
        .bind(s.intent_id)
        .bind(s.overrule_failed)
        .bind(s.only_if_unsent)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(false);
        };
        let intent = from_row(&row)?;
        let lock = match self.backend {
            Backend::Postgres => "for update",
            Backend::Sqlite => "",
        };
        let task = sqlx::query(&format!(
            "select done_actions from tasks where app_id = $1 and push_id = $2 {lock}"
        ))
        .bind(&intent.app_id)
        .bind(&intent.push_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(task) = task {
            let mut done = parse_done(&task.try_get::<String, _>("done_actions")?)?;
            record_done(&mut done, &intent, s);
            let done = serde_json::to_string(&done)
                .map_err(|e| StoreError::Corrupt(format!("done actions: {e}")))?;
            let succeeded = s.state == IntentState::Succeeded;
            sqlx::query(&format!(
                "update tasks set done_actions = $1,
                   status = case when $2 then $3 else status end,
                   acted_at_ms = case when $2 then $4 else acted_at_ms end,
                   in_flight = case when exists (select 1 from action_intents i
                       where i.app_id = tasks.app_id and i.push_id = tasks.push_id and {PENDING_I})
                     then in_flight else null end,
                   version = version + 1, updated_at = $5
                 where app_id = $6 and push_id = $7"
            ))
            .bind(done)
            .bind(succeeded)
            .bind(intent.action.expected_status().upstream())
            .bind(s.now_ms)
            .bind(s.now_ms.div_euclid(1000))
            .bind(&intent.app_id)
            .bind(&intent.push_id)
            .execute(&mut *tx)
            .await?;
            if succeeded && let Some(new) = s.new_push_id {
                if let Some(t) = s.new_task {
                    let stored =
                        sqlx::query("select task_id from tasks where app_id = $1 and push_id = $2")
                            .bind(&intent.app_id)
                            .bind(&t.push_id)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if stored.is_none() {
                        insert_task(&mut tx, &intent.app_id, t, None, Some(&intent.push_id))
                            .await?;
                    }
                }
                link_override(&mut tx, &intent.app_id, new, &intent.push_id).await?;
            }
        }
        insert_audit(&mut tx, &s.audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Puts off the reconciler's next look at an intent it could not settle.
    pub async fn defer_intent(
        &self,
        intent_id: i64,
        attempts: i64,
        next_check_at_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "update action_intents set attempts = $1, next_check_at_ms = $2
             where intent_id = $3 and state in ('pending', 'unknown')",
        )
        .bind(attempts)
        .bind(next_check_at_ms)
        .bind(intent_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Clears in-flight markers that no unresolved intent stands behind (a request cut off
    /// between its intent and its marker). Returns the tasks cleared.
    pub async fn clear_orphan_in_flight(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(&format!(
            "update tasks set in_flight = null, version = version + 1
             where in_flight is not null and not exists (
               select 1 from action_intents i
               where i.app_id = tasks.app_id and i.push_id = tasks.push_id and {PENDING_I})
             returning app_id, push_id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("app_id")?, r.try_get("push_id")?)))
            .collect()
    }

    /// The task an override probably created: same collapse ID, created after the intent.
    pub async fn override_candidate(
        &self,
        app_id: &str,
        original: &str,
        collapse_id: i64,
        since: i64,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "select push_id from tasks where app_id = $1 and collapse_id = $2 and push_id <> $3
               and created_at >= $4 order by created_at, task_id limit 1",
        )
        .bind(app_id)
        .bind(collapse_id)
        .bind(original)
        .bind(since)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| r.try_get("push_id").map_err(StoreError::from))
            .transpose()
    }

    /// Intents whose outcome nobody is finding out, due for a look at `now_ms`: every unknown
    /// one, and the pending ones whose owner has stopped beating since `alive_after_ms` (or
    /// never beat), or that are older than `stuck_before_ms` whoever owns them.
    pub async fn reconcilable_intents(
        &self,
        now_ms: i64,
        alive_after_ms: i64,
        stuck_before_ms: i64,
    ) -> Result<Vec<Intent>, StoreError> {
        let rows = sqlx::query(&format!(
            "select {COLUMNS} from action_intents i
             where i.state in ('pending', 'unknown') and i.next_check_at_ms <= $1
               and (i.state = 'unknown' or i.created_at_ms < $3 or not exists (
                 select 1 from instances n where n.instance_id = i.owner and n.heartbeat_at_ms > $2))
             order by i.intent_id"
        ))
        .bind(now_ms)
        .bind(alive_after_ms)
        .bind(stuck_before_ms)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }
}

impl Store {
    /// Intents not settled yet, by state: `(pending, unknown)` (`/metrics`).
    pub async fn open_intent_counts(&self) -> Result<(i64, i64), StoreError> {
        let row = sqlx::query(
            "select coalesce(sum(case when state = 'pending' then 1 else 0 end), 0) as pending,
                    coalesce(sum(case when state = 'unknown' then 1 else 0 end), 0) as unknown
             from action_intents where state in ('pending', 'unknown')",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get("pending")?, row.try_get("unknown")?))
    }
}
