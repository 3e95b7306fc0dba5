//! Rows and commands that cross the [`super::Store`] boundary.

use sessiondesk_protocol::{
    Activity, AppInfo, DeviceInfo, EndReason, Location, OnLimit, Policy, Risk, Role, Session,
    SessionKind, SessionStatus, SessionUser, Timestamp,
};

use crate::expiry;
use crate::token::TokenHash;

#[derive(Debug, Clone)]
pub struct Org {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub created_at: i64,
}

impl Org {
    /// A slug is what users type at sign-in: 1 to 63 of `a-z`, `0-9` and `-`, starting with a
    /// letter or digit. No `_`, so a slug can never look like an id (`org_...`).
    pub fn check_slug(slug: &str) -> crate::error::Result<()> {
        let ok = (1..=63).contains(&slug.len())
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !slug.starts_with('-');
        if ok {
            Ok(())
        } else {
            Err(crate::error::Error::Unprocessable(format!(
                "invalid org slug {slug:?}: 1 to 63 of a-z, 0-9 and '-', not starting with '-'"
            )))
        }
    }
}

#[derive(Clone)]
pub struct User {
    pub id: String,
    pub org_id: String,
    pub username: String,
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    /// PHC string (Argon2id).
    pub password_hash: String,
    /// Locked by an admin until unlocked.
    pub locked: bool,
    /// Locked after repeated failures until this instant.
    pub locked_until: Option<i64>,
    pub lock_reason: Option<String>,
    pub password_reset_required: bool,
    pub created_at: i64,
}

/// Everything but the password hash: an offline-crackable secret has no place in logs.
impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("org_id", &self.org_id)
            .field("username", &self.username)
            .field("role", &self.role)
            .field("locked", &self.locked)
            .field("locked_until", &self.locked_until)
            .field("password_reset_required", &self.password_reset_required)
            .finish_non_exhaustive()
    }
}

impl User {
    /// The lock in force at `now`, if any: `Some(None)` for an admin lock, `Some(Some(t))` for a
    /// temporary lock ending at `t`.
    pub fn lock_at(&self, now: i64) -> Option<Option<i64>> {
        if self.locked {
            Some(None)
        } else {
            self.locked_until.filter(|&t| t > now).map(Some)
        }
    }
}

/// Lock or unlock an account.
#[derive(Debug, Clone)]
pub struct LockChange {
    pub org_id: String,
    pub user_id: String,
    /// `true` locks (until unlocked, or until `until` for a temporary lock); `false` unlocks.
    pub lock: bool,
    pub until: Option<i64>,
    pub require_password_reset: bool,
    pub actor: String,
    pub reason: Option<String>,
    pub ticket: Option<String>,
    pub at: i64,
}

/// A session about to be inserted.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: String,
    pub org_id: String,
    pub user_id: String,
    pub token_hash: TokenHash,
    pub kind: SessionKind,
    pub login_method: String,
    pub app: AppInfo,
    pub device: DeviceInfo,
    pub language: Option<String>,
    pub ip: Option<String>,
    pub location: Location,
    pub created_at: i64,
    pub remember_me: bool,
    pub risk: Risk,
}

/// One row of the login history.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub id: String,
    pub org_id: String,
    pub user_id: Option<String>,
    pub username: String,
    pub at: i64,
    pub success: bool,
    pub failure_reason: Option<String>,
    pub session_id: Option<String>,
    pub ip: Option<String>,
    pub location: Location,
    pub device: DeviceInfo,
    pub app: AppInfo,
}

/// Open a session under the concurrency limit.
#[derive(Debug, Clone)]
pub struct OpenPlan {
    pub session: NewSession,
    /// The successful attempt, recorded in the same transaction.
    pub attempt: Attempt,
    pub max_sessions: Option<u32>,
    pub on_limit: OnLimit,
    /// Sessions the user chose to end first (resuming a login ticket).
    pub end_first: Vec<String>,
    /// Sessions ended to make room are ended by this actor (the signing-in user).
    pub actor: String,
}

#[derive(Debug)]
pub enum OpenOutcome {
    /// Inserted (with its [`LiveRecord::row_key`]); the sessions ended to make room, if any.
    Opened { evicted: Vec<Ended>, row_key: i64 },
    /// Not inserted: the user already has `max_sessions` active sessions (oldest first).
    /// Sessions the plan said to end first are ended all the same (the user chose them).
    LimitReached {
        active: Vec<SessionRow>,
        evicted: Vec<Ended>,
    },
}

/// A pending login held while the user picks sessions to end.
#[derive(Debug, Clone)]
pub struct Ticket {
    pub hash: TokenHash,
    pub org_id: String,
    pub user_id: String,
    /// The pending login (device, place, remember-me) as JSON.
    pub pending: String,
    pub expires_at: i64,
}

/// What the introspection cache keeps of an active session.
#[derive(Debug, Clone)]
pub struct LiveRecord {
    pub id: String,
    /// The store's own key of the row (SQLite's rowid): activity updates use it to skip
    /// the lookup by id.
    pub row_key: i64,
    pub org_id: String,
    pub user_id: String,
    pub username: String,
    pub token_hash: TokenHash,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub remember_me: bool,
}

/// A session row joined with its user.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: String,
    /// Internal: lets readers merge fresher activity from the introspection cache.
    pub token_hash: TokenHash,
    pub org_id: String,
    pub user: SessionUser,
    pub kind: SessionKind,
    pub login_method: String,
    pub app: AppInfo,
    pub device: DeviceInfo,
    pub language: Option<String>,
    pub ip: Option<String>,
    pub location: Location,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub remember_me: bool,
    pub active: bool,
    pub ended_at: Option<i64>,
    pub end_reason: Option<EndReason>,
    pub ended_by: Option<String>,
    pub reason: Option<String>,
    pub ticket: Option<String>,
    pub risk: Risk,
    pub requests: i64,
    pub last_path: Option<String>,
}

