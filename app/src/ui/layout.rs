use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use crate::api::auth::{Logout, current_session};
use crate::dto::{AppInfo, SessionInfo};
use crate::i18n::{Locale, T, Words, words};
use leptos::server_fn::ServerFn;

/// The page frame: the top bar with navigation, the app switcher and the signed-in user, then
/// the page. Rendered on the server; only the islands inside it ship to the browser.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let session = Resource::new(|| (), |_| current_session());
    let query = use_query_map();
    let w = words();
    view! {
        <HydrationMarker />
        <a
            href="#main"
            class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
        >
            {w.t(T::SkipToContent)}
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
                <LanguageSwitch w />
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let s: SessionInfo = session.await.unwrap_or_default();
                        let selected = query
                            .read_untracked()
                            .get("app")
                            .or_else(|| s.apps.first().map(|a| a.id.clone()))
                            .unwrap_or_default();
                        s.user.map(|user| {
                            let is_admin = user.role == crate::domain::Role::Admin;
                            view! {
                                <nav aria-label=w.t(T::NavMain) class="flex items-center gap-1 text-sm">
                                    <NavLink href="/tasks" label=w.t(T::NavTaskList) />
                                    <NavLink href="/audit" label=w.t(T::NavAudit) />
                                    {is_admin.then(|| view! { <NavLink href="/admin" label=w.t(T::NavAdmin) /> })}
                                    <NavLink href="/api" label=w.t(T::NavApi) />
                                </nav>
                                <div class="ml-auto flex flex-wrap items-center gap-3 text-sm">
                                    <AppSwitcherForm apps=s.apps.clone() selected w />
                                    <a href="/account" class="rounded px-1 text-slate-300 hover:bg-slate-800 hover:text-white" title=w.t(T::NavAccount)>
                                        <span class="sr-only">{w.t(T::SignedIn)}" "</span>
                                        {user.username.clone()}
                                        <span class="ml-1 rounded bg-slate-700 px-1.5 py-0.5 text-xs">{w.role(user.role)}</span>
                                    </a>
                                    <form method="post" action=Logout::PATH>
                                        <button type="submit" class="rounded px-2 py-1 text-slate-300 hover:bg-slate-800 hover:text-white">
                                            {w.t(T::SignOut)}
                                        </button>
                                    </form>
                                </div>
                            }
                        })
                    })}
                </Suspense>
            </div>
        </header>
        <main id="main" class="mx-auto max-w-[1440px] px-4 py-5">
            {children()}
        </main>
    }
}

/// Marks the document once the WebAssembly has loaded and hydrated the islands, for tests and for
/// styles that apply only to the interactive page.
#[island]
fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(el) = leptos::prelude::document().document_element() {
            let _ = el.set_attribute("data-hydrated", "true");
        }
    });
}

#[component]
fn NavLink(href: &'static str, label: &'static str) -> impl IntoView {
    let location = use_location();
    let current = location.pathname.get_untracked().starts_with(href);
    view! {
        <a
            href=href
            aria-current=current.then_some("page")
            class=if current {
                "rounded px-3 py-1.5 bg-slate-700 text-white"
            } else {
                "rounded px-3 py-1.5 text-slate-300 hover:bg-slate-800 hover:text-white"
            }
        >
            {label}
        </a>
    }
}

/// The app switcher: a plain GET form with a Go button, rendered on the server. Once the
/// WebAssembly has loaded, choosing an app navigates at once and the button hides (by CSS, on
/// the `data-hydrated` mark): only the change handler ships to the browser, not the form.
#[component]
fn AppSwitcherForm(apps: Vec<AppInfo>, selected: String, w: Words) -> impl IntoView {
    view! {
        <form method="get" action="/tasks" class="flex items-center gap-2">
            <label for="app-switcher" class="text-slate-400">
                {w.t(T::AppLabel)}
            </label>
            <GoOnChange>
                <select
                    id="app-switcher"
                    name="app"
                    class="max-w-48 rounded border border-slate-600 bg-slate-800 px-2 py-1 text-slate-100"
                >
                    {apps
                        .into_iter()
                        .map(|a| {
                            let is_sel = a.id == selected;
                            view! {
                                <option value=a.id.clone() selected=is_sel>
                                    {format!("{} · {}", a.name, w.platform(a.platform))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </GoOnChange>
            <button
                type="submit"
                class="rounded bg-slate-700 px-2 py-1 text-slate-100 hover:bg-slate-600 [[data-hydrated]_&]:hidden"
            >
                {w.t(T::Go)}
            </button>
        </form>
    }
}

/// The language switch: a plain form that posts the choice to `/lang` (remembered in a cookie
/// and, once signed in, with the user); the server sends the reader back to the page the form
/// was on (its `Referer`), so the page never repeats its own address into the form. Each
/// language is named in itself, so a reader finds their own whichever language the page is in.
#[component]
fn LanguageSwitch(w: Words) -> impl IntoView {
    let current = w.locale();
    view! {
        <form method="post" action="/lang" class="order-last flex items-center gap-1 text-xs sm:order-none">
            <span class="sr-only">{w.t(T::Language)}</span>
            {Locale::ALL
                .into_iter()
                .map(|l| {
                    let on = l == current;
                    view! {
                        <button
                            type="submit"
                            name="lang"
                            value=l.code()
                            lang=l.tag()
                            aria-pressed=if on { "true" } else { "false" }
                            class=if on {
                                "rounded bg-slate-700 px-2 py-1 text-white"
                            } else {
                                "rounded px-2 py-1 text-slate-300 underline underline-offset-2 hover:bg-slate-800 hover:text-white"
                            }
                        >
                            {l.name()}
                        </button>
                    }
                })
                .collect_view()}
        </form>
    }
}

/// Opens the Task List of the app chosen in the select inside it, as soon as it changes.
#[island]
fn GoOnChange(children: Children) -> impl IntoView {
    view! {
        <span
            class="contents"
            on:change=move |ev| {
                let id = event_target_value(&ev);
                crate::ui::browser::go_to(&format!("/tasks?app={}", crate::ui::query::encode(&id)));
            }
        >
            {children()}
        </span>
    }
}
