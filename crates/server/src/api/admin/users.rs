//! Users: the list with their session counts, one user, and account actions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use sessiondesk_protocol::Page;
use sessiondesk_protocol::{
    ActionRequest, AdminUser, LockRequest, RevokeSessionsRequest, UserQuery,
};

use super::{idempotent, json, AppState};
use crate::api::extract::{Admin, IdempotencyKey, Json, Path, Query};
use crate::error::{Error, Result};
use crate::roles::Permission;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/admin/users", get(list))
        .route("/v1/admin/users/{id}", get(one))
        .route(
            "/v1/admin/users/{id}/revoke-sessions",
            post(revoke_sessions),
        )
        .route("/v1/admin/users/{id}/lock", post(lock))
        .route("/v1/admin/users/{id}/unlock", post(unlock))
}

async fn list(
    State(a): State<AppState>,
    admin: Admin,
    Query(q): Query<UserQuery>,
) -> Result<axum::Json<Page<AdminUser>>> {
    let me = admin.may(Permission::Read)?;
    Ok(axum::Json(a.store.list_users(&me.org_id, &q).await?.into()))
}

async fn one(
    State(a): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<axum::Json<AdminUser>> {
    let me = admin.may(Permission::Read)?;
    a.store
        .admin_user(&me.org_id, &id)
        .await?
        .map(axum::Json)
        .ok_or(Error::NotFound)
}

async fn revoke_sessions(
    State(a): State<AppState>,
    admin: Admin,
    IdempotencyKey(key): IdempotencyKey,
    Path(id): Path<String>,
    Json(req): Json<RevokeSessionsRequest>,
) -> Result<Response> {
    let me = admin.may(Permission::RevokeSessions)?;
    let request = serde_json::json!({"revoke_sessions": id, "body": req});
    idempotent(&a, me, key, request, async {
        json(
            StatusCode::OK,
            &a.admin_revoke_user_sessions(me, &id, &req).await?,
        )
    })
    .await
}

async fn lock(
    State(a): State<AppState>,
    admin: Admin,
    IdempotencyKey(key): IdempotencyKey,
    Path(id): Path<String>,
    Json(req): Json<LockRequest>,
) -> Result<Response> {
    let me = admin.may(Permission::LockUsers)?;
    let request = serde_json::json!({"lock": id, "body": req});
    idempotent(&a, me, key, request, async {
        json(StatusCode::OK, &a.admin_lock(me, &id, &req).await?)
    })
    .await
}

async fn unlock(
    State(a): State<AppState>,
    admin: Admin,
    IdempotencyKey(key): IdempotencyKey,
    Path(id): Path<String>,
    Json(req): Json<ActionRequest>,
) -> Result<Response> {
    let me = admin.may(Permission::LockUsers)?;
    let request = serde_json::json!({"unlock": id, "body": req});
    idempotent(&a, me, key, request, async {
        json(StatusCode::OK, &a.admin_unlock(me, &id, &req).await?)
    })
    .await
}
