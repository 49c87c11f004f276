use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::admin::{DisableUser, EnableUser, ResetPassword, UpdateUser, get_admin};
use crate::domain::{Action, Role};
use crate::dto::{AdminOverview, UserInfo};
use crate::error::AppError;
use crate::i18n::{IslandWords, T, Words, known_sentence, words};
use crate::islands::add_user::AddUserForm;
use crate::ui::components::{PageHeader, Panel, ScrollRegion, error_banner};

/// `/admin`: users (role, permissions, disable and enable, a new password) and the configured
/// apps — never a SecretKey. Every change is a plain form, so the page works without JavaScript.
#[component]
pub fn Admin() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_admin());
    let w = words();
    // Without JavaScript a refused change comes back as `?__err=`.
    // The URL can be crafted: only this page's own sentences are shown.
    let refused = use_query_map().with_untracked(|q| q.get("__err")).map(|e| {
        let key = match ServerFnUrlError::<AppError>::decode_err(&e) {
            AppError::Validation { message, .. } => {
                known_sentence(&message).unwrap_or(T::CheckTheForm)
            }
            AppError::NotFound { .. } => T::UserGone,
            AppError::Forbidden { .. } | AppError::Unauthorized => T::OnlyAdmins,
            _ => T::ServerWrongRetry,
        };
        w.t(key).to_string()
    });
    let loading = w.s(T::Loading);
    view! {
        <Title text=w.t(T::NavAdmin) />
        <PageHeader title=w.t(T::NavAdmin) subtitle=w.t(T::AdminSubtitle) />
        {refused.map(|e| view! {
            <div class="mb-3">
                <p role="alert" class="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
                    {w.t(T::ChangeNotSaved)}{e}
                </p>
            </div>
        })}
        <Suspense fallback=move || view! { <p class="text-sm text-slate-600">{loading.clone()}</p> }>
            {move || { let w = w; Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <AdminBody o w /> }.into_any(),
                    Err(e) => error_banner(w, &e).into_any(),
                }
            })}}
        </Suspense>
    }
}

