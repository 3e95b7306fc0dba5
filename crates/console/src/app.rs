//! The console as its window drives it: one open profile at a time, its live sync running in
//! the background, and the handful of calls the window makes. `src-tauri` only forwards its
//! commands here, so all of this is tested without a window.

use std::sync::Arc;

use sessiondesk_protocol::{ActionRequest, Policy, Role, Secret, Session, SessionQuery};
use tokio::sync::{watch, Mutex};

use crate::console::{Console, Workspace};
use crate::error::{Error, Result};
use crate::outbox::Action;
use crate::profiles::NewProfile;
use crate::query::Rows;
use crate::sync::SyncState;
use crate::view::{ActionView, ConsoleState, EndSessionForm, ProfileView, SignInForm, SyncView};

/// The open profile: its workspace, who signed in, and its sync task.
struct Open {
    workspace: Workspace,
    role: Option<Role>,
    sync: watch::Receiver<SyncState>,
    stop: watch::Sender<bool>,
}

impl Drop for Open {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// The console behind the window.
pub struct App {
    console: Console,
    open: Mutex<Option<Open>>,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl App {
    pub fn new(console: Console) -> Arc<Self> {
        Arc::new(App {
            console,
            open: Mutex::new(None),
        })
    }

    /// Opens the most recent profile whose token is in the keyring, if any.
    pub async fn resume(&self) -> Result<()> {
        for p in self.console.profiles() {
            if let Ok(ws) = self.console.open(&p.id).await {
                self.start(ws).await;
                return Ok(());
            }
        }
        Ok(())
    }

    /// Signs in (adding the profile when it is new) and opens it.
    pub async fn sign_in(&self, form: SignInForm) -> Result<ConsoleState> {
        let existing = self.console.profiles().into_iter().find(|p| {
            p.org == form.org
                && p.username == form.username
                && p.server_url.trim_end_matches('/') == form.server_url.trim_end_matches('/')
        });
        let profile = match existing {
            Some(p) => p,
            None => self.console.add_profile(NewProfile {
                name: format!("{}@{}", form.username, form.org),
                server_url: form.server_url.clone(),
                org: form.org.clone(),
                username: form.username.clone(),
            })?,
        };
        let ws = self
            .console
            .sign_in(&profile.id, Secret::new(form.password))
            .await?;
        self.start(ws).await;
        self.state().await
    }

    /// Makes `ws` the open profile and starts following its server.
    async fn start(&self, ws: Workspace) {
        let role = ws.check().await.ok().map(|s| s.user.role);
        let (state_tx, state_rx) = watch::channel(SyncState::Idle);
        let (stop_tx, stop_rx) = watch::channel(false);
        let syncer = ws.syncer();
        tokio::spawn(async move { syncer.run(stop_rx, state_tx).await });
        // Actions queued while offline go out as soon as the server answers again.
        let outbox = ws.outbox.clone();
        let client = ws.client.clone();
        let mut sync = state_rx.clone();
        tokio::spawn(async move {
            while sync.changed().await.is_ok() {
                if matches!(*sync.borrow(), SyncState::Live { .. }) {
                    let _ = outbox.send_pending(&client, now_ms()).await;
                }
            }
        });
        *self.open.lock().await = Some(Open {
            workspace: ws,
            role,
            sync: state_rx,
            stop: stop_tx,
        });
    }

    async fn workspace(&self) -> Result<Workspace> {
        self.open
            .lock()
            .await
            .as_ref()
            .map(|o| o.workspace.clone())
            .ok_or_else(|| Error::SignInRequired("no profile is open".into()))
    }

    async fn policy(ws: &Workspace) -> Option<Policy> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM policy WHERE id = 1")
            .fetch_optional(ws.cache.pool())
            .await
            .ok()
            .flatten();
        body.and_then(|b| serde_json::from_str(&b).ok())
    }

    /// The window's frame: profiles, the open one, its sync and what it may do.
    pub async fn state(&self) -> Result<ConsoleState> {
        let profiles = self.console.profiles();
        let open = self.open.lock().await;
        let Some(o) = open.as_ref() else {
            return Ok(ConsoleState {
                profiles: profiles.iter().map(ProfileView::from).collect(),
                profile: None,
                sync: SyncView::new(&SyncState::Idle, None),
                reason_required: false,
                can_end_sessions: false,
                role: None,
            });
        };
        let cached_at = o.workspace.cache.synced_at().await.ok().flatten();
        let policy = Self::policy(&o.workspace).await;
        let sync = SyncView::new(&o.sync.borrow().clone(), cached_at);
        Ok(ConsoleState {
            profiles: profiles.iter().map(ProfileView::from).collect(),
            profile: Some(ProfileView::from(&o.workspace.profile)),
            sync,
            reason_required: policy.is_some_and(|p| p.require_reason),
            can_end_sessions: matches!(o.role, Some(Role::Owner | Role::Admin | Role::Helpdesk)),
            role: o.role,
        })
    }

    /// A window of the sessions list, from the cache (so it answers offline too).
    pub async fn sessions(&self, query: SessionQuery, offset: u64) -> Result<Rows> {
        self.workspace()
            .await?
            .cache
            .sessions(&query, offset, now_ms())
            .await
    }

    /// One session from the cache.
    pub async fn session(&self, id: &str) -> Result<Option<Session>> {
        let ws = self.workspace().await?;
        let body: Option<String> = sqlx::query_scalar(
            "SELECT b.body FROM sessions s JOIN session_bodies b ON b.id = s.rowid WHERE s.id = ?",
        )
        .bind(id)
        .fetch_optional(ws.cache.pool())
        .await?;
        Ok(match body {
            Some(b) => Some(serde_json::from_str(&b)?),
            None => None,
        })
    }

    /// Ends a session: written to the outbox first, then sent at once when the server can
    /// be reached (otherwise it waits there and goes out when the sync is live again).
    pub async fn end_session(&self, form: EndSessionForm) -> Result<ActionView> {
        let ws = self.workspace().await?;
        let queued = ws
            .outbox
            .enqueue(
                Action::RevokeSession {
                    session_id: form.session_id,
                    request: ActionRequest {
                        reason: form.reason.filter(|r| !r.trim().is_empty()),
                        ticket: form.ticket.filter(|t| !t.trim().is_empty()),
                    },
                },
                now_ms(),
            )
            .await?;
        let _ = ws.outbox.send_pending(&ws.client, now_ms()).await;
        let now = ws.outbox.get(&queued.id).await?;
        if now.state == crate::outbox::State::Sent {
            // The list shows the session as ended without waiting for the live feed.
            let _ = ws.syncer().catch_up().await;
        }
        Ok(ActionView::from(&now))
    }
}
