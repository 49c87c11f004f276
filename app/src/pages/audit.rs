use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::audit::list_audit;
use crate::domain::Action;
use crate::domain::time::{format_datetime, format_offset};
use crate::dto::{AuditPage, AuditQuery};
use crate::ui::components::{PageHeader, Panel, ScrollRegion, error_banner};
use crate::ui::query::{encode, task_href};

/// `/audit`: every action by every user, filterable and exportable; append-only.
#[component]
pub fn AuditLog() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|p| {
            let text = |k: &str| {
                p.get(k)
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
            };
            AuditQuery {
                user: text("user"),
                action: text("action"),
                push_id: text("push_id"),
                from: text("from"),
                to: text("to"),
                before: p.get("before").and_then(|b| b.parse().ok()),
            }
        })
    });
    let page = Resource::new(move || query.get(), list_audit);
    view! {
        <Title text="Audit log" />
        <PageHeader title="Audit log".to_string() subtitle="Every action, sign-in and admin change, newest first. Entries cannot be edited or deleted." />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-600">"Loading the audit log…"</p> }>
            {move || Suspend::new(async move {
                let q = query.get_untracked();
                match page.await {
                    Ok(p) => view! { <AuditBody page=p q /> }.into_any(),
                    Err(e) => error_banner(&e).into_any(),
                }
            })}
        </Suspense>
    }
}

fn filter_href(q: &AuditQuery, base: &str) -> String {
    let mut parts = Vec::new();
    for (k, v) in [
        ("user", &q.user),
        ("action", &q.action),
        ("push_id", &q.push_id),
        ("from", &q.from),
        ("to", &q.to),
    ] {
        if let Some(v) = v {
            parts.push(format!("{k}={}", encode(v)));
        }
    }
    if parts.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", parts.join("&"))
    }
}

#[component]
fn AuditBody(page: AuditPage, q: AuditQuery) -> impl IntoView {
    let offset = page.utc_offset_minutes;
    let input = "rounded border border-slate-300 bg-white px-2 py-1 text-sm";
    let csv = filter_href(&q, "/audit.csv");
    let next = page.next_before.map(|b| {
        let base = filter_href(&q, "/audit");
        format!(
            "{base}{}before={b}",
            if base.contains('?') { "&" } else { "?" }
        )
    });
    let actions = [
        "terminate",
        "recall",
        "override",
        "cancel",
        "sign-in",
        "add-user",
        "set-role",
        "disable-user",
    ];
    let empty = page.entries.is_empty();
    view! {
        <form method="get" action="/audit" role="search" class="flex flex-wrap items-end gap-3 rounded-md border border-slate-200 bg-white p-3 shadow-sm">
            <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
                "User"
                <select name="user" class=input>
                    <option value="">"Anyone"</option>
                    {page.usernames.iter().map(|u| view! { <option value=u.clone() selected=q.user.as_deref() == Some(u.as_str())>{u.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
                "Action"
                <select name="action" class=input>
                    <option value="">"Any"</option>
                    {actions.into_iter().map(|a| {
                        let label = Action::from_slug(a).map(|x| x.label().to_string()).unwrap_or_else(|| a.replace('-', " "));
                        view! { <option value=a selected=q.action.as_deref() == Some(a)>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
                "Task (push ID)"
                <input name="push_id" value=q.push_id.clone().unwrap_or_default() class=input />
            </label>
            <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
                "From"
                <input type="date" name="from" value=q.from.clone().unwrap_or_default() class=input />
            </label>
            <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
                "To"
                <input type="date" name="to" value=q.to.clone().unwrap_or_default() class=input />
            </label>
            <button type="submit" class="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800">"Filter"</button>
            <a href="/audit" class="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">"Reset"</a>
            <a href=csv class="ml-auto rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50" download="pushdeck-audit.csv">"Export CSV"</a>
        </form>
        <Panel class="mt-3">
            <ScrollRegion label="Audit log">
            <table class="w-full text-left text-sm">
                <thead class="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
                    <tr>
                        <th scope="col" class="px-3 py-2 font-medium">{format!("Time ({})", format_offset(offset))}</th>
                        <th scope="col" class="px-3 py-2 font-medium">"User"</th>
                        <th scope="col" class="px-3 py-2 font-medium">"Action"</th>
                        <th scope="col" class="px-3 py-2 font-medium">"Task"</th>
                        <th scope="col" class="px-3 py-2 font-medium">"Outcome"</th>
                        <th scope="col" class="hidden px-3 py-2 font-medium lg:table-cell">"Upstream"</th>
                        <th scope="col" class="hidden px-3 py-2 font-medium md:table-cell">"Address"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {page.entries.into_iter().map(|e| {
                        let task = match (&e.app_id, &e.push_id) {
                            (Some(a), Some(p)) => view! { <a class="font-mono text-sky-700 underline underline-offset-2 hover:decoration-2" href=task_href(a, p)>{p.clone()}</a> }.into_any(),
                            _ => view! { <span class="text-slate-600">"—"</span> }.into_any(),
                        };
                        let ok = e.outcome.starts_with("succeeded");
                        view! {
                            <tr class="align-top">
                                <td class="whitespace-nowrap px-3 py-2 tabular-nums">{format_datetime(e.at_ms.div_euclid(1000), offset)}</td>
                                <td class="px-3 py-2">{e.username.clone()}</td>
                                <td class="px-3 py-2">{e.action.clone()}<span class="block text-xs text-slate-600">{e.kind.clone()}</span></td>
                                <td class="px-3 py-2">{task}</td>
                                <td class="px-3 py-2">
                                    <span class=if ok { "font-medium text-emerald-700" } else { "font-medium text-slate-700" }>{e.outcome.clone()}</span>
                                    <p class="max-w-md text-xs text-slate-600">{e.detail.clone()}</p>
                                </td>
                                <td class="hidden max-w-xs px-3 py-2 text-xs text-slate-600 lg:table-cell">
                                    <p class="font-mono">{e.request_summary.clone()}</p>
                                    <p>{e.upstream_answer.clone()}</p>
                                </td>
                                <td class="hidden px-3 py-2 font-mono text-xs md:table-cell">{e.ip.clone()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </ScrollRegion>
            {empty.then(|| view! { <p class="px-3 py-8 text-center text-sm text-slate-600">"No entries match these filters."</p> })}
            {next.map(|href| view! {
                <nav aria-label="Pages" class="border-t border-slate-200 px-3 py-2 text-right text-sm">
                    <a href=href rel="next" class="rounded border border-slate-300 px-3 py-1 hover:bg-slate-50">"Older →"</a>
                </nav>
            })}
        </Panel>
    }
}
