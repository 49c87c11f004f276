use leptos::prelude::*;
use leptos_meta::Title;

use crate::ui::components::{PageHeader, Panel};

/// The audit log.
#[component]
pub fn AuditLog() -> impl IntoView {
    view! {
        <Title text="Audit log" />
        <PageHeader title="Audit log".to_string() subtitle="Every action by every user." />
        <Panel class="p-6 text-sm text-slate-600">"No entries yet."</Panel>
    }
}
