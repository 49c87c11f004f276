//! The tasks table as the pages read it: the Task List (keyset pagination, no `OFFSET` scans),
//! its status counts, one task and its per-channel counters.

use domain::{Audience, Counters, Platform, Status, channel_order};
use sqlx::Row;

use super::model::{StoredTask, TASK_COLUMNS, task_from_row};
use crate::store::{Backend, Store, StoreError};

/// A position in the Task List's order: `(created_at, task_id)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: i64,
    pub task_id: i64,
}

impl Cursor {
    /// `1764230400.42`.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.created_at, self.task_id)
    }
    pub fn decode(s: &str) -> Option<Cursor> {
        let (a, b) = s.split_once('.')?;
        Some(Cursor {
            created_at: a.parse().ok()?,
            task_id: b.parse().ok()?,
        })
    }
}

/// The Task List's filters in store terms (times already converted to Unix seconds).
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub statuses: Vec<Status>,
    pub platform: Option<Platform>,
    pub audience: Option<Audience>,
    pub created_from: Option<i64>,
    /// Exclusive.
    pub created_until: Option<i64>,
    pub text: Option<String>,
    pub oldest_first: bool,
}

/// Which page of the list.
#[derive(Clone, Copy, Debug)]
pub enum Page {
    First,
    After(Cursor),
    Before(Cursor),
}

/// One page of tasks and whether more exist on either side.
#[derive(Debug)]
pub struct ListPage {
    pub tasks: Vec<StoredTask>,
    pub has_more_after: bool,
    pub has_more_before: bool,
}

enum Arg {
    I(i64),
    S(String),
}

/// Escapes `%`, `_` and `\` for `LIKE … escape '\'`.
fn like_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Builds the list query. Public for the benchmark, which times the same SQL raw.
pub fn list_sql(
    app_id: &str,
    f: &ListFilter,
    page: Page,
    limit: i64,
) -> (String, Vec<(bool, String)>) {
    let (sql, args) = build_list(app_id, f, page, limit);
    let args = args
        .into_iter()
        .map(|a| match a {
            Arg::I(i) => (true, i.to_string()),
            Arg::S(s) => (false, s),
        })
        .collect();
    (sql, args)
}

fn placeholder(args: &mut Vec<Arg>, a: Arg) -> String {
    args.push(a);
    format!("${}", args.len())
}

fn build_list(app_id: &str, f: &ListFilter, page: Page, limit: i64) -> (String, Vec<Arg>) {
    let mut args = vec![Arg::S(app_id.to_string())];
    let mut sql = format!("select {TASK_COLUMNS} from tasks where app_id = $1");
    if !f.statuses.is_empty() {
        let names: Vec<String> = f
            .statuses
            .iter()
            .map(|s| placeholder(&mut args, Arg::S(s.upstream().to_string())))
            .collect();
        sql.push_str(&format!(" and status in ({})", names.join(", ")));
    }
    if let Some(p) = f.platform {
        let ph = placeholder(&mut args, Arg::S(p.slug().into()));
        sql.push_str(&format!(" and platform = {ph}"));
    }
    if let Some(a) = f.audience {
        let ph = placeholder(&mut args, Arg::S(a.upstream().into()));
        sql.push_str(&format!(" and audience = {ph}"));
    }
    if let Some(t) = f.created_from {
        let ph = placeholder(&mut args, Arg::I(t));
        sql.push_str(&format!(" and created_at >= {ph}"));
    }
    if let Some(t) = f.created_until {
        let ph = placeholder(&mut args, Arg::I(t));
        sql.push_str(&format!(" and created_at < {ph}"));
    }
    if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let ph = placeholder(&mut args, Arg::S(like_pattern(text)));
        sql.push_str(&format!(" and search_text like {ph} escape '\\'"));
    }
    // Newest first is descending; "after" follows the display order, "before" goes back.
    let display_desc = !f.oldest_first;
    let (cursor, forward) = match page {
        Page::First => (None, true),
        Page::After(c) => (Some(c), true),
        Page::Before(c) => (Some(c), false),
    };
    let scan_desc = display_desc == forward;
    if let Some(c) = cursor {
        let op = if scan_desc { "<" } else { ">" };
        let at = placeholder(&mut args, Arg::I(c.created_at));
        let id = placeholder(&mut args, Arg::I(c.task_id));
        sql.push_str(&format!(
            " and (created_at {op} {at} or (created_at = {at} and task_id {op} {id}))"
        ));
    }
    let dir = if scan_desc { "desc" } else { "asc" };
    sql.push_str(&format!(
        " order by created_at {dir}, task_id {dir} limit {}",
        limit + 1
    ));
    (sql, args)
}

