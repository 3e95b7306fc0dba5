//! `/oauth2/*`: RFC 7662 introspection and RFC 7009 revocation for resource servers.

use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::post;
use axum::Router;
use sessiondesk_protocol::TokenForm;

use super::extract::{Bearer, Form};
use super::AppState;
use crate::error::Result;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/oauth2/introspect", post(introspect))
        .route("/oauth2/revoke", post(revoke))
}

async fn introspect(
    State(a): State<AppState>,
    Bearer(b): Bearer,
    Form(form): Form<TokenForm>,
) -> Result<impl IntoResponse> {
    let key = a.api_key(b.as_deref()).await?;
    Ok(axum::Json(a.introspect(&key, form.token.expose()).await?))
}

async fn revoke(
    State(a): State<AppState>,
    Bearer(b): Bearer,
    Form(form): Form<TokenForm>,
) -> Result<impl IntoResponse> {
    let key = a.api_key(b.as_deref()).await?;
    a.revoke_token(&key, form.token.expose()).await?;
    Ok(axum::Json(serde_json::json!({})))
}
