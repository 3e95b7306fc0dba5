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
    /// The signed-in role may end sessions (owner, admin, helpdesk).
    pub can_end_sessions: bool,
    pub role: Option<Role>,
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

/// End one session.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct EndSessionForm {
    pub session_id: String,
    pub reason: Option<String>,
    pub ticket: Option<String>,
}

/// An action as the window shows it after asking for it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ActionView {
    /// Also its Idempotency-Key.
    pub id: String,
    pub state: ActionState,
    /// When the server ended the sessions (its receipt), once carried out.
    pub ended_at: Option<sessiondesk_protocol::Timestamp>,
    /// How many sessions it ended.
    pub ended: u32,
    /// Why the server refused it, or why it has not been sent yet.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ActionState {
    Pending,
    Sent,
    Failed,
}

impl From<&Queued> for ActionView {
    fn from(q: &Queued) -> Self {
        ActionView {
            id: q.id.clone(),
            state: match q.state {
                State::Pending => ActionState::Pending,
                State::Sent => ActionState::Sent,
                State::Failed => ActionState::Failed,
            },
            ended_at: q
                .receipt
                .as_ref()
                .and_then(|r| r.receipts.iter().map(|x| x.revoked_at).max()),
            ended: q.receipt.as_ref().map_or(0, |r| r.ended as u32),
            error: q.error.as_ref().map(|e| e.message.clone()),
        }
    }
}
