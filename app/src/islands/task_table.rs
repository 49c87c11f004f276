//! The Task List's table: statuses and progress update live from the change feed, and Cancel
//! Push opens its confirmation dialog in place.

use leptos::prelude::*;

use super::dialogs::{ActionDialog, DialogState, DialogTask};
use super::live::{Live, clock, connect};
use crate::domain::rules::{RuleContext, check};
use crate::domain::time::{format_age, format_offset, format_when};
use crate::domain::{Action, Status};
use crate::dto::{TaskEvent, TaskPage, TaskRow};
use crate::i18n::refusal::refusal;
use crate::i18n::{T, Words, island_words};
use crate::ui::components::{progress, status_badge, time_stacked};
use crate::ui::query::task_href;

/// The page's rows, kept live.
#[island]
pub fn TaskTable(page: TaskPage) -> impl IntoView {
    let w = island_words();
    let app = page.app.clone();
    let live = connect(app.id.clone(), None);
    let now = clock(page.now);
    let offset = page.utc_offset_minutes;
    let selected: RwSignal<Option<TaskRow>> = RwSignal::new(None);
    let open: RwSignal<Option<Action>> = RwSignal::new(None);
    let announce: RwSignal<Option<String>> = RwSignal::new(None);
    let ctx = move || RuleContext {
        now: now.get(),
        recall_available: app.recall_available,
        utc_offset_minutes: offset,
    };
    let may_cancel = page.permitted.contains(&Action::Cancel);
    let app_id = app.id.clone();
    let empty = page.rows.is_empty();

    let rows = page
        .rows
        .into_iter()
        .map(|row| {
            view! { <Row row app_id=app_id.clone() live ctx may_cancel selected open offset w=w /> }
        })
        .collect_view();

    let dialog_app = app.id.clone();
    view! {
        <div class="overflow-x-auto">
            <table class="task-table w-full text-left text-sm">
                <thead class="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
                    <tr>
                        <th scope="col" class="tl-md font-medium">{w.s(T::PushId)}</th>
                        <th scope="col" class="font-medium">{w.s(T::TitleColumn)}</th>
                        <th scope="col" class="tl-lg font-medium">{w.s(T::Audience)}</th>
                        <th scope="col" class="tl-lg font-medium">{w.s(T::Platform)}</th>
                        <th scope="col" class="tl-xl font-medium">{w.s(T::Created)}</th>
                        <th scope="col" class="tl-xl font-medium">{w.s(T::ScheduledColumn)}</th>
                        <th scope="col" class="font-medium">{w.s(T::StatusColumn)}</th>
                        <th scope="col" class="tl-sm font-medium">{w.s(T::Delivery)}</th>
                        <th scope="col" class="tl-lg font-medium">{w.s(T::Source)}</th>
                        <th scope="col" class="tl-xl font-medium">{w.s(T::LastSynced)}</th>
                        <th scope="col" class="font-medium"><span class="sr-only">{w.s(T::Actions)}</span></th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">{rows}</tbody>
            </table>
            {empty.then(|| view! {
                <p class="px-3 py-8 text-center text-sm text-slate-600">{w.s(T::NoTasks)}</p>
            })}
        </div>
        <div role="status" aria-live="polite" class="px-3 text-sm text-emerald-700">
            {move || announce.get().map(|m| view! { <p class="py-2">{m}</p> })}
        </div>
        {move || selected.get().map(|row| {
            let task = DialogTask {
                app: dialog_app.clone(),
                push_id: row.push_id.clone(),
                title: row.title.clone(),
                content: row.content.clone(),
                audience: row.audience,
                platform: row.platform,
                totals: row.totals,
                collapse_id: None,
                cannot_replace: Default::default(),
                recall_reach: 0,
                click: Default::default(),
            };
            let state = DialogState {
                open,
                ssr: None,
                ssr_error: None,
                back_href: "/tasks".into(),
            };
            let version = row.version;
            view! {
                <ActionDialog task action=Action::Cancel state extra=None w on_done=move |o: crate::dto::ActionOutcome| {
                    live.put(TaskEvent {
                        app_id: o.app.clone(),
                        push_id: o.push_id.clone(),
                        status: o.status,
                        in_flight: None,
                        totals: row.totals,
                        last_synced_at: Some(now.get_untracked()),
                        overridden_by: None,
                        version: version + 1,
                    });
                    announce.set(Some(o.message));
                } />
            }
        })}
    }
}

