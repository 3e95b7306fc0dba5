//! What the admin API reads and writes beyond sign-in: filtered lists with keyset cursors,
//! the change feed, API key management and stored answers of idempotent calls.

use async_trait::async_trait;
use sessiondesk_protocol::{
    AdminUser, ApiKeyInfo, AuditEvent, AuditQuery, Entity, LoginAttempt, LoginQuery, Policy,
    SessionQuery, UserQuery,
};

use super::{SessionRow, TokenHash};
use crate::error::Result;

/// One page of rows, the total that match, and where the next page starts.
#[derive(Debug, Clone)]
pub struct RowPage<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub total_exact: bool,
    pub next_cursor: Option<String>,
}

impl<T> RowPage<T> {
    /// The same page with each row turned into what the API shows.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> RowPage<U> {
        RowPage {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            total_exact: self.total_exact,
            next_cursor: self.next_cursor,
        }
    }
}

impl<T> From<RowPage<T>> for sessiondesk_protocol::Page<T> {
    fn from(p: RowPage<T>) -> Self {
        Self {
            items: p.items,
            next_cursor: p.next_cursor,
            total: p.total,
            total_exact: p.total_exact,
        }
    }
}

/// A row of the change feed with the entity as it is now.
#[derive(Debug, Clone)]
pub struct ChangeRow {
    pub seq: i64,
    pub entity: Entity,
    pub data: ChangeData,
}

#[derive(Debug, Clone)]
pub enum ChangeData {
    Session(Box<SessionRow>),
    User(Box<AdminUser>),
    Login(Box<LoginAttempt>),
    Audit(Box<AuditEvent>),
    Policy(Box<Policy>),
    ApiKey(Box<ApiKeyInfo>),
}

/// What policy preview needs of an active session.
#[derive(Debug, Clone)]
pub struct ActiveBrief {
    pub user_id: String,
    pub token_hash: TokenHash,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub remember_me: bool,
}

/// The first answer of an idempotent call.
#[derive(Debug, Clone)]
pub struct StoredAnswer {
    pub request_hash: Vec<u8>,
    pub status: u16,
    pub body: String,
}

#[async_trait]
pub trait AdminStore: Send + Sync {
    /// `now` decides the `stale` risk flag, which is not stored.
    async fn list_sessions(
        &self,
        org_id: &str,
        q: &SessionQuery,
        now: i64,
    ) -> Result<RowPage<SessionRow>>;
    async fn list_users(&self, org_id: &str, q: &UserQuery) -> Result<RowPage<AdminUser>>;
    async fn admin_user(&self, org_id: &str, id: &str) -> Result<Option<AdminUser>>;
    async fn list_logins(&self, org_id: &str, q: &LoginQuery) -> Result<RowPage<LoginAttempt>>;
    async fn list_audit(&self, org_id: &str, q: &AuditQuery) -> Result<RowPage<AuditEvent>>;
    /// Active session ids of an org, or of one of its users, oldest first.
    async fn active_session_ids(&self, org_id: &str, user_id: Option<&str>) -> Result<Vec<String>>;
    /// Every active session of an org, light columns only (policy preview).
    async fn active_briefs(&self, org_id: &str) -> Result<Vec<ActiveBrief>>;

    async fn api_keys(&self, org_id: &str, now: i64) -> Result<Vec<ApiKeyInfo>>;
    async fn api_key(&self, org_id: &str, id: &str, now: i64) -> Result<Option<ApiKeyInfo>>;
    /// Revokes a key of the org (with its audit event); `None` when there is no such key.
    /// Returns the key's digest so the caller can drop it from its cache.
    async fn revoke_api_key(
        &self,
        org_id: &str,
        id: &str,
        actor: &str,
        at: i64,
    ) -> Result<Option<TokenHash>>;

    /// Changes of an org after `after`, in sequence order, at most `limit`.
    async fn changes(
        &self,
        org_id: &str,
        after: i64,
        limit: u32,
        now: i64,
    ) -> Result<Vec<ChangeRow>>;
    /// Ticks after every write transaction (the change feed's wake-up).
    fn commits(&self) -> tokio::sync::watch::Receiver<u64>;
    /// The org's latest sequence number (0 when it has none).
    async fn latest_seq(&self, org_id: &str) -> Result<i64>;

    /// Sets a user's password and clears a required reset (with its audit event).
    async fn set_password(
        &self,
        org_id: &str,
        user_id: &str,
        password_hash: &str,
        actor: &str,
        at: i64,
    ) -> Result<()>;

    async fn stored_answer(&self, org_id: &str, key: &str) -> Result<Option<StoredAnswer>>;
    async fn store_answer(
        &self,
        org_id: &str,
        key: &str,
        user_id: &str,
        answer: &StoredAnswer,
        at: i64,
    ) -> Result<()>;
}
