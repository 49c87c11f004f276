//! The few browser APIs the islands need, with no-op fallbacks on the server.

/// Navigates the window to `url` (a full page load: the pages are server-rendered).
pub fn go_to(url: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = leptos::prelude::window().location().set_href(url);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

/// Reloads the current page.
pub fn reload() {
    #[cfg(feature = "hydrate")]
    {
        let _ = leptos::prelude::window().location().reload();
    }
}
