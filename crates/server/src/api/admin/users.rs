//! Users: the list with their session counts, one user, and account actions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use sessiondesk_protocol::{
    ActionReceipt, ActionRequest, AdminUser, LockRequest, Page, Problem, RevokeSessionsRequest,
    UserQuery,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{idempotent, json, AppState};
use crate::api::extract::{Admin, IdempotencyKey, Json, Path, Query};
use crate::error::{Error, Result};
use crate::roles::Permission;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(one))
        .routes(routes!(revoke_sessions))
        .routes(routes!(lock))
        .routes(routes!(unlock))
}

/// The org's users with their active session count and last activity.
#[utoipa::path(get, path = "/v1/admin/users", tag = "admin", security(("session_token" = [])),
    params(UserQuery),
    responses((status = 200, body = Page<AdminUser>), (status = 400, description = "`bad_request`: a malformed parameter", body = Problem, content_type = "application/problem+json")))]
async fn list(
    State(a): State<AppState>,
    admin: Admin,
    Query(q): Query<UserQuery>,
) -> Result<axum::Json<Page<AdminUser>>> {
    let me = admin.may(Permission::Read)?;
    Ok(axum::Json(a.store.list_users(&me.org_id, &q).await?.into()))
}

/// One user.
#[utoipa::path(get, path = "/v1/admin/users/{id}", tag = "admin", security(("session_token" = [])),
    params(("id" = String, Path, description = "User id (`usr_...`)")),
    responses((status = 200, body = AdminUser), (status = 404, description = "`not_found`, also for another org's user", body = Problem, content_type = "application/problem+json")))]
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

/// Log a user out everywhere, or end the listed sessions of theirs.
#[utoipa::path(post, path = "/v1/admin/users/{id}/revoke-sessions", tag = "admin", security(("session_token" = [])),
    params(("id" = String, Path, description = "User id (`usr_...`)"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key; runs the action once")),
    request_body = RevokeSessionsRequest,
    responses((status = 200, description = "Receipt per ended session", body = ActionReceipt),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`reason_required`, `validation_failed` or `idempotency_key_reused`", body = Problem, content_type = "application/problem+json")))]
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

/// Lock an account: ends every session and blocks sign-in until unlocked.
#[utoipa::path(post, path = "/v1/admin/users/{id}/lock", tag = "admin", security(("session_token" = [])),
    params(("id" = String, Path, description = "User id (`usr_...`)"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key; runs the action once")),
    request_body = LockRequest,
    responses((status = 200, description = "Receipt per ended session", body = ActionReceipt),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`reason_required`, `validation_failed` or `idempotency_key_reused`", body = Problem, content_type = "application/problem+json")))]
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

/// Unlock an account (an admin lock or a temporary one after failed sign-ins).
#[utoipa::path(post, path = "/v1/admin/users/{id}/unlock", tag = "admin", security(("session_token" = [])),
    params(("id" = String, Path, description = "User id (`usr_...`)"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key; runs the action once")),
    request_body = ActionRequest,
    responses((status = 200, body = ActionReceipt),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`reason_required`, `validation_failed` or `idempotency_key_reused`", body = Problem, content_type = "application/problem+json")))]
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
