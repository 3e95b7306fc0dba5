//! `/v1/admin/*`: the console's API. Every call is scoped to the caller's org (another
//! org's ids answer 404) and checked against the caller's role.

mod api_keys;
mod feed;
mod policy;
mod records;
mod sessions;
mod users;

use std::future::Future;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;

use super::AppState;
use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::store::StoredAnswer;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(sessions::router())
        .merge(users::router())
        .merge(records::router())
        .merge(policy::router())
        .merge(api_keys::router())
        .merge(feed::router())
}

/// An answer of a mutating call: status and JSON body.
type Answer = (StatusCode, serde_json::Value);

fn json<T: serde::Serialize>(status: StatusCode, v: &T) -> Result<Answer> {
    Ok((
        status,
        serde_json::to_value(v).map_err(|e| Error::Internal(e.to_string()))?,
    ))
}

fn respond(status: StatusCode, body: serde_json::Value, replayed: bool) -> Response {
    let mut res = (status, axum::Json(body)).into_response();
    if status.is_client_error() || status.is_server_error() {
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
    }
    if replayed {
        res.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    res
}

/// Runs a mutating call at most once per `Idempotency-Key`: the first answer is stored and
/// replayed for the same key; the same key with another request is 422. Calls with the same
/// key wait for each other, so two retries racing each other still run the action once.
async fn idempotent(
    a: &AppState,
    actor: &Actor,
    key: Option<String>,
    request: serde_json::Value,
    run: impl Future<Output = Result<Answer>>,
) -> Result<Response> {
    let Some(key) = key else {
        let (status, body) = run.await?;
        return Ok(respond(status, body, false));
    };
    let fingerprint = Sha256::digest(
        serde_json::json!({ "by": actor.user_id, "request": request })
            .to_string()
            .as_bytes(),
    )
    .to_vec();
    let _turn = a
        .idempotency
        .lock(&format!("{}\n{key}", actor.org_id))
        .await;
    if let Some(stored) = a.store.stored_answer(&actor.org_id, &key).await? {
        if stored.request_hash != fingerprint {
            return Err(Error::IdempotencyKeyReused);
        }
        let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
        let body = serde_json::from_str(&stored.body).unwrap_or_default();
        return Ok(respond(status, body, true));
    }
    let (status, body) = match run.await {
        Ok(answer) => answer,
        // Server errors are not remembered: the retry should run again.
        Err(e) if e.status().is_server_error() => return Err(e),
        Err(e) => (
            e.status(),
            serde_json::to_value(e.problem()).unwrap_or_default(),
        ),
    };
    // A secret (a new API key's) is shown once and never stored: a replay answers
    // without it.
    let mut kept = body.clone();
    if let Some(o) = kept.as_object_mut() {
        if o.contains_key("secret") {
            o.insert("secret".into(), serde_json::Value::Null);
        }
    }
    let answer = StoredAnswer {
        request_hash: fingerprint,
        status: status.as_u16(),
        body: kept.to_string(),
    };
    a.store
        .store_answer(&actor.org_id, &key, &actor.user_id, &answer, a.now())
        .await?;
    Ok(respond(status, body, false))
}
