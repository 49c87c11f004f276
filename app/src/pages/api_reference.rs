use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::account::get_api_reference;
use crate::dto::{ApiOperation, ApiReference};
use crate::i18n::{T, Words, words};
use crate::ui::components::{PageHeader, Panel, ScrollRegion, error_banner};

/// `/api`: the JSON API's reference, read from the OpenAPI document the server generates from
/// its code (so it cannot drift from what the API does). Every text is the document's, shown as
/// text.
#[component]
pub fn ApiReferencePage() -> impl IntoView {
    let reference = Resource::new(|| (), |_| get_api_reference());
    let w = words();
    let loading = w.s(T::Loading);
    view! {
        <Title text=w.t(T::NavApi) />
        <PageHeader title=w.t(T::NavApi) subtitle=w.t(T::ApiReferenceSubtitle)>
            <a class="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50" href="/api/v1/openapi.json">"openapi.json"</a>
        </PageHeader>
        <Suspense fallback=move || view! { <p class="text-sm text-slate-600">{loading.clone()}</p> }>
            {move || { let w = w; Suspend::new(async move {
                match reference.await {
                    Ok(r) => view! { <ReferenceBody r w /> }.into_any(),
                    Err(e) => error_banner(w, &e).into_any(),
                }
            })}}
        </Suspense>
    }
}

fn anchor(op: &ApiOperation) -> String {
    format!(
        "{}-{}",
        op.method.to_lowercase(),
        op.path
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
    )
}

#[component]
fn ReferenceBody(r: ApiReference, w: Words) -> impl IntoView {
    let method_class = |m: &str| match m {
        "GET" => "rounded bg-sky-50 px-1.5 py-0.5 text-sky-800",
        _ => "rounded bg-amber-100 px-1.5 py-0.5 text-amber-900",
    };
    let th = "px-3 py-2 font-medium";
    view! {
        <p class="mb-4 text-sm text-slate-700">{r.description.clone()}</p>
        <nav aria-label=w.t(T::NavApi) class="mb-4 rounded-md border border-slate-200 bg-white p-3 shadow-sm">
            <ul class="flex flex-wrap gap-2 font-mono text-xs">
                {r.operations.iter().map(|op| view! {
                    <li><a class="inline-flex items-center gap-1 rounded px-1 py-0.5 hover:bg-slate-50" href=format!("#{}", anchor(op))>
                        <span class=method_class(&op.method)>{op.method.clone()}</span>{op.path.trim_start_matches("/api/v1").to_string()}
                    </a></li>
                }).collect_view()}
            </ul>
        </nav>
        <div class="flex flex-col gap-4">
            {r.operations.into_iter().map(|op| view! {
                <Panel class="p-4">
                    <h2 id=anchor(&op) class="flex flex-wrap items-center gap-2 font-mono text-sm font-semibold">
                        <span class=method_class(&op.method)>{op.method.clone()}</span>
                        {op.path.clone()}
                    </h2>
                    <p class="mt-2 text-sm font-medium">{op.summary.clone()}</p>
                    {(!op.description.is_empty()).then(|| view! { <p class="mt-1 whitespace-pre-line text-sm text-slate-700">{op.description.clone()}</p> })}
                    {(!op.params.is_empty()).then(|| view! {
                        <ScrollRegion label=w.t(T::ApiParameters)>
                        <table class="mt-3 w-full text-left text-sm">
                            <caption class="text-left text-xs font-semibold uppercase tracking-wide text-slate-600">{w.t(T::ApiParameters)}</caption>
                            <tbody class="divide-y divide-slate-100">
                                {op.params.iter().map(|(name, place, required, desc)| view! {
                                    <tr class="align-top">
                                        <th scope="row" class=format!("{th} whitespace-nowrap font-mono text-xs")>{name.clone()}<span class="ml-1 text-slate-600">{format!("({place})")}</span>{required.then(|| view! { <span class="ml-1 text-red-700">{w.t(T::ApiRequired)}</span> })}</th>
                                        <td class="px-3 py-2 text-slate-700">{desc.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        </ScrollRegion>
                    })}
                    {op.body.clone().map(|b| view! {
                        <p class="mt-3 text-sm">{w.t(T::ApiRequestBody)}": "<a class="font-mono text-sky-700 underline underline-offset-2" href=format!("#schema-{b}")>{b.clone()}</a></p>
                    })}
                    <table class="mt-3 w-full text-left text-sm">
                        <caption class="text-left text-xs font-semibold uppercase tracking-wide text-slate-600">{w.t(T::ApiResponses)}</caption>
                        <tbody class="divide-y divide-slate-100">
                            {op.responses.iter().map(|(status, desc, schema)| view! {
                                <tr class="align-top">
                                    <th scope="row" class=format!("{th} font-mono text-xs tabular-nums")>{status.clone()}</th>
                                    <td class="px-3 py-2 text-slate-700">{desc.clone()}{(!schema.is_empty()).then(|| view! { <span class="ml-1 font-mono text-xs text-slate-600">{schema.clone()}</span> })}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </Panel>
            }).collect_view()}
            <h2 class="mt-2 font-semibold">{w.t(T::ApiSchemas)}</h2>
            {r.schemas.into_iter().map(|s| view! {
                <Panel class="p-4">
                    <h3 id=format!("schema-{}", s.name) class="font-mono text-sm font-semibold">{s.name.clone()}</h3>
                    {(!s.description.is_empty()).then(|| view! { <p class="mt-1 text-sm text-slate-700">{s.description.clone()}</p> })}
                    <ScrollRegion label=s.name.clone()>
                    <table class="mt-2 w-full text-left text-sm">
                        <tbody class="divide-y divide-slate-100">
                            {s.fields.iter().map(|(name, kind, required, desc)| view! {
                                <tr class="align-top">
                                    <th scope="row" class=format!("{th} whitespace-nowrap font-mono text-xs")>{name.clone()}<span class="ml-1 text-slate-600">{kind.clone()}</span>{required.then(|| view! { <span class="ml-1 text-red-700">{w.t(T::ApiRequired)}</span> })}</th>
                                    <td class="px-3 py-2 text-slate-700">{desc.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </ScrollRegion>
                </Panel>
            }).collect_view()}
        </div>
    }
}
