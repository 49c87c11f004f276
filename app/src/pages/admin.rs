use leptos::prelude::*;
use leptos_meta::Title;

use crate::ui::components::{PageHeader, Panel};

/// Users and apps.
#[component]
pub fn Admin() -> impl IntoView {
    view! {
        <Title text="Admin" />
        <PageHeader title="Admin".to_string() subtitle="Users and the configured TPNS apps." />
        <Panel class="p-6 text-sm text-slate-600">"Nothing here yet."</Panel>
    }
}
