//! The confirmation dialogs of the four actions. Each is a native `<dialog>` holding a plain
//! POST form to the action's server function: before the WebAssembly loads (or without it) the
//! page renders the dialog open from `?confirm=<action>` and the form posts normally; once
//! hydrated, the dialog opens in place and the form is sent with `fetch`, keeping what the
//! operator typed if the server refuses it.

use leptos::prelude::*;

use crate::api::actions::{PerformAction, perform_action};
use crate::domain::fmt::thousands;
use crate::domain::{Action, Audience, Counters, OverrideChoice, Platform};
use crate::dto::{ActionOutcome, CannotReplace};
use crate::error::AppError;
use crate::i18n::refusal::impact;
use crate::i18n::{T, Words};
use crate::ui::components::error_text;
use leptos::server_fn::ServerFn;

/// What a dialog needs to know about its task.
#[derive(Clone, Debug, PartialEq)]
pub struct DialogTask {
    pub app: String,
    pub push_id: String,
    pub title: String,
    pub content: String,
    pub audience: Audience,
    pub platform: Platform,
    pub totals: Counters,
    pub collapse_id: Option<i64>,
    pub cannot_replace: CannotReplace,
    /// Devices where it is shown and not clicked on channels a recall reaches.
    pub recall_reach: u64,
    /// The original's click action (Android): `app`, `url` or `intent` (empty where TPNS's
    /// record does not say), and its web address or intent.
    pub click: (String, String),
}

/// How a dialog is opened: in place (hydrated), or rendered open by the server.
#[derive(Clone, Debug)]
pub struct DialogState {
    pub open: RwSignal<Option<Action>>,
    /// The server rendered this dialog open (`?confirm=`), with this request key.
    pub ssr: Option<(Action, String)>,
    /// The sentence of an error the server answered a plain form post with (`?__err=`).
    pub ssr_error: Option<String>,
    /// Where "Back" goes without JavaScript.
    pub back_href: String,
}

const BTN: &str = "rounded px-3 py-1.5 text-sm font-medium";