#[component]
#[allow(clippy::too_many_arguments)]
fn Row(
    row: TaskRow,
    app_id: String,
    live: Live,
    ctx: impl Fn() -> RuleContext + Send + Sync + Copy + 'static,
    may_cancel: bool,
    selected: RwSignal<Option<TaskRow>>,
    open: RwSignal<Option<Action>>,
    offset: i32,
    w: Words,
) -> impl IntoView {
    let push_id = row.push_id.clone();
    let version = row.version;
    let ev = {
        let push_id = push_id.clone();
        Memo::new(move |_| live.newer(&push_id, version))
    };
    let status = move || ev.get().map(|e| e.status).unwrap_or(row.status);
    let in_flight = move || {
        ev.with(|e| e.as_ref().map(|e| e.in_flight))
            .unwrap_or(row.in_flight)
    };
    let totals = move || ev.get().map(|e| e.totals).unwrap_or(row.totals);
    let synced = move || {
        ev.get()
            .and_then(|e| e.last_synced_at)
            .or(row.last_synced_at)
    };
    let href = task_href(&app_id, &push_id);
    let first_line = row.content.lines().next().unwrap_or("").to_string();
    let facts = row.facts();
    let cancel_check = {
        let facts = facts.clone();
        move || {
            let mut f = facts.clone();
            f.status = status();
            f.in_flight = in_flight();
            let c = ctx();
            check(Action::Cancel, &f, &c).map_err(|r| (r, c))
        }
    };
    // Cancel Push is offered on scheduled tasks until TPNS reports them started; between the
    // send time and that report it shows disabled, saying it is too late.
    let offers_cancel =
        move || facts.scheduled && matches!(status(), Status::Scheduled | Status::Created);
    let reason_id = format!("cancel-reason-{push_id}");
    let confirm_href = format!("{href}&confirm=cancel");
    let row_for_dialog = row.clone();
    let stale = row.stale;
    view! {
        <tr class="align-top hover:bg-slate-50" data-push-id=push_id.clone()>
            <td class="tl-md whitespace-nowrap font-mono text-xs">
                <a href=href.clone() class="link">{push_id.clone()}</a>
            </td>
            <td class="max-w-[13rem] sm:max-w-xs xl:max-w-[17rem]">
                <a href=href.clone() class="block truncate font-medium text-slate-900 hover:text-sky-700" title=row.title.clone()>{row.title.clone()}</a>
                <p class="note truncate">{first_line}</p>
                <p class="note font-mono md:hidden">{push_id.clone()}</p>
            </td>
            <td class="tl-lg">
                <span class="whitespace-nowrap">{w.audience(row.audience).to_string()}</span>
                {(row.audience_summary != w.audience(row.audience)).then(|| view! {
                    <p class="note max-w-40 truncate" title=row.audience_summary.clone()>{row.audience_summary.clone()}</p>
                })}
            </td>
            <td class="tl-lg">{w.platform(row.platform).to_string()}</td>
            <td class="tl-xl">{time_stacked(w, row.created_at, offset)}</td>
            <td class="tl-xl">
                {row.send_time.map(|t| time_stacked(w, t, offset).into_any()).unwrap_or_else(|| view! { <span class="text-slate-600">"—"</span> }.into_any())}
            </td>
            <td data-col="status">{move || status_badge(w, status(), in_flight())}</td>
            <td class="tl-sm">
                {move || {
                    let t = totals();
                    // Counters are read per task, within their own budget: until then, say so
                    // rather than show a delivery of 0 of 0.
                    if row.counters_at.is_none() && t.planned == 0 {
                        view! { <span class="note" title=w.s(T::CountersNotRead)>{w.s(T::NotReadYet)}</span> }.into_any()
                    } else {
                        progress(w, t.arrived, t.planned).into_any()
                    }
                }}
            </td>
            <td class="tl-lg">
                {kind_label(w, w.source(row.source), row.recurring)}
            </td>
            <td class="tl-xl note whitespace-nowrap">
                {move || match synced() {
                    Some(s) => view! {
                        <span title=format!("{} {}", format_when(s, offset, w.locale()), format_offset(offset))>{w.f(T::AgeAgo, &[("age", &format_age(ctx().now - s, w.locale()))])}</span>
                    }.into_any(),
                    None => view! { <span>{w.s(T::NotYet)}</span> }.into_any(),
                }}
                {stale.then(|| view! {
                    <span class="ml-1 rounded bg-amber-100 px-1 text-amber-800" title=w.s(T::StaleTooltip)>{w.s(T::SyncStale)}</span>
                })}
            </td>
            <td>
                <div class="flex flex-col items-start gap-1">
                    <a href=href.clone() class="whitespace-nowrap link">{w.s(T::ViewDetails)}</a>
                    {move || offers_cancel().then(|| {
                        let allowed = cancel_check();
                        let reason = if !may_cancel {
                            Some(w.f(T::RefuseRole, &[("action", w.action(Action::Cancel))]))
                        } else {
                            allowed.err().map(|(r, c)| refusal(w, &r, &c))
                        };
                        let label = w.action(Action::Cancel).to_string();
                        match reason {
                            None => {
                                let row = row_for_dialog.clone();
                                view! {
                                    <a
                                        href=confirm_href.clone()
                                        role="button"
                                        class="whitespace-nowrap rounded border border-red-300 px-2 py-0.5 text-xs font-medium text-red-700 hover:bg-red-50"
                                        on:click=move |ev| {
                                            ev.prevent_default();
                                            selected.set(Some(row.clone()));
                                            open.set(Some(Action::Cancel));
                                        }
                                    >
                                        {label}
                                    </a>
                                }.into_any()
                            }
                            Some(reason) => view! {
                                <button
                                    type="button"
                                    disabled=true
                                    aria-describedby=reason_id.clone()
                                    class="cursor-not-allowed whitespace-nowrap rounded border border-slate-200 px-2 py-0.5 text-xs text-slate-400"
                                >
                                    {label}
                                </button>
                                <p id=reason_id.clone() class="max-w-44 text-[11px] leading-snug text-slate-600">{reason}</p>
                            }.into_any(),
                        }
                    })}
                </div>
            </td>
        </tr>
    }
}

/// A label with " · recurring" added for a recurring push (`loop_param`): one text, so the
/// marker costs the download nothing but this function.
pub(crate) fn kind_label(w: Words, label: &str, recurring: bool) -> String {
    if recurring {
        format!("{label}{}", w.t(T::Recurring))
    } else {
        label.to_string()
    }
}
