//! The tasks table as the pages read it: the Task List (keyset pagination, no `OFFSET` scans),
//! its status counts, one task and its per-channel counters.

use domain::{Audience, Counters, Platform, Status, channel_order};
use sqlx::Row;

use super::model::{StoredTask, TASK_COLUMNS, task_from_row};
use super::search::indexable;
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
    /// How a search was answered (none without one).
    pub searched_by: Option<SearchPath>,
}

/// How the store answered a free-text search (`server/docs/architecture.md`, "Search").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchPath {
    /// `LIKE` on every row the other filters leave, in list order, until the page is full:
    /// SQLite for a search shorter than three characters, or one that matches too many tasks for
    /// the index to pay; PostgreSQL always, where the planner uses `pg_trgm`'s index.
    Scan,
    /// SQLite: the page was full within the first rows of the other filters (a common word).
    FirstRows,
    /// SQLite: the tasks the FTS5 trigram index found, checked with the same `LIKE`, sorted.
    Index,
}

/// Which way a SQLite search may go: the store's own choice, or one forced (tests compare them).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchBy {
    Choice,
    Scan,
    Index,
}

/// The first look at a search on SQLite reads this many rows of the other filters per row of the
/// page: where the search is common there, the page is full within them and the index is not
/// asked.
const FIRST_ROWS_PER_ROW: i64 = 10;
/// The index is asked for at most this many tasks; a search that matches more is common enough
/// for the scan in list order to fill a page quickly (`BENCHMARKS.md`, "Task List").
const INDEX_MAX_TASKS: i64 = 2_000;

enum Arg {
    I(i64),
    S(String),
}