/// The dialog for `action` on `task`; `on_done` receives the outcome.
#[component]
pub fn ActionDialog(
    task: DialogTask,
    action: Action,
    state: DialogState,
    #[prop(into)] on_done: Callback<ActionOutcome>,
    /// Server-rendered fields placed in the dialog (the override's click action).
    extra: Option<Children>,
    w: Words,
) -> impl IntoView {
    let ssr_open = state.ssr.as_ref().is_some_and(|(a, _)| *a == action);
    let ssr_key = state
        .ssr
        .as_ref()
        .map(|(_, k)| k.clone())
        .unwrap_or_default();
    let key = RwSignal::new(ssr_key);
    let error = RwSignal::new(if ssr_open {
        state.ssr_error.clone()
    } else {
        None
    });
    let pending = RwSignal::new(false);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let typed = RwSignal::new(String::new());
    let title = RwSignal::new(task.title.clone());
    let content = RwSignal::new(task.content.clone());
    let choice: RwSignal<Option<OverrideChoice>> = RwSignal::new(None);
    let click = Click::new(&task.click);
    let dialog_ref = NodeRef::<leptos::html::Dialog>::new();
    let open = state.open;

    // Opening in place: a fresh request key per opening, then the modal.
    Effect::new(move |_| {
        let is_open = open.get() == Some(action);
        #[cfg(feature = "hydrate")]
        if let Some(d) = dialog_ref.get() {
            if is_open && !d.open() {
                key.set(super::live::new_request_key());
                error.set(None);
                let _ = d.show_modal();
            } else if !is_open && d.open() {
                d.close();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (is_open, dialog_ref);
    });

    let needs_typed = task.audience == Audience::All;
    let needs_choice = action == Action::Override && task.platform == Platform::Android;
    let push_id = task.push_id.clone();
    let typed_ok = {
        let push_id = push_id.clone();
        move || !needs_typed || typed.get().trim() == push_id
    };
    let can_submit = {
        let typed_ok = typed_ok.clone();
        move || {
            !pending.get()
                && typed_ok()
                && (!needs_choice || choice.get().is_some())
                && (action != Action::Override
                    || (!title.get().trim().is_empty()
                        && !content.get().trim().is_empty()
                        && click.problem().is_none()))
        }
    };

    let t = task.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let t = t.clone();
        let w = w;
        let is_override = action == Action::Override;
        let typed_value = typed.get_untracked();
        let (title_v, content_v, choice_v) = (
            title.get_untracked(),
            content.get_untracked(),
            choice.get_untracked(),
        );
        let key_v = key.get_untracked();
        let (kind_v, url_v, intent_v) = if is_override && needs_choice {
            (
                Some(click.kind.get_untracked()).filter(|k| !k.is_empty()),
                Some(click.url.get_untracked()),
                Some(click.intent.get_untracked()),
            )
        } else {
            (None, None, None)
        };
        leptos::task::spawn_local(async move {
            let result = perform_action(
                t.app.clone(),
                t.push_id.clone(),
                action.slug().to_string(),
                key_v,
                Some(typed_value),
                is_override.then_some(title_v),
                is_override.then_some(content_v),
                choice_v.map(|c| c.slug().to_string()),
                kind_v,
                url_v,
                intent_v,
            )
            .await;
            pending.set(false);
            match result {
                Ok(outcome) => {
                    open.set(None);
                    on_done.run(outcome);
                }
                Err(e) => {
                    // The server answered: that attempt is settled, so "try again" is a new
                    // request. An answer that never arrived keeps its key, so a retry cannot
                    // act twice.
                    if !matches!(e, AppError::Network { .. }) {
                        key.set(super::live::new_request_key());
                    }
                    error.set(Some(error_text(w, &e)));
                }
            }
        });
    };

    // The server-rendered click-action fields are followed here, by name.
    let on_input = move |ev: leptos::ev::Event| {
        let el = event_target::<leptos::web_sys::HtmlInputElement>(&ev);
        let field = match el.name().as_str() {
            "click" => click.kind,
            "url" => click.url,
            "intent" => click.intent,
            _ => return,
        };
        field.set(el.value());
    };
    let heading_id = format!("dialog-{}-{}", action.slug(), task.push_id);
    let heading_id2 = heading_id.clone();
    let override_view = (action == Action::Override)
        .then(|| override_fields(w, &task, title, content, choice, click, extra));
    let verb = w
        .t(match action {
            Action::Terminate => T::DialogTerminate,
            Action::Recall => T::DialogRecall,
            Action::Override => T::DialogOverride,
            Action::Cancel => T::DialogCancel,
        })
        .to_string();
    let sentence = impact(w, action, task.totals.not_yet_arrived(), task.recall_reach);
    let back_href = state.back_href.clone();
    let danger = matches!(action, Action::Terminate | Action::Recall | Action::Cancel);
    let confirm_label = match action {
        Action::Override => w.t(T::SendOverride),
        other => w.action(other),
    }
    .to_string();
    let sending = w.s(T::Sending);

    view! {
        <dialog
            node_ref=dialog_ref
            open=ssr_open
            aria-labelledby=heading_id.clone()
            class="fixed inset-0 z-40 m-auto max-h-[92vh] w-[min(44rem,calc(100vw-1.5rem))] overflow-y-auto rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40"
            on:close=move |_| {
                if open.get_untracked() == Some(action) {
                    open.set(None);
                }
            }
        >
            <form method="post" action=PerformAction::PATH on:submit=on_submit on:input=on_input class="flex flex-col gap-4 p-5">
                <input type="hidden" name="app" value=task.app.clone() />
                <input type="hidden" name="push_id" value=task.push_id.clone() />
                <input type="hidden" name="action" value=action.slug() />
                <input type="hidden" name="idempotency_key" value=move || key.get() />
                <div>
                    <h2 id=heading_id2 class="text-lg font-semibold">{verb}</h2>
                    <p class="mt-0.5 text-sm text-slate-600">
                        <span class="font-mono">{task.push_id.clone()}</span>" · "{task.title.clone()}
                    </p>
                </div>
                <p class="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">{sentence}</p>
                {override_view}
                {needs_typed.then(|| {
                    let push_id = push_id.clone();
                    view! {
                        <label class="flex flex-col gap-1 text-sm">
                            <span>
                                {w.s(T::TypeToConfirmBefore)}
                                <span class="font-mono font-semibold">{push_id.clone()}</span>{w.s(T::TypeToConfirmAfter)}
                            </span>
                            <input
                                name="typed_confirmation"
                                autocomplete="off"
                                required=true
                                class="rounded border border-slate-300 px-2 py-1 font-mono"
                                aria-label=w.s(T::PushIdToConfirm)
                                prop:value=move || typed.get()
                                on:input=move |ev| typed.set(event_target_value(&ev))
                            />
                        </label>
                    }
                })}
                <div role="alert" aria-live="assertive">
                    {move || error.get().map(|e| view! {
                        <p class="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">{e}</p>
                    })}
                </div>
                <div class="flex flex-wrap justify-end gap-2">
                    <a
                        href=back_href
                        class=format!("{BTN} border border-slate-300 text-slate-700 hover:bg-slate-50")
                        on:click=move |ev| {
                            ev.prevent_default();
                            open.set(None);
                        }
                    >
                        {w.s(T::Back)}
                    </a>
                    <button
                        type="submit"
                        class=format!(
                            "{BTN} text-white disabled:cursor-not-allowed disabled:opacity-50 {}",
                            if danger { "bg-red-600 hover:bg-red-700" } else { "bg-sky-700 hover:bg-sky-800" },
                        )
                        // Checked in the browser once hydrated; before (or without) that, the
                        // form's `required` fields and the server check it.
                        disabled=move || hydrated.get() && !can_submit()
                    >
                        {move || if pending.get() { sending.clone() } else { confirm_label.clone() }}
                    </button>
                </div>
            </form>
        </dialog>
    }
}

/// The click action the override dialog edits: what kind, and the web address or intent typed.
#[derive(Clone, Copy)]
struct Click {
    /// `app`, `url`, `intent`, or empty: as the original (when TPNS's record does not say).
    kind: RwSignal<String>,
    url: RwSignal<String>,
    intent: RwSignal<String>,
}

impl Click {
    fn new((kind, target): &(String, String)) -> Click {
        let target_of = |k: &str| {
            if kind == k {
                target.clone()
            } else {
                String::new()
            }
        };
        Click {
            kind: RwSignal::new(kind.clone()),
            url: RwSignal::new(target_of("url")),
            intent: RwSignal::new(target_of("intent")),
        }
    }

    /// What is wrong with the fields: a quick check in the browser; the server checks fully
    /// (`ClickAction::from_form`) and names the field.
    fn problem(self) -> Option<T> {
        let bad = |t: &str, url: bool| {
            let t = t.trim();
            t.is_empty()
                || t.chars().any(|c| c.is_ascii_control() || (url && c == ' '))
                || (url && !(t.starts_with("https://") || t.starts_with("http://")))
        };
        match self.kind.get().as_str() {
            "url" if bad(&self.url.get(), true) => Some(T::ClickUrlBad),
            "intent" if bad(&self.intent.get(), false) => Some(T::ClickIntentBad),
            _ => None,
        }
    }

    /// The preview's line: where a tap takes the user.
    fn describe(self, w: Words) -> String {
        if let Some(problem) = self.problem() {
            return w.t(problem).to_string();
        }
        describe(
            w,
            &self.kind.get(),
            match self.kind.get().as_str() {
                "url" => self.url.get(),
                _ => self.intent.get(),
            }
            .trim(),
        )
    }
}

/// Where a tap takes the user, for the preview.
fn describe(w: Words, kind: &str, target: &str) -> String {
    let key = match kind {
        "app" => T::TapOpensApp,
        "url" => T::TapOpensUrl,
        "intent" => T::TapOpensIntent,
        _ => T::TapOpensDefault,
    };
    w.f(key, &[("target", target)])
}

/// The override's fields: the new title, content and (Android) click action with a preview
/// beside the original, the collapse ID, and — for Android — the required choice for devices
/// that cannot replace.
fn override_fields(
    w: Words,
    task: &DialogTask,
    title: RwSignal<String>,
    content: RwSignal<String>,
    choice: RwSignal<Option<OverrideChoice>>,
    click: Click,
    extra: Option<Children>,
) -> impl IntoView + use<> {
    let input = "rounded border border-slate-300 px-2 py-1 text-sm";
    let cr = task.cannot_replace.clone();
    let android = task.platform == Platform::Android;
    let collapse = task
        .collapse_id
        .map(|c| c.to_string())
        .unwrap_or_else(|| w.s(T::CollapseReadOnSend));
    let (old_title, old_content) = (task.title.clone(), task.content.clone());
    let original_known = !task.click.0.is_empty();
    let old_click = match (android, original_known) {
        (false, _) => String::new(),
        (true, true) => describe(w, &task.click.0, &task.click.1),
        (true, false) => w.s(T::ClickNotReported),
    };
    let parts = cr.parts.clone();
    view! {
        <div class="grid gap-3 sm:grid-cols-2">
            <label class="flex flex-col gap-1 text-sm font-medium">
                {w.s(T::NewTitle)}
                <input name="title" required=true maxlength="200" class=input value=task.title.clone()
                    prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) />
            </label>
            <div class="text-sm">
                <span class="font-medium">{w.s(T::CollapseId)}</span>
                <p class="mt-1 font-mono text-slate-700">{collapse}</p>
            </div>
            <label class="flex flex-col gap-1 text-sm font-medium sm:col-span-2">
                {w.s(T::NewContent)}
                <textarea name="content" required=true maxlength="2000" rows="3" class=input
                    prop:value=move || content.get() on:input=move |ev| content.set(event_target_value(&ev))>
                    {crate::ui::html::textarea_text(&content.get_untracked())}
                </textarea>
            </label>
        </div>
        {extra.map(|fields| fields())}
        <div class="grid gap-3 sm:grid-cols-2" aria-label=w.s(T::Preview)>
            <figure>
                <figcaption class="mb-1 text-xs font-medium uppercase tracking-wide text-slate-600">{w.s(T::ShownNow)}</figcaption>
                <div class="rounded-lg border border-slate-200 bg-slate-50 p-3 shadow-sm">
                    <p class="text-sm font-semibold line-through decoration-red-400">{old_title}</p>
                    <p class="text-sm text-slate-600 line-through decoration-red-400">{old_content}</p>
                    <p class="mt-1 break-words text-xs text-slate-600">{old_click}</p>
                </div>
            </figure>
            <figure>
                <figcaption class="mb-1 text-xs font-medium uppercase tracking-wide text-slate-600">{w.s(T::AfterOverride)}</figcaption>
                <div class="rounded-lg border border-sky-200 bg-sky-50 p-3 shadow-sm">
                    <p class="text-sm font-semibold">{move || title.get()}</p>
                    <p class="text-sm text-slate-700">{move || content.get()}</p>
                    <p class="mt-1 break-words text-xs text-sky-800" data-testid="preview-click">
                        {move || if android { click.describe(w) } else { String::new() }}
                    </p>
                </div>
            </figure>
        </div>
        {android.then(|| view! {
            <fieldset class="rounded-md border border-slate-200 p-3">
                <legend class="px-1 text-sm font-semibold">{w.s(T::CannotReplaceLegend)}</legend>
                <p class="text-sm text-slate-700">
                    {if cr.total == 0 {
                        w.s(T::CannotReplaceNone)
                    } else {
                        w.f(T::CannotReplaceSome, &[
                            ("n", &thousands(cr.total)),
                            ("parts", &parts),
                            ("shown", &thousands(cr.already_shown)),
                        ])
                    }}
                </p>
                <div class="mt-2 flex flex-col gap-2 text-sm">
                    <label class="flex items-start gap-2">
                        <input type="radio" name="choice" value="continue" required=true class="mt-1 accent-sky-600"
                            on:change=move |_| choice.set(Some(OverrideChoice::ContinueDelivery)) />
                        <span><span class="font-medium">{w.s(T::ContinueDelivery)}</span>{w.s(T::ContinueDeliveryMeans)}</span>
                    </label>
                    <label class="flex items-start gap-2">
                        <input type="radio" name="choice" value="abort" class="mt-1 accent-sky-600"
                            on:change=move |_| choice.set(Some(OverrideChoice::AbortForThese)) />
                        <span><span class="font-medium">{w.s(T::AbortForThese)}</span>{w.s(T::AbortForTheseMeans)}</span>
                    </label>
                </div>
            </fieldset>
        })}
    }
}
