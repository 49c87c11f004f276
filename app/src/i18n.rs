//! The console's words in English and Simplified Chinese (`server/docs/i18n.md`).
//!
//! Every sentence a view shows is a key of [`T`], written once in each language in
//! [`catalog`]; a key without both translations does not compile, and neither does a view that
//! names a key that does not exist. The server renders pages in the reader's [`Locale`]; a page
//! with islands carries the current language's words once, as a JSON data block
//! ([`IslandWords`]), which the islands read in the browser ([`island_words`]). So the
//! WebAssembly carries no sentence of either language and only the reader's language travels,
//! inside the page.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use crate::domain::Locale;
use crate::domain::{Action, Audience, MessageKind, Platform, Role, Source, Status};

/// Declares a catalog: an enum of keys and, per language, the text of each.
macro_rules! catalog {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$km:meta])* $key:ident => $en:literal, $zh:literal;)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$km])* $key,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$key,)*];

            /// The key's text in `locale`. Called on the server only: the browser reads
            /// [`Words`], so neither language's table is compiled into the WebAssembly.
            pub fn text(self, locale: Locale) -> &'static str {
                match locale {
                    Locale::En => match self { $($name::$key => $en,)* },
                    Locale::Zh => match self { $($name::$key => $zh,)* },
                }
            }
        }
    };
}

mod catalog;
pub use catalog::T;

/// One language's words, for a view: on the server a table built once per language from the
/// catalog; handed to an island as a prop, serialized into the page as the list of texts in key
/// order. `Copy`, so every closure of a view can hold it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Words {
    locale: Locale,
    texts: &'static [String],
}

impl Words {
    /// The words of `locale` (on the server).
    pub fn new(locale: Locale) -> Self {
        static TABLES: std::sync::LazyLock<[Vec<String>; 2]> = std::sync::LazyLock::new(|| {
            Locale::ALL.map(|l| T::ALL.iter().map(|k| k.text(l).to_string()).collect())
        });
        let texts = match locale {
            Locale::En => &TABLES[0],
            Locale::Zh => &TABLES[1],
        };
        Words { locale, texts }
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The text of `key`.
    pub fn t(&self, key: T) -> &'static str {
        let texts: &'static [String] = self.texts;
        texts.get(key as usize).map_or("", String::as_str)
    }

    /// The text of `key` as an owned string, for a view. Not inlined: a view calls it at every
    /// text, and one call is smaller than a copy written out at each.
    #[inline(never)]
    pub fn s(&self, key: T) -> String {
        self.t(key).to_string()
    }

    /// The text of `key` with its `{name}` placeholders filled in.
    pub fn f(&self, key: T, args: &[(&str, &str)]) -> String {
        fill(self.t(key), args)
    }

