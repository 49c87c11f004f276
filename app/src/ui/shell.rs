use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, StaticSegment, path};

use crate::pages;
use crate::ui::layout::Layout;

/// The HTML document the server renders around [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang=crate::i18n::locale().tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <link rel="stylesheet" id="leptos" href="/pkg/pushdeck.css" />
                // Keyboard help for dialogs and link-buttons (`public/keys.js`).
                <script src="/keys.js" defer=true nonce=leptos::nonce::use_nonce()></script>
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-slate-100 text-slate-900 antialiased">
                <App />
            </body>
        </html>
    }
}

/// The document title of a page. `leptos_meta` writes the formatted title into `<title>` as it
/// is, unescaped, and pages put text from TPNS in it (a task's title): this is the one place
/// where a page's title becomes markup, so it is escaped here for every page at once. Islands
/// never set a title, so this runs only on the server, where the text becomes HTML (in the
/// browser `document.title` would take it as plain text and show the entities).
pub fn page_title(page: String) -> String {
    let text = if page.is_empty() {
        "Pushdeck".to_string()
    } else {
        format!("{page} · Pushdeck")
    };
    crate::ui::html::escape_text(&text).into_owned()
}

/// The console: the router and its pages inside the common layout. Every route renders
/// `Async`: the server waits for the page's data and sends complete HTML, so pages work without
/// JavaScript (streamed out-of-order chunks need a script to be put in place).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=page_title />
        <Router>
            <Layout>
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=StaticSegment("") view=pages::home::Home ssr=SsrMode::Async />
                    <Route path=path!("/tasks") view=pages::tasks::TaskList ssr=SsrMode::Async />
                    <Route path=path!("/tasks/:push_id") view=pages::task_details::TaskDetails ssr=SsrMode::Async />
                    <Route path=path!("/audit") view=pages::audit::AuditLog ssr=SsrMode::Async />
                    <Route path=path!("/admin") view=pages::admin::Admin ssr=SsrMode::Async />
                    <Route path=path!("/account") view=pages::account::Account ssr=SsrMode::Async />
                    <Route path=path!("/api") view=pages::api_reference::ApiReferencePage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=pages::login::LoginPage ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
    }
}

#[cfg(test)]
mod tests {
    use super::page_title;

    #[test]
    fn a_page_title_from_outside_cannot_close_the_title_element() {
        let t = page_title("</title><script>alert(3)</script> · 3900300284".into());
        assert_eq!(
            t,
            "&lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt; · 3900300284 · Pushdeck"
        );
        assert_eq!(page_title(String::new()), "Pushdeck");
        assert_eq!(
            page_title("Fish & chips".into()),
            "Fish &amp; chips · Pushdeck"
        );
    }
}
