//! Push details: the header, the Push Progress panel with Terminate / Override / Recall (and
//! Cancel Push for scheduled tasks), Refresh now, and the task's audit timeline. The panel
//! re-reads the details when the change feed says the task changed.

use leptos::prelude::*;

use super::dialogs::{ActionDialog, DialogState, DialogTask};
use super::live::{clock, connect};
use crate::api::tasks::{RefreshTask, refresh_task, task_details};
use crate::domain::fmt::{percent, thousands};
use crate::domain::rules::{RuleContext, check};
use crate::domain::time::{format_age, format_offset, format_when};
use crate::domain::{Action, Counters};
use crate::dto::{ActionOutcome, TaskDetail};
use crate::error::AppError;
use crate::i18n::refusal::refusal;
use crate::i18n::{T, Words, island_words};
use crate::ui::components::{Field, error_text, progress, status_badge, time_text};
use crate::ui::query::task_href;
use leptos::server_fn::ServerFn;

/// The whole details view of one task.
#[island]
pub fn TaskDetailsView(
    detail: TaskDetail,
    confirm: Option<String>,
    // The sentence of an error the server answered a plain form post with (`?__err=`): text,
    // so that the island's props need no second decoder of `AppError`.
    error: Option<String>,
    done: Option<String>,
    // The override dialog's click-action fields (Android), rendered by the server: they cost
    // the download nothing (see `ui::click_fields`).
    children: Children,
) -> impl IntoView {
    let w = island_words();
    let app_id = detail.app.id.clone();
    let push_id = detail.row.push_id.clone();
    let live = connect(app_id.clone(), Some(push_id.clone()));
    let now = clock(detail.now);
    let offset = detail.utc_offset_minutes;
    let form_key = detail.form_key.clone();
    let state = RwSignal::new(detail);
    let announce: RwSignal<Option<String>> = RwSignal::new(
        done.as_deref()
            .and_then(Action::from_slug)
            .map(|a| w.f(T::ActionSent, &[("action", w.action(a))])),
    );
    let refresh_error: RwSignal<Option<AppError>> = RwSignal::new(None);

    // A newer event for this task: read the details again (counters, channels, history).
    {
        let (app_id, push_id) = (app_id.clone(), push_id.clone());
        Effect::new(move |_| {
            let version = state.with_untracked(|d| d.row.version);
            if live.newer(&push_id, version).is_some() {
                let (app_id, push_id) = (app_id.clone(), push_id.clone());
                leptos::task::spawn_local(async move {
                    if let Ok(d) = task_details(Some(app_id), push_id).await {
                        state.set(d);
                    }
                });
            }
        });
    }

    let ssr = confirm
        .as_deref()
        .and_then(Action::from_slug)
        .map(|a| (a, form_key.clone()));
    // A dialog the server rendered open (`?confirm=`) stays open once hydrated.
    let open: RwSignal<Option<Action>> = RwSignal::new(ssr.as_ref().map(|(a, _)| *a));
    let back_href = task_href(&app_id, &push_id);
    let dialog_state = DialogState {
        open,
        ssr,
        ssr_error: error.clone(),
        back_href: back_href.clone(),
    };
    let on_done = Callback::new(move |o: ActionOutcome| {
        let msg = match &o.new_push_id {
            Some(new) => format!("{}{}", o.message, w.f(T::NewTaskIs, &[("id", new)])),
            None => o.message.clone(),
        };
        announce.set(Some(msg));
        let (app, push_id) = (o.app.clone(), o.push_id.clone());
        leptos::task::spawn_local(async move {
            if let Ok(d) = task_details(Some(app), push_id).await {
                state.set(d);
            }
        });
    });
    let ctx = move || RuleContext {
        now: now.get(),
        recall_available: state.with(|d| d.app.recall_available),
        utc_offset_minutes: offset,
    };
    let d0 = state.get_untracked();
    let task = DialogTask {
        app: d0.app.id.clone(),
        push_id: d0.row.push_id.clone(),
        title: d0.row.title.clone(),
        content: d0.row.content.clone(),
        audience: d0.row.audience,
        platform: d0.row.platform,
        totals: d0.row.totals,
        collapse_id: d0.collapse_id,
        cannot_replace: d0.cannot_replace.clone(),
        recall_reach: d0.recall_reach,
        click: (d0.click_kind.clone(), d0.click_target.clone()),
    };
    let mut fields = Some(children);
    let dialogs = Action::ALL
        .into_iter()
        .map(|a| {
            let extra = if a == Action::Override { fields.take() } else { None };
            view! { <ActionDialog task=task.clone() action=a state=dialog_state.clone() on_done extra w=w /> }
        })
        .collect_view();
    view! {
        <div role="status" aria-live="polite">
            {move || announce.get().map(|m| view! {
                <p class="mb-3 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">{m}</p>
            })}
        </div>
        {(error.is_some() && confirm.is_none()).then(|| view! {
            <p role="alert" class="mb-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
                {error.clone().unwrap_or_default()}
            </p>
        })}
        <div class="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,1fr)_30rem]">
            <div class="flex min-w-0 flex-col gap-4">
                {move || header(w, state.get(), offset)}
                {move || history(w, state.get(), offset)}
            </div>
            <aside aria-labelledby="push-progress" class="flex min-w-0 flex-col gap-4 lg:row-start-1 lg:col-start-2">
                <section class="rounded-md border border-slate-200 bg-white shadow-sm">
                    <div class="flex items-center justify-between border-b border-slate-200 px-4 py-2.5">
                        <h2 id="push-progress" class="font-semibold">{w.s(T::PushProgress)}</h2>
                        {move || { let d = state.get(); status_badge(w, d.row.status, d.row.in_flight) }}
                    </div>
                    {move || funnel(w, state.get().row.totals)}
                    <div class="border-t border-slate-200 px-4 py-3">
                        <ActionButtons state ctx open back_href=back_href.clone() w=w />
                    </div>
                    <div class="border-t border-slate-200 px-4 py-3">
                        <RefreshNow state refresh_error now offset w=w />
                    </div>
                </section>
                {move || channels(w, state.get())}
            </aside>
        </div>
        {dialogs}
    }
}

