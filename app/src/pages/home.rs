use leptos::prelude::*;
use leptos_router::components::Redirect;

/// `/` opens the Task List.
#[component]
pub fn Home() -> impl IntoView {
    view! { <Redirect path="/tasks" /> }
}