impl Store {
    /// One page of the Task List.
    pub async fn list_tasks(
        &self,
        app_id: &str,
        filter: &ListFilter,
        page: Page,
        limit: i64,
    ) -> Result<ListPage, StoreError> {
        let (sql, args) = build_list(app_id, filter, page, limit);
        let mut q = sqlx::query(&sql);
        for a in args {
            q = match a {
                Arg::I(i) => q.bind(i),
                Arg::S(s) => q.bind(s),
            };
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut tasks = rows
            .iter()
            .map(task_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let overflow = tasks.len() as i64 > limit;
        tasks.truncate(limit as usize);
        let (has_more_after, has_more_before) = match page {
            Page::First => (overflow, false),
            Page::After(_) => (overflow, true),
            Page::Before(_) => {
                tasks.reverse();
                (true, overflow)
            }
        };
        Ok(ListPage {
            tasks,
            has_more_after,
            has_more_before,
        })
    }

    /// Tasks per status for an app: the counter rows the triggers keep, and on PostgreSQL the
    /// deltas not yet folded into them (migration 0010, [`Store::fold_status_counts`]).
    pub async fn status_counts(&self, app_id: &str) -> Result<Vec<(Status, u64)>, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "select status, n from task_status_counts where app_id = $1 and n > 0"
            }
            Backend::Postgres => {
                "select status, cast(sum(n) as bigint) as n from (
                   select status, n from task_status_counts where app_id = $1
                   union all
                   select status, delta as n from task_status_deltas where app_id = $1
                 ) as c group by status having sum(n) > 0"
            }
        };
        let rows = sqlx::query(sql).bind(app_id).fetch_all(&self.pool).await?;
        let mut out = Vec::new();
        for r in rows {
            let s: String = r.try_get("status")?;
            let n: i64 = r.try_get("n")?;
            if let Some(st) = Status::from_upstream(&s) {
                out.push((st, n.max(0) as u64));
            }
        }
        out.sort_by_key(|(s, _)| *s);
        Ok(out)
    }

    /// A task by push ID.
    pub async fn get_task(
        &self,
        app_id: &str,
        push_id: &str,
    ) -> Result<Option<StoredTask>, StoreError> {
        let row = sqlx::query(&format!(
            "select {TASK_COLUMNS} from tasks where app_id = $1 and push_id = $2"
        ))
        .bind(app_id)
        .bind(push_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(task_from_row).transpose()
    }

    /// A task's per-channel counters by TPNS's channel code: the channels Pushdeck knows in
    /// their order, then any other TPNS reported.
    pub async fn channel_stats(
        &self,
        app_id: &str,
        push_id: &str,
    ) -> Result<Vec<(String, Counters)>, StoreError> {
        let rows = sqlx::query(
            "select channel, planned, sent, arrived, clicked, cleared from task_channels
             where app_id = $1 and push_id = $2",
        )
        .bind(app_id)
        .bind(push_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let code: String = r.try_get("channel")?;
            let n =
                |c: &str| -> Result<u64, StoreError> { Ok(r.try_get::<i64, _>(c)?.max(0) as u64) };
            out.push((
                code,
                Counters {
                    planned: n("planned")?,
                    sent: n("sent")?,
                    arrived: n("arrived")?,
                    clicked: n("clicked")?,
                    cleared: n("cleared")?,
                },
            ));
        }
        out.sort_by_key(|(c, _)| channel_order(c));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor {
            created_at: 1_764_230_400,
            task_id: 42,
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("x.y"), None);
        assert_eq!(Cursor::decode("12"), None);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
        assert_eq!(like_pattern("Sale"), "%sale%");
    }

    #[test]
    fn list_sql_numbers_its_placeholders_in_order() {
        let f = ListFilter {
            statuses: vec![Status::Pushing, Status::Scheduled],
            text: Some("sale".into()),
            ..Default::default()
        };
        let (sql, args) = list_sql(
            "a",
            &f,
            Page::After(Cursor {
                created_at: 5,
                task_id: 7,
            }),
            50,
        );
        assert!(sql.contains("status in ($2, $3)"), "{sql}");
        assert!(sql.contains("search_text like $4"), "{sql}");
        assert!(
            sql.contains("(created_at < $5 or (created_at = $5 and task_id < $6))"),
            "{sql}"
        );
        assert_eq!(args.len(), 6);
        assert!(sql.ends_with("limit 51"));
    }
}
