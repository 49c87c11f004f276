//! The sweep: TPNS's time-range list (`server/docs/tpns.md` §3.2) walked page by page over the days
//! that still hold live tasks, so that tasks created elsewhere appear and every live task is
//! re-read in turn, 200 a call.
//!
//! One instance per app sweeps at a time, under the named lease `sweep:<app>`; the lease row
//! keeps the cursor and the time of the next page, so an instance taking over goes on where the
//! last one stopped and at the same cadence.
//!
//! The window: the first pass reads the last `lookback_days` (TPNS keeps a month). Later passes
//! read the creation days of live tasks in the store, plus today (new tasks) and yesterday (a
//! task created just before midnight, after the pass had read that end of the list), as runs of
//! consecutive days, newest first. The list selects by creation day in TPNS's zone (INFERRED;
//! the sandbox does so). Paging is by offset: a task created during a pass shifts the rest by
//! one, so a page may repeat a task already read, but none is skipped.

use domain::time::format_date;

use super::{RefreshReason, SyncError, Syncer, TickReport, map_record};
use crate::apps::UpstreamApp;
use crate::store::leases::Lease;
use tpns::{Endpoint, RecordQuery, UpstreamKind};

/// TPNS's page size limit (§3.2).
pub(crate) const PAGE: u32 = 200;
/// The sweep lease lasts this long (clock time) unless renewed by its holder's next tick.
const LEASE_MS: i64 = 60_000;
/// TPNS answers for the last month only; the window never reaches further back.
const MAX_LOOKBACK_DAYS: u32 = 30;
const DAY_SECS: i64 = 86_400;

pub(crate) fn lease_name(app_id: &str) -> String {
    format!("sweep:{app_id}")
}

/// Where a sweep stands, packed into the lease's `cursor`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Cursor {
    /// The first pass (over the whole lookback) has been completed.
    imported: bool,
    /// The last day of the run being read; 0 at the start of a pass.
    run_end: i64,
    /// Offset into that run.
    offset: u32,
}

const FIELD: i64 = (1 << 24) - 1;

impl Cursor {
    fn encode(self) -> i64 {
        (i64::from(self.imported) << 48)
            | ((self.run_end & FIELD) << 24)
            | (self.offset as i64 & FIELD)
    }

    fn decode(v: i64) -> Cursor {
        Cursor {
            imported: (v >> 48) & 1 == 1,
            run_end: (v >> 24) & FIELD,
            offset: (v & FIELD) as u32,
        }
    }
}

/// The runs of days to read, newest first, each `(first_day, last_day)` inclusive.
pub(crate) fn runs(
    today: i64,
    lookback_days: u32,
    imported: bool,
    live_days: &[i64],
) -> Vec<(i64, i64)> {
    let first = today - i64::from(lookback_days.clamp(1, MAX_LOOKBACK_DAYS)) + 1;
    if !imported {
        return vec![(first, today)];
    }
    let mut days: Vec<i64> = live_days
        .iter()
        .copied()
        .chain([today, today - 1])
        .filter(|d| (first..=today).contains(d))
        .collect();
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    let mut out: Vec<(i64, i64)> = Vec::new();
    for d in days {
        match out.last_mut() {
            Some(run) if run.0 == d + 1 => run.0 = d,
            _ => out.push((d, d)),
        }
    }
    out
}

/// The run and offset to read next, or `None` when the pass is over.
fn position(c: Cursor, runs: &[(i64, i64)]) -> Option<(usize, u32)> {
    if c.run_end == 0 {
        return (!runs.is_empty()).then_some((0, 0));
    }
    if !c.imported {
        // One window; its ends move at midnight, the offset stays meaningful.
        return Some((0, c.offset));
    }
    let i = runs.iter().position(|r| r.1 <= c.run_end)?;
    Some((i, if runs[i].1 == c.run_end { c.offset } else { 0 }))
}

/// The next page's time: one interval after the last one while ticks keep up, so that a late
/// tick does not stretch the cadence; from now after a pause.
pub(crate) fn cadence(prev_ms: i64, now_ms: i64, interval_ms: i64) -> i64 {
    if prev_ms > 0 && now_ms - prev_ms < interval_ms {
        prev_ms + interval_ms
    } else {
        now_ms + interval_ms
    }
}