    pub fn status(&self, s: Status) -> &'static str {
        self.t(match s {
            Status::Created => T::StatusCreated,
            Status::Scheduled => T::StatusScheduled,
            Status::Pushing => T::StatusPushing,
            Status::Completed => T::StatusCompleted,
            Status::Failed => T::StatusFailed,
            Status::Canceled => T::StatusCanceled,
            Status::Deleted => T::StatusDeleted,
            Status::Recalled => T::StatusRecalled,
            Status::Overridden => T::StatusOverridden,
            Status::Terminated => T::StatusTerminated,
        })
    }

    pub fn action(&self, a: Action) -> &'static str {
        self.t(match a {
            Action::Terminate => T::Terminate,
            Action::Recall => T::Recall,
            Action::Override => T::Override,
            Action::Cancel => T::CancelPush,
        })
    }

    /// "Terminating…" and the like, for the badge of an action in flight.
    pub fn in_flight(&self, a: Action) -> &'static str {
        self.t(match a {
            Action::Terminate => T::Terminating,
            Action::Recall => T::Recalling,
            Action::Override => T::Overriding,
            Action::Cancel => T::Canceling,
        })
    }

    pub fn platform(&self, p: Platform) -> &'static str {
        match p {
            Platform::Android => "Android",
            Platform::Ios => "iOS",
        }
    }

    pub fn audience(&self, a: Audience) -> &'static str {
        self.t(match a {
            Audience::All => T::AudienceAll,
            Audience::Tag => T::AudienceTag,
            Audience::Token => T::AudienceToken,
            Audience::TokenList => T::AudienceTokenList,
            Audience::Account => T::AudienceAccount,
            Audience::AccountList => T::AudienceAccountList,
            Audience::PackageAccount => T::AudiencePackageAccount,
            Audience::PackageToken => T::AudiencePackageToken,
        })
    }

    /// The audience as the object of a sentence ("a tag"; in Chinese the same as its label).
    pub fn audience_noun(&self, a: Audience) -> &'static str {
        self.t(match a {
            Audience::All => T::NounAll,
            Audience::Tag => T::NounTag,
            Audience::Token => T::NounToken,
            Audience::TokenList => T::NounTokenList,
            Audience::Account => T::NounAccount,
            Audience::AccountList => T::NounAccountList,
            Audience::PackageAccount => T::NounPackageAccount,
            Audience::PackageToken => T::NounPackageToken,
        })
    }

    pub fn source(&self, s: Source) -> &'static str {
        self.t(match s {
            Source::Console => T::SourceConsole,
            Source::Api => T::SourceApi,
            Source::Web => T::SourceWeb,
        })
    }

    /// A delivery channel by its TPNS code, named as the reader's vendors are (brand names that
    /// read the same in both languages stay as they are; an unknown code is shown as sent).
    pub fn channel(&self, code: &str) -> String {
        use crate::domain::Channel;
        let key = match Channel::from_code(code) {
            Some(Channel::Tpns) => T::ChannelTpns,
            Some(Channel::Huawei) => T::ChannelHuawei,
            Some(Channel::Honor) => T::ChannelHonor,
            Some(Channel::Xiaomi) => T::ChannelXiaomi,
            Some(Channel::Meizu) => T::ChannelMeizu,
            Some(Channel::Harmony) => T::ChannelHarmony,
            _ => return crate::domain::channel_label(code),
        };
        self.t(key).to_string()
    }

    /// The audience summary the sync worker stored (`All devices`, `Tag: vip OR beta`,
    /// `1,204 accounts`, `Account package #36217`) in the reader's language; tags, numbers and
    /// IDs stay as TPNS reported them.
    pub fn audience_summary(&self, stored: &str, audience: Audience) -> String {
        if self.locale == Locale::En {
            return stored.to_string();
        }
        let label = |a: Audience| a.label();
        if stored == label(audience) {
            return self.audience(audience).to_string();
        }
        if let Some(tags) = stored.strip_prefix("Tag: ") {
            return self.f(T::SummaryTag, &[("tags", tags)]);
        }
        for (suffix, key) in [
            (" devices", T::SummaryDevices),
            (" device", T::SummaryDevice),
            (" accounts", T::SummaryAccounts),
            (" account", T::SummaryAccount),
        ] {
            if let Some(n) = stored.strip_suffix(suffix)
                && !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit() || b == b',')
            {
                return self.f(key, &[("n", n)]);
            }
        }
        for a in [Audience::PackageAccount, Audience::PackageToken] {
            if let Some(id) = stored.strip_prefix(label(a)) {
                return format!("{}{id}", self.audience(a));
            }
        }
        stored.to_string()
    }

    pub fn message_kind(&self, k: MessageKind) -> &'static str {
        self.t(match k {
            MessageKind::Notify => T::KindNotify,
            MessageKind::Message => T::KindMessage,
        })
    }

    pub fn role(&self, r: Role) -> &'static str {
        self.t(match r {
            Role::Viewer => T::RoleViewer,
            Role::Operator => T::RoleOperator,
            Role::Admin => T::RoleAdmin,
        })
    }

    /// `a, b or c` / `a、b或c`.
    pub fn or_list(&self, items: &[&str]) -> String {
        match items {
            [] => String::new(),
            [one] => one.to_string(),
            [head @ .., last] => self.f(
                T::OrList,
                &[
                    ("head", &head.join(self.t(T::ListSeparator))),
                    ("last", last),
                ],
            ),
        }
    }
}

