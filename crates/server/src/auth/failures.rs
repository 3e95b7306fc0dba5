//! Failed sign-ins: recorded, counted and turned into temporary locks off the request path.
//!
//! A 401 must take the same time whether or not the username exists, so the writes that a
//! known user's failure causes (the history row, the count, perhaps a lock) run after the
//! answer. They run in order per user, and that user's next sign-in waits for them first, so
//! it sees the lock they may have set.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sessiondesk_protocol::Policy;

use crate::error::Result;
use crate::store::{Attempt, LockChange, Store};
use crate::stripes::Stripes;

/// Why a sign-in failed, as written in the login history.
pub const INVALID_CREDENTIALS: &str = "invalid_credentials";

/// Per-user ordering of failure bookkeeping.
pub struct Failures {
    stripes: Stripes,
    /// Failures whose bookkeeping has begun, ever: a sign-in compares it before and after
    /// reading the account to learn whether a lock may have landed in between.
    begun: AtomicU64,
}

impl Default for Failures {
    fn default() -> Self {
        Self {
            stripes: Stripes::new(64),
            begun: AtomicU64::new(0),
        }
    }
}

/// Where the failure bookkeeping stood when an account was read.
#[derive(Clone, Copy)]
pub struct Mark(u64);

impl Failures {
    /// Taken before the account is read.
    pub fn mark(&self) -> Mark {
        Mark(self.begun.load(Ordering::Acquire))
    }

    /// Waits until the bookkeeping of this user's earlier failures is written. False when an
    /// account read at `since` is still current: nothing was being written for this user
    /// then, and no failure has begun since.
    pub async fn settled(&self, user_id: &str, since: Mark) -> bool {
        let waited = self.stripes.wait(user_id).await;
        waited || self.begun.load(Ordering::Acquire) != since.0
    }

    /// Waits until every failure seen so far is written (shutdown).
    pub async fn settle_all(&self) {
        self.stripes.wait_all().await;
    }

    /// Writes a failed attempt in the background, after that user's earlier failures and
    /// before their next sign-in reads the account.
    pub async fn record(
        &self,
        store: Arc<dyn Store>,
        policy: Policy,
        attempt: Attempt,
        reason: &'static str,
    ) {
        // Unknown usernames take a stripe too, so that `settle_all` covers every write.
        let key = attempt.user_id.as_deref().unwrap_or(&attempt.username);
        let turn = self.stripes.lock(key).await;
        self.begun.fetch_add(1, Ordering::AcqRel);
        tokio::spawn(async move {
            if let Err(e) = write_failure(&*store, &policy, attempt, reason).await {
                tracing::error!(error = %e, "recording a failed sign-in failed");
            }
            drop(turn);
        });
    }
}

/// Records the attempt and, after too many wrong passwords, locks the account for a while.
async fn write_failure(
    store: &dyn Store,
    policy: &Policy,
    mut attempt: Attempt,
    reason: &'static str,
) -> Result<()> {
    attempt.failure_reason = Some(reason.to_string());
    store.record_attempt(&attempt).await?;
    let Some(user_id) = attempt.user_id else {
        return Ok(());
    };
    if reason != INVALID_CREDENTIALS || policy.lockout_threshold == 0 {
        return Ok(());
    }
    let now = attempt.at;
    let since = now - (policy.lockout_window_s as i64) * 1000;
    let failures = store.recent_failures(&user_id, since).await?;
    if failures < i64::from(policy.lockout_threshold) {
        return Ok(());
    }
    // A lock already in force stays as it is (the store never lets a temporary lock
    // replace an admin lock).
    let locked = store
        .user(&user_id)
        .await?
        .is_some_and(|u| u.lock_at(now).is_some());
    if !locked {
        store
            .set_lock(&LockChange {
                org_id: attempt.org_id,
                user_id,
                lock: true,
                until: Some(now + (policy.lockout_duration_s as i64) * 1000),
                require_password_reset: false,
                actor: "system".into(),
                reason: Some(format!(
                    "{failures} failed sign-ins within {} minutes",
                    policy.lockout_window_s / 60
                )),
                ticket: None,
                at: now,
            })
            .await?;
    }
    Ok(())
}
