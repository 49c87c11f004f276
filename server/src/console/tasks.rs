//! The Task List and push details.

use app::i18n::{T, Words};
use std::sync::Arc;

use app::dto::{TaskDetail, TaskPage, TaskQuery};
use app::error::AppError;
use domain::time::parse_date;
use rand::RngCore;

use super::errors::{internal, sync_error};
use super::{ConsoleService, view};
use crate::apps::UpstreamApp;
use crate::store::tasks::{Cursor, ListFilter, Page};
use crate::store::users::{Role, User};
use crate::sync::RefreshReason;

/// Rows per page of the Task List.
pub const PAGE_SIZE: i64 = 50;
/// A details page counts as open for this long after it was served (the live connection renews it).
const WATCH_MS: i64 = 60_000;

impl ConsoleService {
    /// The store's filter and page of a Task List query, refusing what cannot be read.
    pub(crate) fn list_filter(
        &self,
        w: Words,
        q: &TaskQuery,
    ) -> Result<(ListFilter, Page), AppError> {
        let offset = self.services.config.utc_offset_minutes();
        let date = |field: &str, v: &Option<String>| -> Result<Option<i64>, AppError> {
            match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) => parse_date(v, offset)
                    .map(Some)
                    .ok_or_else(|| AppError::validation(field, date_refusal(w, field))),
            }
        };
        let created_from = date("from", &q.created_from)?;
        let created_until = date("to", &q.created_to)?.map(|d| d + 86_400);
        if let (Some(f), Some(u)) = (created_from, created_until)
            && f >= u
        {
            return Err(AppError::validation("to", w.t(T::SrvEndBeforeStart)));
        }
        let cursor = |v: &Option<String>| -> Result<Option<Cursor>, AppError> {
            match v {
                None => Ok(None),
                Some(c) => Cursor::decode(c)
                    .map(Some)
                    .ok_or_else(|| AppError::validation("after", w.t(T::SrvBrokenPageLink))),
            }
        };
        let page = match (cursor(&q.after)?, cursor(&q.before)?) {
            (Some(c), _) => Page::After(c),
            (None, Some(c)) => Page::Before(c),
            (None, None) => Page::First,
        };
        let filter = ListFilter {
            statuses: q.statuses.clone(),
            platform: q.platform,
            audience: q.audience,
            created_from,
            created_until,
            text: q.q.clone().map(|t| t.chars().take(200).collect()),
            oldest_first: q.oldest_first,
        };
        Ok((filter, page))
    }

    pub(super) async fn page(
        &self,
        w: Words,
        app: &Arc<UpstreamApp>,
        user: &User,
        q: &TaskQuery,
    ) -> Result<TaskPage, AppError> {
        let s = &self.services;
        let offset = s.config.utc_offset_minutes();
        let (filter, page) = self.list_filter(w, q)?;
        // Two reads side by side, the page waiting for the slower: its rows, and in one
        // statement the status counts and the query budget.
        let (list, (budget, counts)) = tokio::join!(
            s.store.list_tasks(&app.id, &filter, page, PAGE_SIZE),
            s.sync.budget_and_status_counts(&app.id)
        );
        let list = list.map_err(internal)?;
        let now = s.clock.now();
        let enc = |t: &crate::store::tasks::StoredTask| {
            Cursor {
                created_at: t.created_at,
                task_id: t.task_id,
            }
            .encode()
        };
        Ok(TaskPage {
            app: app.info(),
            next: if list.has_more_after {
                list.tasks.last().map(enc)
            } else {
                None
            },
            prev: if list.has_more_before {
                list.tasks.first().map(enc)
            } else {
                None
            },
            // The list shows the first line of the content; the rest stays off the page's weight.
            rows: list
                .tasks
                .iter()
                .map(|t| {
                    let mut r = view::row(w, t, now);
                    r.content = first_line(&r.content, 160);
                    r
                })
                .collect(),
            status_counts: counts.map_err(internal)?,
            now,
            utc_offset_minutes: offset,
            budget,
            permitted: user.permissions.clone(),
        })
    }

    pub(super) async fn details(
        &self,
        w: Words,
        app: &Arc<UpstreamApp>,
        user: &User,
        push_id: &str,
    ) -> Result<TaskDetail, AppError> {
        let s = &self.services;
        let task = s
            .store
            .get_task(&app.id, push_id)
            .await
            .map_err(internal)?
            .ok_or_else(|| {
                AppError::not_found(w.f(
                    T::SrvTaskOfApp,
                    &[("task", &task_named(w, push_id)), ("app", &app.name)],
                ))
            })?;
        s.store
            .watch_task(&app.id, push_id, s.clock.now_ms() + WATCH_MS)
            .await
            .map_err(internal)?;
        let channels = s
            .store
            .channel_stats(&app.id, push_id)
            .await
            .map_err(internal)?;
        let now = s.clock.now();
        let click = task.click_action();
        Ok(TaskDetail {
            cannot_replace: view::cannot_replace(
                w,
                task.platform,
                &channels,
                app.huawei_legacy_share,
            ),
            recall_reach: view::recall_reach(&channels),
            click_kind: click
                .as_ref()
                .map(|c| c.slug().to_string())
                .unwrap_or_default(),
            click_target: click
                .as_ref()
                .and_then(|c| c.target())
                .unwrap_or_default()
                .to_string(),
            app: app.info(),
            row: view::row(w, &task, now),
            expire_secs: task.expire_secs,
            collapse_id: task.collapse_id,
            overrides: task.overrides_push_id.clone(),
            overridden_by: task.overridden_by_push_id.clone(),
            channels: channels
                .iter()
                .map(|(code, n)| (w.channel(code), *n))
                .collect(),
            stats_synced_at: task.stats_synced_at.map(|ms| ms / 1000),
            // The action and outcome in the reader's words (here, not in the browser's download).
            history: s
                .store
                .task_audit(&app.id, push_id)
                .await
                .map_err(internal)?
                .into_iter()
                .map(|mut e| {
                    e.action = app::i18n::audit_action(w, &e.action);
                    e.outcome = app::i18n::audit_outcome(w, &e.outcome);
                    if let Some(t) = &e.via_token {
                        e.username =
                            format!("{} {}", e.username, w.f(T::ViaToken, &[("token", t)]));
                    }
                    e
                })
                .collect(),
            now,
            utc_offset_minutes: s.config.utc_offset_minutes(),
            budget: s.sync.budget(&app.id).await,
            permitted: user.permissions.clone(),
            may_refresh: user.role != Role::Viewer,
            form_key: form_key(),
        })
    }

    pub(super) async fn refresh(
        &self,
        w: Words,
        app: &Arc<UpstreamApp>,
        push_id: &str,
    ) -> Result<(), AppError> {
        // Only a push ID is sent to TPNS (and spends a query call).
        if domain::PushId::parse(push_id).is_none() {
            return Err(AppError::validation("push_id", w.t(T::SrvNotAPushId)));
        }
        match self
            .services
            .sync
            .refresh_task(app, push_id, RefreshReason::Person)
            .await
        {
            Ok(Some(_)) => Ok(()),
            Ok(None) => Err(AppError::not_found(
                w.f(T::SrvNotAtTpns, &[("task", &task_named(w, push_id))]),
            )),
            Err(e) => Err(sync_error(w, e)),
        }
    }
}

/// A task named in an error: by its push ID only when the text from the link is one, so that
/// a crafted link cannot put a sentence of its own under Pushdeck's name.
fn task_named(w: Words, push_id: &str) -> String {
    match domain::PushId::parse(push_id) {
        Some(id) => w.f(T::SrvTaskNamed, &[("id", &id.to_string())]),
        None => w.t(T::TheTask).to_string(),
    }
}

/// The refusal of a date from the URL or a form, naming the field, never its text.
pub(super) fn date_refusal(w: Words, field: &str) -> String {
    let which = w.t(match field {
        "from" => T::SrvFromDate,
        "to" => T::SrvToDate,
        _ => T::SrvTheDate,
    });
    w.f(T::SrvNotADate, &[("which", which)])
}

/// The first line of `text`, at most `max` characters.
fn first_line(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() > max {
        let cut: String = line.chars().take(max - 1).collect();
        format!("{cut}…")
    } else {
        line.to_string()
    }
}

/// A request key for the no-JavaScript confirmation forms.
fn form_key() -> String {
    let mut b = [0u8; 12];
    rand::thread_rng().fill_bytes(&mut b);
    format!("form-{}", hex::encode(b))
}
