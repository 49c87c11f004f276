//! Live task events from the server (server-sent events from the change feed), and the browser's
//! clock.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::dto::TaskEvent;

/// The latest event per push ID, newer than what the page was rendered with.
#[derive(Clone, Copy)]
pub struct Live(pub RwSignal<HashMap<String, TaskEvent>>);

impl Live {
    /// The event for a task, if one arrived with a version newer than `version`.
    pub fn newer(&self, push_id: &str, version: i64) -> Option<TaskEvent> {
        self.0
            .with(|m| m.get(push_id).filter(|e| e.version > version).cloned())
    }

    /// Applies an event the page produced itself (an action's outcome) before the feed sends it.
    pub fn put(&self, ev: TaskEvent) {
        self.0.update(|m| {
            let keep = m
                .get(&ev.push_id)
                .is_some_and(|old| old.version > ev.version);
            if !keep {
                m.insert(ev.push_id.clone(), ev);
            }
        });
    }
}

/// Subscribes to the app's task events; `watch` also tells the server a details page shows that
/// task, so it is refreshed first.
pub fn connect(app: String, watch: Option<String>) -> Live {
    let live = Live(RwSignal::new(HashMap::new()));
    #[cfg(feature = "hydrate")]
    Effect::new(move |prev: Option<()>| {
        if prev.is_some() {
            return;
        }
        use wasm_bindgen::{JsCast, closure::Closure};
        let mut url = format!("/events?app={}", crate::ui::query::encode(&app));
        if let Some(w) = &watch {
            url.push_str(&format!("&watch={}", crate::ui::query::encode(w)));
        }
        let Ok(es) = web_sys::EventSource::new(&url) else {
            return;
        };
        let map = live.0;
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                if let Some(text) = e.data().as_string()
                    && let Ok(ev) = serde_json::from_str::<TaskEvent>(&text)
                {
                    Live(map).put(ev);
                }
            });
        es.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // The page lives as long as the connection: both end with a navigation.
        on_message.forget();
        std::mem::forget(es);
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (app, watch);
    live
}

/// The current Unix time: the server's at render, then the browser's, ticking every 2 s so that
/// buttons disable themselves when a send time or an offline period passes.
pub fn clock(rendered_at: i64) -> ReadSignal<i64> {
    let (now, set_now) = signal(rendered_at);
    #[cfg(feature = "hydrate")]
    Effect::new(move |prev: Option<()>| {
        if prev.is_some() {
            return;
        }
        let tick = move || set_now.set((js_sys::Date::now() / 1000.0) as i64);
        tick();
        let _ = set_interval_with_handle(tick, std::time::Duration::from_secs(2));
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = set_now;
    now
}

/// A fresh key for one confirmation dialog: retries and double clicks of it are one action.
pub fn new_request_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        // 128 bits from the browser's cryptographic generator: a key nobody can guess.
        let mut bytes = [0u8; 16];
        let filled = web_sys::window()
            .and_then(|w| w.crypto().ok())
            .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
            .is_some();
        if !filled {
            // No Web Crypto (a very old browser): the server still scopes keys to their user.
            let a = (js_sys::Math::random() * 4_294_967_296.0) as u64;
            let b = (js_sys::Math::random() * 4_294_967_296.0) as u64;
            bytes[..8].copy_from_slice(&(a << 32 | b).to_le_bytes());
        }
        let t = js_sys::Date::now() as u64;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!("{t:x}-{hex}")
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}
