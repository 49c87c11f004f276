use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::Login;
use crate::error::AppError;
use crate::i18n::{T, words};
use crate::ui::query::safe_next;

/// `/login`: a plain form, so signing in works with or without the WebAssembly.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let (next, err) = query.with_untracked(|q| (q.get("next"), q.get("__err")));
    // The error comes back in the URL, which anyone can craft: show only this page's own
    // sentences, never text taken from the link.
    let w = words();
    let error = err.map(|e| {
        w.t(match ServerFnUrlError::<AppError>::decode_err(&e) {
            AppError::Throttled => T::SignInThrottled,
            AppError::Internal | AppError::Network { .. } => T::SignInFailedServer,
            _ => T::SignInWrong,
        })
        .to_string()
    });
    let next = safe_next(next.as_deref());
    let input = "rounded border border-slate-300 px-3 py-2";
    view! {
        <Title text=w.t(T::SignInTitle) />
        <div class="mx-auto mt-10 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
            <h1 class="text-xl font-semibold">{w.t(T::SignInHeading)}</h1>
            <p class="mt-1 text-sm text-slate-600">{w.t(T::SignInTagline)}</p>
            {error.map(|e| view! {
                <p role="alert" class="mt-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">{e}</p>
            })}
            <form method="post" action=Login::PATH class="mt-4 flex flex-col gap-3">
                <input type="hidden" name="next" value=next />
                <label class="flex flex-col gap-1 text-sm font-medium">
                    {w.t(T::Username)}
                    <input name="username" autocomplete="username" required=true autofocus=true class=input />
                </label>
                <label class="flex flex-col gap-1 text-sm font-medium">
                    {w.t(T::Password)}
                    <input name="password" type="password" autocomplete="current-password" required=true class=input />
                </label>
                <button type="submit" class="mt-2 rounded bg-sky-700 px-3 py-2 font-medium text-white hover:bg-sky-800">
                    {w.t(T::SignInButton)}
                </button>
            </form>
        </div>
    }
}
