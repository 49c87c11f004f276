//! The Account page: the user's API tokens, and the API's reference.

use app::dto::{AccountInfo, ApiOperation, ApiReference, ApiSchema, TokenInfo};
use app::error::AppError;
use app::i18n::Words;
use serde_json::Value;

use super::errors::internal;
use super::{ConsoleService, user_info};
use crate::auth::Caller;
use crate::store::users::User;
use crate::tokens::TokenError;
use crate::users::Changer;

impl ConsoleService {
    pub(super) async fn account_of(&self, user: &User) -> Result<AccountInfo, AppError> {
        let s = &self.services;
        let now = s.clock.now();
        let tokens = s
            .store
            .tokens_of(user.user_id)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|t| TokenInfo {
                live: t.is_live(now),
                name: t.name,
                prefix: t.prefix,
                permissions: t.permissions,
                created_at: t.created_at,
                expires_at: t.expires_at,
                last_used_at: t.last_used_at,
                revoked_at: t.revoked_at,
            })
            .collect();
        Ok(AccountInfo {
            user: user_info(user),
            tokens,
            utc_offset_minutes: s.config.utc_offset_minutes(),
        })
    }

    pub(super) async fn revoke_own_token(
        &self,
        w: Words,
        user: &User,
        caller: &Caller,
        name: &str,
    ) -> Result<(), AppError> {
        let by = changer(user, caller);
        self.services
            .tokens
            .revoke(&by, &user.username, name)
            .await
            .map_err(|e| token_error(w, e))
    }
}

/// Who changes a token, for the audit log.
pub(crate) fn changer(user: &User, caller: &Caller) -> Changer {
    Changer {
        user_id: Some(user.user_id),
        username: user.username.clone(),
        ip: caller.ip.clone(),
    }
}

/// A token change's refusal as the browser sees it.
pub(crate) fn token_error(w: Words, e: TokenError) -> AppError {
    match e {
        TokenError::Store(e) => internal(e),
        TokenError::NotFound(_) | TokenError::NoSuchUser(_) => AppError::not_found(e.in_words(w)),
        TokenError::BadName | TokenError::Exists(_) => AppError::validation("name", e.in_words(w)),
        TokenError::BadExpiry => AppError::validation("days", e.in_words(w)),
    }
}

/// The API's OpenAPI document, read into the reference page's lists.
pub(crate) fn api_reference() -> ApiReference {
    use utoipa::OpenApi;
    let doc = serde_json::to_value(crate::api::ApiDoc::openapi()).unwrap_or(Value::Null);
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    let schema_name = |v: &Value| -> String {
        if let Some(r) = v.get("$ref").and_then(Value::as_str) {
            return r.rsplit('/').next().unwrap_or("").to_string();
        }
        if let Some(items) = v.get("items") {
            let inner = items
                .get("$ref")
                .and_then(Value::as_str)
                .map(|r| r.rsplit('/').next().unwrap_or("").to_string())
                .unwrap_or_else(|| text(&items["type"]));
            return format!("[{inner}]");
        }
        match &v["type"] {
            Value::String(t) => t.clone(),
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" | "),
            _ => String::new(),
        }
    };
    let mut operations = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in ["get", "post", "put", "delete"] {
                let Some(op) = item.get(method) else { continue };
                let params = op["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .map(|p| {
                                (
                                    text(&p["name"]),
                                    text(&p["in"]),
                                    p["required"].as_bool().unwrap_or(false),
                                    text(&p["description"]),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let body = op["requestBody"]["content"]
                    .as_object()
                    .and_then(|c| c.values().next())
                    .map(|c| schema_name(&c["schema"]));
                let responses = op["responses"]
                    .as_object()
                    .map(|rs| {
                        rs.iter()
                            .map(|(status, r)| {
                                let schema = r["content"]
                                    .as_object()
                                    .and_then(|c| c.values().next())
                                    .map(|c| schema_name(&c["schema"]))
                                    .unwrap_or_default();
                                (status.clone(), text(&r["description"]), schema)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                operations.push(ApiOperation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    summary: text(&op["summary"]),
                    description: text(&op["description"]),
                    tag: op["tags"][0].as_str().unwrap_or("").to_string(),
                    params,
                    body,
                    responses,
                });
            }
        }
    }
    let mut schemas = Vec::new();
    if let Some(all) = doc["components"]["schemas"].as_object() {
        for (name, s) in all {
            let required: Vec<&str> = s["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let fields = s["properties"]
                .as_object()
                .map(|ps| {
                    ps.iter()
                        .map(|(f, p)| {
                            (
                                f.clone(),
                                schema_name(p),
                                required.contains(&f.as_str()),
                                text(&p["description"]),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            schemas.push(ApiSchema {
                name: name.clone(),
                description: text(&s["description"]),
                fields,
            });
        }
    }
    ApiReference {
        title: text(&doc["info"]["title"]),
        description: text(&doc["info"]["description"]),
        operations,
        schemas,
    }
}
