//! Small building blocks shared by the pages.

use leptos::prelude::*;

/// A page heading with an optional line under it.
#[component]
pub fn PageHeader(
    title: String,
    #[prop(optional, into)] subtitle: Option<String>,
) -> impl IntoView {
    view! {
        <div class="mb-4">
            <h1 class="text-xl font-semibold text-slate-900">{title}</h1>
            {subtitle.map(|s| view! { <p class="mt-0.5 text-sm text-slate-500">{s}</p> })}
        </div>
    }
}

/// A white panel with a border, the console's basic surface.
#[component]
pub fn Panel(children: Children, #[prop(optional, into)] class: String) -> impl IntoView {
    view! {
        <section class=format!("rounded-md border border-slate-200 bg-white shadow-sm {class}")>
            {children()}
        </section>
    }
}
