use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::tasks::list_tasks;
use crate::domain::{Audience, Platform, Status};
use crate::dto::{TaskPage, TaskQuery};
use crate::error::AppError;
use crate::i18n::{IslandWords, T, Words, words};
use crate::islands::task_table::TaskTable;
use crate::ui::components::{PageHeader, Panel, error_banner};
use crate::ui::query::{task_list_href, task_query};

const QUERY_KEYS: [&str; 10] = [
    "app", "status", "platform", "audience", "from", "to", "q", "sort", "after", "before",
];

/// The Task List: filters in the URL, a page of tasks with live statuses, keyset paging.
#[component]
pub fn TaskList() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| {
        let p = params.read();
        let mut pairs: Vec<(String, String)> = Vec::new();
        for k in QUERY_KEYS {
            for v in p.get_all(k).unwrap_or_default() {
                pairs.push((k.to_string(), v));
            }
        }
        task_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    });
    let page = Resource::new(move || query.get(), list_tasks);
    let w = words();
    let loading = w.s(T::LoadingTasks);
    view! {
        <Title text=w.t(T::NavTaskList) />
        <Suspense fallback=move || view! { <p class="text-sm text-slate-600">{loading.clone()}</p> }>
            {move || { let w = w; Suspend::new(async move {
                let q = query.get_untracked();
                match page.await {
                    Ok(page) => view! { <TaskListBody page q w /> }.into_any(),
                    Err(e) => {
                        // A filter the server cannot use: offer the same list without it.
                        let mut without = q.clone();
                        let field = match &e {
                            AppError::Validation { field, .. } => field.as_str(),
                            _ => "",
                        };
                        match field {
                            "from" => without.created_from = None,
                            "to" => without.created_to = None,
                            "after" => (without.after, without.before) = (None, None),
                            _ => {}
                        }
                        let retry = (without != q).then(|| view! {
                            <p class="mt-3 text-sm">
                                <a href=task_list_href(&without) class="link">{w.t(T::WithoutThisFilter)}</a>
                            </p>
                        });
                        view! {
                            <PageHeader title=w.t(T::NavTaskList) />
                            {error_banner(w, &e)}
                            {retry}
                        }.into_any()
                    }
                }
            })}}
        </Suspense>
    }
}

#[component]
fn TaskListBody(page: TaskPage, q: TaskQuery, w: Words) -> impl IntoView {
    let subtitle = w.f(
        T::TaskListSubtitle,
        &[
            ("app", &page.app.name),
            ("platform", w.platform(page.app.platform)),
            ("point", &page.app.access_point),
        ],
    );
    let budget = page.budget.clone();
    let mut next_q = q.clone();
    next_q.before = None;
    next_q.after = page.next.clone();
    let mut prev_q = q.clone();
    prev_q.after = None;
    prev_q.before = page.prev.clone();
    let (has_next, has_prev) = (page.next.is_some(), page.prev.is_some());
    // Every page of the current filters, not only this one.
    let mut export_q = q.clone();
    (export_q.after, export_q.before) = (None, None);
    export_q.app = Some(page.app.id.clone());
    let csv = task_list_href(&export_q).replacen("/tasks", "/tasks.csv", 1);
    let rows = page.rows.len();
    // "Previous" and "next" follow the sort order.
    let (prev_label, next_label) = if q.oldest_first {
        (T::OlderPrev, T::NewerNext)
    } else {
        (T::NewerPrev, T::OlderNext)
    };
    let (prev_label, next_label) = (w.t(prev_label).to_string(), w.t(next_label).to_string());
    view! {
        <PageHeader title=w.t(T::NavTaskList) subtitle=subtitle>
            <p class="text-xs text-slate-600" title=w.t(T::BudgetTooltip)>
                {w.f(T::BudgetLeft, &[
                    ("record", &budget.record_left.to_string()),
                    ("stats", &budget.stats_left.to_string()),
                    ("of", &budget.per_hour.to_string()),
                ])}
            </p>
            <a href=csv class="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50" download="pushdeck-tasks.csv">{w.t(T::ExportCsv)}</a>
        </PageHeader>
        <FilterBar app_id=page.app.id.clone() counts=page.status_counts.clone() q=q.clone() w=w />
        <Panel class="mt-3 overflow-hidden">
            <IslandWords />
            <TaskTable page />
            <nav aria-label=w.t(T::Pages) class="flex items-center justify-between border-t border-slate-200 px-3 py-2 text-sm">
                <span class="text-slate-600">{w.f(T::TasksOnPage, &[("n", &rows.to_string())])}</span>
                <div class="flex gap-2">
                    {has_prev.then(|| view! {
                        <a class="rounded border border-slate-300 px-3 py-1 hover:bg-slate-50" href=task_list_href(&prev_q) rel="prev">{prev_label}</a>
                    })}
                    {has_next.then(|| view! {
                        <a class="rounded border border-slate-300 px-3 py-1 hover:bg-slate-50" href=task_list_href(&next_q) rel="next">{next_label}</a>
                    })}
                </div>
            </nav>
        </Panel>
    }
}

