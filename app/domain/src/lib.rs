//! Pushdeck's pure domain (re-exported by the `app` crate as `app::domain`): task status, the use limits of the four actions, validation and
//! formatting. It does no I/O and imports no leptos, axum, sqlx or reqwest, so the browser (to
//! enable buttons and say why one is disabled) and the server (to enforce the same rules before it
//! calls TPNS) decide with the same code.

pub mod click;
pub mod fmt;
pub mod locale;
pub mod push_id;
pub mod rules;
pub mod task;
pub mod time;
pub mod user;

pub use click::ClickAction;
pub use locale::Locale;
pub use push_id::PushId;
pub use rules::{DoneAction, Reason, Refusal, RefusalKind, RuleContext, check};
pub use task::*;
pub use user::Role;