/// On the wire: one list of strings, the language's code first, then the texts in key order
/// (a plain list of strings, which the browser build already knows how to read).
impl Serialize for Words {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.texts.len() + 1))?;
        seq.serialize_element(self.locale.code())?;
        for t in self.texts {
            seq.serialize_element(t)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Words {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // In the browser, once per island: the words live as long as the page.
        let mut texts: Vec<String> = Deserialize::deserialize(d)?;
        if texts.is_empty() {
            return Err(serde::de::Error::invalid_length(
                0,
                &"a language and its texts",
            ));
        }
        // The code this server wrote (`Locale::code`), compared as it is.
        let locale = match texts.remove(0).as_str() {
            "zh" => Locale::Zh,
            _ => Locale::En,
        };
        Ok(Words {
            locale,
            texts: Vec::leak(texts),
        })
    }
}

/// `template` with each `{name}` replaced by its value in `args`; an unknown name stays as it is.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(j) = after.find('}') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let name = &after[..j];
        match args.iter().find(|(k, _)| *k == name) {
            Some((_, v)) => out.push_str(v),
            None => out.push_str(&rest[i..i + j + 2]),
        }
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    out
}

impl crate::error::AppError {
    /// The error with a fixed English sentence of the domain's or the form's said in `w`'s
    /// language (the server builds validation errors before it knows who reads them).
    pub fn in_words(self, w: Words) -> Self {
        match self {
            crate::error::AppError::Validation { field, message } => {
                let message = known_sentence(&message)
                    .map(|k| w.t(k).to_string())
                    .unwrap_or(message);
                crate::error::AppError::Validation { field, message }
            }
            other => other,
        }
    }
}

/// The name of an audited action (`terminate`, `sign-in`, `add-user`…) in the reader's language;
/// one this console does not know is shown as recorded.
pub fn audit_action(w: Words, slug: &str) -> String {
    let key = match slug {
        "terminate" => T::Terminate,
        "recall" => T::Recall,
        "override" => T::Override,
        "cancel" => T::CancelPush,
        "sign-in" => T::AuditSignIn,
        "add-user" => T::AuditAddUser,
        "set-role" => T::AuditSetRole,
        "disable-user" => T::AuditDisableUser,
        "enable-user" => T::AuditEnableUser,
        "reset-password" => T::AuditResetPassword,
        "add-token" => T::AuditAddToken,
        "revoke-token" => T::AuditRevokeToken,
        other => return other.to_string(),
    };
    w.t(key).to_string()
}

/// An audited outcome (`succeeded`, `failed (reconciled)`…) in the reader's language.
pub fn audit_outcome(w: Words, outcome: &str) -> String {
    let key = match outcome {
        "succeeded" => T::OutcomeSucceeded,
        "succeeded (reconciled)" => T::OutcomeSucceededReconciled,
        "failed" => T::OutcomeFailed,
        "failed (reconciled)" => T::OutcomeFailedReconciled,
        "refused" => T::OutcomeRefused,
        "unknown" => T::OutcomeUnknown,
        other => return other.to_string(),
    };
    w.t(key).to_string()
}

pub fn audit_kind(w: Words, kind: &str) -> String {
    let key = match kind {
        "action" => T::KindAction,
        "admin" => T::KindAdmin,
        "auth" => T::KindAuth,
        other => return other.to_string(),
    };
    w.t(key).to_string()
}

/// The reader's language on the server (the request's, provided as context); English elsewhere.
pub fn locale() -> Locale {
    leptos::prelude::use_context::<Locale>().unwrap_or_default()
}

/// The reader's words, for a server-rendered view.
pub fn words() -> Words {
    Words::new(locale())
}