/// How the free-text condition is written into the list query.
enum Text<'a> {
    None,
    /// `search_text like …` over every row of the other filters.
    Like(&'a str),
    /// The same over at most this many rows of the other filters, in list order.
    FirstRows(&'a str, i64),
    /// Among these task IDs (a JSON array), still checked with `like`.
    Among(&'a str, String),
}

/// The search as the store matches it: trimmed, lower-cased (`search_text` is lower-cased too),
/// none when empty.
fn search_text_of(f: &ListFilter) -> Option<String> {
    f.text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
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

/// Builds the list query of the scan before issue 17 (`LIKE` on every row of the other filters,
/// which is also PostgreSQL's). Public for the benchmark, which times it beside the store.
pub fn list_sql(
    app_id: &str,
    f: &ListFilter,
    page: Page,
    limit: i64,
) -> (String, Vec<(bool, String)>) {
    let pattern = search_text_of(f).map(|t| like_pattern(&t));
    let text = pattern.as_deref().map_or(Text::None, Text::Like);
    let (sql, args) = build_list(app_id, f, page, limit, text);
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

fn build_list(
    app_id: &str,
    f: &ListFilter,
    page: Page,
    limit: i64,
    text: Text<'_>,
) -> (String, Vec<Arg>) {
    let mut args = vec![Arg::S(app_id.to_string())];
    let mut sql = match &text {
        // The candidates first, each then found by its key: the index's few tasks are never
        // looked for along the list's index (`cross join` fixes SQLite's join order).
        Text::Among(_, ids) => {
            let ph = placeholder(&mut args, Arg::S(ids.clone()));
            format!(
                "select {TASK_COLUMNS} from json_each({ph}) as candidates \
                 cross join tasks on tasks.task_id = candidates.value where app_id = $1"
            )
        }
        // The first rows of the other filters, then the search among them: SQLite runs the
        // subquery as a co-routine and the outer query reads its rows in their order, stopping
        // as soon as its page is full. SQL does not promise that order without an outer
        // `order by`, which would read all the first rows before the page; SQLite keeps it (a
        // subquery with a `limit` is never flattened), and the tests that compare this way with
        // the scan page by page would see it change. The rows are sorted again by the caller.
        Text::FirstRows(..) => "select * from tasks where app_id = $1".to_string(),
        _ => format!("select {TASK_COLUMNS} from tasks where app_id = $1"),
    };
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
    let like = match &text {
        Text::Like(p) | Text::Among(p, _) | Text::FirstRows(p, _) => Some(*p),
        Text::None => None,
    };
    if let (Some(p), false) = (like, matches!(text, Text::FirstRows(..))) {
        let ph = placeholder(&mut args, Arg::S(p.to_string()));
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
    match text {
        Text::FirstRows(p, rows) => {
            let ph = placeholder(&mut args, Arg::S(p.to_string()));
            sql = format!(
                "select {TASK_COLUMNS} from ({sql} order by created_at {dir}, task_id {dir} limit {rows}) \
                 where search_text like {ph} escape '\\' limit {}",
                limit + 1
            );
        }
        _ => sql.push_str(&format!(
            " order by created_at {dir}, task_id {dir} limit {}",
            limit + 1
        )),
    }
    (sql, args)
}

async fn run_list_on<'e, E>(
    executor: E,
    app_id: &str,
    filter: &ListFilter,
    page: Page,
    limit: i64,
    text: Text<'_>,
) -> Result<Vec<sqlx::any::AnyRow>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let (sql, args) = build_list(app_id, filter, page, limit, text);
    let mut q = sqlx::query(&sql);
    for a in args {
        q = match a {
            Arg::I(i) => q.bind(i),
            Arg::S(s) => q.bind(s),
        };
    }
    Ok(q.fetch_all(executor).await?)
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
        self.list_tasks_by(app_id, filter, page, limit, SearchBy::Choice)
            .await
    }

    /// [`Store::list_tasks`], with a SQLite search made to go one way (tests compare them).
    #[doc(hidden)]
    pub async fn list_tasks_by(
        &self,
        app_id: &str,
        filter: &ListFilter,
        page: Page,
        limit: i64,
        by: SearchBy,
    ) -> Result<ListPage, StoreError> {
        let (rows, searched_by) = self.list_rows(app_id, filter, page, limit, by).await?;
        let mut tasks = rows
            .iter()
            .map(task_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        // In the scan's order: the index's candidates come back in the order of the list's
        // index only where SQLite chose to sort them, which is not promised.
        let scan_desc = !filter.oldest_first == !matches!(page, Page::Before(_));
        if searched_by.is_some_and(|s| s != SearchPath::Scan) {
            tasks.sort_by(|a, b| {
                let o = (a.created_at, a.task_id).cmp(&(b.created_at, b.task_id));
                if scan_desc { o.reverse() } else { o }
            });
        }
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
            searched_by,
        })
    }

    /// The rows of a page of the Task List as the database gives them (at most `limit + 1`, in
    /// no promised order when searched by the index), and how a search was answered. Public
    /// for the benchmark, which times the store's statements without decoding the rows.
    ///
    /// A search on SQLite (`server/docs/architecture.md`, "Search"):
    /// 1. shorter than three characters: the scan (it has no trigram to look up);
    /// 2. otherwise the first `10 × (limit + 1)` rows of the other filters are searched: a word
    ///    common there fills the page at once, as cheaply as the scan would;
    /// 3. a search found in more than a tenth of a page there is common enough for the scan;
    /// 4. else the index's candidates ([`Store::index_candidates`]): up to [`INDEX_MAX_TASKS`],
    ///    they are read by key, checked with the same `LIKE` and sorted; more, and the scan is
    ///    cheaper.
    #[doc(hidden)]
    pub async fn list_rows(
        &self,
        app_id: &str,
        filter: &ListFilter,
        page: Page,
        limit: i64,
        by: SearchBy,
    ) -> Result<(Vec<sqlx::any::AnyRow>, Option<SearchPath>), StoreError> {
        let Some(text) = search_text_of(filter) else {
            return Ok((
                self.run_list(app_id, filter, page, limit, Text::None)
                    .await?,
                None,
            ));
        };
        let pattern = like_pattern(&text);
        let scan = async || {
            let rows = self
                .run_list(app_id, filter, page, limit, Text::Like(&pattern))
                .await?;
            Ok::<_, StoreError>((rows, Some(SearchPath::Scan)))
        };
        if self.backend == Backend::Postgres || by == SearchBy::Scan || !indexable(&text) {
            return scan().await;
        }
        if by == SearchBy::Choice {
            let first = (limit + 1) * FIRST_ROWS_PER_ROW;
            let rows = self
                .run_list(
                    app_id,
                    filter,
                    page,
                    limit,
                    Text::FirstRows(&pattern, first),
                )
                .await?;
            if rows.len() as i64 > limit {
                return Ok((rows, Some(SearchPath::FirstRows)));
            }
            if rows.len() as i64 * 10 > limit {
                return scan().await;
            }
        }
        // The index's reads and the candidates' rows from one snapshot (a read transaction on
        // one connection): a task written between them is either in all or in none.
        let mut tx = self.pool.begin().await?;
        let most = (by == SearchBy::Choice).then_some(INDEX_MAX_TASKS + 1);
        let ids = self.index_candidates(&mut tx, &text, most).await?;
        if by == SearchBy::Choice && ids.len() as i64 > INDEX_MAX_TASKS {
            drop(tx);
            return scan().await;
        }
        if ids.is_empty() {
            return Ok((Vec::new(), Some(SearchPath::Index)));
        }
        let mut json = String::with_capacity(ids.len() * 8 + 2);
        json.push('[');
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            json.push_str(&id.to_string());
        }
        json.push(']');
        let rows = run_list_on(
            &mut *tx,
            app_id,
            filter,
            page,
            limit,
            Text::Among(&pattern, json),
        )
        .await?;
        tx.commit().await?;
        Ok((rows, Some(SearchPath::Index)))
    }

    async fn run_list(
        &self,
        app_id: &str,
        filter: &ListFilter,
        page: Page,
        limit: i64,
        text: Text<'_>,
    ) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        run_list_on(&self.pool, app_id, filter, page, limit, text).await
    }

    /// Tasks per status for an app: the counter rows the triggers keep, and on PostgreSQL the
    /// deltas not yet folded into them (migration 0010, [`Store::fold_status_counts`]).
    pub async fn status_counts(&self, app_id: &str) -> Result<Vec<(Status, u64)>, StoreError> {
        let rows = sqlx::query(self.status_counts_sql())
            .bind(app_id)
            .fetch_all(&self.pool)
            .await?;
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

    /// The query of [`Store::status_counts`] (`status`, `n`; the app is `$1`), also read with
    /// the query budget in one statement (`Store::usage_pair_with`).
    pub(crate) fn status_counts_sql(&self) -> &'static str {
        match self.backend {
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
        }
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