/// The filters: a plain GET form, so they work before (and without) the WebAssembly and live in
/// the URL.
#[component]
fn FilterBar(app_id: String, counts: Vec<(Status, u64)>, q: TaskQuery, w: Words) -> impl IntoView {
    let count = |s: Status| {
        counts
            .iter()
            .find(|(st, _)| *st == s)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let statuses: Vec<(Status, u64, bool)> = Status::ALL
        .into_iter()
        .map(|s| (s, count(s), q.statuses.contains(&s)))
        .collect();
    let input = "rounded border border-slate-300 bg-white px-2 py-1 text-sm";
    view! {
        <form method="get" action="/tasks" class="rounded-md border border-slate-200 bg-white p-3 shadow-sm" role="search">
            <input type="hidden" name="app" value=app_id.clone() />
            <fieldset>
                <legend class="text-xs font-medium uppercase tracking-wide text-slate-600">{w.t(T::StatusColumn)}</legend>
                <div class="mt-1 flex flex-wrap gap-1.5">
                    {statuses.into_iter().map(|(s, n, checked)| view! {
                        <label class="inline-flex cursor-pointer items-center gap-1.5 rounded-full border border-slate-300 px-2.5 py-0.5 text-sm has-[:checked]:border-sky-600 has-[:checked]:bg-sky-50 has-[:checked]:text-sky-800">
                            <input type="checkbox" name="status" value=s.slug() checked=checked class="accent-sky-600" />
                            {w.status(s)}
                            <span class="tabular-nums text-slate-600">{n.to_string()}</span>
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="mt-3 flex flex-wrap items-end gap-3">
                <label class="flex min-w-56 flex-1 flex-col gap-1 text-xs font-medium text-slate-600">
                    {w.t(T::Search)}
                    <input type="search" name="q" value=q.q.clone().unwrap_or_default() placeholder=w.t(T::SearchPlaceholder) class=input />
                </label>
                <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
                    {w.t(T::Platform)}
                    <select name="platform" class=input>
                        <option value="">{w.t(T::Any)}</option>
                        {Platform::ALL.into_iter().map(|p| view! {
                            <option value=p.slug() selected=q.platform == Some(p)>{w.platform(p)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
                    {w.t(T::Audience)}
                    <select name="audience" class=input>
                        <option value="">{w.t(T::Any)}</option>
                        {Audience::ALL.into_iter().map(|a| view! {
                            <option value=a.upstream() selected=q.audience == Some(a)>{w.audience(a)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
                    {w.t(T::CreatedFrom)}
                    <input type="date" name="from" value=q.created_from.clone().unwrap_or_default() class=input />
                </label>
                <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
                    {w.t(T::CreatedTo)}
                    <input type="date" name="to" value=q.created_to.clone().unwrap_or_default() class=input />
                </label>
                <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
                    {w.t(T::Sort)}
                    <select name="sort" class=input>
                        <option value="">{w.t(T::NewestFirst)}</option>
                        <option value="oldest" selected=q.oldest_first>{w.t(T::OldestFirst)}</option>
                    </select>
                </label>
                <div class="flex gap-2">
                    <button type="submit" class="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800">{w.t(T::ApplyFilters)}</button>
                    <a href=format!("/tasks?app={}", crate::ui::query::encode(&app_id)) class="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">{w.t(T::Reset)}</a>
                </div>
            </div>
        </form>
    }
}
