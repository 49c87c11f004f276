//! The vocabulary of a TPNS push task, with the upstream spellings of each value
//! (`server/docs/tpns.md` §2.1, §3.1, §4).

use serde::{Deserialize, Serialize};

/// A task's upstream status (`server/docs/tpns.md` §3.1), shown with the friendly names of `server/docs/product.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Status {
    Created,
    Scheduled,
    Pushing,
    Completed,
    Failed,
    Canceled,
    Deleted,
    Recalled,
    Overridden,
    Terminated,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Created,
        Status::Scheduled,
        Status::Pushing,
        Status::Completed,
        Status::Failed,
        Status::Canceled,
        Status::Deleted,
        Status::Recalled,
        Status::Overridden,
        Status::Terminated,
    ];

    /// The upstream spelling, also the value stored in the database.
    pub fn upstream(self) -> &'static str {
        match self {
            Status::Created => "PUSH_INIT",
            Status::Scheduled => "PUSH_WAIT",
            Status::Pushing => "PUSH_STARTED",
            Status::Completed => "PUSH_FINISHED",
            Status::Failed => "PUSH_FAILED",
            Status::Canceled => "PUSH_CANCELED",
            Status::Deleted => "PUSH_DELETED",
            Status::Recalled => "PUSH_REVOKED",
            Status::Overridden => "PUSH_COLLAPSED",
            Status::Terminated => "PUSH_DELETED_PUSH_MSG",
        }
    }

    pub fn from_upstream(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.upstream() == s)
    }

    /// The short name used in URLs (`?status=pushing`).
    pub fn slug(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Scheduled => "scheduled",
            Status::Pushing => "pushing",
            Status::Completed => "completed",
            Status::Failed => "failed",
            Status::Canceled => "canceled",
            Status::Deleted => "deleted",
            Status::Recalled => "recalled",
            Status::Overridden => "overridden",
            Status::Terminated => "terminated",
        }
    }

    pub fn from_slug(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.slug() == s)
    }

    /// The name shown in the Status column (`server/docs/product.md`, "Status").
    pub fn label(self) -> &'static str {
        match self {
            Status::Created => "Created",
            Status::Scheduled => "Scheduled",
            Status::Pushing => "Pushing",
            Status::Completed => "Completed",
            Status::Failed => "Failed",
            Status::Canceled => "Canceled",
            Status::Deleted => "Deleted",
            Status::Recalled => "Recalled",
            Status::Overridden => "Overridden",
            Status::Terminated => "Terminated",
        }
    }

    /// Statuses after which nothing about the task changes any more, except through an action.
    /// A *Completed* task is not final while it is inside its offline-storage period: devices
    /// that come online still receive it and its counters still move.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Status::Failed
                | Status::Canceled
                | Status::Deleted
                | Status::Recalled
                | Status::Overridden
                | Status::Terminated
        )
    }

    /// The colour family of the badge.
    pub fn tone(self) -> Tone {
        match self {
            Status::Created | Status::Scheduled => Tone::Info,
            Status::Pushing => Tone::Active,
            Status::Completed => Tone::Success,
            Status::Failed => Tone::Danger,
            Status::Canceled | Status::Deleted => Tone::Neutral,
            Status::Recalled | Status::Overridden | Status::Terminated => Tone::Warning,
        }
    }
}

/// Colour families for badges, mapped to classes by the views.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Info,
    Active,
    Success,
    Danger,
    Neutral,
    Warning,
}

/// A TPNS app is either an Android or an iOS app; its tasks inherit its platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Platform {
    Android,
    Ios,
}

impl Platform {
    pub const ALL: [Platform; 2] = [Platform::Android, Platform::Ios];
    pub fn slug(self) -> &'static str {
        match self {
            Platform::Android => "android",
            Platform::Ios => "ios",
        }
    }
    pub fn from_slug(s: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.slug() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Platform::Android => "Android",
            Platform::Ios => "iOS",
        }
    }
}

/// Who a task was pushed to (`audience_type`, `server/docs/tpns.md` §2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Audience {
    All,
    Tag,
    Token,
    TokenList,
    Account,
    AccountList,
    PackageAccount,
    PackageToken,
}

impl Audience {
    pub const ALL: [Audience; 8] = [
        Audience::All,
        Audience::Tag,
        Audience::Token,
        Audience::TokenList,
        Audience::Account,
        Audience::AccountList,
        Audience::PackageAccount,
        Audience::PackageToken,
    ];

