//! Small building blocks shared by the pages and islands.

use leptos::prelude::*;

use crate::domain::fmt::{percent, thousands};
use crate::domain::time::{format_offset, format_when};
use crate::domain::{Action, Status, Tone};
use crate::error::AppError;
use crate::i18n::{T, Words};

/// A page heading with an optional line under it.
#[component]
pub fn PageHeader(
    #[prop(into)] title: String,
    #[prop(optional, into)] subtitle: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="mb-4 flex flex-wrap items-end justify-between gap-3">
            <div>
                <h1 class="text-xl font-semibold text-slate-900">{title}</h1>
                {subtitle.map(|s| view! { <p class="mt-0.5 text-sm text-slate-600">{s}</p> })}
            </div>
            {children.map(|c| c())}
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

/// Badge classes per colour family.
pub fn tone_classes(tone: Tone) -> &'static str {
    match tone {
        Tone::Info => "bg-sky-50 text-sky-700 ring-sky-600/20",
        Tone::Active => "bg-blue-50 text-blue-700 ring-blue-700/20",
        Tone::Success => "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
        Tone::Danger => "bg-red-50 text-red-700 ring-red-600/20",
        Tone::Neutral => "bg-slate-100 text-slate-600 ring-slate-500/20",
        Tone::Warning => "bg-amber-50 text-amber-800 ring-amber-600/20",
    }
}

/// The status badge: the friendly name in its colour, or the action in flight.
pub fn status_badge(w: Words, status: Status, in_flight: Option<Action>) -> impl IntoView + use<> {
    let (label, classes) = match in_flight {
        Some(a) => (
            w.in_flight(a).to_string(),
            "bg-violet-50 text-violet-700 ring-violet-600/20",
        ),
        None => (w.status(status).to_string(), tone_classes(status.tone())),
    };
    let dot = in_flight.is_some() || status == Status::Pushing;
    view! {
        <span
            class=format!(
                "badge {classes}",
            )
            data-status=status.slug()
        >
            {dot.then(|| view! { <span aria-hidden="true" class="h-1.5 w-1.5 animate-pulse rounded-full bg-current"></span> })}
            {label}
        </span>
    }
}

/// A thin progress bar with its numbers: `arrived / planned`.
pub fn progress(w: Words, arrived: u64, planned: u64) -> impl IntoView + use<> {
    let pct = percent(arrived, planned);
    view! {
        <div class="min-w-24">
            <div
                class="h-1.5 w-full overflow-hidden rounded bg-slate-200"
                role="progressbar"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=pct.to_string()
                aria-label=w.f(T::PctArrived, &[("pct", &pct.to_string())])
            >
                <div class="h-full rounded bg-sky-500" style=format!("width: {pct}%")></div>
            </div>
            <div class="note mt-0.5 whitespace-nowrap tabular-nums">
                {format!("{} / {}", thousands(arrived), thousands(planned))}
            </div>
        </div>
    }
}

/// A time in the console's zone and the reader's conventions, with the zone in a tooltip.
pub fn time_text(w: Words, ts: i64, offset: i32) -> impl IntoView + use<> {
    view! {
        <time class="whitespace-nowrap tabular-nums" title=format_offset(offset)>
            {format_when(ts, offset, w.locale())}
        </time>
    }
}

/// A time for a dense table: the date above the clock.
pub fn time_stacked(w: Words, ts: i64, offset: i32) -> impl IntoView + use<> {
    let full = format_when(ts, offset, w.locale());
    let date = crate::domain::time::format_day(ts, offset, w.locale());
    let clock = crate::domain::time::format_hm(ts, offset);
    view! {
        <time class="block whitespace-nowrap text-xs tabular-nums leading-tight" title=format!("{full} {}", format_offset(offset))>
            {date}
            <span class="block text-slate-600">{clock}</span>
        </time>
    }
}

/// A label and its value in a description list.
#[component]
pub fn Field(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="min-w-0">
            <dt class="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</dt>
            <dd class="mt-0.5 break-words text-sm text-slate-900">{children()}</dd>
        </div>
    }
}

/// What an error says to the reader: the server's sentence (written in the reader's language),
/// or this console's own for the errors the browser itself meets.
pub fn error_text(w: Words, err: &AppError) -> String {
    let key = match err {
        AppError::Unauthorized => T::ErrSignIn,
        AppError::Throttled => T::SignInThrottled,
        AppError::Internal => T::ErrInternal,
        AppError::Network { .. } => T::ErrNetwork,
        // Refused before the server's own code ran (a form leptos could not read).
        AppError::Validation { field, .. } if field.is_empty() => T::ErrMalformed,
        AppError::NotFound { what } => return w.f(T::ErrNotFound, &[("what", what)]),
        // The server's sentence, in the reader's language already.
        other => return other.to_string(),
    };
    w.t(key).to_string()
}

/// An error banner for a failed request.
pub fn error_banner(w: Words, err: &AppError) -> impl IntoView + use<> {
    view! {
        <div role="alert" class="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {error_text(w, err)}
        </div>
    }
}

/// The classes of a [`ScrollRegion`].
pub const SCROLL_REGION: &str = "overflow-x-auto focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-700";

/// A table that may scroll sideways on a narrow screen: a named region that takes focus, so it
/// can be scrolled by keyboard too (WCAG 2.1.1) even when nothing inside it is focusable.
#[component]
pub fn ScrollRegion(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div
            role="region"
            aria-label=label
            tabindex="0"
            class=SCROLL_REGION
        >
            {children()}
        </div>
    }
}
