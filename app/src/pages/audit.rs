use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::audit::list_audit;
use crate::domain::time::{format_offset, format_when};
use crate::dto::{AuditPage, AuditQuery};
use crate::i18n::{T, Words, audit_action, audit_kind, audit_outcome, words};
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
    let w = words();
    let loading = w.s(T::LoadingAudit);
    view! {
        <Title text=w.t(T::NavAudit) />
        <PageHeader title=w.t(T::NavAudit) subtitle=w.t(T::AuditSubtitle) />
        <Suspense fallback=move || view! { <p class="text-sm text-slate-600">{loading.clone()}</p> }>
            {move || { let w = w; Suspend::new(async move {
                let q = query.get_untracked();
                match page.await {
                    Ok(p) => view! { <AuditBody page=p q w /> }.into_any(),
                    Err(e) => error_banner(w, &e).into_any(),
                }
            })}}
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
fn AuditBody(page: AuditPage, q: AuditQuery, w: Words) -> impl IntoView {
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
        "enable-user",
        "reset-password",
        "add-token",
        "revoke-token",
    ];
    let empty = page.entries.is_empty();
    view! {
        <form method="get" action="/audit" role="search" class="flex flex-wrap items-end gap-3 rounded-md border border-slate-200 bg-white p-3 shadow-sm">
            <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
                {w.t(T::User)}
                <select name="user" class=input>
                    <option value="">{w.t(T::Anyone)}</option>
                    {page.usernames.iter().map(|u| view! { <option value=u.clone() selected=q.user.as_deref() == Some(u.as_str())>{u.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
                {w.t(T::ActionColumn)}
                <select name="action" class=input>
                    <option value="">{w.t(T::Any)}</option>
                    {actions.into_iter().map(|a| {
                        let label = audit_action(w, a);
                        view! { <option value=a selected=q.action.as_deref() == Some(a)>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
                {w.t(T::TaskPushId)}
                <input name="push_id" value=q.push_id.clone().unwrap_or_default() class=input />
            </label>
            <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
                {w.t(T::From)}
                <input type="date" name="from" value=q.from.clone().unwrap_or_default() class=input />
            </label>
            <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
                {w.t(T::To)}
                <input type="date" name="to" value=q.to.clone().unwrap_or_default() class=input />
            </label>
            <button type="submit" class="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800">{w.t(T::Filter)}</button>
            <a href="/audit" class="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">{w.t(T::Reset)}</a>
            <a href=csv class="ml-auto rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50" download="pushdeck-audit.csv">{w.t(T::ExportCsv)}</a>
        </form>
        <Panel class="mt-3">
            <ScrollRegion label=w.t(T::NavAudit)>
            <table class="w-full text-left text-sm">
                <thead class="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
                    <tr>
                        <th scope="col" class="px-3 py-2 font-medium">{w.f(T::TimeIn, &[("zone", &format_offset(offset))])}</th>
                        <th scope="col" class="px-3 py-2 font-medium">{w.t(T::User)}</th>
                        <th scope="col" class="px-3 py-2 font-medium">{w.t(T::ActionColumn)}</th>
                        <th scope="col" class="px-3 py-2 font-medium">{w.t(T::Task)}</th>
                        <th scope="col" class="px-3 py-2 font-medium">{w.t(T::Outcome)}</th>
                        <th scope="col" class="hidden px-3 py-2 font-medium lg:table-cell">{w.t(T::Upstream)}</th>
                        <th scope="col" class="hidden px-3 py-2 font-medium md:table-cell">{w.t(T::Address)}</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {page.entries.into_iter().map(|e| {
                        let task = match (&e.app_id, &e.push_id) {
                            (Some(a), Some(p)) => view! { <a class="font-mono link" href=task_href(a, p)>{p.clone()}</a> }.into_any(),
                            _ => view! { <span class="text-slate-600">"—"</span> }.into_any(),
                        };
                        let ok = e.outcome.starts_with("succeeded");
                        view! {
                            <tr class="align-top">
                                <td class="whitespace-nowrap px-3 py-2 tabular-nums">{format_when(e.at_ms.div_euclid(1000), offset, w.locale())}</td>
                                <td class="px-3 py-2">{e.username.clone()}{e.via_token.as_ref().map(|t| view! { <span class="block text-xs text-slate-600">{w.f(T::ViaToken, &[("token", t)])}</span> })}</td>
                                <td class="px-3 py-2">{audit_action(w, &e.action)}<span class="block text-xs text-slate-600">{audit_kind(w, &e.kind)}</span></td>
                                <td class="px-3 py-2">{task}</td>
                                <td class="px-3 py-2">
                                    <span class=if ok { "font-medium text-emerald-700" } else { "font-medium text-slate-700" }>{audit_outcome(w, &e.outcome)}</span>
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
            {empty.then(|| view! { <p class="px-3 py-8 text-center text-sm text-slate-600">{w.t(T::NoEntries)}</p> })}
            {next.map(|href| view! {
                <nav aria-label=w.t(T::Pages) class="border-t border-slate-200 px-3 py-2 text-right text-sm">
                    <a href=href rel="next" class="rounded border border-slate-300 px-3 py-1 hover:bg-slate-50">{w.t(T::OlderNext)}</a>
                </nav>
            })}
        </Panel>
    }
}
