//! Read-only records: login history and the audit trail with its chain check.

use axum::extract::State;
use sessiondesk_protocol::{
    AuditEvent, AuditQuery, AuditVerification, LoginAttempt, LoginQuery, Page, Problem,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use crate::api::extract::{Admin, Query};
use crate::error::Result;
use crate::roles::Permission;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(logins))
        .routes(routes!(audit))
        .routes(routes!(verify))
}

/// Login history: every attempt, success or failure and why, with place and device.
#[utoipa::path(get, path = "/v1/admin/logins", tag = "admin", security(("session_token" = [])),
    params(LoginQuery),
    responses((status = 200, body = Page<LoginAttempt>), (status = 400, description = "`bad_request`: a malformed parameter", body = Problem, content_type = "application/problem+json")))]
async fn logins(
    State(a): State<AppState>,
    admin: Admin,
    Query(q): Query<LoginQuery>,
) -> Result<axum::Json<Page<LoginAttempt>>> {
    let me = admin.may(Permission::Read)?;
    Ok(axum::Json(
        a.store.list_logins(&me.org_id, &q).await?.into(),
    ))
}

/// The audit trail, newest first.
#[utoipa::path(get, path = "/v1/admin/audit", tag = "admin", security(("session_token" = [])),
    params(AuditQuery),
    responses((status = 200, body = Page<AuditEvent>), (status = 400, description = "`bad_request`: a malformed parameter", body = Problem, content_type = "application/problem+json")))]
async fn audit(
    State(a): State<AppState>,
    admin: Admin,
    Query(q): Query<AuditQuery>,
) -> Result<axum::Json<Page<AuditEvent>>> {
    let me = admin.may(Permission::Read)?;
    Ok(axum::Json(a.store.list_audit(&me.org_id, &q).await?.into()))
}

/// Checks the org's hash chain and names the first event that does not match.
#[utoipa::path(get, path = "/v1/admin/audit/verify", tag = "admin", security(("session_token" = [])),
    responses((status = 200, body = AuditVerification)))]
async fn verify(State(a): State<AppState>, admin: Admin) -> Result<axum::Json<AuditVerification>> {
    let me = admin.may(Permission::Read)?;
    Ok(axum::Json(a.store.verify_audit(&me.org_id).await?))
}
