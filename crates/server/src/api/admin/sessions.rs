//! Sessions: the filtered list, one session's details, and ending them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use sessiondesk_protocol::{ActionRequest, Page, Session, SessionQuery};

use super::{idempotent, json, AppState};
use crate::api::extract::{Admin, IdempotencyKey, Json, Path, Query};
use crate::error::{Error, Result};
use crate::roles::Permission;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/admin/sessions", get(list))
        .route("/v1/admin/sessions/revoke-all", post(revoke_all))
        .route("/v1/admin/sessions/{id}", get(one))
        .route("/v1/admin/sessions/{id}/revoke", post(revoke))
}

async fn list(
    State(a): State<AppState>,
    admin: Admin,
    Query(q): Query<SessionQuery>,
) -> Result<axum::Json<Page<Session>>> {
    let me = admin.may(Permission::Read)?;
    let page = a.store.list_sessions(&me.org_id, &q).await?;
    let policy = a.policies.get(&me.org_id);
    let now = a.now();
    Ok(axum::Json(Page {
        items: page
            .items
            .iter()
            .map(|r| {
                let mut s = a.view(r, &policy, now);
                s.current = r.id == me.session_id;
                s
            })
            .collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    }))
}

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
