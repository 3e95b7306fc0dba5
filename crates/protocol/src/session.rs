//! Sessions, users, policies, login history and audit events as the API shows them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::Timestamp;

/// What a user may do in the admin API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything.
    Owner,
    /// Everything but API keys and policy.
    Admin,
    /// Read sessions, users, logins and audit; revoke sessions; lock and unlock.
    Helpdesk,
    /// Read only.
    Auditor,
    /// No admin API.
    Member,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Admin,
        Role::Helpdesk,
        Role::Auditor,
        Role::Member,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Helpdesk => "helpdesk",
            Role::Auditor => "auditor",
            Role::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// What signed in: a browser tab, a mobile app, a desktop app, a script with a key, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    Browser,
    Mobile,
    Desktop,
    Api,
    Oauth,
    Service,
}

impl SessionKind {
    pub const ALL: [SessionKind; 6] = [
        SessionKind::Browser,
        SessionKind::Mobile,
        SessionKind::Desktop,
        SessionKind::Api,
        SessionKind::Oauth,
        SessionKind::Service,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Browser => "browser",
            SessionKind::Mobile => "mobile",
            SessionKind::Desktop => "desktop",
            SessionKind::Api => "api",
            SessionKind::Oauth => "oauth",
            SessionKind::Service => "service",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Active,
    Ended,
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The user signed out.
    Logout,
    /// An admin, the user from another session, or a resource server revoked it.
    Revoked,
    IdleTimeout,
    AbsoluteTimeout,
    /// Ended to make room under the concurrency limit.
    LimitEvicted,
    AccountLocked,
}

impl EndReason {
    pub const ALL: [EndReason; 6] = [
        EndReason::Logout,
        EndReason::Revoked,
        EndReason::IdleTimeout,
        EndReason::AbsoluteTimeout,
        EndReason::LimitEvicted,
        EndReason::AccountLocked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Logout => "logout",
            EndReason::Revoked => "revoked",
            EndReason::IdleTimeout => "idle_timeout",
            EndReason::AbsoluteTimeout => "absolute_timeout",
            EndReason::LimitEvicted => "limit_evicted",
            EndReason::AccountLocked => "account_locked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The user a session belongs to, as much as a session row shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct SessionUser {
    pub id: String,
    pub username: String,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct AppInfo {
    pub name: Option<String>,
    pub version: Option<String>,
}

/// Browser, OS and hardware, parsed from User-Agent and client hints or sent by the app.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct DeviceInfo {
    pub browser: Option<String>,
    pub browser_version: Option<String>,
    pub os: Option<String>,
    pub os_version: Option<String>,
    pub model: Option<String>,
    /// phone | tablet | desktop | bot | other
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The name the user gave the device ("Anna's iPhone"), when an app sent one.
    pub name: Option<String>,
}

/// Where an IP address is, from the DB-IP city lite database.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct Location {
    pub city: Option<String>,
    pub region: Option<String>,
    pub country_code: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub timezone: Option<String>,
}

/// An active session older than this carries the `stale` risk flag (shown, and filtered
/// by `risk=stale`, from its sign-in time: it is not stored).
pub const STALE_AFTER_MS: i64 = 30 * 24 * 3600 * 1000;

/// One reason to look twice at a session, with what it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct RiskFlag {
    /// impossible_travel | new_country | new_device | multi_country | stale
    pub kind: String,
    /// One line for people, e.g. "Madrid to Singapore in 40 minutes (16,000 km/h)".
    pub detail: String,
    /// The numbers behind the flag.
    #[schema(value_type = Object)]
    #[ts(type = "Record<string, unknown>")]
    pub evidence: serde_json::Value,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct Risk {
    pub flags: Vec<RiskFlag>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct Activity {
    /// Validations of this session's token (introspections and authenticated calls).
    pub requests: i64,
    pub last_path: Option<String>,
}

/// A session as the API shows it. The token is never part of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct Session {
    pub id: String,
    pub org_id: String,
    pub user: SessionUser,
    pub kind: SessionKind,
    /// password | sso | api_key | ...
    pub login_method: String,
    pub app: AppInfo,
    pub device: DeviceInfo,
    pub language: Option<String>,
    pub ip: Option<String>,
    pub location: Location,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    /// When the session ends if unused; absent when no idle timeout applies.
    pub idle_expires_at: Option<Timestamp>,
    /// When the session ends however it is used; absent when no absolute timeout applies.
    pub expires_at: Option<Timestamp>,
    pub remember_me: bool,
    pub status: SessionStatus,
    pub ended_at: Option<Timestamp>,
    pub end_reason: Option<EndReason>,
    /// Who ended it: a user id, an API key id, or `system`.
    pub ended_by: Option<String>,
    /// Why, as the person who ended it wrote.
    pub reason: Option<String>,
    pub ticket: Option<String>,
    pub risk: Risk,
    pub activity: Activity,
    /// True only in `GET /v1/auth/sessions`, on the caller's own session.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub current: bool,
}

/// What happens when a user at the session limit signs in again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum OnLimit {
    /// Answer 409 with a login ticket; the user picks sessions to end and resumes.
    Ask,
    /// End the oldest sessions to make room.
    EvictOldest,
    /// Refuse the new login.
    Deny,
}

