use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::tasks::task_details;
use crate::error::AppError;
use crate::islands::task_details::TaskDetailsView;
use crate::ui::click_fields::ClickFields;
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
        <Suspense fallback=|| view! { <p class="text-sm text-slate-600">"Loading the task…"</p> }>
            {move || Suspend::new(async move {
                let (confirm, done, err) = query.with_untracked(|q| (q.get("confirm"), q.get("done"), q.get("__err")));
                // Only an action's own name travels on to the island, never a link's other text.
                let known = |a: Option<String>| {
                    a.and_then(|a| crate::domain::Action::from_slug(&a)).map(|a| a.slug().to_string())
                };
                let (confirm, done) = (known(confirm), known(done));
                // A plain form post the server refused comes back with the error in the URL.
                let error: Option<String> =
                    err.map(|e| from_link(ServerFnUrlError::<AppError>::decode_err(&e)).to_string());
                match detail.await {
                    Ok(d) => {
                        let title = format!("{} · {}", d.row.title, d.row.push_id);
                        // Android: the override dialog's click-action fields, rendered here
                        // (server only) and placed in the dialog by the island.
                        let click = (d.row.platform == crate::domain::Platform::Android).then(|| {
                            view! { <ClickFields kind=d.click_kind.clone() target=d.click_target.clone() /> }
                        });
                        view! {
                            <Title text=title />
                            <nav aria-label="Breadcrumb" class="mb-3 text-sm text-slate-600">
                                <a href=format!("/tasks?app={}", crate::ui::query::encode(&d.app.id)) class="text-sky-700 underline underline-offset-2 hover:decoration-2">"Task List"</a>
                                " / "<span class="font-mono">{d.row.push_id.clone()}</span>
                            </nav>
                            <TaskDetailsView detail=d confirm error done>{click}</TaskDetailsView>
                        }.into_any()
                    }
                    Err(e) => view! {
                        <Title text="Task" />
                        <PageHeader title="Push details".to_string() />
                        {error_banner(&e)}
                        <p class="mt-3 text-sm"><a href="/tasks" class="text-sky-700 underline underline-offset-2 hover:decoration-2">"Back to the Task List"</a></p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// An error carried in the URL (`?__err=`, a refused plain form post) may come from a crafted
/// link: keep its kind and numbers, and say it in this console's own words, never the link's.
/// (With JavaScript the dialog shows the server's answer itself, which carries more detail.)
pub fn from_link(e: AppError) -> AppError {
    match e {
        AppError::NotFound { .. } => AppError::NotFound {
            what: "The task".into(),
        },
        AppError::Validation { field, .. } => {
            let message = match field.as_str() {
                "typed_confirmation" => "Type the task's push ID exactly to confirm.",
                "choice" => {
                    "Choose what happens on devices that cannot replace a notification: Continue delivery or Abort for these devices."
                }
                "click" | "url" | "intent" => {
                    "Choose what the notification opens; a web address starts with https:// or http://."
                }
                "title" | "content" => {
                    "Enter a title (up to 200 characters) and content (up to 2,000 characters)."
                }
                _ => "The request was incomplete or malformed.",
            };
            AppError::Validation {
                field,
                message: message.into(),
            }
        }
        AppError::Forbidden { .. } => AppError::Forbidden {
            message: "Your role does not allow this action.".into(),
        },
        AppError::Conflict { .. } => AppError::Conflict {
            message: "Somebody else acted on this task first; the action history shows who and when."
                .into(),
            by: None,
            at: None,
        },
        AppError::NotAllowed { .. } => AppError::NotAllowed {
            reason: "The action is not possible on this task now; the disabled button says why."
                .into(),
        },
        AppError::Upstream { code, .. } => AppError::Upstream {
            code,
            message: format!("TPNS refused the action (code {code}). The task was not changed."),
        },
        AppError::UpstreamUnavailable { .. } => AppError::UpstreamUnavailable {
            message: "TPNS did not answer. Whether the action happened is unknown; Pushdeck keeps checking and the action history will show the outcome."
                .into(),
        },
        AppError::RateLimited { retry_at, .. } => AppError::RateLimited {
            message: "The upstream query budget for this hour is spent.".into(),
            retry_at,
        },
        AppError::Network { .. } => AppError::Network {
            message: "The server's answer could not be read. Reload the page and try again."
                .into(),
        },
        fixed @ (AppError::Unauthorized | AppError::Throttled | AppError::Internal) => fixed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_from_a_link_keeps_its_kind_but_never_its_text() {
        let planted = "Call +1 555 0100 to unlock your account";
        let cases = [
            AppError::not_found(planted),
            AppError::validation("typed_confirmation", planted),
            AppError::Forbidden {
                message: planted.into(),
            },
            AppError::Conflict {
                message: planted.into(),
                by: Some(planted.into()),
                at: Some(1),
            },
            AppError::NotAllowed {
                reason: planted.into(),
            },
            AppError::Upstream {
                code: 1008007,
                message: planted.into(),
            },
            AppError::UpstreamUnavailable {
                message: planted.into(),
            },
            AppError::RateLimited {
                message: planted.into(),
                retry_at: Some(5),
            },
            AppError::Network {
                message: planted.into(),
            },
        ];
        for e in cases {
            let kind = std::mem::discriminant(&e);
            let safe = from_link(e);
            assert_eq!(std::mem::discriminant(&safe), kind);
            assert!(!format!("{safe:?}").contains("555"), "{safe:?}");
        }
        assert_eq!(
            from_link(AppError::Upstream {
                code: 1008007,
                message: planted.into()
            })
            .to_string(),
            "TPNS refused the action (code 1008007). The task was not changed."
        );
    }
}
