//! Resource-server API keys: list with usage, create (secret shown once), revoke.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get};
use axum::Router;
use sessiondesk_protocol::{ApiKeyInfo, CreatedApiKey, NewApiKey, Timestamp};

use super::{idempotent, json, AppState};
use crate::api::extract::{Admin, IdempotencyKey, Json, Path};
use crate::error::{Error, Result};
use crate::roles::Permission;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/admin/api-keys", get(list).post(create))
        .route("/v1/admin/api-keys/{id}", delete(revoke))
}

async fn list(State(a): State<AppState>, admin: Admin) -> Result<axum::Json<Vec<ApiKeyInfo>>> {
    let me = admin.may(Permission::ManageApiKeys)?;
    Ok(axum::Json(a.store.api_keys(&me.org_id, a.now()).await?))
}

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
            secret,
        };
        json(StatusCode::CREATED, &created)
    })
    .await
}

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
