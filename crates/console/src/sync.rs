//! Keeping the cache equal to the server: catch up through the change feed (the first
//! sync pages through everything), then follow the live event stream, reconnecting with
//! backoff when the server goes away.

use std::time::Duration;

use serde::Serialize;
use sessiondesk_client::Client;
use sessiondesk_protocol::ChangeQuery;
use tokio::sync::watch;

use crate::cache::Cache;
use crate::error::Result;

/// Rows per feed page: the server's maximum, so a first sync makes few round trips.
pub const PAGE: u32 = 10_000;

/// First wait before reconnecting; doubled per failure up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::from_secs(1);
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Where the live sync stands, for the UI's banner.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SyncState {
    /// Not started yet.
    Idle,
    /// Reading the feed.
    Syncing { position: i64 },
    /// Up to date and following the live stream.
    Live { position: i64, synced_at: i64 },
    /// The server cannot be reached: the cache answers, as of `synced_at`.
    Offline {
        synced_at: Option<i64>,
        code: String,
        message: String,
        retry_in_ms: u64,
    },
    /// The server refused the credential (expired or revoked): sign in again.
    SignInRequired,
}

/// Syncs one profile's cache from its server.
#[derive(Clone)]
pub struct Syncer {
    client: Client,
    cache: Cache,
    page: u32,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Syncer {
    pub fn new(client: Client, cache: Cache) -> Self {
        Syncer {
            client,
            cache,
            page: PAGE,
        }
    }

    /// Smaller pages (tests stop a sync between two of them).
    pub fn with_page(mut self, page: u32) -> Self {
        self.page = page.max(1);
        self
    }

    /// Reads the feed from the cache's position to its end; returns the changes applied.
    /// Each page commits with its position, so stopping at any point loses nothing. The
    /// next page is fetched while the current one is written.
    pub async fn catch_up(&self) -> Result<u64> {
        let mut after = self.cache.position().await?;
        let mut applied = 0u64;
        let fetch = |after: i64| {
            let client = self.client.clone();
            let limit = self.page;
            async move {
                client
                    .changes_raw(&ChangeQuery {
                        after,
                        limit: Some(limit),
                    })
                    .await
            }
        };
        let mut page = fetch(after).await?;
        loop {
            let next = page.has_more.then(|| tokio::spawn(fetch(page.next)));
            applied += page.changes.len() as u64;
            after = page.next;
            self.cache.apply(page, now_ms()).await?;
            match next {
                Some(task) => {
                    page = task
                        .await
                        .map_err(|e| crate::Error::Io(format!("feed reader: {e}")))??
                }
                None => break,
            }
        }
        tracing::debug!(applied, position = after, "caught up");
        Ok(applied)
    }

    /// Catches up, then follows the event stream until `stop` turns true. Publishes its
    /// state on `state`. Returns when stopped, or when the server refuses the credential.
    pub async fn run(&self, mut stop: watch::Receiver<bool>, state: watch::Sender<SyncState>) {
        let mut backoff = FIRST_BACKOFF;
        loop {
            if *stop.borrow() {
                return;
            }
            let position = self.cache.position().await.unwrap_or(0);
            state.send_replace(SyncState::Syncing { position });
            let err = match self.follow(&state).await {
                Ok(()) => return,
                Err(e) => e,
            };
            // A connection that got as far as live resets the backoff.
            if matches!(*state.borrow(), SyncState::Live { .. }) {
                backoff = FIRST_BACKOFF;
            }
            if err.needs_sign_in() {
                state.send_replace(SyncState::SignInRequired);
                return;
            }
            state.send_replace(SyncState::Offline {
                synced_at: self.cache.synced_at().await.ok().flatten(),
                code: err.code().to_string(),
                message: err.to_string(),
                retry_in_ms: backoff.as_millis() as u64,
            });
            tracing::info!(code = err.code(), ?backoff, "sync paused");
            tokio::select! {
                _ = tokio::time::sleep(backoff) => {}
                _ = stop.changed() => return,
            }
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    /// One connection's worth of following: catch up, open the stream, catch up again on
    /// every announced sequence past the cache's position. Ends only with an error.
    async fn follow(&self, state: &watch::Sender<SyncState>) -> Result<()> {
        use futures::StreamExt;
        // Open the stream first: a commit between the catch-up and the stream is announced.
        let mut events = Box::pin(self.client.events().await?);
        self.catch_up().await?;
        self.publish_live(state).await?;
        while let Some(seq) = events.next().await {
            let seq = seq?;
            if seq > self.cache.position().await? {
                self.catch_up().await?;
                self.publish_live(state).await?;
            }
        }
        Err(sessiondesk_client::Error::Unreachable("the event stream ended".into()).into())
    }

    async fn publish_live(&self, state: &watch::Sender<SyncState>) -> Result<()> {
        state.send_replace(SyncState::Live {
            position: self.cache.position().await?,
            synced_at: self.cache.synced_at().await?.unwrap_or_else(now_ms),
        });
        Ok(())
    }
}
