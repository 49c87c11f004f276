use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::tasks::task_details;
use crate::error::AppError;
use crate::islands::task_details::TaskDetailsView;
use crate::ui::components::{PageHeader, error_banner};

/// `/tasks/{push_id}`: a task's push details.
#[component]
pub fn TaskDetails() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = Memo::new(move |_| {
        (
            query.read().get("app"),
            params.read().get("push_id").unwrap_or_default(),
        )
    });
    let detail = Resource::new(
        move || key.get(),
        |(app, push_id)| task_details(app, push_id),
    );
    view! {
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading the task…"</p> }>
            {move || Suspend::new(async move {
                let (confirm, done, err) = query.with_untracked(|q| (q.get("confirm"), q.get("done"), q.get("__err")));
                // A plain form post the server refused comes back with the error in the URL.
                let error: Option<AppError> = err.map(|e| ServerFnUrlError::<AppError>::decode_err(&e));
                match detail.await {
                    Ok(d) => {
                        let title = format!("{} · {}", d.row.title, d.row.push_id);
                        view! {
                            <Title text=title />
                            <nav aria-label="Breadcrumb" class="mb-3 text-sm text-slate-500">
                                <a href=format!("/tasks?app={}", d.app.id) class="text-sky-700 hover:underline">"Task List"</a>
                                " / "<span class="font-mono">{d.row.push_id.clone()}</span>
                            </nav>
                            <TaskDetailsView detail=d confirm error done />
                        }.into_any()
                    }
                    Err(e) => view! {
                        <Title text="Task" />
                        <PageHeader title="Push details".to_string() />
                        {error_banner(&e)}
                        <p class="mt-3 text-sm"><a href="/tasks" class="text-sky-700 hover:underline">"Back to the Task List"</a></p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
