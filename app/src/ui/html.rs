//! Text meeting markup. Leptos escapes text nodes and attribute values itself, except in three
//! places, which these helpers cover: the page title (`leptos_meta` writes it as it is), and the
//! children of `<textarea>` (and `<script>`, `<style>`, `<noscript>`, which the console never fills
//! with text from outside), which Leptos writes unescaped.

use std::borrow::Cow;

/// Escapes `text` for an HTML text context (`&`, `<`, `>`; quotes too, so that the result is also
/// safe inside a quoted attribute).
pub fn escape_text(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The text inside a `<textarea>`, for its server-rendered HTML. Leptos writes a textarea's
/// children as they are, and although the browser reads them as text, `</textarea>` in a task's
/// content would end the element and whatever follows would be markup. Escaped, the browser
/// decodes the entities back into exactly the text. In the browser the child is a text node and
/// needs nothing.
pub fn textarea_text(text: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        escape_text(text).into_owned()
    }
    #[cfg(not(feature = "ssr"))]
    {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::escape_text;

    #[test]
    fn markup_characters_become_entities_and_plain_text_is_untouched() {
        assert_eq!(
            escape_text(r#"</title><img src=x onerror="alert('1')">&"#),
            "&lt;/title&gt;&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;"
        );
        assert!(matches!(
            escape_text("春季大促 50%"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
