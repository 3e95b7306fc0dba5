//! Persistence behind one trait, so PostgreSQL is a second implementation and not a rewrite.
//!
//! Methods are domain operations, each atomic: a state change and its audit event commit in one
//! transaction inside the implementation. SQL stays portable where it costs nothing (integers
//! for instants, TEXT ids, BLOB digests).

mod admin;
mod models;
mod sqlite;

pub use admin::*;
pub use models::*;
pub use sqlite::SqliteStore;

use async_trait::async_trait;
use sessiondesk_protocol::{AuditVerification, Policy};

use crate::audit;
use crate::error::Result;
use crate::token::TokenHash;

/// Everything the authority reads and writes.
#[async_trait]
pub trait Store: AdminStore + Send + Sync + 'static {
    /// Applies the embedded migrations.
    async fn migrate(&self) -> Result<()>;

    /// Folds the write-ahead log back into the database and empties it when no reader is
    /// still using it. Automatic checkpoints never shrink the log, and with readers always
    /// active it grew to gigabytes over an hour of sweeps.
    async fn checkpoint(&self) -> Result<()>;

    /// Adds the sessions not yet in the text index to it, in batches; answers how many.
    /// Run by the maintenance task and before every text search, so a search always sees
    /// every session.
    async fn index_search(&self) -> Result<u64>;

    // --- orgs and policy
    async fn create_org(&self, org: &Org, policy: &Policy, actor: &str) -> Result<()>;
    /// By the slug users type at sign-in.
    async fn org_by_slug(&self, slug: &str) -> Result<Option<Org>>;
    async fn org(&self, id: &str) -> Result<Option<Org>>;
    async fn policies(&self) -> Result<Vec<(String, Policy)>>;
    async fn set_policy(&self, org_id: &str, policy: &Policy, actor: &str, at: i64) -> Result<()>;

    // --- users
    async fn create_user(&self, user: &User, actor: &str) -> Result<()>;
    async fn find_user(&self, org_id: &str, username: &str) -> Result<Option<User>>;
    async fn user(&self, id: &str) -> Result<Option<User>>;
    /// Locks (ending every session with `account_locked`) or unlocks an account.
    async fn set_lock(&self, change: &LockChange) -> Result<Vec<Ended>>;

    // --- sign-in
    /// Opens a session under the org's concurrency limit, atomically: checks that the account
    /// is not locked (`AccountLocked`, `PasswordResetRequired`), counts the user's active
    /// sessions, ends the ones the plan says to end, and inserts the new one, or reports that
    /// the limit is reached.
    async fn open_session(&self, plan: &OpenPlan) -> Result<OpenOutcome>;
    async fn record_attempt(&self, attempt: &Attempt) -> Result<()>;
    /// Failed attempts of a user since an instant, after their last success.
    async fn recent_failures(&self, user_id: &str, since: i64) -> Result<i64>;
    async fn put_ticket(&self, ticket: &Ticket) -> Result<()>;
    /// Marks a ticket used and returns it, if it exists, is unused and has not expired.
    async fn take_ticket(&self, hash: &TokenHash, now: i64) -> Result<Option<Ticket>>;
    /// What risk assessment needs of the user's last `limit` sessions: at least the latest
    /// of each country, device and status, in no particular order.
    async fn risk_history(&self, user_id: &str, limit: i64) -> Result<Vec<crate::risk::Prior>>;

    // --- sessions
    /// An active session by its token digest (the introspection cache's miss path).
    async fn live_by_token(&self, hash: &TokenHash) -> Result<Option<LiveRecord>>;
    /// Calls `f` with every active session, streaming (warming the introspection cache at
    /// start-up must not hold a million rows in memory at once). Returns how many.
    async fn for_each_live(&self, f: &mut (dyn FnMut(LiveRecord) + Send)) -> Result<usize>;
    async fn session(&self, id: &str) -> Result<Option<SessionRow>>;
    async fn user_sessions(&self, user_id: &str, active_only: bool) -> Result<Vec<SessionRow>>;
    /// Ends the given sessions of one org that are still active; writes one audit event each.
    async fn end_sessions(&self, org_id: &str, ids: &[String], end: &EndSpec)
        -> Result<Vec<Ended>>;
    /// Writes coalesced last-seen times and request counts, all or none.
    async fn touch(&self, batch: &[Touch]) -> Result<()>;
    /// Active sessions of an org old enough to be past their absolute deadline under the
    /// policy (the sweeper's candidates; idle ones it finds in memory).
    async fn expired(&self, org_id: &str, policy: &Policy, now: i64) -> Result<Vec<Expired>>;

    /// A user's active sessions that may be past a deadline by their stored last-seen (a
    /// superset: fresher activity in memory can only keep them alive).
    async fn expired_of_user(
        &self,
        user_id: &str,
        policy: &Policy,
        now: i64,
    ) -> Result<Vec<Expired>>;

    // --- API keys
    async fn create_api_key(&self, key: &ApiKey, actor: &str) -> Result<()>;
    /// Keys that are not revoked, for the resource-server key cache.
    async fn active_api_keys(&self) -> Result<Vec<ApiKey>>;
    async fn record_key_usage(&self, batch: &[KeyUsage]) -> Result<()>;

    // --- audit
    async fn verify_audit(&self, org_id: &str) -> Result<AuditVerification>;
    async fn append_audit(&self, draft: &audit::Draft) -> Result<()>;

    // --- bulk loading (demo and benchmark data)
    async fn bulk_insert(&self, batch: &BulkBatch) -> Result<()>;
}
