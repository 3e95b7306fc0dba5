//! The authority's rules: who may sign in, which sessions are alive, and how they end.
//!
//! [`Authority`] is shared by every handler (`Arc`). Its parts: the store (truth), the
//! in-memory indexes of active sessions, API keys and policies (the hot path), password
//! hashing, request enrichment and the sign-in rate limiter.

mod accounts;
mod admin;
mod failures;
mod login;
mod maintenance;
mod own;
mod validate;

pub use accounts::Because;
pub use admin::Actor;
pub use failures::Failures;
pub use login::RequestCtx;

use std::sync::Arc;

use sessiondesk_protocol::{RevocationReceipt, Timestamp};

use crate::clock::Clock;
use crate::config::Config;
use crate::enrich::Enricher;
use crate::error::Result;
use crate::keys::ApiKeys;
use crate::live::LiveSessions;
use crate::password::Passwords;
use crate::policies::Policies;
use crate::ratelimit::RateLimiter;
use crate::store::{EndSpec, Store};

pub struct Authority {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: Config,
    pub live: LiveSessions,
    pub keys: ApiKeys,
    pub policies: Policies,
    pub passwords: Passwords,
    pub enricher: Arc<Enricher>,
    pub limiter: RateLimiter,
    pub failures: Failures,
    /// Set when the server stops: long-lived streams (the change feed) end on it.
    pub stopping: tokio::sync::watch::Sender<bool>,
    /// Serialises calls that carry the same Idempotency-Key.
    pub idempotency: crate::stripes::Stripes,
    pub metrics: crate::metrics::Metrics,
}

impl Authority {
    /// Builds the authority over a migrated store and warms the in-memory indexes.
    pub async fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        config: Config,
        passwords: Passwords,
        enricher: Arc<Enricher>,
    ) -> Result<Self> {
        let limiter = RateLimiter::new(config.login_quota);
        let auth = Self {
            store,
            clock,
            config,
            live: LiveSessions::default(),
            keys: ApiKeys::default(),
            policies: Policies::default(),
            passwords,
            enricher,
            limiter,
            failures: Failures::default(),
            idempotency: crate::stripes::Stripes::new(64),
            metrics: Default::default(),
            stopping: tokio::sync::watch::channel(false).0,
        };
        for (org, policy) in auth.store.policies().await? {
            auth.policies.set(&org, policy);
        }
        auth.keys.replace_all(&auth.store.active_api_keys().await?);
        let live = &auth.live;
        let n = auth
            .store
            .for_each_live(&mut |rec| {
                live.insert(&rec);
            })
            .await?;
        tracing::info!(sessions = n, "active sessions loaded");
        Ok(auth)
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Ends sessions of one org (only those still active) and drops them from the hot path
    /// before answering, so their tokens are inactive on the very next call.
    pub async fn end(
        &self,
        org_id: &str,
        ids: &[String],
        spec: &EndSpec,
    ) -> Result<Vec<RevocationReceipt>> {
        let ended = self.store.end_sessions(org_id, ids, spec).await?;
        Ok(self.forget(ended))
    }

    /// The API view of a stored session, with activity the cache has not written yet.
    pub fn view(
        &self,
        row: &crate::store::SessionRow,
        policy: &sessiondesk_protocol::Policy,
        now: i64,
    ) -> sessiondesk_protocol::Session {
        let live = self.live.get(&row.token_hash);
        let seen = live
            .as_ref()
            .map_or(row.last_seen_at, |e| e.last_seen().max(row.last_seen_at));
        let mut s = row.to_api(policy, now, seen);
        if let Some(e) = live {
            s.activity.requests += e.pending_requests();
        }
        s
    }

    /// Drops ended sessions from the in-memory index and turns them into receipts.
    pub(crate) fn forget(&self, ended: Vec<crate::store::Ended>) -> Vec<RevocationReceipt> {
        let now = self.now();
        ended
            .into_iter()
            .map(|e| {
                self.live.remove(&e.token_hash, now);
                RevocationReceipt {
                    session_id: e.session_id,
                    revoked_at: Timestamp::from_millis(e.ended_at),
                }
            })
            .collect()
    }
}
