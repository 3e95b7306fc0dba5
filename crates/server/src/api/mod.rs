//! HTTP adapters: parse the request, call the [`Authority`], shape the answer.

mod admin;
mod auth;
mod extract;
mod oauth;
mod ops;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::Router;

use crate::auth::Authority;
use crate::error::Error;

pub type AppState = Arc<Authority>;

/// Every route of the authority.
pub fn router(state: AppState) -> Router {
    let limit = state.config.body_limit;
    Router::new()
        .merge(auth::router())
        .merge(admin::router())
        .merge(oauth::router())
        .merge(ops::router())
        .fallback(|| async { Error::NotFound })
        .method_not_allowed_fallback(|| async { Error::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}
