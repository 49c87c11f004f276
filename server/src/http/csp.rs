//! The security headers of every response, with a Content-Security-Policy as defence in depth
//! behind the escaping of text from outside (task titles, contents, tags and accounts come from
//! whoever holds the app's credentials).
//!
//! Scripts run only from this console's own origin, plus the inline hydration script Leptos
//! writes into each page, which carries this response's nonce. WebAssembly needs
//! `'wasm-unsafe-eval'` to be compiled under a policy that restricts scripts; it grants no
//! `eval` of JavaScript. Styles come from the console's stylesheet; inline `style` attributes
//! (the progress bars' widths) are allowed, `<style>` elements are not.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;

/// This response's CSP nonce, in the request's extensions for the page renderer.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// A fresh nonce: 128 random bits, URL-safe base64 (valid in a CSP source expression).
fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The policy of a response whose inline scripts carry `nonce`.
pub fn policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self'; font-src 'self'; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
         form-action 'self'"
    )
}

/// Gives the request a nonce and every response the security headers.
pub async fn security_headers(mut req: Request, next: Next) -> Response {
    let nonce = new_nonce();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&policy(&nonce)) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // For browsers that predate `frame-ancestors`.
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // A page is in the reader's language, decided by their cookies and `Accept-Language`: no
    // shared cache may hand one reader's page to another (`server/docs/i18n.md`).
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        h.append(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        );
    }
    res
}

/// Hands the request's nonce to Leptos, so the hydration script it writes carries the nonce of
/// the policy this response is sent with (call it in the renderer's context, where the request
/// parts are provided).
pub fn provide_leptos_nonce() {
    let nonce = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(n)) = nonce {
        leptos::prelude::provide_context(leptos::nonce::Nonce::from_value(n));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_scripts_only_from_the_console_and_the_nonce() {
        let p = policy("abc");
        assert!(p.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"));
        for d in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(p.contains(d), "{d}");
        }
        // Inline style attributes only; never inline scripts or style elements.
        assert_eq!(p.matches("'unsafe-inline'").count(), 1);
        assert!(p.contains("style-src-attr 'unsafe-inline'"));
    }

    #[test]
    fn nonces_are_fresh_and_fit_a_header() {
        let (a, b) = (new_nonce(), new_nonce());
        assert_ne!(a, b);
        assert_eq!(a.len(), 22);
        assert!(HeaderValue::from_str(&policy(&a)).is_ok());
    }
}
