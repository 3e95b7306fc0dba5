//! The admin API: queries, actions and their receipts, users, API keys and the change feed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::{IntoParams, ToSchema};

use crate::{RevocationReceipt, Role, SessionKind, Timestamp};

/// Which sessions a list shows by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    #[default]
    Active,
    Ended,
    All,
}

/// Sort keys of the admin sessions list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum SessionSort {
    /// When the session signed in (`created_at`).
    #[default]
    LoginAt,
    LastSeenAt,
    /// By username.
    User,
    /// By country code.
    Country,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    Asc,
    #[default]
    Desc,
}

/// `GET /v1/admin/sessions` filters. Repeat `user_id` for several users.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, IntoParams, TS)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SessionQuery {
    /// Text in the user's name or username, IP, city, country, device, browser, OS or app.
    pub q: Option<String>,
    pub user_id: Vec<String>,
    pub status: Option<StatusFilter>,
    pub kind: Option<SessionKind>,
    /// App or client name, exactly.
    pub app: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// Sessions with this risk flag (impossible_travel, new_country, new_device,
    /// multi_country, stale).
    pub risk: Option<String>,
    pub login_from: Option<Timestamp>,
    pub login_to: Option<Timestamp>,
    pub active_from: Option<Timestamp>,
    pub active_to: Option<Timestamp>,
    pub sort: Option<SessionSort>,
    pub order: Option<Order>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// `GET /v1/admin/users` filters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Text in the name, username or email.
    pub q: Option<String>,
    pub role: Option<Role>,
    pub locked: Option<bool>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// `GET /v1/admin/logins` filters. Repeat `user_id` for several users.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LoginQuery {
    /// Text in the username, IP, city, country, browser, OS or app.
    pub q: Option<String>,
    pub user_id: Vec<String>,
    pub success: Option<bool>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// `GET /v1/admin/audit` filters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// e.g. session.ended, user.locked
    pub action: Option<String>,
    pub actor: Option<String>,
    pub target: Option<String>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// A user as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct AdminUser {
    pub id: String,
    pub org_id: String,
    pub username: String,
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    /// Locked by an admin until unlocked.
    pub locked: bool,
    /// Locked after failed sign-ins until this instant.
    pub locked_until: Option<Timestamp>,
    pub lock_reason: Option<String>,
    pub password_reset_required: bool,
    pub created_at: Timestamp,
    pub active_sessions: i64,
    pub last_active_at: Option<Timestamp>,
}

/// Why an admin acts, as stored on the session and in the audit event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ActionRequest {
    /// Required when the org's policy says `require_reason`.
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
    /// A help-desk ticket reference.
    #[schema(max_length = 1000)]
    pub ticket: Option<String>,
}

/// `POST /v1/admin/users/{id}/revoke-sessions`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RevokeSessionsRequest {
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
    #[schema(max_length = 1000)]
    pub ticket: Option<String>,
    /// Only these of the user's sessions; all when absent.
    pub session_ids: Option<Vec<String>>,
}

/// `POST /v1/admin/users/{id}/lock`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LockRequest {
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
    #[schema(max_length = 1000)]
    pub ticket: Option<String>,
    /// The next sign-in answers 403 `password_reset_required` until the password changes.
    pub require_password_reset: bool,
}

/// The answer of every action that ends sessions: what ended, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct ActionReceipt {
    /// The audit event that records the action.
    pub action: String,
    pub ended: usize,
    pub receipts: Vec<RevocationReceipt>,
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
    pub ticket: Option<String>,
}

/// `POST /v1/admin/policy/preview`: what saving a policy would do to existing sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct PolicyPreview {
    /// Active sessions now.
    pub active: i64,
    /// Sessions that would end at once, by why.
    pub would_end_idle: i64,
    pub would_end_absolute: i64,
    /// Users over the new session limit (their extra sessions stay until they sign in again).
    pub users_over_limit: i64,
    pub sessions_over_limit: i64,
}

/// An API key of a resource server. Its secret is shown only when it is created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct ApiKeyInfo {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub created_at: Timestamp,
    pub created_by: Option<String>,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    /// Introspections and revocations in the last 24 hours (written once a minute).
    pub requests_24h: i64,
}

/// `POST /v1/admin/api-keys`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApiKey {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
}

/// 201 answer of `POST /v1/admin/api-keys`: the secret, this once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreatedApiKey {
    pub key: ApiKeyInfo,
    /// `null` when this is a replay for the same `Idempotency-Key`: the secret is never
    /// stored, so only the first answer has it.
    #[serde(serialize_with = "crate::Secret::serialize_exposed_opt")]
    #[schema(value_type = Option<String>)]
    pub secret: Option<crate::Secret>,
}

/// What kind of row a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Session,
    User,
    Login,
    Audit,
    Policy,
    ApiKey,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Session => "session",
            Entity::User => "user",
            Entity::Login => "login",
            Entity::Audit => "audit",
            Entity::Policy => "policy",
            Entity::ApiKey => "api_key",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Entity::Session,
            Entity::User,
            Entity::Login,
            Entity::Audit,
            Entity::Policy,
            Entity::ApiKey,
        ]
        .into_iter()
        .find(|e| e.as_str() == s)
    }
}

/// One entry of the change feed: the row as it is now. Apply it as an upsert by
/// `(entity, data.id)` (the policy's key is the org).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Change {
    pub seq: i64,
    pub entity: Entity,
    /// Always `upsert`: rows are never deleted (ended, revoked and locked are states).
    pub op: String,
    /// A Session, AdminUser, LoginAttempt, AuditEvent, Policy or ApiKeyInfo.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// `GET /v1/admin/changes`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChangePage {
    pub changes: Vec<Change>,
    /// Ask for `after=next` to continue (the last sequence number of this page, or `after`).
    pub next: i64,
    pub has_more: bool,
}

/// [`ChangePage`] with each row's data kept as the JSON text it arrived in, for a reader
/// that stores the text and reads a few fields from it (the console's sync): building a
/// tree of every row and writing it back out was most of that reader's work.
#[derive(Debug, Clone, Deserialize)]
pub struct RawChangePage {
    pub changes: Vec<RawChange>,
    pub next: i64,
    pub has_more: bool,
}

/// [`Change`] with its data as JSON text.
#[derive(Debug, Clone, Deserialize)]
pub struct RawChange {
    pub seq: i64,
    pub entity: Entity,
    pub op: String,
    pub data: Box<serde_json::value::RawValue>,
}

/// `GET /v1/admin/changes` parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangeQuery {
    /// Changes after this sequence number (0 for everything).
    #[param(minimum = 0)]
    pub after: i64,
    /// 1 to 10000 (default 1000).
    #[param(minimum = 1, maximum = 10000)]
    pub limit: Option<u32>,
}