impl SessionRow {
    /// The row a just-inserted session reads back as (saves the round trip).
    pub fn from_new(s: &NewSession, user: &User) -> Self {
        Self {
            id: s.id.clone(),
            token_hash: s.token_hash,
            org_id: s.org_id.clone(),
            user: SessionUser {
                id: user.id.clone(),
                username: user.username.clone(),
                name: user.name.clone(),
                role: user.role,
            },
            kind: s.kind,
            login_method: s.login_method.clone(),
            app: s.app.clone(),
            device: s.device.clone(),
            language: s.language.clone(),
            ip: s.ip.clone(),
            location: s.location.clone(),
            created_at: s.created_at,
            last_seen_at: s.created_at,
            remember_me: s.remember_me,
            active: true,
            ended_at: None,
            end_reason: None,
            ended_by: None,
            reason: None,
            ticket: None,
            risk: s.risk.clone(),
            requests: 0,
            last_path: None,
        }
    }

    /// The API view at `now` under the org's policy. A session past a deadline shows as ended
    /// with that deadline even before the sweeper has written it, so every reader agrees with
    /// introspection. `last_seen_at` may be fresher in the introspection cache than here.
    pub fn to_api(&self, policy: &Policy, now: i64, last_seen_at: i64) -> Session {
        let d = expiry::deadlines(policy, self.created_at, last_seen_at, self.remember_me);
        let mut status = if self.active {
            SessionStatus::Active
        } else {
            SessionStatus::Ended
        };
        let (mut ended_at, mut end_reason, mut ended_by) =
            (self.ended_at, self.end_reason, self.ended_by.clone());
        if self.active {
            if let Some((reason, at)) = d.expired(now) {
                status = SessionStatus::Ended;
                ended_at = Some(at);
                end_reason = Some(reason);
                ended_by = Some("system".into());
            }
        }
        let mut risk = self.risk.clone();
        if status == SessionStatus::Active {
            risk.flags.extend(crate::risk::stale(self.created_at, now));
        }
        Session {
            id: self.id.clone(),
            org_id: self.org_id.clone(),
            user: self.user.clone(),
            kind: self.kind,
            login_method: self.login_method.clone(),
            app: self.app.clone(),
            device: self.device.clone(),
            language: self.language.clone(),
            ip: self.ip.clone(),
            location: self.location.clone(),
            created_at: Timestamp::from_millis(self.created_at),
            last_seen_at: Timestamp::from_millis(last_seen_at),
            idle_expires_at: d.idle.map(Timestamp::from_millis),
            expires_at: d.absolute.map(Timestamp::from_millis),
            remember_me: self.remember_me,
            status,
            ended_at: ended_at.map(Timestamp::from_millis),
            end_reason,
            ended_by,
            reason: self.reason.clone(),
            ticket: self.ticket.clone(),
            risk,
            activity: Activity {
                requests: self.requests,
                last_path: self.last_path.clone(),
            },
            current: false,
        }
    }
}

/// How sessions end.
#[derive(Debug, Clone)]
pub struct EndSpec {
    pub reason: EndReason,
    /// user id, API key id, or `system`
    pub by: String,
    /// The reason an admin wrote.
    pub note: Option<String>,
    pub ticket: Option<String>,
    pub at: i64,
}

/// A session that was ended, with its digest so the introspection cache can drop it.
#[derive(Debug, Clone)]
pub struct Ended {
    pub session_id: String,
    pub token_hash: TokenHash,
    pub ended_at: i64,
}

/// A coalesced activity update.
#[derive(Debug, Clone)]
pub struct Touch {
    pub session_id: String,
    /// See [`LiveRecord::row_key`].
    pub row_key: i64,
    pub last_seen_at: i64,
    pub requests: i64,
    pub last_path: Option<String>,
}

/// A sweeper candidate.
#[derive(Debug, Clone)]
pub struct Expired {
    pub session_id: String,
    pub token_hash: TokenHash,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub remember_me: bool,
}

#[derive(Debug, Clone)]
pub struct ApiKey {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub key_hash: TokenHash,
    pub created_at: i64,
    pub created_by: Option<String>,
    pub last_used_at: Option<i64>,
}

/// Requests of one API key in one hour.
#[derive(Debug, Clone)]
pub struct KeyUsage {
    pub key_id: String,
    pub hour: i64,
    pub requests: i64,
    pub last_used_at: i64,
}

/// Rows for fast bulk loading (demo and benchmark data), written in one transaction without
/// per-row audit events; the loader appends its own summary events.
#[derive(Debug, Clone, Default)]
pub struct BulkBatch {
    pub sessions: Vec<BulkSession>,
    pub attempts: Vec<Attempt>,
}

#[derive(Debug, Clone)]
pub struct BulkSession {
    pub session: NewSession,
    pub last_seen_at: i64,
    pub requests: i64,
    pub last_path: Option<String>,
    /// `None` for an active session.
    pub end: Option<EndSpec>,
}

#[cfg(test)]
mod debug_tests {
    use super::*;

    #[test]
    fn a_users_debug_form_has_no_password_hash() {
        let u = User {
            id: "usr_1".into(),
            org_id: "org_1".into(),
            username: "ann".into(),
            name: "Ann".into(),
            email: None,
            role: Role::Member,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            locked: false,
            locked_until: None,
            lock_reason: None,
            password_reset_required: false,
            created_at: 0,
        };
        let shown = format!("{u:?}");
        assert!(
            shown.contains("ann") && !shown.contains("argon2id"),
            "{shown}"
        );
    }
}
