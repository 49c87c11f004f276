use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::account::get_api_reference;
use crate::dto::{ApiOperation, ApiReference};
use crate::i18n::{T, Words, words};
use crate::ui::components::{PageHeader, Panel, error_banner};

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
        "GET" => "bg-sky-100 text-sky-800",
        _ => "bg-amber-100 text-amber-900",
    };
    view! {
        <p class="mb-4 max-w-3xl text-sm text-slate-700">{r.description.clone()}</p>
        <div class="grid gap-4 lg:grid-cols-[16rem_minmax(0,1fr)]">
            <nav aria-label=w.t(T::NavApi) class="self-start rounded-md border border-slate-200 bg-white p-3 text-sm shadow-sm">
                <ul class="flex flex-col gap-1">
                    {r.operations.iter().map(|op| view! {
                        <li><a class="block rounded px-1 py-0.5 font-mono text-xs hover:bg-slate-100" href=format!("#{}", anchor(op))>
                            <span class=format!("mr-1 rounded px-1 {}", method_class(&op.method))>{op.method.clone()}</span>{op.path.trim_start_matches("/api/v1").to_string()}
                        </a></li>
                    }).collect_view()}
                </ul>
            </nav>
            <div class="flex min-w-0 flex-col gap-4">
                {r.operations.into_iter().map(|op| view! {
                    <Panel class="p-4">
                        <h2 id=anchor(&op) class="flex flex-wrap items-center gap-2 font-mono text-sm font-semibold">
                            <span class=format!("rounded px-1.5 py-0.5 {}", method_class(&op.method))>{op.method.clone()}</span>
                            {op.path.clone()}
                        </h2>
                        <p class="mt-2 text-sm font-medium">{op.summary.clone()}</p>
                        {(!op.description.is_empty()).then(|| view! { <p class="mt-1 whitespace-pre-line text-sm text-slate-700">{op.description.clone()}</p> })}
                        {(!op.params.is_empty()).then(|| view! {
                            <h3 class="mt-3 text-xs font-semibold uppercase tracking-wide text-slate-600">{w.t(T::ApiParameters)}</h3>
                            <dl class="mt-1 grid grid-cols-[minmax(8rem,auto)_1fr] gap-x-3 gap-y-1 text-sm">
                                {op.params.iter().map(|(name, place, required, desc)| view! {
                                    <dt class="font-mono text-xs">{name.clone()}<span class="ml-1 text-slate-500">{format!("({place})")}</span>{required.then(|| view! { <span class="ml-1 text-red-700">{w.t(T::ApiRequired)}</span> })}</dt>
                                    <dd class="text-slate-700">{desc.clone()}</dd>
                                }).collect_view()}
                            </dl>
                        })}
                        {op.body.clone().map(|b| view! {
                            <h3 class="mt-3 text-xs font-semibold uppercase tracking-wide text-slate-600">{w.t(T::ApiRequestBody)}</h3>
                            <p class="mt-1 text-sm"><a class="font-mono text-sky-700 underline underline-offset-2" href=format!("#schema-{b}")>{b.clone()}</a></p>
                        })}
                        <h3 class="mt-3 text-xs font-semibold uppercase tracking-wide text-slate-600">{w.t(T::ApiResponses)}</h3>
                        <dl class="mt-1 grid grid-cols-[4rem_1fr] gap-x-3 gap-y-1 text-sm">
                            {op.responses.iter().map(|(status, desc, schema)| view! {
                                <dt class="font-mono text-xs tabular-nums">{status.clone()}</dt>
                                <dd class="text-slate-700">{desc.clone()}{(!schema.is_empty()).then(|| view! { <span class="ml-1 font-mono text-xs text-slate-500">{schema.clone()}</span> })}</dd>
                            }).collect_view()}
                        </dl>
                    </Panel>
                }).collect_view()}
                <h2 class="mt-2 font-semibold">{w.t(T::ApiSchemas)}</h2>
                {r.schemas.into_iter().map(|s| view! {
                    <Panel class="p-4">
                        <h3 id=format!("schema-{}", s.name) class="font-mono text-sm font-semibold">{s.name.clone()}</h3>
                        {(!s.description.is_empty()).then(|| view! { <p class="mt-1 text-sm text-slate-700">{s.description.clone()}</p> })}
                        <dl class="mt-2 grid grid-cols-[minmax(8rem,auto)_1fr] gap-x-3 gap-y-1 text-sm">
                            {s.fields.iter().map(|(name, kind, required, desc)| view! {
                                <dt class="font-mono text-xs">{name.clone()}<span class="ml-1 text-slate-500">{kind.clone()}</span>{required.then(|| view! { <span class="ml-1 text-red-700">{w.t(T::ApiRequired)}</span> })}</dt>
                                <dd class="text-slate-700">{desc.clone()}</dd>
                            }).collect_view()}
                        </dl>
                    </Panel>
                }).collect_view()}
            </div>
        </div>
    }
}
