//! The Task List's search on SQLite (issue 17, `server/docs/architecture.md` "Search"): the
//! FTS5 trigram index of `tasks.search_text` (migration 0013), asked for the tasks that may
//! contain a search, and kept compact.
//!
//! The index says which tasks have a trigram, not where (`detail = none`). The tasks that have
//! all of a search's trigrams are a superset of those that contain it; the list query checks
//! each candidate with the same `LIKE` the scan uses, so the index changes how fast a search is
//! answered, never what it finds.

use sqlx::Row;

use crate::store::{Backend, Store, StoreError};

/// A search this short has no trigram: the index cannot answer it.
pub(super) const TRIGRAM_CHARS: usize = 3;
/// How many of a search's trigrams are looked up to find its rarest (spread over it), and how
/// many of the rarest the index is asked for together.
const SAMPLED_TRIGRAMS: usize = 8;
const ANDED_TRIGRAMS: usize = 3;
/// A trigram's first this many tasks tell how dense it is.
const SAMPLE: i64 = 64;
/// Pages of the index one step of upkeep may write ([`Store::tidy_search_index`]).
const TIDY_PAGES: i64 = 50;

/// Whether the index can answer a search: three characters or more (and no NUL, which FTS5's
/// query parser would cut a term at).
pub(super) fn indexable(text: &str) -> bool {
    text.chars().count() >= TRIGRAM_CHARS && !text.contains('\0')
}

/// Up to `most` distinct trigrams of `text` (its three-character windows), spread over it from
/// its start to its end.
fn trigrams(text: &str, most: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut all: Vec<String> = Vec::new();
    for w in chars.windows(TRIGRAM_CHARS) {
        let g: String = w.iter().collect();
        if !all.contains(&g) {
            all.push(g);
        }
    }
    if all.len() <= most {
        return all;
    }
    (0..most)
        .map(|i| all[i * (all.len() - 1) / (most - 1)].clone())
        .collect()
}

/// An FTS5 query of one term, taken as it is: quoted, its quotes doubled.
fn fts_term(gram: &str) -> String {
    format!("\"{}\"", gram.replace('"', "\"\""))
}

/// How rare a trigram is, from its first [`SAMPLE`] tasks in the index (a term's tasks are kept
/// in task ID order): fewer than that is all of them; otherwise the wider they spread, the
/// rarer the term. Smaller sorts first.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
enum Rarity {
    All(i64),
    Spread(f64),
}

impl Store {
    /// The IDs of the tasks that have the rarest of `text`'s trigrams, up to `most` (all with
    /// `None`): every task whose `search_text` contains `text` is among them. Two round trips:
    /// how rare each of (up to [`SAMPLED_TRIGRAMS`]) trigrams is, each reading at most
    /// [`SAMPLE`] entries; then the tasks that have all of the rarest [`ANDED_TRIGRAMS`]
    /// (FTS5 steps through the rarest one's tasks and skips in the others'). `text` is
    /// lower-cased and [`indexable`].
    pub(super) async fn index_candidates(
        &self,
        conn: &mut sqlx::AnyConnection,
        text: &str,
        most: Option<i64>,
    ) -> Result<Vec<i64>, StoreError> {
        let grams = trigrams(text, SAMPLED_TRIGRAMS);
        let sql = (0..grams.len())
            .map(|i| {
                format!(
                    "select {i} as g, count(*) as n, coalesce(max(r) - min(r), 0) as spread \
                     from (select rowid as r from tasks_fts where tasks_fts match ${} limit {SAMPLE})",
                    i + 1
                )
            })
            .collect::<Vec<_>>()
            .join(" union all ");
        let mut q = sqlx::query(&sql);
        for g in &grams {
            q = q.bind(fts_term(g));
        }
        let mut rarity = Vec::with_capacity(grams.len());
        for row in q.fetch_all(&mut *conn).await? {
            let g: i64 = row.try_get("g")?;
            let n: i64 = row.try_get("n")?;
            if n == 0 {
                // No task has this trigram, so none contains the search.
                return Ok(Vec::new());
            }
            let r = if n < SAMPLE {
                Rarity::All(n)
            } else {
                Rarity::Spread(-(row.try_get::<i64, _>("spread")? as f64))
            };
            rarity.push((r, g as usize));
        }
        rarity.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
        let query = rarity
            .iter()
            .take(ANDED_TRIGRAMS)
            .filter_map(|(_, i)| grams.get(*i).map(|g| fts_term(g)))
            .collect::<Vec<_>>()
            .join(" ");
        Ok(
            sqlx::query_scalar("select rowid from tasks_fts where tasks_fts match $1 limit $2")
                .bind(query)
                .bind(most.unwrap_or(-1))
                .fetch_all(&mut *conn)
                .await?,
        )
    }

    /// One step of upkeep of the search index (SQLite; nothing elsewhere): merges at most
    /// [`TIDY_PAGES`] pages of its segments of like size. Each write (a sync page, a new task)
    /// adds a small segment, and every lookup visits every segment: FTS5's own merging leaves
    /// about sixteen after a million tasks, these steps about two (migration 0013 lets two
    /// segments merge, where FTS5 waits for four). Returns whether there was work, so that a
    /// caller can repeat it until there is none (`startup::spawn_search_upkeep` does).
    pub async fn tidy_search_index(&self) -> Result<bool, StoreError> {
        if self.backend != Backend::Sqlite {
            return Ok(false);
        }
        let mut conn = self.pool.acquire().await?;
        let changes = "select total_changes()";
        let before: i64 = sqlx::query_scalar(changes).fetch_one(&mut *conn).await?;
        sqlx::query("insert into tasks_fts (tasks_fts, rank) values ('merge', $1)")
            .bind(TIDY_PAGES)
            .execute(&mut *conn)
            .await?;
        let after: i64 = sqlx::query_scalar(changes).fetch_one(&mut *conn).await?;
        // FTS5's own test: a merge that did nothing changes fewer than two rows.
        Ok(after - before >= 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigrams_are_distinct_windows_spread_over_the_search() {
        assert_eq!(trigrams("abcab", 8), vec!["abc", "bca", "cab"]);
        assert_eq!(trigrams("红包雨", 8), vec!["红包雨"]);
        assert!(trigrams("ab", 8).is_empty());
        let long = trigrams("abcdefghijklmnopqrstuvwxyz", 8);
        assert_eq!(long.len(), 8);
        assert_eq!(long.first().map(String::as_str), Some("abc"));
        assert_eq!(long.last().map(String::as_str), Some("xyz"));
    }

    #[test]
    fn a_term_is_taken_as_it_is() {
        assert_eq!(fts_term("a\"b"), "\"a\"\"b\"");
        assert_eq!(fts_term("OR "), "\"OR \"");
        assert!(indexable("abc") && !indexable("ab") && !indexable("a\0bc"));
    }

    #[test]
    fn a_term_read_whole_is_rarer_than_any_sampled_one() {
        let mut r = [
            Rarity::Spread(-10.0),
            Rarity::All(63),
            Rarity::Spread(-1_000.0),
            Rarity::All(2),
        ];
        r.sort_by(|a, b| a.partial_cmp(b).unwrap());
        assert_eq!(
            r,
            [
                Rarity::All(2),
                Rarity::All(63),
                Rarity::Spread(-1_000.0),
                Rarity::Spread(-10.0)
            ]
        );
    }
}
