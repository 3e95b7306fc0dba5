//! Sessions: the filtered list, one session's details, and ending them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sessiondesk_protocol::{ActionReceipt, ActionRequest, Page, Problem, Session, SessionQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{idempotent, json, AppState};
use crate::api::extract::{Admin, IdempotencyKey, Json, Path, Query};
use crate::error::{Error, Result};
use crate::roles::Permission;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(revoke_all))
        .routes(routes!(one))
        .routes(routes!(revoke))
}

/// The org's sessions, filtered and sorted, one page at a time.
#[utoipa::path(get, path = "/v1/admin/sessions", tag = "admin", security(("session_token" = [])),
    params(SessionQuery),
    responses((status = 200, body = Page<Session>), (status = 400, description = "`bad_request`: a malformed parameter", body = Problem, content_type = "application/problem+json")))]
async fn list(
    State(a): State<AppState>,
    admin: Admin,
    Query(q): Query<SessionQuery>,
) -> Result<axum::Json<Page<Session>>> {
    let me = admin.may(Permission::Read)?;
    let page = a.store.list_sessions(&me.org_id, &q, a.now()).await?;
    let policy = a.policies.get(&me.org_id);
    let now = a.now();
    let page = page.map(|r| {
        let mut s = a.view(&r, &policy, now);
        s.current = r.id == me.session_id;
        s
    });
    Ok(axum::Json(page.into()))
}

/// Everything the details pane shows: device, place, activity and risk evidence.
#[utoipa::path(get, path = "/v1/admin/sessions/{id}", tag = "admin", security(("session_token" = [])),
    params(("id" = String, Path, description = "Session id (`ses_...`)")),
    responses((status = 200, body = Session), (status = 404, description = "`not_found`, also for another org's session", body = Problem, content_type = "application/problem+json")))]
async fn one(
    State(a): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<axum::Json<Session>> {
    let me = admin.may(Permission::Read)?;
    let row = a
        .store
        .session(&id)
        .await?
        .filter(|s| s.org_id == me.org_id)
        .ok_or(Error::NotFound)?;
    let mut s = a.view(&row, &a.policies.get(&me.org_id), a.now());
    s.current = row.id == me.session_id;
    Ok(axum::Json(s))
}

/// End one session.
#[utoipa::path(post, path = "/v1/admin/sessions/{id}/revoke", tag = "admin", security(("session_token" = [])),
    params(("id" = String, Path, description = "Session id (`ses_...`)"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key; runs the action once")),
    request_body = ActionRequest,
    responses((status = 200, description = "Receipt with the session's `revoked_at`", body = ActionReceipt),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`reason_required`, `validation_failed` or `idempotency_key_reused`", body = Problem, content_type = "application/problem+json")))]
async fn revoke(
    State(a): State<AppState>,
    admin: Admin,
    IdempotencyKey(key): IdempotencyKey,
    Path(id): Path<String>,
    Json(req): Json<ActionRequest>,
) -> Result<Response> {
    let me = admin.may(Permission::RevokeSessions)?;
    let request = serde_json::json!({"revoke": id, "body": req});
    idempotent(&a, me, key, request, async {
        json(
            StatusCode::OK,
            &a.admin_revoke_session(me, &id, &req).await?,
        )
    })
    .await
}

/// End every session of the org but the caller's.
#[utoipa::path(post, path = "/v1/admin/sessions/revoke-all", tag = "admin", security(("session_token" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key; runs the action once")),
    request_body = ActionRequest,
    responses((status = 200, description = "How many ended, each with its receipt", body = ActionReceipt),
        (status = 422, description = "`reason_required`, `validation_failed` or `idempotency_key_reused`", body = Problem, content_type = "application/problem+json")))]
async fn revoke_all(
    State(a): State<AppState>,
    admin: Admin,
    IdempotencyKey(key): IdempotencyKey,
    Json(req): Json<ActionRequest>,
) -> Result<impl IntoResponse> {
    let me = admin.may(Permission::RevokeAll)?;
    let request = serde_json::json!({"revoke_all": true, "body": req});
    idempotent(&a, me, key, request, async {
        json(StatusCode::OK, &a.admin_revoke_all(me, &req).await?)
    })
    .await
}