fn header(w: Words, d: TaskDetail, offset: i32) -> impl IntoView + use<> {
    let r = d.row.clone();
    let app = d.app.id.clone();
    let link = move |id: Option<String>| {
        id.map(|p| view! { <a class="font-mono link" href=task_href(&app, &p)>{p.clone()}</a> })
    };
    let (overrides, overridden_by) = (link(d.overrides.clone()), link(d.overridden_by.clone()));
    let offline_until = r.facts().offline_until();
    view! {
        <section class="rounded-md border border-slate-200 bg-white p-4 shadow-sm">
            <div class="flex flex-wrap items-start justify-between gap-2">
                <div class="min-w-0">
                    <h1 class="break-words text-xl font-semibold">{r.title.clone()}</h1>
                    <p class="mt-1 whitespace-pre-line break-words text-slate-700">{r.content.clone()}</p>
                </div>
                {status_badge(w, r.status, r.in_flight)}
            </div>
            {d.overridden_by.clone().map(|p| view! {
                <p class="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
                    {w.s(T::OverriddenByTask)} <a class="font-mono font-semibold underline" href=task_href(&d.app.id, &p)>{p.clone()}</a>
                </p>
            })}
            <dl class="mt-4 grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-3">
                <Field label=w.t(T::PushId)><span class="font-mono">{r.push_id.clone()}</span></Field>
                <Field label=w.t(T::Audience)>{w.audience(r.audience).to_string()}{(r.audience_summary != w.audience(r.audience)).then(|| view! { <span class="block text-xs text-slate-600">{r.audience_summary.clone()}</span> })}</Field>
                <Field label=w.t(T::Platform)>{w.platform(r.platform).to_string()}</Field>
                <Field label=w.t(T::MessageType)>
                    {crate::islands::task_table::kind_label(w, w.message_kind(r.message_type), r.recurring)}
                </Field>
                <Field label=w.t(T::Created)>{time_text(w, r.created_at, offset)}</Field>
                <Field label=w.t(T::SendTime)>{r.send_time.map(|t| time_text(w, t, offset).into_any()).unwrap_or_else(|| w.s(T::Immediately).into_any())}</Field>
                <Field label=w.t(T::OfflineUntil)>{if d.expire_secs > 0 { time_text(w, offline_until, offset).into_any() } else { w.s(T::NoOfflineStorage).into_any() }}</Field>
                <Field label=w.t(T::Source)>{w.source(r.source).to_string()}</Field>
                <Field label=w.t(T::CollapseId)><span class="font-mono">{d.collapse_id.map(|c| c.to_string()).unwrap_or_else(|| "—".into())}</span></Field>
                {overrides.map(|l| view! { <Field label=w.t(T::Overrides)>{l}</Field> })}
                {overridden_by.map(|l| view! { <Field label=w.t(T::OverriddenBy)>{l}</Field> })}
                <Field label=w.t(T::LastSynced)>
                    {match r.last_synced_at {
                        Some(s) => w.f(T::WhenAgo, &[("when", &format_when(s, offset, w.locale())), ("age", &format_age(d.now - s, w.locale()))]),
                        None => w.s(T::NotYetRead),
                    }}
                    {r.stale.then(|| view! { <span class="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-800">{w.s(T::SyncStale)}</span> })}
                </Field>
            </dl>
        </section>
    }
}

