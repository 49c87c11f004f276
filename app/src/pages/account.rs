use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::account::{RevokeToken, get_account};
use crate::domain::Action;
use crate::domain::time::format_when;
use crate::dto::{AccountInfo, FreshToken, TokenFormRefusal};
use crate::error::AppError;
use crate::i18n::{T, Words, words};
use crate::ui::components::{PageHeader, Panel, ScrollRegion, error_banner};

/// `/account`: the signed-in user's role and permissions, and their API tokens: make one (shown
/// this once, on the page that answers the form), see when each was last used, revoke one.
/// Plain forms throughout, so the page works without JavaScript.
#[component]
pub fn Account() -> impl IntoView {
    let account = Resource::new(|| (), |_| get_account());
    let w = words();
    let fresh = use_context::<FreshToken>();
    let refused_form = use_context::<TokenFormRefusal>().map(|r| r.0);
    // A refused revoke comes back as `?__err=`; the URL can be crafted, so only this page's own
    // sentences are shown.
    let refused_revoke = use_query_map().with_untracked(|q| q.get("__err")).map(|e| {
        let key = match ServerFnUrlError::<AppError>::decode_err(&e) {
            AppError::NotFound { .. } => T::TokenGone,
            AppError::Unauthorized => T::ErrSignIn,
            _ => T::ServerWrongRetry,
        };
        w.t(key).to_string()
    });
    let loading = w.s(T::Loading);
    view! {
        <Title text=w.t(T::NavAccount) />
        <PageHeader title=w.t(T::NavAccount) subtitle=w.t(T::AccountSubtitle) />
        {fresh.map(|t| view! { <FreshTokenPanel t w /> })}
        {refused_form.or(refused_revoke).map(|e| view! {
            <div class="mb-3">
                <p role="alert" class="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">{e}</p>
            </div>
        })}
        <Suspense fallback=move || view! { <p class="text-sm text-slate-600">{loading.clone()}</p> }>
            {move || { let w = w; Suspend::new(async move {
                match account.await {
                    Ok(a) => view! { <AccountBody a w /> }.into_any(),
                    Err(e) => error_banner(w, &e).into_any(),
                }
            })}}
        </Suspense>
    }
}

/// The token just made: shown here once, never again.
#[component]
fn FreshTokenPanel(t: FreshToken, w: Words) -> impl IntoView {
    let example = format!(
        "curl -H 'Authorization: Bearer {}' \"$PUSHDECK_URL/api/v1/apps\"",
        t.secret
    );
    view! {
        <section role="status" aria-labelledby="fresh-token" class="mb-4 rounded-md border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-800">
            <h2 id="fresh-token" class="font-semibold">{w.f(T::TokenMade, &[("name", &t.name)])}</h2>
            <p class="mt-1">{w.t(T::TokenShownOnce)}</p>
            <p class="mt-2"><code data-testid="fresh-token" class="block overflow-x-auto rounded bg-white px-2 py-1.5 font-mono text-sm">{t.secret.clone()}</code></p>
            <p class="mt-2 text-xs">{w.t(T::TokenTryIt)}</p>
            <pre class="mt-1 overflow-x-auto rounded bg-slate-900 px-2 py-1.5 font-mono text-xs text-slate-100">{example}</pre>
        </section>
    }
}

