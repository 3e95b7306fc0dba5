//! Resource-server API keys: list with usage, create (secret shown once), revoke.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use sessiondesk_protocol::{ApiKeyInfo, CreatedApiKey, NewApiKey, Problem, Timestamp};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{idempotent, json, AppState};
use crate::api::extract::{Admin, IdempotencyKey, Json, Path};
use crate::error::{Error, Result};
use crate::roles::Permission;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(revoke))
}

/// The org's API keys with their use: last used and requests in the last 24 hours.
#[utoipa::path(get, path = "/v1/admin/api-keys", tag = "admin", security(("session_token" = [])),
    responses((status = 200, body = Vec<ApiKeyInfo>)))]
async fn list(State(a): State<AppState>, admin: Admin) -> Result<axum::Json<Vec<ApiKeyInfo>>> {
    let me = admin.may(Permission::ManageApiKeys)?;
    Ok(axum::Json(a.store.api_keys(&me.org_id, a.now()).await?))
}

/// Create a key for a resource server. The secret is in this answer only.
#[utoipa::path(post, path = "/v1/admin/api-keys", tag = "admin", security(("session_token" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key; runs the action once")),
    request_body = NewApiKey,
    responses((status = 201, body = CreatedApiKey),
        (status = 422, description = "`validation_failed` or `idempotency_key_reused`", body = Problem, content_type = "application/problem+json")))]
async fn create(
    State(a): State<AppState>,
    admin: Admin,
    IdempotencyKey(key): IdempotencyKey,
    Json(req): Json<NewApiKey>,
) -> Result<Response> {
    let me = admin.may(Permission::ManageApiKeys)?;
    let name = req.name.trim();
    if name.is_empty() || name.len() > 200 {
        return Err(Error::Unprocessable("name must be 1 to 200 bytes".into()));
    }
    let request = serde_json::json!({"create_api_key": req});
    idempotent(&a, me, key, request, async {
        let (k, secret) = a.create_api_key(&me.org_id, name, &me.user_id).await?;
        let created = CreatedApiKey {
            key: ApiKeyInfo {
                id: k.id,
                org_id: k.org_id,
                name: k.name,
                created_at: Timestamp::from_millis(k.created_at),
                created_by: k.created_by,
                last_used_at: None,
                revoked_at: None,
                requests_24h: 0,
            },
            secret: Some(secret),
        };
        json(StatusCode::CREATED, &created)
    })
    .await
}

/// Revoke a key: its next introspection call is refused.
#[utoipa::path(delete, path = "/v1/admin/api-keys/{id}", tag = "admin", security(("session_token" = [])),
    params(("id" = String, Path, description = "API key id (`key_...`)"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key; runs the action once")),
    responses((status = 200, body = ApiKeyInfo),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`idempotency_key_reused`", body = Problem, content_type = "application/problem+json")))]
async fn revoke(
    State(a): State<AppState>,
    admin: Admin,
    IdempotencyKey(key): IdempotencyKey,
    Path(id): Path<String>,
) -> Result<Response> {
    let me = admin.may(Permission::ManageApiKeys)?;
    let request = serde_json::json!({"revoke_api_key": id});
    idempotent(&a, me, key, request, async {
        a.revoke_api_key(&me.org_id, &id, &me.user_id).await?;
        let k = a
            .store
            .api_key(&me.org_id, &id, a.now())
            .await?
            .ok_or(Error::NotFound)?;
        json(StatusCode::OK, &k)
    })
    .await
}
