use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::{T, words};

/// The page for any path the console does not know; answers 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    let w = words();
    view! {
        <Title text=w.t(T::NotFoundTitle) />
        <div class="mx-auto max-w-lg py-16 text-center">
            <p class="text-sm font-semibold text-sky-700">"404"</p>
            <h1 class="mt-2 text-2xl font-semibold">{w.t(T::NotFoundTitle)}</h1>
            <p class="mt-2 text-slate-600">
                {w.t(T::NotFoundBody)}
            </p>
            <a
                href="/tasks"
                class="mt-6 inline-block rounded bg-sky-700 px-4 py-2 text-sm font-medium text-white hover:bg-sky-800"
            >
                {w.t(T::GoToTaskList)}
            </a>
        </div>
    }
}
