//! What the window is shown and what it sends: the shapes that cross to TypeScript. Their
//! TypeScript twins in `ui/src/bindings/` are generated (ts-rs) and a test keeps them equal.

use serde::{Deserialize, Serialize};
use sessiondesk_protocol::Role;
use ts_rs::TS;

use crate::outbox::{Queued, State};
use crate::profiles::Profile;
use crate::sync::SyncState;

/// Everything the window needs to draw its frame.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ConsoleState {
    /// Every saved profile, most recently used first.
    pub profiles: Vec<ProfileView>,
    /// The open one; `None` shows the sign-in screen.
    pub profile: Option<ProfileView>,
    pub sync: SyncView,
    /// The org's policy asks for a reason with every admin action.
    pub reason_required: bool,
    /// What the signed-in role may not do, and why (for disabled buttons' tooltips).
    pub denied: Denied,
    pub role: Option<Role>,
    /// The console's own session (spared by "sign out all team sessions").
    pub own_session: Option<String>,
}

/// For each kind of action, why the signed-in role may not take it (`None`: it may).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Denied {
    /// End a session, or all of a user's sessions.
    pub end_sessions: Option<String>,
    /// Lock and unlock accounts.
    pub lock_users: Option<String>,
    /// End every session of the team but your own.
    pub end_all: Option<String>,
    pub edit_policy: Option<String>,
    pub manage_api_keys: Option<String>,
}

impl Denied {
    /// The contract's roles: owner all; admin all but policy and API keys; helpdesk ends
    /// sessions and locks accounts but not team-wide; auditor reads only.
    pub fn for_role(role: Option<Role>) -> Self {
        let no = |s: &str| Some(s.to_string());
        let read_only = "Your role (auditor) can look but not change anything.";
        match role {
            Some(Role::Owner) => Denied {
                end_sessions: None,
                lock_users: None,
                end_all: None,
                edit_policy: None,
                manage_api_keys: None,
            },
            Some(Role::Admin) => Denied {
                end_sessions: None,
                lock_users: None,
                end_all: None,
                edit_policy: no("Only the owner can change the session policy."),
                manage_api_keys: no("Only the owner can create or revoke API keys."),
            },
            Some(Role::Helpdesk) => Denied {
                end_sessions: None,
                lock_users: None,
                end_all: no("Help-desk staff cannot sign out the whole team; ask an admin."),
                edit_policy: no("Only the owner can change the session policy."),
                manage_api_keys: no("Only the owner can create or revoke API keys."),
            },
            Some(Role::Auditor) => Denied {
                end_sessions: no(read_only),
                lock_users: no(read_only),
                end_all: no(read_only),
                edit_policy: no(read_only),
                manage_api_keys: no(read_only),
            },
            Some(Role::Member) | None => {
                let why = "Your role has no access to the admin console.";
                Denied {
                    end_sessions: no(why),
                    lock_users: no(why),
                    end_all: no(why),
                    edit_policy: no(why),
                    manage_api_keys: no(why),
                }
            }
        }
    }
}

/// A saved profile, as listed (no secrets: the token lives in the OS keyring).
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProfileView {
    pub id: String,
    pub name: String,
    pub server_url: String,
    pub org: String,
    pub username: String,
}

impl From<&Profile> for ProfileView {
    fn from(p: &Profile) -> Self {
        ProfileView {
            id: p.id.clone(),
            name: p.name.clone(),
            server_url: p.server_url.clone(),
            org: p.org.clone(),
            username: p.username.clone(),
        }
    }
}

/// The live sync, flattened for the banner.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SyncView {
    pub state: SyncPhase,
    /// When the cache last caught up (Unix ms).
    pub synced_at: Option<i64>,
    /// Why it is offline.
    pub message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    Idle,
    Syncing,
    Live,
    Offline,
    SignInRequired,
}

impl SyncView {
    /// The sync state with the cache's last sync time where the state itself has none.
    pub fn new(state: &SyncState, cached_at: Option<i64>) -> Self {
        let (phase, synced_at, message) = match state {
            SyncState::Idle => (SyncPhase::Idle, cached_at, None),
            SyncState::Syncing { .. } => (SyncPhase::Syncing, cached_at, None),
            SyncState::Live { synced_at, .. } => (SyncPhase::Live, Some(*synced_at), None),
            SyncState::Offline {
                synced_at, message, ..
            } => (
                SyncPhase::Offline,
                synced_at.or(cached_at),
                Some(message.clone()),
            ),
            SyncState::SignInRequired => (SyncPhase::SignInRequired, cached_at, None),
        };
        SyncView {
            state: phase,
            synced_at,
            message,
        }
    }
}

/// The sign-in form. The password goes to the server and is then dropped.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct SignInForm {
    pub server_url: String,
    pub org: String,
    pub username: String,
    pub password: String,
}

/// An action as the window shows it after asking for it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ActionView {
    /// Also its Idempotency-Key.
    pub id: String,
    /// When it was asked for (Unix ms).
    pub created_at: i64,
    /// What it does, in words ("Lock alice's account").
    pub description: String,
    /// How many times it was sent.
    pub attempts: i64,
    pub state: ActionState,
    /// When the server ended the sessions (its receipt), once carried out.
    pub ended_at: Option<sessiondesk_protocol::Timestamp>,
    /// How many sessions it ended.
    pub ended: u32,
    /// Why the server refused it, or why it has not been sent yet.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ActionState {
    Pending,
    Sent,
    Failed,
}

impl ActionState {
    pub fn of(state: State) -> Self {
        match state {
            State::Pending => ActionState::Pending,
            State::Sent => ActionState::Sent,
            State::Failed => ActionState::Failed,
        }
    }
}

impl ActionView {
    pub fn new(q: &Queued, description: String) -> Self {
        ActionView {
            id: q.id.clone(),
            created_at: q.created_at,
            description,
            attempts: q.attempts,
            state: ActionState::of(q.state),
            ended_at: q
                .receipt
                .as_ref()
                .and_then(|r| r.receipts.iter().map(|x| x.revoked_at).max()),
            ended: q.receipt.as_ref().map_or(0, |r| r.ended as u32),
            error: q.error.as_ref().map(|e| e.message.clone()),
        }
    }
}