#[component]
fn AdminBody(o: AdminOverview, w: Words) -> impl IntoView {
    view! {
        <div class="grid gap-4 xl:grid-cols-[minmax(0,1fr)_24rem]">
            <Panel class="overflow-x-auto">
                <h2 class="border-b border-slate-200 px-4 py-2.5 font-semibold">{w.t(T::Users)}</h2>
                <table class="w-full text-left text-sm">
                    <thead class="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
                        <tr>
                            <th scope="col" class="px-3 py-2 font-medium">{w.t(T::User)}</th>
                            <th scope="col" class="px-3 py-2 font-medium">{w.t(T::RoleAndPermissions)}</th>
                            <th scope="col" class="px-3 py-2 font-medium">{w.t(T::NewPassword)}</th>
                            <th scope="col" class="px-3 py-2 font-medium"><span class="sr-only">{w.t(T::DisableOrEnable)}</span></th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-slate-100">
                        {o.users.into_iter().map(|u| view! { <UserRow u w=w /> }).collect_view()}
                    </tbody>
                </table>
            </Panel>
            <Panel class="p-4">
                <h2 class="font-semibold">{w.t(T::AddAUser)}</h2>
                <IslandWords />
                <AddUserForm />
            </Panel>
        </div>
        <Panel class="mt-4">
            <h2 class="border-b border-slate-200 px-4 py-2.5 font-semibold">{w.t(T::Apps)}</h2>
            <ScrollRegion label=w.t(T::Apps)>
            <table class="w-full text-left text-sm">
                <thead class="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
                    <tr>
                        <th scope="col" class="px-3 py-2 font-medium">{w.t(T::AppLabel)}</th>
                        <th scope="col" class="px-3 py-2 font-medium">{w.t(T::Platform)}</th>
                        <th scope="col" class="px-3 py-2 font-medium">{w.t(T::AccessPoint)}</th>
                        <th scope="col" class="px-3 py-2 font-medium">{w.t(T::Authentication)}</th>
                        <th scope="col" class="px-3 py-2 font-medium">{w.t(T::Recall)}</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {o.apps.into_iter().map(|a| view! {
                        <tr>
                            <td class="px-3 py-2">{a.name.clone()}<span class="block font-mono text-xs text-slate-600">{a.id.clone()}</span></td>
                            <td class="px-3 py-2">{w.platform(a.platform)}</td>
                            <td class="px-3 py-2">{a.access_point.clone()}</td>
                            <td class="px-3 py-2">{a.auth_scheme.clone()}</td>
                            <td class="px-3 py-2">{w.t(if a.recall_available { T::Available } else { T::RecallOffline }).to_string()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </ScrollRegion>
            <p class="px-4 py-2 text-xs text-slate-600">{w.t(T::SecretKeysNote)}</p>
        </Panel>
    }
}

#[component]
fn UserRow(u: UserInfo, w: Words) -> impl IntoView {
    let input = "rounded border border-slate-300 bg-white px-2 py-1 text-sm";
    let has = |a: Action| u.permissions.contains(&a);
    let perms = [
        ("perm_terminate", Action::Terminate),
        ("perm_recall", Action::Recall),
        ("perm_override", Action::Override),
        ("perm_cancel", Action::Cancel),
    ];
    let disabled = u.disabled;
    view! {
        <tr class=if disabled { "align-top opacity-60" } else { "align-top" }>
            <td class="px-3 py-2 font-medium">
                {u.username.clone()}
                {disabled.then(|| view! { <span class="ml-1 rounded bg-slate-200 px-1 text-xs">{w.t(T::Disabled)}</span> })}
            </td>
            <td class="px-3 py-2">
                <form method="post" action=UpdateUser::PATH class="flex flex-wrap items-center gap-2">
                    <input type="hidden" name="username" value=u.username.clone() />
                    <label class="sr-only" for=format!("role-{}", u.username)>{w.t(T::Role)}</label>
                    <select id=format!("role-{}", u.username) name="role" class=input>
                        {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str() selected=u.role == r>{w.role(r)}</option> }).collect_view()}
                    </select>
                    {perms.into_iter().map(|(name, a)| view! {
                        <label class="inline-flex items-center gap-1 text-xs">
                            <input type="checkbox" name=name value="on" checked=has(a) class="accent-sky-600" />
                            {w.action(a)}
                        </label>
                    }).collect_view()}
                    <button type="submit" class="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-50">{w.t(T::Save)}</button>
                </form>
            </td>
            <td class="px-3 py-2">
                <form method="post" action=ResetPassword::PATH class="flex items-center gap-2">
                    <input type="hidden" name="username" value=u.username.clone() />
                    <label class="sr-only" for=format!("password-{}", u.username)>{w.f(T::NewPasswordFor, &[("name", &u.username)])}</label>
                    <input id=format!("password-{}", u.username) name="password" type="password" autocomplete="new-password"
                        required=true minlength="12" class=format!("{input} w-36") />
                    <button type="submit" class="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-50">{w.t(T::Set)}</button>
                </form>
            </td>
            <td class="px-3 py-2">
                {if disabled {
                    view! {
                        <form method="post" action=EnableUser::PATH>
                            <input type="hidden" name="username" value=u.username.clone() />
                            <button type="submit" class="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-50">{w.t(T::Enable)}</button>
                        </form>
                    }.into_any()
                } else {
                    view! {
                        <form method="post" action=DisableUser::PATH>
                            <input type="hidden" name="username" value=u.username.clone() />
                            <button type="submit" class="rounded border border-red-300 px-2 py-1 text-xs text-red-700 hover:bg-red-50">{w.t(T::Disable)}</button>
                        </form>
                    }.into_any()
                }}
            </td>
        </tr>
    }
}