    /// The `audience_type` of the push API, also the value stored in the database.
    pub fn upstream(self) -> &'static str {
        match self {
            Audience::All => "all",
            Audience::Tag => "tag",
            Audience::Token => "token",
            Audience::TokenList => "token_list",
            Audience::Account => "account",
            Audience::AccountList => "account_list",
            Audience::PackageAccount => "package_account_push",
            Audience::PackageToken => "package_token_push",
        }
    }

    pub fn from_upstream(s: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.upstream() == s)
    }

    /// The audience as a noun phrase for sentences ("pushed to a tag").
    pub fn noun(self) -> &'static str {
        match self {
            Audience::All => "all devices",
            Audience::Tag => "a tag",
            Audience::Token => "a single device",
            Audience::TokenList => "a device list",
            Audience::Account => "a single account",
            Audience::AccountList => "an account list",
            Audience::PackageAccount => "an account package",
            Audience::PackageToken => "a device package",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Audience::All => "All devices",
            Audience::Tag => "Tag",
            Audience::Token => "Single device",
            Audience::TokenList => "Device list",
            Audience::Account => "Single account",
            Audience::AccountList => "Account list",
            Audience::PackageAccount => "Account package",
            Audience::PackageToken => "Device package",
        }
    }
}

/// `message_type`: a notification shown in the notification bar, or an in-app/silent message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MessageKind {
    Notify,
    Message,
}

impl MessageKind {
    pub fn upstream(self) -> &'static str {
        match self {
            MessageKind::Notify => "notify",
            MessageKind::Message => "message",
        }
    }
    /// The intl docs once wrote `notification`; every sample says `notify` (§3.1).
    pub fn from_upstream(s: &str) -> Option<MessageKind> {
        match s {
            "notify" | "notification" => Some(MessageKind::Notify),
            "message" => Some(MessageKind::Message),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            MessageKind::Notify => "Notification",
            MessageKind::Message => "In-app message",
        }
    }
}

/// Whether Pushdeck or something else (the app's backend, TPNS's own console) created the task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Source {
    /// Created by Pushdeck (an override's new task).
    Console,
    /// Created through TPNS's REST API (the app's backend).
    Api,
    /// Created in TPNS's own web console (`source: "web"`, `server/docs/tpns.md` §3.1).
    Web,
}

impl Source {
    pub fn slug(self) -> &'static str {
        match self {
            Source::Console => "console",
            Source::Api => "api",
            Source::Web => "web",
        }
    }
    pub fn from_slug(s: &str) -> Option<Source> {
        match s {
            "console" => Some(Source::Console),
            "api" => Some(Source::Api),
            "web" => Some(Source::Web),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Source::Console => "Console",
            Source::Api => "API",
            Source::Web => "TPNS console",
        }
    }
}

/// Delivery channels as the statistics endpoints name them (`server/docs/tpns.md` §4). TPNS may
/// name others (it adds vendors over time): those are kept by their code, see [`channel_label`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Channel {
    Tpns,
    Huawei,
    Honor,
    Xiaomi,
    Meizu,
    Oppo,
    Vivo,
    Fcm,
    Apns,
    /// `rog`: ROG phones' channel (listed with TPNS's own in the `all` row's sums).
    Rog,
    /// `harmony`: HarmonyOS (the 2025 Chinese pages only).
    Harmony,
    /// `iospk`: Apple PushKit (the international site only).
    IosPk,
}

impl Channel {
    pub const ALL: [Channel; 12] = [
        Channel::Tpns,
        Channel::Huawei,
        Channel::Honor,
        Channel::Xiaomi,
        Channel::Meizu,
        Channel::Oppo,
        Channel::Vivo,
        Channel::Fcm,
        Channel::Apns,
        Channel::Rog,
        Channel::Harmony,
        Channel::IosPk,
    ];

    /// The channel code of the statistics responses.
    pub fn code(self) -> &'static str {
        match self {
            Channel::Tpns => "xg",
            Channel::Huawei => "hw",
            Channel::Honor => "honor",
            Channel::Xiaomi => "xm",
            Channel::Meizu => "mz",
            Channel::Oppo => "oppo",
            Channel::Vivo => "vivo",
            Channel::Fcm => "fcm",
            Channel::Apns => "apns",
            Channel::Rog => "rog",
            Channel::Harmony => "harmony",
            Channel::IosPk => "iospk",
        }
    }

    pub fn from_code(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Tpns => "TPNS channel",
            Channel::Huawei => "Huawei",
            Channel::Honor => "Honor",
            Channel::Xiaomi => "Xiaomi",
            Channel::Meizu => "Meizu",
            Channel::Oppo => "OPPO",
            Channel::Vivo => "vivo",
            Channel::Fcm => "FCM",
            Channel::Apns => "APNs",
            Channel::Rog => "ROG",
            Channel::Harmony => "HarmonyOS",
            Channel::IosPk => "Apple PushKit",
        }
    }

    /// Whether a notification already shown is replaced in place by an override. TPNS's page
    /// (`server/docs/tpns.md` §5.1) is the authority: its own channel, Xiaomi, Meizu and Huawei
    /// from EMUI 10 (HarmonyOS on the 2025 page), and APNs on iOS; every other channel — vivo,
    /// OPPO, Honor, FCM, ROG, older Huawei and any channel TPNS adds — follows the operator's
    /// continue/abort choice. Huawei is split by version where device counts are known.
    pub fn replaces_in_place(self) -> bool {
        matches!(
            self,
            Channel::Tpns
                | Channel::Xiaomi
                | Channel::Meizu
                | Channel::Huawei
                | Channel::Harmony
                | Channel::Apns
        )
    }

    /// Whether a recall removes a notification already shown: TPNS's own channel, the vendors
    /// with a recall API (Huawei, Honor, Xiaomi, vivo), and iOS through a silent push as TPNS's
    /// ≈2021 page described (`server/docs/tpns.md` §5). Not Meizu, OPPO, FCM, or a channel
    /// Pushdeck does not know.
    pub fn supports_recall(self) -> bool {
        matches!(
            self,
            Channel::Tpns
                | Channel::Huawei
                | Channel::Honor
                | Channel::Xiaomi
                | Channel::Vivo
                | Channel::Apns
        )
    }
}