/// The `id` of the page's words for its islands ([`IslandWords`]).
pub const WORDS_ELEMENT_ID: &str = "pushdeck-words";

/// The words an island speaks: on the server the reader's (from the request), in the browser
/// those the page carries once ([`IslandWords`]), read at the first call. Islands never take
/// the words as a prop: each island's props would carry the whole catalog again.
pub fn island_words() -> Words {
    #[cfg(feature = "hydrate")]
    {
        thread_local! {
            static PAGE: std::cell::OnceCell<Words> = const { std::cell::OnceCell::new() };
        }
        PAGE.with(|page| {
            *page.get_or_init(|| {
                let text = leptos::prelude::document()
                    .get_element_by_id(WORDS_ELEMENT_ID)
                    .and_then(|e| e.text_content())
                    .unwrap_or_default();
                serde_json::from_str(&text).unwrap_or(Words {
                    locale: Locale::En,
                    texts: &[],
                })
            })
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        words()
    }
}

/// The reader's words as the JSON of [`Words`], safe inside a `<script>` element: `<`, `>` and
/// `&` are written as JSON escapes, so no text can end the element or open a comment. Built
/// once per language.
#[cfg(feature = "ssr")]
pub fn words_json(locale: Locale) -> &'static str {
    static JSON: std::sync::LazyLock<[String; 2]> = std::sync::LazyLock::new(|| {
        Locale::ALL
            .map(|l| script_safe_json(serde_json::to_string(&Words::new(l)).unwrap_or_default()))
    });
    match locale {
        Locale::En => &JSON[0],
        Locale::Zh => &JSON[1],
    }
}

/// JSON with `<`, `>` and `&` written as JSON escapes (they can only be inside its strings), so
/// that it can stand inside a `<script>` element as it is.
#[cfg(feature = "ssr")]
pub fn script_safe_json(json: String) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The page's words for its islands, once per page that has islands: a JSON data block, which
/// the browser never runs (`type="application/json"`), read by [`island_words`]. Rendered from a
/// string built once per language.
#[leptos::prelude::component]
pub fn IslandWords() -> impl leptos::prelude::IntoView {
    use leptos::prelude::*;
    #[cfg(feature = "ssr")]
    let json = words_json(locale());
    #[cfg(not(feature = "ssr"))]
    let json = "";
    // With the page's nonce like every script element of the console's, although the browser
    // never runs it: an element without the nonce is one the console did not write (the
    // hostile-markup tests look for them).
    view! {
        <script type="application/json" id=WORDS_ELEMENT_ID nonce=leptos::nonce::use_nonce() inner_html=json></script>
    }
}

pub mod refusal;

#[cfg(test)]
mod tests;

/// The catalog key of one of the domain's fixed English sentences (a validation message the
/// server answers with), so that the page can say it in the reader's language.
pub fn known_sentence(english: &str) -> Option<T> {
    use crate::domain::click::refusals as click;
    use crate::domain::user::refusals as user;
    Some(match english {
        s if s == user::USERNAME => T::UserBadName,
        s if s == user::ROLE => T::UserBadRole,
        s if s == user::PASSWORD => T::UserBadPassword,
        s if s == user::OWN_ADMIN_ROLE => T::UserOwnAdmin,
        s if s == user::DISABLE_SELF => T::UserDisableSelf,
        s if s == user::NEW_PASSWORD => T::UserNewPassword,
        s if s == user::OWN_PASSWORD => T::UserOwnPassword,
        s if s == click::URL => T::ClickUrlBad,
        s if s == click::INTENT => T::ClickIntentBad,
        s if s == click::KIND => T::ClickKindBad,
        "That is not a push ID." => T::SrvNotPushId,
        "Unknown action." => T::SrvUnknownAction,
        "Choose Continue delivery or Abort for these devices." => T::SrvChooseContinueOrAbort,
        "The form is missing its request key; reload the page." => T::SrvMissingKey,
        _ => return None,
    })
}
