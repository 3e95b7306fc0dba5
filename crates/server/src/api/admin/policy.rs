//! The org's session policy: read it, preview a change, save it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use sessiondesk_protocol::{Policy, PolicyPreview, Problem};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{idempotent, json, AppState};
use crate::api::extract::{Admin, IdempotencyKey, Json};
use crate::error::Result;
use crate::roles::Permission;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(read, save))
        .routes(routes!(preview))
}

/// Every admin role reads the policy: the console needs `require_reason` to ask for one.
#[utoipa::path(get, path = "/v1/admin/policy", tag = "admin", security(("session_token" = [])),
    responses((status = 200, body = Policy)))]
async fn read(State(a): State<AppState>, admin: Admin) -> Result<axum::Json<Policy>> {
    let me = admin.may(Permission::Read)?;
    Ok(axum::Json((*a.policies.get(&me.org_id)).clone()))
}

/// How many sessions a policy would end, and why, without saving it.
#[utoipa::path(post, path = "/v1/admin/policy/preview", tag = "admin", security(("session_token" = [])),
    request_body = Policy,
    responses((status = 200, body = PolicyPreview), (status = 422, description = "`validation_failed`: a value out of range", body = Problem, content_type = "application/problem+json")))]
async fn preview(
    State(a): State<AppState>,
    admin: Admin,
    Json(policy): Json<Policy>,
) -> Result<axum::Json<PolicyPreview>> {
    let me = admin.may(Permission::ManagePolicy)?;
    Ok(axum::Json(a.preview_policy(&me.org_id, &policy).await?))
}

/// Save the policy; it applies to new and existing sessions at once.
#[utoipa::path(put, path = "/v1/admin/policy", tag = "admin", security(("session_token" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key; runs the action once")),
    request_body = Policy,
    responses((status = 200, body = Policy),
        (status = 422, description = "`validation_failed` or `idempotency_key_reused`", body = Problem, content_type = "application/problem+json")))]
async fn save(
    State(a): State<AppState>,
    admin: Admin,
    IdempotencyKey(key): IdempotencyKey,
    Json(policy): Json<Policy>,
) -> Result<Response> {
    let me = admin.may(Permission::ManagePolicy)?;
    let request = serde_json::json!({"policy": policy});
    idempotent(&a, me, key, request, async {
        a.set_policy(&me.org_id, policy.clone(), &me.user_id)
            .await?;
        json(StatusCode::OK, &policy)
    })
    .await
}
