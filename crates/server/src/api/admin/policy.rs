//! The org's session policy: read it, preview a change, save it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use sessiondesk_protocol::{Policy, PolicyPreview};

use super::{idempotent, json, AppState};
use crate::api::extract::{Admin, IdempotencyKey, Json};
use crate::error::Result;
use crate::roles::Permission;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/admin/policy", get(read).put(save))
        .route("/v1/admin/policy/preview", post(preview))
}

/// Every admin role reads the policy: the console needs `require_reason` to ask for one.
async fn read(State(a): State<AppState>, admin: Admin) -> Result<axum::Json<Policy>> {
    let me = admin.may(Permission::Read)?;
    Ok(axum::Json((*a.policies.get(&me.org_id)).clone()))
}

async fn preview(
    State(a): State<AppState>,
    admin: Admin,
    Json(policy): Json<Policy>,
) -> Result<axum::Json<PolicyPreview>> {
    let me = admin.may(Permission::ManagePolicy)?;
    Ok(axum::Json(a.preview_policy(&me.org_id, &policy).await?))
}

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
