use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_query_map};

use crate::api::apps::list_apps;
use crate::dto::AppInfo;

/// The page frame: the top bar with navigation and the app switcher, then the page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    // Marks the document once the WebAssembly has taken over, for tests and for styles that
    // should only apply to the interactive page.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(el) = leptos::prelude::document().document_element() {
            let _ = el.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <a
            href="#main"
            class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
        >
            "Skip to content"
        </a>
        <header class="bg-slate-900 text-slate-100 shadow">
            <div class="mx-auto flex max-w-[1440px] flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2">
                <a href="/tasks" class="flex items-center gap-2 font-semibold tracking-tight">
                    <span
                        aria-hidden="true"
                        class="grid h-7 w-7 place-items-center rounded bg-sky-500 text-sm font-bold text-white"
                    >
                        "P"
                    </span>
                    <span>"Pushdeck"</span>
                </a>
                <nav aria-label="Main" class="flex items-center gap-1 text-sm">
                    <NavLink href="/tasks" label="Task List" />
                    <NavLink href="/audit" label="Audit log" />
                    <NavLink href="/admin" label="Admin" />
                </nav>
                <div class="ml-auto flex items-center gap-3 text-sm">
                    <AppSwitcher />
                </div>
            </div>
        </header>
        <main id="main" class="mx-auto max-w-[1440px] px-4 py-5">
            {children()}
        </main>
    }
}

#[component]
fn NavLink(href: &'static str, label: &'static str) -> impl IntoView {
    let location = use_location();
    let current = move || location.pathname.get().starts_with(href);
    view! {
        <A
            href=href
            attr:class=move || {
                if current() {
                    "rounded px-3 py-1.5 bg-slate-700 text-white"
                } else {
                    "rounded px-3 py-1.5 text-slate-300 hover:bg-slate-800 hover:text-white"
                }
            }
        >
            {label}
        </A>
    }
}

/// Chooses the TPNS app the console shows. Before the WebAssembly loads it is a plain GET form
/// with a Go button; once hydrated, choosing an app navigates at once.
#[component]
fn AppSwitcher() -> impl IntoView {
    let apps = Resource::new(|| (), |_| list_apps());
    let query = use_query_map();
    let navigate = leptos_router::hooks::use_navigate();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    view! {
        <Suspense fallback=|| ()>
            {move || {
                let navigate = navigate.clone();
                Suspend::new(async move {
                let apps: Vec<AppInfo> = apps.await.unwrap_or_default();
                let selected = query
                    .read()
                    .get("app")
                    .or_else(|| apps.first().map(|a| a.id.clone()))
                    .unwrap_or_default();
                view! {
                    <form method="get" action="/tasks" class="flex items-center gap-2">
                        <label for="app-switcher" class="text-slate-400">
                            "App"
                        </label>
                        <select
                            id="app-switcher"
                            name="app"
                            class="rounded border border-slate-600 bg-slate-800 px-2 py-1 text-slate-100"
                            on:change=move |ev| {
                                let id = event_target_value(&ev);
                                navigate(&format!("/tasks?app={id}"), Default::default());
                            }
                        >
                            {apps
                                .into_iter()
                                .map(|a| {
                                    let is_sel = a.id == selected;
                                    view! {
                                        <option value=a.id.clone() selected=is_sel>
                                            {format!("{} · {}", a.name, a.platform.label())}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                        <button
                            type="submit"
                            class="rounded bg-slate-700 px-2 py-1 text-slate-100 hover:bg-slate-600"
                            class:hidden=move || hydrated.get()
                        >
                            "Go"
                        </button>
                    </form>
                }
            })
            }}
        </Suspense>
    }
}
