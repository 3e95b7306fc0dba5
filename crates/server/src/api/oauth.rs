//! `/oauth2/*`: RFC 7662 introspection and RFC 7009 revocation for resource servers.

use axum::extract::State;
use axum::response::IntoResponse;
use sessiondesk_protocol::{Introspection, Problem, TokenForm};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Bearer, Form};
use super::AppState;
use crate::error::Result;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(introspect))
        .routes(routes!(revoke))
}

/// RFC 7662: is this token an active session, and whose? `{"active": false}` otherwise.
#[utoipa::path(post, path = "/oauth2/introspect", tag = "oauth2", security(("api_key" = [])),
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = Introspection),
        (status = 401, description = "`unauthenticated`: no valid API key", body = Problem, content_type = "application/problem+json")))]
async fn introspect(
    State(a): State<AppState>,
    Bearer(b): Bearer,
    Form(form): Form<TokenForm>,
) -> Result<impl IntoResponse> {
    let key = a.api_key(b.as_deref()).await?;
    let answer = a.introspect(&key, form.token.expose()).await?;
    a.metrics.introspection(answer.active);
    Ok(axum::Json(answer))
}

/// RFC 7009: end the token's session. Unknown tokens answer 200 too.
#[utoipa::path(post, path = "/oauth2/revoke", tag = "oauth2", security(("api_key" = [])),
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "Revoked, or nothing to revoke", body = Object),
        (status = 401, description = "`unauthenticated`: no valid API key", body = Problem, content_type = "application/problem+json")))]
async fn revoke(
    State(a): State<AppState>,
    Bearer(b): Bearer,
    Form(form): Form<TokenForm>,
) -> Result<impl IntoResponse> {
    let key = a.api_key(b.as_deref()).await?;
    a.revoke_token(&key, form.token.expose()).await?;
    Ok(axum::Json(serde_json::json!({})))
}
