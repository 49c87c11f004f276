use leptos::prelude::*;
use leptos_meta::Title;

use crate::ui::components::{PageHeader, Panel};

/// The Task List.
#[component]
pub fn TaskList() -> impl IntoView {
    view! {
        <Title text="Task List" />
        <PageHeader title="Task List".to_string() subtitle="Push tasks of the selected app, newest first." />
        <Panel class="p-6 text-sm text-slate-600">"No tasks yet."</Panel>
    }
}
