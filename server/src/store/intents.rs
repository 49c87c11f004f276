//! Action intents: written before the upstream call, resolved after it (product.md, "Nothing
//! lost", "Exactly once").

use app::domain::Action;
use sqlx::Row;

use super::{Store, StoreError};

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
    Store(StoreError),
}

impl From<sqlx::Error> for InsertError {
    fn from(e: sqlx::Error) -> Self {
        InsertError::Store(e.into())
    }
}

/// An intent that blocks further actions on its task; the same predicate as the unique index
/// `action_intents_one_open` (migration 0006), which enforces it across instances.
const OPEN: &str = "(state = 'pending' or (state = 'unknown' and action = 'override'))";
const OPEN_I: &str = "(i.state = 'pending' or (i.state = 'unknown' and i.action = 'override'))";

const COLUMNS: &str = "intent_id, app_id, push_id, action, params, idempotency_key, user_id, username, state, owner, \
    created_at_ms, resolved_at_ms, upstream_code, upstream_message, new_push_id, outcome";

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
    })
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
                match self
                    .pending_intent(n.app_id, n.push_id)
                    .await
                    .map_err(InsertError::Store)?
                {
                    Some(i) => Err(InsertError::TaskBusy(i)),
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

    /// The task's open intent, if any: one under way, or an override whose outcome is unknown
    /// until reconciled (sending a second one meanwhile could reach every device twice). A
    /// terminate, recall or cancel with an unknown outcome does not block a retry: repeating
    /// it upstream is harmless.
    pub async fn pending_intent(
        &self,
        app_id: &str,
        push_id: &str,
    ) -> Result<Option<Intent>, StoreError> {
        let row = sqlx::query(&format!(
            "select {COLUMNS} from action_intents where app_id = $1 and push_id = $2 and {OPEN}"
        ))
        .bind(app_id)
        .bind(push_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
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

    /// Resolves an intent (only from pending or unknown): the state, the upstream's answer and
    /// the outcome sentence. An intent that is no longer open also clears the task's in-flight
    /// marker in the same transaction, so a task is never left "in progress" by an action that
    /// ended; an override with an unknown outcome keeps it until reconciled. `false`: somebody
    /// else (the reconciler) resolved it first.
    #[allow(clippy::too_many_arguments)]
    pub async fn resolve_intent(
        &self,
        intent_id: i64,
        state: IntentState,
        upstream_code: Option<i64>,
        upstream_message: Option<&str>,
        new_push_id: Option<&str>,
        outcome: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let res = sqlx::query(
            "update action_intents set state = $1, upstream_code = $2, upstream_message = $3,
               new_push_id = coalesce($4, new_push_id), outcome = $5, resolved_at_ms = $6
             where intent_id = $7 and state in ('pending', 'unknown')",
        )
        .bind(state.as_str())
        .bind(upstream_code)
        .bind(upstream_message)
        .bind(new_push_id)
        .bind(outcome)
        .bind(now_ms)
        .bind(intent_id)
        .execute(&mut *tx)
        .await?;
        let won = res.rows_affected() == 1;
        if won {
            // The task is no longer "in progress" once this intent is no longer open, unless
            // another open intent (a retry after an unknown outcome) stands behind the marker.
            sqlx::query(&format!(
                "update tasks set in_flight = null, version = version + 1
                 where (app_id, push_id) in (select app_id, push_id from action_intents where intent_id = $1)
                   and in_flight is not null
                   and not exists (select 1 from action_intents where intent_id = $1 and {OPEN})
                   and not exists (select 1 from action_intents i
                       where i.app_id = tasks.app_id and i.push_id = tasks.push_id
                         and i.intent_id <> $1 and {OPEN_I})"
            ))
            .bind(intent_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(won)
    }

    /// Clears in-flight markers that no unresolved intent stands behind (a request cut off
    /// between its intent and its marker). Returns the tasks cleared.
    pub async fn clear_orphan_in_flight(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(&format!(
            "update tasks set in_flight = null, version = version + 1
             where in_flight is not null and not exists (
               select 1 from action_intents i
               where i.app_id = tasks.app_id and i.push_id = tasks.push_id and {OPEN_I})
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

    /// Intents whose outcome nobody knows (pending or unknown) created before `older_than_ms`.
    pub async fn unresolved_intents(&self, older_than_ms: i64) -> Result<Vec<Intent>, StoreError> {
        let rows = sqlx::query(&format!(
            "select {COLUMNS} from action_intents
             where state in ('pending', 'unknown') and created_at_ms < $1 order by intent_id"
        ))
        .bind(older_than_ms)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }
}