fn funnel(w: Words, t: Counters) -> impl IntoView + use<> {
    let steps = [
        (w.s(T::Planned), t.planned),
        (w.s(T::Sent), t.sent),
        (w.s(T::Arrived), t.arrived),
        (w.s(T::Clicked), t.clicked),
    ];
    view! {
        <ol class="flex flex-col gap-2 px-4 py-3" aria-label=w.s(T::DeliveryFunnel)>
            {steps.into_iter().map(|(label, n)| {
                let pct = percent(n, t.planned);
                view! {
                    <li class="grid grid-cols-[5rem_1fr_auto] items-center gap-2 text-sm">
                        <span class="text-slate-600">{label}</span>
                        <span class="h-2 overflow-hidden rounded bg-slate-100">
                            <span class="block h-full rounded bg-sky-500" style=format!("width: {pct}%")></span>
                        </span>
                        <span class="tabular-nums">{format!("{} · {pct}%", thousands(n))}</span>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

fn channels(w: Words, d: TaskDetail) -> impl IntoView + use<> {
    let rows = d.channels.clone();
    let synced = d.stats_synced_at;
    let offset = d.utc_offset_minutes;
    view! {
        <section class="rounded-md border border-slate-200 bg-white shadow-sm" aria-labelledby="per-channel">
            <h2 id="per-channel" class="border-b border-slate-200 px-4 py-2.5 font-semibold">{w.s(T::PerChannel)}</h2>
            // A region that takes focus, so it scrolls by keyboard (as `ScrollRegion`, inline:
            // in an island a component of its own costs the download more).
            <div role="region" aria-label=w.s(T::PerChannel) tabindex="0" class=crate::ui::components::SCROLL_REGION>
                <table class="w-full text-xs">
                    <thead class="uppercase tracking-wide text-slate-600">
                        <tr>
                            <th scope="col" class="px-2 py-1.5 text-left font-medium">{w.s(T::Channel)}</th>
                            <th scope="col" class="px-2 py-1.5 text-right font-medium">{w.s(T::Planned)}</th>
                            <th scope="col" class="px-2 py-1.5 text-right font-medium">{w.s(T::Sent)}</th>
                            <th scope="col" class="px-2 py-1.5 text-left font-medium">{w.s(T::Arrived)}</th>
                            <th scope="col" class="px-2 py-1.5 text-right font-medium">{w.s(T::Clicked)}</th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-slate-100">
                        {rows.into_iter().map(|(ch, c)| view! {
                            <tr>
                                <th scope="row" class="whitespace-nowrap px-2 py-1.5 text-left font-normal">{ch}</th>
                                <td class="px-2 py-1.5 text-right tabular-nums">{thousands(c.planned)}</td>
                                <td class="px-2 py-1.5 text-right tabular-nums">{thousands(c.sent)}</td>
                                <td class="px-2 py-1.5">{progress(w, c.arrived, c.planned)}</td>
                                <td class="px-2 py-1.5 text-right tabular-nums">{thousands(c.clicked)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="px-4 py-2 text-xs text-slate-600">
                {match synced {
                    Some(s) => w.f(T::CountersAsOf, &[("when", &format!("{} {}", format_when(s, offset, w.locale()), format_offset(offset)))]),
                    None => w.s(T::CountersNotRead),
                }}
            </p>
        </section>
    }
}

fn history(w: Words, d: TaskDetail, offset: i32) -> impl IntoView + use<> {
    let entries = d.history.clone();
    let empty = entries.is_empty();
    view! {
        <section class="rounded-md border border-slate-200 bg-white shadow-sm" aria-labelledby="history">
            <h2 id="history" class="border-b border-slate-200 px-4 py-2.5 font-semibold">{w.s(T::ActionHistory)}</h2>
            {empty.then(|| view! { <p class="px-4 py-3 text-sm text-slate-600">{w.s(T::NoActionsYet)}</p> })}
            <ol class="divide-y divide-slate-100">
                {entries.into_iter().map(|e| view! {
                    <li class="px-4 py-2.5 text-sm">
                        <div class="flex flex-wrap items-baseline justify-between gap-2">
                            <span><span class="font-medium">{e.username.clone()}</span>" · "{e.action.clone()}" · "<span class="font-medium">{e.outcome.clone()}</span></span>
                            <span class="text-xs text-slate-600">{format_when(e.at_ms.div_euclid(1000), offset, w.locale())}</span>
                        </div>
                        {(!e.upstream_answer.is_empty()).then(|| view! { <p class="text-xs text-slate-600">{w.s(T::TpnsSaid)}{e.upstream_answer.clone()}</p> })}
                        {(!e.detail.is_empty()).then(|| view! { <p class="text-xs text-slate-600">{e.detail.clone()}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// Terminate, Override, Recall (and Cancel Push for scheduled tasks), each enabled or disabled by
/// the shared rules, a disabled one saying why.
#[component]
fn ActionButtons(
    state: RwSignal<TaskDetail>,
    ctx: impl Fn() -> RuleContext + Send + Sync + Copy + 'static,
    open: RwSignal<Option<Action>>,
    back_href: String,
    w: Words,
) -> impl IntoView {
    let actions = move || {
        let d = state.get();
        let mut list = vec![Action::Terminate, Action::Override, Action::Recall];
        if d.row.send_time.is_some() && !d.row.status.is_terminal() {
            list.push(Action::Cancel);
        }
        list
    };
    view! {
        <div class="flex flex-col gap-2">
            {move || actions().into_iter().map(|a| {
                let d = state.get();
                let c = ctx();
                let verdict = if !d.permitted.contains(&a) {
                    Err(w.f(T::RefuseRole, &[("action", w.action(a))]))
                } else {
                    check(a, &d.row.facts(), &c).map_err(|r| refusal(w, &r, &c))
                };
                let label = w.action(a).to_string();
                let reason_id = format!("reason-{}", a.slug());
                let href = format!("{back_href}&confirm={}", a.slug());
                match verdict {
                    Ok(()) => view! {
                        <a
                            href=href
                            role="button"
                            class=if a == Action::Override { "rounded bg-sky-700 px-3 py-1.5 text-center text-sm font-medium text-white hover:bg-sky-800" } else { "rounded border border-red-300 px-3 py-1.5 text-center text-sm font-medium text-red-700 hover:bg-red-50" }
                            on:click=move |ev| { ev.prevent_default(); open.set(Some(a)); }
                        >
                            {label}
                        </a>
                    }.into_any(),
                    Err(reason) => view! {
                        <div>
                            <button type="button" disabled=true aria-describedby=reason_id.clone()
                                class="w-full cursor-not-allowed rounded border border-slate-200 px-3 py-1.5 text-sm text-slate-400">
                                {label}
                            </button>
                            <p id=reason_id class="mt-1 text-xs text-slate-600">{reason}</p>
                        </div>
                    }.into_any(),
                }
            }).collect_view()}
        </div>
    }
}

/// Re-reads the task from TPNS now; it spends query budget, so it shows what is left.
#[component]
fn RefreshNow(
    state: RwSignal<TaskDetail>,
    refresh_error: RwSignal<Option<AppError>>,
    now: ReadSignal<i64>,
    offset: i32,
    w: Words,
) -> impl IntoView {
    let pending = RwSignal::new(false);
    let left = move || state.with(|d| d.budget.record_left.min(d.budget.stats_left));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (app, push_id) = state.with_untracked(|d| (d.app.id.clone(), d.row.push_id.clone()));
        pending.set(true);
        refresh_error.set(None);
        leptos::task::spawn_local(async move {
            match refresh_task(Some(app), push_id).await {
                Ok(d) => state.set(d),
                Err(e) => refresh_error.set(Some(e)),
            }
            pending.set(false);
        });
    };
    view! {
        <form method="post" action=RefreshTask::PATH on:submit=on_submit class="flex flex-wrap items-center justify-between gap-2">
            <input type="hidden" name="app" value=move || state.with(|d| d.app.id.clone()) />
            <input type="hidden" name="push_id" value=move || state.with(|d| d.row.push_id.clone()) />
            <p class="text-xs text-slate-600">
                {move || {
                    let d = state.get();
                    let base = w.f(T::CallsLeft, &[("left", &left().to_string()), ("of", &d.budget.per_hour.to_string())]);
                    match d.budget.next_at {
                        Some(t) if left() == 0 => format!("{base}{}", w.f(T::NextCallAt, &[("when", &format_when(t, offset, w.locale())), ("age", &format_age(t - now.get(), w.locale()))])),
                        _ => base,
                    }
                }}
            </p>
            <button type="submit" disabled=move || pending.get() || left() == 0 || !state.with(|d| d.may_refresh)
                title=move || (!state.with(|d| d.may_refresh)).then(|| w.s(T::ViewersCannotRefresh))
                class="rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-50">
                {move || w.t(if pending.get() { T::Refreshing } else { T::RefreshNow }).to_string()}
            </button>
            {move || refresh_error.get().map(|e| view! { <p role="alert" class="w-full text-sm text-red-700">{error_text(w, &e)}</p> })}
        </form>
    }
}