#[component]
fn AccountBody(a: AccountInfo, w: Words) -> impl IntoView {
    let offset = a.utc_offset_minutes;
    let when = move |t: Option<i64>| {
        t.map(|t| format_when(t, offset, w.locale()))
            .unwrap_or_else(|| w.t(T::Never).to_string())
    };
    let input = "rounded border border-slate-300 bg-white px-2 py-1 text-sm";
    let actions = move |p: &[Action]| {
        if p.is_empty() {
            w.t(T::TokenReadOnly).to_string()
        } else {
            p.iter()
                .map(|a| w.action(*a))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let mine = a.user.permissions.clone();
    let empty = a.tokens.is_empty();
    view! {
        <div class="grid gap-4 xl:grid-cols-[minmax(0,1fr)_24rem]">
            <Panel class="overflow-x-auto">
                <h2 class="border-b border-slate-200 px-4 py-2.5 font-semibold">{w.t(T::ApiTokens)}</h2>
                <p class="px-4 py-2 text-sm text-slate-600">
                    {w.t(T::ApiTokensExplain)}" "
                    <a class="link" href="/api">{w.t(T::NavApi)}</a>
                </p>
                {if empty {
                    view! { <p class="px-4 py-2 text-sm text-slate-600">{w.t(T::NoTokensYet)}</p> }.into_any()
                } else {
                    view! {
                        <ScrollRegion label=w.t(T::ApiTokens)>
                        <table class="w-full text-left text-sm">
                            <thead class="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
                                <tr>
                                    <th scope="col" class="px-3 py-2 font-medium">{w.t(T::TokenName)}</th>
                                    <th scope="col" class="px-3 py-2 font-medium">{w.t(T::TokenActions)}</th>
                                    <th scope="col" class="px-3 py-2 font-medium">{w.t(T::TokenCreated)}</th>
                                    <th scope="col" class="px-3 py-2 font-medium">{w.t(T::TokenExpiresCol)}</th>
                                    <th scope="col" class="px-3 py-2 font-medium">{w.t(T::TokenLastUsedCol)}</th>
                                    <th scope="col" class="px-3 py-2 font-medium"><span class="sr-only">{w.t(T::Revoke)}</span></th>
                                </tr>
                            </thead>
                            <tbody class="divide-y divide-slate-100">
                                {a.tokens.into_iter().map(|t| {
                                    let state = if t.revoked_at.is_some() { T::TokenRevoked } else if t.live { T::TokenLive } else { T::TokenExpired };
                                    view! {
                                        <tr class=if t.live { "align-top" } else { "align-top text-slate-600" }>
                                            <td class="px-3 py-2">
                                                <span class="font-medium">{t.name.clone()}</span>
                                                <span class="block font-mono text-xs text-slate-600">{format!("{}…", t.prefix)}</span>
                                            </td>
                                            <td class="px-3 py-2">{actions(&t.permissions)}</td>
                                            <td class="whitespace-nowrap px-3 py-2 tabular-nums">{when(Some(t.created_at))}</td>
                                            <td class="whitespace-nowrap px-3 py-2 tabular-nums">{t.expires_at.map(|e| format_when(e, offset, w.locale())).unwrap_or_else(|| w.t(T::TokenNoExpiry).to_string())}</td>
                                            <td class="whitespace-nowrap px-3 py-2 tabular-nums">{when(t.last_used_at)}</td>
                                            <td class="px-3 py-2">
                                                {if t.live {
                                                    view! {
                                                        <form method="post" action=RevokeToken::PATH>
                                                            <input type="hidden" name="name" value=t.name.clone() />
                                                            <button type="submit" class="rounded border border-red-300 px-2 py-1 text-xs text-red-700 hover:bg-red-50"
                                                                aria-label=w.f(T::RevokeNamed, &[("name", &t.name)])>{w.t(T::Revoke)}</button>
                                                        </form>
                                                    }.into_any()
                                                } else {
                                                    view! { <span class="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{w.t(state)}</span> }.into_any()
                                                }}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        </ScrollRegion>
                    }.into_any()
                }}
            </Panel>
            <Panel class="p-4">
                <h2 class="font-semibold">{w.t(T::NewToken)}</h2>
                <form method="post" action="/account/tokens" class="mt-3 flex flex-col gap-3">
                    <label class="flex flex-col gap-1 text-sm font-medium">
                        {w.t(T::TokenName)}
                        <input name="name" required=true maxlength="64" pattern="[A-Za-z0-9._\\-]+" placeholder="deploy-bot" class=input />
                        <span class="text-xs font-normal text-slate-600">{w.t(T::TokenBadName)}</span>
                    </label>
                    <label class="flex flex-col gap-1 text-sm font-medium">
                        {w.t(T::TokenExpiresCol)}
                        <select name="days" class=input>
                            <option value="30">{w.f(T::InDays, &[("n", "30")])}</option>
                            <option value="90" selected=true>{w.f(T::InDays, &[("n", "90")])}</option>
                            <option value="365">{w.f(T::InDays, &[("n", "365")])}</option>
                            <option value="never">{w.t(T::TokenNoExpiry)}</option>
                        </select>
                    </label>
                    <fieldset class="flex flex-col gap-1 text-sm">
                        <legend class="font-medium">{w.t(T::TokenActions)}</legend>
                        {if mine.is_empty() {
                            view! { <p class="text-xs text-slate-600">{w.t(T::TokenViewerOnly)}</p> }.into_any()
                        } else {
                            mine.iter().map(|a| {
                                let name = match a {
                                    Action::Terminate => "perm_terminate",
                                    Action::Recall => "perm_recall",
                                    Action::Override => "perm_override",
                                    Action::Cancel => "perm_cancel",
                                };
                                view! {
                                    <label class="inline-flex items-center gap-2">
                                        <input type="checkbox" name=name value="on" checked=true class="accent-sky-600" />
                                        {w.action(*a)}
                                    </label>
                                }
                            }).collect_view().into_any()
                        }}
                        <span class="text-xs text-slate-600">{w.t(T::TokenActionsExplain)}</span>
                    </fieldset>
                    <div><button type="submit" class="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800">{w.t(T::MakeToken)}</button></div>
                </form>
            </Panel>
        </div>
    }
}
