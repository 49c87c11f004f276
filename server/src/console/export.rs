//! The Task List's filtered tasks as CSV: every page, streamed in pages of [`EXPORT_PAGE`] rows
//! so that a million tasks never sit in memory, for the page's export link and the API.

use std::sync::Arc;

use app::dto::TaskQuery;
use app::error::AppError;
use app::i18n::{T, Words};
use bytes::Bytes;
use futures::stream::{self, Stream};
use http::request::Parts;

use super::errors::internal;
use super::{ConsoleService, signed_in, words};
use crate::store::tasks::{Cursor, ListPage, Page};

/// Rows read from the store at a time.
pub const EXPORT_PAGE: i64 = 500;

/// The stream's items (an I/O error ends the download where it stands).
pub type CsvChunk = Result<Bytes, std::io::Error>;

impl ConsoleService {
    /// The tasks matching `query` as CSV, after checking the caller and the filters (their
    /// refusals are answered before the first byte). The header row is in the reader's language,
    /// or in English with `english_headers`; the values are the console's codes (`terminated`,
    /// `tag`) and times in its display zone. Cells are quoted and formula-guarded.
    pub async fn export_tasks(
        self: Arc<Self>,
        req: &Parts,
        query: TaskQuery,
        english_headers: bool,
    ) -> Result<impl Stream<Item = CsvChunk> + Send + 'static, AppError> {
        signed_in(req)?;
        let w = words(req);
        let app = self.app(req, query.app.as_deref())?.clone();
        // Every page of the filters, whatever page the link was made on.
        let query = TaskQuery {
            after: None,
            before: None,
            ..query
        };
        let (filter, first) = self.list_filter(w, &query)?;
        // Probe the first page now, so that a store failure is an answer, not a cut download.
        let s = self.services.clone();
        let rows = s
            .store
            .list_tasks(&app.id, &filter, first, EXPORT_PAGE)
            .await
            .map_err(internal)?;
        let head = Words::new(if english_headers {
            domain::Locale::En
        } else {
            w.locale()
        });
        let bom = if head.locale() == domain::Locale::Zh {
            "\u{feff}"
        } else {
            ""
        };
        let header = format!("{bom}{}\n", head.t(T::TaskCsvHeader));
        let offset = s.config.utc_offset_minutes();
        let start: Option<Result<(String, ListPage), ()>> = Some(Ok((header, rows)));
        Ok(stream::unfold(start, move |state| {
            let (s, app, filter) = (s.clone(), app.clone(), filter.clone());
            async move {
                let (mut out, page) = match state? {
                    Ok(next) => next,
                    Err(()) => return Some((Err(std::io::Error::other("store")), None)),
                };
                for t in &page.tasks {
                    let when = |v: Option<i64>| {
                        v.map(|t| domain::time::format_datetime(t, offset))
                            .unwrap_or_default()
                    };
                    let cells = [
                        t.push_id.clone(),
                        when(Some(t.created_at)),
                        when(t.send_time),
                        t.status.slug().to_string(),
                        t.platform.slug().to_string(),
                        t.audience.upstream().to_string(),
                        t.audience_summary.clone(),
                        t.message_type.upstream().to_string(),
                        t.title.clone(),
                        t.content.clone(),
                        t.totals.planned.to_string(),
                        t.totals.sent.to_string(),
                        t.totals.arrived.to_string(),
                        t.totals.clicked.to_string(),
                        t.totals.cleared.to_string(),
                        when(t.last_synced_at.map(|ms| ms.div_euclid(1000))),
                        t.source.slug().to_string(),
                    ];
                    out.push_str(&csv_row(&cells));
                }
                let next = match page.tasks.last() {
                    Some(last) if page.has_more_after => {
                        let after = Page::After(Cursor {
                            created_at: last.created_at,
                            task_id: last.task_id,
                        });
                        match s
                            .store
                            .list_tasks(&app.id, &filter, after, EXPORT_PAGE)
                            .await
                        {
                            Ok(p) => Some(Ok((String::new(), p))),
                            // The rows read so far go out; then the download ends short (an
                            // error, not a file that looks complete).
                            Err(e) => {
                                tracing::error!(error = %e, "a task export stopped part way");
                                Some(Err(()))
                            }
                        }
                    }
                    _ => None,
                };
                Some((Ok(Bytes::from(out)), next))
            }
        }))
    }
}

/// One CSV line of `cells`.
pub fn csv_row(cells: &[String]) -> String {
    let mut line = cells
        .iter()
        .map(|c| csv_cell(c))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// Quotes a CSV cell, and defuses spreadsheet formulas: a cell starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return (OWASP's list for CSV injection) gets a leading `'`.
pub fn csv_cell(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_string()
    };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}
