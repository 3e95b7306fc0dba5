//! Read-only records: login history and the audit trail with its chain check.

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use sessiondesk_protocol::{
    AuditEvent, AuditQuery, AuditVerification, LoginAttempt, LoginQuery, Page,
};

use super::AppState;
use crate::api::extract::{Admin, Query};
use crate::error::Result;
use crate::roles::Permission;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/admin/logins", get(logins))
        .route("/v1/admin/audit", get(audit))
        .route("/v1/admin/audit/verify", get(verify))
}

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

async fn audit(
    State(a): State<AppState>,
    admin: Admin,
    Query(q): Query<AuditQuery>,
) -> Result<axum::Json<Page<AuditEvent>>> {
    let me = admin.may(Permission::Read)?;
    Ok(axum::Json(a.store.list_audit(&me.org_id, &q).await?.into()))
}

async fn verify(State(a): State<AppState>, admin: Admin) -> Result<axum::Json<AuditVerification>> {
    let me = admin.may(Permission::Read)?;
    Ok(axum::Json(a.store.verify_audit(&me.org_id).await?))
}
