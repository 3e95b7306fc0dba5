//! `/v1/auth/*`: the product-facing sign-in API.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use sessiondesk_protocol::{
    LoginRequest, LoginResponse, Page, Problem, ResumeRequest, RevocationReceipt, RevokeResult,
    Session,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Bearer, Ctx, Json, Path};
use super::AppState;
use crate::error::Result;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(resume))
        .routes(routes!(session))
        .routes(routes!(logout))
        .routes(routes!(sessions))
        .routes(routes!(revoke_one))
        .routes(routes!(revoke_others))
}

/// Sign in. The browser, OS and device come from User-Agent and client hints unless
/// `device` says.
#[utoipa::path(post, path = "/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 201, description = "Signed in; the token is shown this once", body = LoginResponse),
        (status = 401, description = "`invalid_credentials`: one answer for an unknown user and a wrong password", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`password_reset_required`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`session_limit` (with `login_ticket` and `sessions`) or `session_limit_denied`", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "`account_locked`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn login(
    State(a): State<AppState>,
    Ctx(ctx): Ctx,
    Json(req): Json<LoginRequest>,
) -> Result<impl IntoResponse> {
    let res = a.login(req, &ctx).await;
    a.metrics.login(res.is_ok());
    Ok((StatusCode::CREATED, axum::Json(res?)))
}

/// Finish a login that hit the session limit: end the chosen sessions (the oldest when
/// none are chosen) and sign in.
#[utoipa::path(post, path = "/v1/auth/login/resume", tag = "auth", request_body = ResumeRequest,
    responses(
        (status = 201, description = "Signed in", body = LoginResponse),
        (status = 400, description = "`invalid_ticket`: unknown, used or older than 5 minutes", body = Problem, content_type = "application/problem+json"),
    ))]
async fn resume(
    State(a): State<AppState>,
    Ctx(ctx): Ctx,
    Json(req): Json<ResumeRequest>,
) -> Result<impl IntoResponse> {
    let res = a.resume(req, &ctx).await;
    a.metrics.login(res.is_ok());
    Ok((StatusCode::CREATED, axum::Json(res?)))
}

/// The caller's own session.
#[utoipa::path(get, path = "/v1/auth/session", tag = "auth", security(("session_token" = [])),
    responses(
        (status = 200, body = Session),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn session(State(a): State<AppState>, Bearer(b): Bearer) -> Result<impl IntoResponse> {
    let me = a.authenticate(b.as_deref(), "/v1/auth/session").await?;
    Ok(axum::Json(a.current(&me).await?))
}

/// End the caller's session.
#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth", security(("session_token" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn logout(State(a): State<AppState>, Bearer(b): Bearer) -> Result<impl IntoResponse> {
    let me = a.authenticate(b.as_deref(), "/v1/auth/logout").await?;
    a.logout(&me).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's active sessions, the current one marked `current`.
#[utoipa::path(get, path = "/v1/auth/sessions", tag = "auth", security(("session_token" = [])),
    responses(
        (status = 200, body = Page<Session>),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn sessions(State(a): State<AppState>, Bearer(b): Bearer) -> Result<impl IntoResponse> {
    let me = a.authenticate(b.as_deref(), "/v1/auth/sessions").await?;
    // A user's active sessions are few (the policy bounds them): always one page.
    Ok(axum::Json(Page::whole(a.own_sessions(&me).await?)))
}

/// End one of the caller's own sessions.
#[utoipa::path(delete, path = "/v1/auth/sessions/{id}", tag = "auth", security(("session_token" = [])),
    params(("id" = String, Path, description = "Session id (`ses_...`)")),
    responses(
        (status = 200, body = RevocationReceipt),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: not one of the caller's sessions", body = Problem, content_type = "application/problem+json"),
    ))]
async fn revoke_one(
    State(a): State<AppState>,
    Bearer(b): Bearer,
    Path(id): Path<String>,
) -> Result<impl IntoResponse> {
    let me = a.authenticate(b.as_deref(), "/v1/auth/sessions").await?;
    Ok(axum::Json(a.revoke_own(&me, &id).await?))
}

/// End every session of the caller but the current one.
#[utoipa::path(post, path = "/v1/auth/sessions/revoke-others", tag = "auth", security(("session_token" = [])),
    responses(
        (status = 200, body = RevokeResult),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn revoke_others(State(a): State<AppState>, Bearer(b): Bearer) -> Result<impl IntoResponse> {
    let me = a
        .authenticate(b.as_deref(), "/v1/auth/sessions/revoke-others")
        .await?;
    Ok(axum::Json(a.revoke_others(&me).await?))
}