impl OnLimit {
    pub fn as_str(self) -> &'static str {
        match self {
            OnLimit::Ask => "ask",
            OnLimit::EvictOldest => "evict_oldest",
            OnLimit::Deny => "deny",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [OnLimit::Ask, OnLimit::EvictOldest, OnLimit::Deny]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// An organisation's session policy. Timeouts in seconds; `None` switches a timeout off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct Policy {
    /// Most active sessions a user may have; `None` is unlimited.
    #[schema(minimum = 1, maximum = 10000)]
    pub max_sessions: Option<u32>,
    pub on_limit: OnLimit,
    #[schema(minimum = 60, maximum = 315360000)]
    pub idle_timeout_s: Option<u64>,
    #[schema(minimum = 60, maximum = 315360000)]
    pub absolute_timeout_s: Option<u64>,
    pub remember_me_allowed: bool,
    /// Lifetime of a remember-me session (replaces the absolute timeout; no idle timeout).
    #[schema(minimum = 60, maximum = 315360000)]
    pub remember_me_timeout_s: Option<u64>,
    /// Admin actions need a reason.
    pub require_reason: bool,
    /// Failed logins within `lockout_window_s` that lock the account temporarily.
    #[schema(maximum = 1000)]
    pub lockout_threshold: u32,
    #[schema(minimum = 60, maximum = 315360000)]
    pub lockout_window_s: u64,
    #[schema(minimum = 60, maximum = 315360000)]
    pub lockout_duration_s: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            max_sessions: None,
            on_limit: OnLimit::Ask,
            idle_timeout_s: Some(8 * 3600),
            absolute_timeout_s: Some(30 * 24 * 3600),
            remember_me_allowed: true,
            remember_me_timeout_s: Some(90 * 24 * 3600),
            require_reason: false,
            lockout_threshold: 5,
            lockout_window_s: 15 * 60,
            lockout_duration_s: 15 * 60,
        }
    }
}

/// One sign-in attempt, successful or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct LoginAttempt {
    pub id: String,
    pub org_id: String,
    pub user_id: Option<String>,
    pub username: String,
    pub at: Timestamp,
    pub success: bool,
    /// invalid_credentials | account_locked | temporarily_locked | session_limit | ...
    pub failure_reason: Option<String>,
    pub session_id: Option<String>,
    pub ip: Option<String>,
    pub location: Location,
    pub device: DeviceInfo,
    pub app: AppInfo,
}

/// One entry of the hash-chained audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct AuditEvent {
    pub id: String,
    pub org_id: String,
    /// Position in the org's chain, from 1.
    pub seq: i64,
    pub at: Timestamp,
    /// user id, API key id, or `system`
    pub actor: String,
    /// e.g. session.created, session.ended, user.locked
    pub action: String,
    pub target: Option<String>,
    pub reason: Option<String>,
    pub ticket: Option<String>,
    #[schema(value_type = Object)]
    #[ts(type = "Record<string, unknown>")]
    pub data: serde_json::Value,
    /// Hex SHA-256 of the previous event (64 zeros for the first).
    pub prev_hash: String,
    /// Hex SHA-256 over this event's fields and `prev_hash`.
    pub hash: String,
}

/// The result of checking an org's audit chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct AuditVerification {
    pub ok: bool,
    pub count: i64,
    /// Hash of the last event.
    pub head: Option<String>,
    /// Id of the first event whose hash or link does not hold.
    pub first_bad: Option<String>,
}

/// Proof that a session was ended, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct RevocationReceipt {
    pub session_id: String,
    pub revoked_at: Timestamp,
}