/// The name of a channel by its statistics code: Pushdeck's name for the channels it knows, the
/// code itself for one TPNS added since.
pub fn channel_label(code: &str) -> String {
    match Channel::from_code(code) {
        Some(c) => c.label().to_string(),
        None => code.to_string(),
    }
}

/// The order of the per-channel table: the known channels as listed, then the others by code.
pub fn channel_order(code: &str) -> (usize, String) {
    match Channel::ALL.iter().position(|c| c.code() == code) {
        Some(i) => (i, String::new()),
        None => (Channel::ALL.len(), code.to_string()),
    }
}

/// Delivery counters of one channel, or of the whole task (`pushState`, `server/docs/tpns.md` §4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// Eligible devices (`pushActiveUv`).
    pub planned: u64,
    /// Handed to a channel or delivered to an online device (`pushOnlineUv`).
    pub sent: u64,
    /// Arrived on the device (`arrivalUv`).
    pub arrived: u64,
    /// Clicked (`clickUv`).
    pub clicked: u64,
    /// Cleared from the tray (`cleanupUv`).
    pub cleared: u64,
}

impl Counters {
    /// Devices that were planned but have not received the task yet: what Terminate stops.
    pub fn not_yet_arrived(&self) -> u64 {
        self.planned.saturating_sub(self.arrived)
    }
    /// Arrived and not clicked: what a recall would remove from trays.
    pub fn shown_unclicked(&self) -> u64 {
        self.arrived.saturating_sub(self.clicked + self.cleared)
    }
}

/// The four corrective actions of `server/docs/product.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Action {
    Terminate,
    Recall,
    Override,
    Cancel,
}

impl Action {
    pub const ALL: [Action; 4] = [
        Action::Terminate,
        Action::Recall,
        Action::Override,
        Action::Cancel,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Action::Terminate => "terminate",
            Action::Recall => "recall",
            Action::Override => "override",
            Action::Cancel => "cancel",
        }
    }
    pub fn from_slug(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.slug() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Action::Terminate => "Terminate",
            Action::Recall => "Recall",
            Action::Override => "Override",
            Action::Cancel => "Cancel Push",
        }
    }
    /// The transient status shown while the action is in flight.
    pub fn in_flight_label(self) -> &'static str {
        match self {
            Action::Terminate => "Terminating…",
            Action::Recall => "Recalling…",
            Action::Override => "Overriding…",
            Action::Cancel => "Canceling…",
        }
    }
    /// The status the task should have once the action succeeded (`server/docs/tpns.md` §5.3).
    pub fn expected_status(self) -> Status {
        match self {
            Action::Terminate => Status::Terminated,
            Action::Recall => Status::Recalled,
            Action::Override => Status::Overridden,
            Action::Cancel => Status::Canceled,
        }
    }
}

/// What the override dialog asks of the operator for devices whose channel cannot replace a
/// notification (vivo, OPPO, Honor, FCM, Huawei below EMUI 10, …): `force_collapse` of the push
/// API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OverrideChoice {
    /// `force_collapse: true` — they get the new message and show both.
    ContinueDelivery,
    /// `force_collapse: false` — they get nothing new.
    AbortForThese,
}

impl OverrideChoice {
    pub fn force_collapse(self) -> bool {
        matches!(self, OverrideChoice::ContinueDelivery)
    }
    pub fn slug(self) -> &'static str {
        match self {
            OverrideChoice::ContinueDelivery => "continue",
            OverrideChoice::AbortForThese => "abort",
        }
    }
    pub fn from_slug(s: &str) -> Option<OverrideChoice> {
        match s {
            "continue" => Some(OverrideChoice::ContinueDelivery),
            "abort" => Some(OverrideChoice::AbortForThese),
            _ => None,
        }
    }
}
