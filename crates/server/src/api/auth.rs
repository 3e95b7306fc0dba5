//! `/v1/auth/*`: the product-facing sign-in API.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use axum::Router;
use sessiondesk_protocol::{LoginRequest, Page, ResumeRequest};

use super::extract::{Bearer, Ctx, Json, Path};
use super::AppState;
use crate::error::Result;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/auth/login", post(login))
        .route("/v1/auth/login/resume", post(resume))
        .route("/v1/auth/session", get(session))
        .route("/v1/auth/logout", post(logout))
        .route("/v1/auth/sessions", get(sessions))
        .route("/v1/auth/sessions/{id}", delete(revoke_one))
        .route("/v1/auth/sessions/revoke-others", post(revoke_others))
}

async fn login(
    State(a): State<AppState>,
    Ctx(ctx): Ctx,
    Json(req): Json<LoginRequest>,
) -> Result<impl IntoResponse> {
    let res = a.login(req, &ctx).await?;
    Ok((StatusCode::CREATED, axum::Json(res)))
}

async fn resume(
    State(a): State<AppState>,
    Ctx(ctx): Ctx,
    Json(req): Json<ResumeRequest>,
) -> Result<impl IntoResponse> {
    let res = a.resume(req, &ctx).await?;
    Ok((StatusCode::CREATED, axum::Json(res)))
}

async fn session(State(a): State<AppState>, Bearer(b): Bearer) -> Result<impl IntoResponse> {
    let me = a.authenticate(b.as_deref(), "/v1/auth/session").await?;
    Ok(axum::Json(a.current(&me).await?))
}

async fn logout(State(a): State<AppState>, Bearer(b): Bearer) -> Result<impl IntoResponse> {
    let me = a.authenticate(b.as_deref(), "/v1/auth/logout").await?;
    a.logout(&me).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn sessions(State(a): State<AppState>, Bearer(b): Bearer) -> Result<impl IntoResponse> {
    let me = a.authenticate(b.as_deref(), "/v1/auth/sessions").await?;
    // A user's active sessions are few (the policy bounds them): always one page.
    Ok(axum::Json(Page::whole(a.own_sessions(&me).await?)))
}

async fn revoke_one(
    State(a): State<AppState>,
    Bearer(b): Bearer,
    Path(id): Path<String>,
) -> Result<impl IntoResponse> {
    let me = a.authenticate(b.as_deref(), "/v1/auth/sessions").await?;
    Ok(axum::Json(a.revoke_own(&me, &id).await?))
}

async fn revoke_others(State(a): State<AppState>, Bearer(b): Bearer) -> Result<impl IntoResponse> {
    let me = a
        .authenticate(b.as_deref(), "/v1/auth/sessions/revoke-others")
        .await?;
    Ok(axum::Json(a.revoke_others(&me).await?))
}
