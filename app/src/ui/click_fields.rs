//! The override dialog's "When tapped" fields: where the corrected notification takes the user
//! (open the app, a web page, an intent). Rendered on the server only and handed to the push
//! details island as its children, so they add nothing to the browser's download: the island
//! follows them through one `input` listener on its form and checks the web address before
//! the form is sent; the server checks again (`domain::ClickAction::from_form`), and a click
//! action equal to the original's is not a correction (`actions::override_push`).

use leptos::prelude::*;

use crate::i18n::{T, Words};

const INPUT: &str = "rounded border border-slate-300 px-2 py-1 font-mono text-sm";

/// The fields, filled with the original's click action: `kind` is `app`, `url`, `intent`, or
/// empty when TPNS's record does not say (then "As the original" is offered and chosen).
#[component]
pub fn ClickFields(kind: String, target: String, w: Words) -> impl IntoView {
    let known = !kind.is_empty();
    let kinds = [
        ("", w.s(T::ClickAsOriginal)),
        ("app", w.s(T::ClickOpenApp)),
        ("url", w.s(T::ClickOpenUrl)),
        ("intent", w.s(T::ClickOpenIntent)),
    ];
    let radios = kinds
        .into_iter()
        .filter(|(k, _)| !k.is_empty() || !known)
        .map(|(value, label)| {
            view! {
                <label class="flex items-center gap-2">
                    <input type="radio" name="click" value=value class="accent-sky-600" checked=kind == value />
                    {label}
                </label>
            }
        })
        .collect_view();
    let url = if kind == "url" {
        target.clone()
    } else {
        String::new()
    };
    let intent = if kind == "intent" {
        target
    } else {
        String::new()
    };
    view! {
        <fieldset class="flex flex-col gap-2 rounded-md border border-slate-200 p-3 text-sm">
            <legend class="px-1 font-semibold">{w.t(T::WhenTapped)}</legend>
            <div class="flex flex-wrap gap-x-4 gap-y-1">{radios}</div>
            <label class="flex flex-col gap-1">
                {w.t(T::WebAddressField)}
                <input name="url" type="text" inputmode="url" maxlength="2048" autocomplete="off"
                    spellcheck="false" placeholder="https://" class=INPUT value=url />
            </label>
            <label class="flex flex-col gap-1">
                {w.t(T::IntentField)}
                <input name="intent" type="text" maxlength="2048" autocomplete="off"
                    spellcheck="false" class=INPUT value=intent />
            </label>
            <p class="text-xs text-slate-600">
                {w.t(T::HuaweiIntentNote)}
            </p>
        </fieldset>
    }
}
