use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::tasks::task_details;
use crate::error::AppError;
use crate::i18n::{IslandWords, T, Words, words};
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
    let w = words();
    let loading = w.s(T::LoadingTask);
    view! {
        <Suspense fallback=move || view! { <p class="text-sm text-slate-600">{loading.clone()}</p> }>
            {move || { let w = w; Suspend::new(async move {
                let (confirm, done, err) = query.with_untracked(|q| (q.get("confirm"), q.get("done"), q.get("__err")));
                // Only an action's own name travels on to the island, never a link's other text.
                let known = |a: Option<String>| {
                    a.and_then(|a| crate::domain::Action::from_slug(&a)).map(|a| a.slug().to_string())
                };
                let (confirm, done) = (known(confirm), known(done));
                // A plain form post the server refused comes back with the error in the URL.
                let error: Option<String> =
                    err.map(|e| crate::ui::components::error_text(w, &from_link(w, ServerFnUrlError::<AppError>::decode_err(&e))));
                match detail.await {
                    Ok(d) => {
                        let title = format!("{} · {}", d.row.title, d.row.push_id);
                        // Android: the override dialog's click-action fields, rendered here
                        // (server only) and placed in the dialog by the island.
                        let click = (d.row.platform == crate::domain::Platform::Android).then(|| {
                            view! { <ClickFields kind=d.click_kind.clone() target=d.click_target.clone() w=w /> }
                        });
                        view! {
                            <Title text=title />
                            <nav aria-label=w.t(T::Breadcrumb) class="mb-3 text-sm text-slate-600">
                                <a href=format!("/tasks?app={}", crate::ui::query::encode(&d.app.id)) class="link">{w.t(T::NavTaskList)}</a>
                                " / "<span class="font-mono">{d.row.push_id.clone()}</span>
                            </nav>
                            <IslandWords />
                            <TaskDetailsView detail=d confirm error done>{click}</TaskDetailsView>
                        }.into_any()
                    }
                    Err(e) => view! {
                        <Title text=w.t(T::PushDetails) />
                        <PageHeader title=w.t(T::PushDetails) />
                        {error_banner(w, &e)}
                        <p class="mt-3 text-sm"><a href="/tasks" class="link">{w.t(T::BackToTaskList)}</a></p>
                    }.into_any(),
                }
            })}}
        </Suspense>
    }
}

/// An error carried in the URL (`?__err=`, a refused plain form post) may come from a crafted
/// link: keep its kind and numbers, and say it in this console's own words, never the link's.
/// (With JavaScript the dialog shows the server's answer itself, which carries more detail.)
pub fn from_link(w: Words, e: AppError) -> AppError {
    let say = |k: T| w.t(k).to_string();
    match e {
        AppError::NotFound { .. } => AppError::NotFound {
            what: say(T::TheTask),
        },
        AppError::Validation { field, .. } => {
            let message = match field.as_str() {
                "typed_confirmation" => T::LinkTypePushId,
                "choice" => T::LinkChoose,
                "click" | "url" | "intent" => T::LinkClick,
                "title" | "content" => T::LinkTitleContent,
                _ => T::ErrMalformed,
            };
            AppError::Validation {
                field,
                message: say(message),
            }
        }
        AppError::Forbidden { .. } => AppError::Forbidden {
            message: say(T::LinkForbidden),
        },
        AppError::Conflict { .. } => AppError::Conflict {
            message: say(T::LinkConflict),
            by: None,
            at: None,
        },
        AppError::NotAllowed { .. } => AppError::NotAllowed {
            reason: say(T::LinkNotAllowed),
        },
        AppError::Upstream { code, .. } => AppError::Upstream {
            code,
            message: w.f(T::LinkUpstream, &[("code", &code.to_string())]),
        },
        AppError::UpstreamUnavailable { .. } => AppError::UpstreamUnavailable {
            message: say(T::LinkUnavailable),
        },
        AppError::RateLimited { retry_at, .. } => AppError::RateLimited {
            message: say(T::LinkBudget),
            retry_at,
        },
        AppError::Network { .. } => AppError::Network {
            message: say(T::ErrNetwork),
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
        let w = Words::new(crate::i18n::Locale::En);
        for e in cases {
            let kind = std::mem::discriminant(&e);
            let safe = from_link(w, e);
            assert_eq!(std::mem::discriminant(&safe), kind);
            assert!(!format!("{safe:?}").contains("555"), "{safe:?}");
        }
        assert_eq!(
            from_link(
                w,
                AppError::Upstream {
                    code: 1008007,
                    message: planted.into()
                }
            )
            .to_string(),
            "TPNS refused the action (code 1008007). The task was not changed."
        );
    }
}