impl Syncer {
    /// Reads one page of the list if this instance holds the app's sweep lease and the page is
    /// due, applies it and moves the cursor.
    pub(super) async fn sweep_step(
        &self,
        app: &UpstreamApp,
        report: &mut TickReport,
    ) -> Result<(), SyncError> {
        let now_ms = self.clock.now_ms();
        let name = lease_name(&app.id);
        let Some(lease) = self
            .store
            .acquire_lease(&name, &self.instance, now_ms, now_ms + LEASE_MS)
            .await?
        else {
            return Ok(());
        };
        if lease.next_at_ms > now_ms {
            return Ok(());
        }
        let offset_secs = i64::from(self.upstream_offset_minutes) * 60;
        let now = now_ms.div_euclid(1000);
        let today = (now + offset_secs).div_euclid(DAY_SECS);
        let mut cursor = Cursor::decode(lease.cursor);
        let live_days = if cursor.imported {
            self.store.live_task_days(&app.id, now, offset_secs).await?
        } else {
            Vec::new()
        };
        let runs = runs(
            today,
            self.config.lookback_days,
            cursor.imported,
            &live_days,
        );
        let (run, offset) = match position(cursor, &runs) {
            Some(p) => p,
            None => {
                report.passes_completed += 1;
                cursor.run_end = 0;
                (0, 0)
            }
        };
        let interval = self.limits.page_interval_ms();
        let mut next_at = cadence(lease.next_at_ms, now_ms, interval);
        match self
            .reserve(
                &app.id,
                Endpoint::RecordList,
                RefreshReason::Routine,
                now_ms,
            )
            .await
        {
            Ok(()) => {}
            Err(SyncError::Budget { retry_at_ms }) => {
                report.budget_denied += 1;
                self.save(&name, cursor, retry_at_ms.max(now_ms + 1000))
                    .await?;
                return Ok(());
            }
            Err(e) => return Err(e),
        }
        report.count_call(Endpoint::RecordList);
        let (first, last) = runs[run];
        let day = |d: i64| format_date(d * DAY_SECS - offset_secs, self.upstream_offset_minutes);
        let query = RecordQuery {
            start_date: day(first),
            end_date: day(last),
            offset,
            limit: PAGE,
            msg_type: None,
            push_type: None,
        };
        match self.client.push_records(&app.creds, &query).await {
            Ok(page) => {
                let rows: Vec<_> = page
                    .records
                    .iter()
                    .filter_map(|r| {
                        map_record(
                            r,
                            app.platform,
                            None,
                            self.upstream_offset_minutes,
                            now_ms.div_euclid(1000),
                        )
                    })
                    .collect();
                let changed = self
                    .store
                    .apply_upstream(&app.id, &rows, now_ms, &self.instance)
                    .await?;
                for c in &changed {
                    self.feed.publish(&c.app_id, &c.push_id).await;
                }
                report.changed += changed.len() as u32;
                let read = page.records.len() as u32;
                cursor = if read == 0 || u64::from(offset + read) >= page.count {
                    match runs.get(run + 1) {
                        Some(next) => Cursor {
                            run_end: next.1,
                            offset: 0,
                            ..cursor
                        },
                        None => {
                            report.passes_completed += 1;
                            Cursor {
                                imported: true,
                                run_end: 0,
                                offset: 0,
                            }
                        }
                    }
                } else {
                    Cursor {
                        run_end: last,
                        offset: offset + read,
                        ..cursor
                    }
                };
            }
            Err(e) if e.kind() == UpstreamKind::RateLimited => {
                report.rate_limited += 1;
                next_at = self.back_off(&app.id, Endpoint::RecordList, now_ms).await;
            }
            Err(e) => {
                // The same page is read again at the next slot, counted again.
                report.errors += 1;
                tracing::warn!(app = %app.id, error = %e, "reading the task list from TPNS failed");
            }
        }
        self.save(&name, cursor, next_at).await
    }

    /// Reads TPNS's list of the tasks created from `from` to `to` (Unix seconds; whole days in
    /// TPNS's zone), at most `max_pages` pages, and applies it: how the reconciler finds the task
    /// an override created when the push's answer was lost. `Ok(true)` when the whole range
    /// was read. Each page is counted in the ledger under `reason`.
    pub async fn read_created_between(
        &self,
        app: &UpstreamApp,
        from: i64,
        to: i64,
        reason: RefreshReason,
        max_pages: u32,
    ) -> Result<bool, SyncError> {
        let day = |t: i64| format_date(t, self.upstream_offset_minutes);
        let mut offset = 0;
        for _ in 0..max_pages {
            let now_ms = self.clock.now_ms();
            self.reserve(&app.id, Endpoint::RecordList, reason, now_ms)
                .await?;
            let query = RecordQuery {
                start_date: day(from),
                end_date: day(to.max(from)),
                offset,
                limit: PAGE,
                msg_type: None,
                push_type: None,
            };
            let page = match self.client.push_records(&app.creds, &query).await {
                Ok(p) => p,
                Err(e) if e.kind() == UpstreamKind::RateLimited => {
                    let retry_at_ms = self.back_off(&app.id, Endpoint::RecordList, now_ms).await;
                    return Err(SyncError::Budget { retry_at_ms });
                }
                Err(e) => return Err(SyncError::Upstream(e)),
            };
            let rows: Vec<_> = page
                .records
                .iter()
                .filter_map(|r| {
                    map_record(
                        r,
                        app.platform,
                        None,
                        self.upstream_offset_minutes,
                        now_ms.div_euclid(1000),
                    )
                })
                .collect();
            for c in self
                .store
                .apply_upstream(&app.id, &rows, now_ms, &self.instance)
                .await?
            {
                self.feed.publish(&c.app_id, &c.push_id).await;
            }
            let read = page.records.len() as u32;
            // A record Pushdeck could not map is a gap: the range was not read whole.
            let whole = rows.len() == page.records.len();
            offset += read;
            if read == 0 || u64::from(offset) >= page.count {
                return Ok(whole);
            }
            if !whole {
                return Ok(false);
            }
        }
        Ok(false)
    }

    async fn save(&self, name: &str, cursor: Cursor, next_at_ms: i64) -> Result<(), SyncError> {
        let lease = Lease {
            cursor: cursor.encode(),
            next_at_ms,
        };
        if !self.store.save_lease(name, &self.instance, lease).await? {
            tracing::info!(lease = name, "the sweep lease passed to another instance");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
