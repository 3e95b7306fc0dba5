//! HTTP adapters: parse the request, call the [`Authority`], shape the answer.

mod admin;
mod auth;
mod docs;
mod extract;
mod oauth;
mod ops;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;

use crate::auth::Authority;
use crate::error::Error;

pub type AppState = Arc<Authority>;

/// Every documented route, with its OpenAPI description.
fn documented() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(docs::ApiDoc::openapi())
        .merge(auth::router())
        .merge(admin::router())
        .merge(oauth::router())
        .merge(ops::router())
        .split_for_parts();
    docs::add_shared_answers(&mut doc);
    (router, doc)
}

/// The OpenAPI 3.1 description of every route.
pub fn openapi() -> utoipa::openapi::OpenApi {
    documented().1
}

/// The description as served at `/openapi.json` and committed as `openapi.json`.
pub fn openapi_text() -> String {
    let mut text = openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    text.push('\n');
    text
}

/// Every route of the authority.
pub fn router(state: AppState) -> Router {
    let limit = state.config.body_limit;
    documented()
        .0
        .fallback(|| async { Error::NotFound })
        .method_not_allowed_fallback(|| async { Error::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}
