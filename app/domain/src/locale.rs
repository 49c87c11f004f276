//! The console's two languages (`server/docs/i18n.md`): which one a reader gets, and the
//! conventions of dates in each. The sentences themselves live in the `app` crate's catalog.

use serde::{Deserialize, Serialize};

/// A language the console speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    En,
    Zh,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Zh];

    /// The short code kept in the cookie, the database and the `lang` form field.
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Zh => "zh",
        }
    }

    /// The BCP 47 tag of `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Zh => "zh-CN",
        }
    }

    /// The language's own name, as the switch shows it (always in that language).
    pub fn name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Zh => "中文",
        }
    }

    /// `en`, `zh`, and the tags that mean them (`zh-CN`, `zh-Hans`, `en-US`…), any case.
    pub fn from_code(s: &str) -> Option<Locale> {
        let primary = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Locale::En),
            "zh" => Some(Locale::Zh),
            _ => None,
        }
    }

    /// The reader's first language we speak from an `Accept-Language` header, by its `q`
    /// weights (ties keep the header's order); `None` when it names neither.
    pub fn negotiate(accept_language: &str) -> Option<Locale> {
        let mut best: Option<(u16, Locale)> = None;
        for item in accept_language.split(',').take(32) {
            let mut parts = item.split(';');
            let Some(locale) = parts.next().and_then(Locale::from_code) else {
                continue;
            };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1000), parse_q);
            let Some(q) = q else { continue };
            if q > 0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, locale));
            }
        }
        best.map(|(_, l)| l)
    }
}

/// A `q` weight in thousandths (`0.8` → 800); `None` when malformed.
fn parse_q(s: &str) -> Option<u16> {
    let v: f32 = s.trim().parse().ok()?;
    (0.0..=1.0)
        .contains(&v)
        .then(|| (v * 1000.0).round() as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_codes_and_tags_of_both_languages() {
        for (s, l) in [
            ("en", Locale::En),
            ("EN-us", Locale::En),
            ("zh", Locale::Zh),
            ("zh-CN", Locale::Zh),
            ("zh_Hans", Locale::Zh),
            (" zh-TW ", Locale::Zh),
        ] {
            assert_eq!(Locale::from_code(s), Some(l), "{s}");
        }
        for bad in ["", "fr", "e", "<script>"] {
            assert_eq!(Locale::from_code(bad), None, "{bad}");
        }
        for l in Locale::ALL {
            assert_eq!(Locale::from_code(l.code()), Some(l));
            assert_eq!(Locale::from_code(l.tag()), Some(l));
        }
    }

    #[test]
    fn accept_language_picks_the_heaviest_language_we_speak() {
        assert_eq!(
            Locale::negotiate("zh-CN,zh;q=0.9,en;q=0.8"),
            Some(Locale::Zh)
        );
        assert_eq!(
            Locale::negotiate("en-US,en;q=0.9,zh;q=0.8"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::negotiate("fr;q=1, en;q=0.2, zh;q=0.7"),
            Some(Locale::Zh)
        );
        assert_eq!(Locale::negotiate("fr, de"), None);
        assert_eq!(Locale::negotiate("zh;q=0, en;q=0.1"), Some(Locale::En));
        assert_eq!(Locale::negotiate("zh;q=oops, en"), Some(Locale::En));
        assert_eq!(Locale::negotiate(""), None);
        assert_eq!(Locale::negotiate("*"), None);
    }
}
