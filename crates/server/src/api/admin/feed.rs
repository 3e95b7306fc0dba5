//! The change feed (`changes?after=`) and its live announcement over Server-Sent Events.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use futures::{Stream, StreamExt};
use sessiondesk_protocol::{
    AdminUser, ApiKeyInfo, AuditEvent, ChangePage, ChangeQuery, Entity, LoginAttempt, Policy,
    Problem, Session,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use crate::api::extract::{Admin, Query};
use crate::error::{Error, Result};
use crate::roles::Permission;
use crate::store::ChangeData;

const DEFAULT_LIMIT: u32 = 1000;
const MAX_LIMIT: u32 = 10_000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(changes))
        .routes(routes!(events))
}

/// Every row that changed after a sequence number, in order: the console's sync.
#[utoipa::path(get, path = "/v1/admin/changes", tag = "admin", security(("session_token" = [])),
    params(ChangeQuery),
    responses((status = 200, body = ChangePage),
        (status = 400, description = "`bad_request`: a malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: limit or after out of range", body = Problem, content_type = "application/problem+json")))]
async fn changes(
    State(a): State<AppState>,
    admin: Admin,
    Query(q): Query<ChangeQuery>,
) -> Result<axum::response::Response> {
    let me = admin.may(Permission::Read)?;
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) || q.after < 0 {
        return Err(Error::Unprocessable(format!(
            "limit must be 1 to {MAX_LIMIT} and after at least 0"
        )));
    }
    let rows = a.store.changes(&me.org_id, q.after, limit, a.now()).await?;
    let has_more = rows.len() == limit as usize;
    let next = rows.last().map_or(q.after, |r| r.seq);
    let policy: std::sync::Arc<Policy> = a.policies.get(&me.org_id);
    let now = a.now();
    // A full page is megabytes of JSON: written on a blocking thread, so that it does not
    // hold up the request threads (introspection) while it is.
    let body = tokio::task::spawn_blocking(move || {
        let changes = rows
            .into_iter()
            .map(|r| FeedChange {
                seq: r.seq,
                entity: r.entity,
                op: "upsert",
                data: match r.data {
                    // The stored row, not memory: the feed describes what is committed.
                    ChangeData::Session(s) => {
                        FeedData::Session(Box::new(s.to_api(&policy, now, s.last_seen_at)))
                    }
                    ChangeData::User(u) => FeedData::User(u),
                    ChangeData::Login(l) => FeedData::Login(l),
                    ChangeData::Audit(e) => FeedData::Audit(e),
                    ChangeData::Policy(p) => FeedData::Policy(p),
                    ChangeData::ApiKey(k) => FeedData::ApiKey(k),
                },
            })
            .collect();
        serde_json::to_vec(&FeedPage {
            changes,
            next,
            has_more,
        })
    })
    .await
    .map_err(|e| Error::Internal(format!("writing the change feed: {e}")))?
    .map_err(|e| Error::Internal(format!("writing the change feed: {e}")))?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// [`ChangePage`] as it is written: each row serialised straight from its type (no
/// intermediate JSON tree), which keeps a full export fast.
#[derive(serde::Serialize)]
struct FeedPage {
    changes: Vec<FeedChange>,
    next: i64,
    has_more: bool,
}

#[derive(serde::Serialize)]
struct FeedChange {
    seq: i64,
    entity: Entity,
    op: &'static str,
    data: FeedData,
}

#[derive(serde::Serialize)]
#[serde(untagged)]
enum FeedData {
    Session(Box<Session>),
    User(Box<AdminUser>),
    Login(Box<LoginAttempt>),
    Audit(Box<AuditEvent>),
    Policy(Box<Policy>),
    ApiKey(Box<ApiKeyInfo>),
}

/// One `change` event (id and data: the org's latest sequence number) each time the org's
/// sequence moves, the first at once; the console then reads `changes?after=`.
#[utoipa::path(get, path = "/v1/admin/events", tag = "admin", security(("session_token" = [])),
    responses((status = 200, description = "Server-Sent Events: `event: change`, `id` and `data` the latest sequence number", content_type = "text/event-stream", body = String)))]
async fn events(
    State(a): State<AppState>,
    admin: Admin,
) -> Result<Sse<impl Stream<Item = std::result::Result<Event, Infallible>>>> {
    let me = admin.may(Permission::Read)?;
    let org = me.org_id.clone();
    let commits = a.store.commits();
    let mut stopping = a.stopping.subscribe();
    let state = (a.clone(), org, commits, -1_i64);
    let stream = futures::stream::unfold(state, |(a, org, mut commits, last)| async move {
        loop {
            let seq = match a.store.latest_seq(&org).await {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "change feed stream");
                    return None;
                }
            };
            if seq != last {
                let event = Event::default()
                    .event("change")
                    .id(seq.to_string())
                    .data(seq.to_string());
                return Some((Ok(event), (a, org, commits, seq)));
            }
            if commits.changed().await.is_err() {
                return None;
            }
        }
    })
    .take_until(async move {
        let _ = stopping.wait_for(|s| *s).await;
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
