//! The change feed (`changes?after=`) and its live announcement over Server-Sent Events.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::{Stream, StreamExt};
use sessiondesk_protocol::{Change, ChangePage, ChangeQuery, Policy, Problem};
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
) -> Result<axum::Json<ChangePage>> {
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
    let changes = rows
        .into_iter()
        .map(|r| {
            let data = match r.data {
                // The stored row, not memory: the feed describes what is committed.
                ChangeData::Session(s) => {
                    serde_json::to_value(s.to_api(&policy, now, s.last_seen_at))
                }
                ChangeData::User(u) => serde_json::to_value(u),
                ChangeData::Login(l) => serde_json::to_value(l),
                ChangeData::Audit(e) => serde_json::to_value(e),
                ChangeData::Policy(p) => serde_json::to_value(p),
                ChangeData::ApiKey(k) => serde_json::to_value(k),
            }
            .map_err(|e| Error::Internal(e.to_string()))?;
            Ok(Change {
                seq: r.seq,
                entity: r.entity,
                op: "upsert".into(),
                data,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(axum::Json(ChangePage {
        changes,
        next,
        has_more,
    }))
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
