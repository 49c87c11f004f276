//! Adding a user. With the WebAssembly, an empty password is generated and shown once here;
//! without it, the form posts normally and a password must be typed.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::admin::{AddUser, add_user};
use crate::dto::NewUser;
use crate::error::AppError;
use crate::i18n::{T, island_words};
use crate::ui::components::error_text;

#[island]
pub fn AddUserForm() -> impl IntoView {
    let w = island_words();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let result: RwSignal<Option<Result<NewUser, AppError>>> = RwSignal::new(None);
    let (username, role, password) = (
        RwSignal::new(String::new()),
        RwSignal::new("operator".to_string()),
        RwSignal::new(String::new()),
    );
    let perms: [RwSignal<bool>; 4] = std::array::from_fn(|_| RwSignal::new(true));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let on = |i: usize| perms[i].get_untracked().then(|| "on".to_string());
        let (u, r, p) = (
            username.get_untracked(),
            role.get_untracked(),
            password.get_untracked(),
        );
        let boxes = (on(0), on(1), on(2), on(3));
        leptos::task::spawn_local(async move {
            let res = add_user(u, r, Some(p), boxes.0, boxes.1, boxes.2, boxes.3).await;
            if res.is_ok() {
                username.set(String::new());
                password.set(String::new());
            }
            result.set(Some(res));
        });
    };
    let input = "rounded border border-slate-300 px-2 py-1 text-sm";
    let names = [
        "perm_terminate",
        "perm_recall",
        "perm_override",
        "perm_cancel",
    ];
    let labels = [T::Terminate, T::Recall, T::Override, T::CancelPush];
    let (pw_generate, pw_type) = (w.s(T::PasswordGenerate), w.s(T::PasswordAtLeast));
    view! {
        <form method="post" action=AddUser::PATH on:submit=on_submit class="mt-3 flex flex-col gap-3">
            <label class="flex flex-col gap-1 text-sm font-medium">
                {w.s(T::Username)}
                <input name="username" required=true class=input prop:value=move || username.get() on:input=move |ev| username.set(event_target_value(&ev)) />
            </label>
            <label class="flex flex-col gap-1 text-sm font-medium">
                {w.s(T::Role)}
                <select name="role" class=input on:change=move |ev| role.set(event_target_value(&ev))>
                    <option value="viewer">{w.s(T::RoleViewerMeans)}</option>
                    <option value="operator" selected=true>{w.s(T::RoleOperatorMeans)}</option>
                    <option value="admin">{w.s(T::RoleAdminMeans)}</option>
                </select>
            </label>
            <fieldset class="text-sm">
                <legend class="font-medium">{w.s(T::OperatorPermissions)}</legend>
                <div class="mt-1 flex flex-wrap gap-3">
                    {(0..4).map(|i| view! {
                        <label class="inline-flex items-center gap-1">
                            <input type="checkbox" name=names[i] value="on" checked=true class="accent-sky-600"
                                on:change=move |ev| perms[i].set(event_target_checked(&ev)) />
                            {w.t(labels[i]).to_string()}
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
            <label class="flex flex-col gap-1 text-sm font-medium">
                {move || if hydrated.get() { pw_generate.clone() } else { pw_type.clone() }}
                <input name="password" type="password" autocomplete="new-password" class=input required=move || !hydrated.get()
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800">{w.s(T::AddUserButton)}</button>
            <div role="status" aria-live="polite">
                {move || result.get().map(|r| match r {
                    Ok(n) => view! {
                        <p class="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
                            {w.f(T::AddedUser, &[("name", &n.username)])}
                            {n.generated_password.map(|p| view! {
                                {w.s(T::PasswordShownOnce)} <code class="font-mono font-semibold">{p}</code>
                            })}
                            {w.s(T::ReloadToSee)}
                        </p>
                    }.into_any(),
                    Err(e) => view! { <p role="alert" class="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">{error_text(w, &e)}</p> }.into_any(),
                })}
            </div>
        </form>
    }
}
