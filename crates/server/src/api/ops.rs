//! Operational endpoints: health, Prometheus metrics and the OpenAPI description.

use std::sync::OnceLock;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(metrics))
        .routes(routes!(openapi_json))
}

/// Up, and how many active sessions are held for introspection.
#[utoipa::path(get, path = "/healthz", tag = "ops",
    responses((status = 200, description = "`{status: \"ok\", active_sessions_cached}`", body = Object)))]
async fn healthz(State(a): State<AppState>) -> impl IntoResponse {
    axum::Json(json!({
        "status": "ok",
        "active_sessions_cached": a.live.len(),
    }))
}

/// Counters and gauges in the Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "ops",
    responses((status = 200, description = "Prometheus text exposition", content_type = "text/plain", body = String)))]
async fn metrics(State(a): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        a.metrics.render(a.live.len(), a.passwords.running()),
    )
}

/// This API's OpenAPI 3.1 description.
#[utoipa::path(get, path = "/openapi.json", tag = "ops",
    responses((status = 200, description = "The OpenAPI document", body = Object)))]
async fn openapi_json() -> impl IntoResponse {
    static DOC: OnceLock<String> = OnceLock::new();
    let doc = DOC.get_or_init(super::openapi_text);
    ([(header::CONTENT_TYPE, "application/json")], doc.as_str())
}
