//! Background upkeep: write coalesced activity, and end sessions past their deadlines.

use std::collections::HashMap;
use std::time::Duration;

use sessiondesk_protocol::EndReason;

use super::Authority;
use crate::error::Result;
use crate::expiry;
use crate::live::LiveEntry;
use crate::store::{EndSpec, Touch};

/// Sessions written per transaction by a flush.
const FLUSH_CHUNK: usize = 5000;

/// How often new sessions are added to the text index (a text search adds them itself
/// before it reads, so this only keeps the batches small).
const SEARCH_INDEX_INTERVAL: Duration = Duration::from_secs(2);

/// How a session that timed out is ended: by the system, at its deadline.
fn timed_out(reason: EndReason, at: i64) -> EndSpec {
    EndSpec {
        reason,
        by: "system".into(),
        note: Some(match reason {
            EndReason::IdleTimeout => "idle timeout".into(),
            _ => "absolute timeout".into(),
        }),
        ticket: None,
        at,
    }
}

impl Authority {
    /// Writes activity recorded in memory since the last flush (one write per session).
    pub async fn flush(&self) -> Result<usize> {
        let drained = self.live.drain();
        let n = drained.len();
        // A transaction per chunk: a flush of a million sessions must not hold the writer
        // (and so every sign-in) for its whole duration. A chunk that fails goes back to
        // memory with every chunk after it; the ones before it are written.
        for (i, chunk) in drained.chunks(FLUSH_CHUNK).enumerate() {
            let touches: Vec<Touch> = chunk.iter().map(|(_, t)| t.clone()).collect();
            if let Err(e) = self.store.touch(&touches).await {
                self.live.requeue(&drained[i * FLUSH_CHUNK..]);
                return Err(e);
            }
        }
        let usage = self.keys.drain(self.now());
        if let Err(e) = self.store.record_key_usage(&usage).await {
            self.keys.requeue(&usage);
            return Err(e);
        }
        Ok(n)
    }

    /// Ends every active session past a deadline, with its end reason and the deadline as
    /// its end time. Returns how many ended.
    pub async fn sweep(&self) -> Result<usize> {
        let now = self.now();
        let due_of = |e: &LiveEntry| {
            let policy = self.policies.get(&e.org_id);
            expiry::deadlines(&policy, e.created_at, e.last_seen(), e.remember_me).expired(now)
        };
        // session id -> (org, reason, deadline)
        let mut due: HashMap<String, (String, EndReason, i64)> = HashMap::new();
        // Every cached session, with the freshest last-seen there is.
        for (_, e) in self.live.scan(|e| due_of(e).is_some()) {
            if let Some((reason, at)) = due_of(&e) {
                due.insert(e.session_id.to_string(), (e.org_id.to_string(), reason, at));
            }
        }
        // Absolute deadlines of sessions this node has not cached (an index range).
        for (org_id, policy) in self.policies.all() {
            for c in self.store.expired(&org_id, &policy, now).await? {
                if due.contains_key(&c.session_id) {
                    continue;
                }
                let seen = self
                    .live
                    .get(&c.token_hash)
                    .map_or(c.last_seen_at, |e| e.last_seen().max(c.last_seen_at));
                let d = expiry::deadlines(&policy, c.created_at, seen, c.remember_me);
                if let Some((reason, at)) = d.expired(now) {
                    due.insert(c.session_id, (org_id.clone(), reason, at));
                }
            }
        }
        let mut total = 0;
        for (session_id, (org_id, reason, at)) in due {
            total += self
                .end(&org_id, &[session_id], &timed_out(reason, at))
                .await?
                .len();
        }
        Ok(total)
    }

    /// Ends one user's sessions that are past a deadline but not swept yet, so that the
    /// session limit and "end the others" see only live sessions (a dead one must neither
    /// take a slot nor be recorded as revoked).
    pub(crate) async fn settle_user(&self, org_id: &str, user_id: &str) -> Result<usize> {
        let policy = self.policies.get(org_id);
        let now = self.now();
        let mut total = 0;
        for c in self.store.expired_of_user(user_id, &policy, now).await? {
            let seen = self
                .live
                .get(&c.token_hash)
                .map_or(c.last_seen_at, |e| e.last_seen().max(c.last_seen_at));
            let d = expiry::deadlines(&policy, c.created_at, seen, c.remember_me);
            if let Some((reason, at)) = d.expired(now) {
                total += self
                    .end(org_id, &[c.session_id], &timed_out(reason, at))
                    .await?
                    .len();
            }
        }
        Ok(total)
    }

    /// Runs flush and sweep on their intervals until `stop` fires, then flushes once more.
    pub async fn run_maintenance(&self, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut flush = tokio::time::interval(self.config.flush_interval);
        let mut sweep = tokio::time::interval(self.config.sweep_interval);
        let mut index = tokio::time::interval(SEARCH_INDEX_INTERVAL);
        flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        index.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = flush.tick() => {
                    if let Err(e) = self.flush().await {
                        tracing::error!(error = %e, "flushing activity failed");
                    }
                }
                _ = sweep.tick() => {
                    match self.sweep().await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(ended = n, "expired sessions ended"),
                        Err(e) => tracing::error!(error = %e, "sweeping expired sessions failed"),
                    }
                    if let Err(e) = self.store.checkpoint().await {
                        tracing::warn!(error = %e, "checkpointing the database failed");
                    }
                }
                _ = index.tick() => {
                    if let Err(e) = self.store.index_search().await {
                        tracing::warn!(error = %e, "adding new sessions to the text index failed");
                    }
                }
                _ = stop.changed() => break,
            }
        }
        self.failures.settle_all().await;
        for attempt in 0..3 {
            match self.flush().await {
                Ok(n) => {
                    tracing::info!(sessions = n, "activity flushed on shutdown");
                    break;
                }
                Err(e) => {
                    tracing::error!(error = %e, attempt, "final flush failed");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    }
}
