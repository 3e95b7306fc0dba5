//! The console as its window drives it: one open profile at a time, its live sync running in
//! the background, and the calls the window makes, one submodule per screen. `src-tauri`
//! only forwards its commands here, so all of this is tested without a window.

mod actions;
mod alerts;
mod audit;
mod directory;
mod export;
mod keys;
mod lost_device;
mod policy;
mod sessions;

use std::sync::Arc;

use sessiondesk_protocol::{Policy, Role, Secret};
use tokio::sync::{watch, Mutex};

use crate::console::{Console, Workspace};
use crate::error::{Error, Result};
use crate::profiles::NewProfile;
use crate::sync::SyncState;
use crate::view::{ConsoleState, Denied, ProfileView, SignInForm, SyncView};

pub use actions::ActionForm;
pub use alerts::{alert_for, Alert, AlertSettings, WatchedUser, HIGH_RISK};
pub use audit::{AuditFilter, AuditRows};
pub use directory::{LoginFilter, LoginRows, UserFilter, UserRows};
pub use export::CsvExport;
pub use keys::NewKeyView;
pub use lost_device::{
    ContainForm, ContainReceipt, DeviceGroup, ReceiptFormat, RevocationCheck, UserDevices,
};
pub use sessions::{EndAllPreview, FilterOptions};

/// The open profile: its workspace, who signed in, and its sync task.
struct Open {
    workspace: Workspace,
    role: Option<Role>,
    /// The console's own session, spared by "sign out all team sessions".
    own_session: Option<String>,
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
    /// Where exports go: the user's Downloads folder unless set.
    exports: Option<std::path::PathBuf>,
    /// What the alerts of the open profile have looked at.
    alerts: Mutex<alerts::AlertCursor>,
    /// A session the window should open (a clicked notification), until it does.
    open_request: std::sync::Mutex<Option<String>>,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A fresh Idempotency-Key for a change made straight on the server.
fn idempotency_key() -> String {
    format!("idk_{}", ulid::Ulid::new().to_string().to_lowercase())
}

impl App {
    pub fn new(console: Console) -> Arc<Self> {
        Arc::new(App {
            console,
            open: Mutex::new(None),
            exports: None,
            alerts: Default::default(),
            open_request: Default::default(),
        })
    }

    /// As [`App::new`], with exports written into `dir`.
    pub fn with_export_dir(console: Console, dir: std::path::PathBuf) -> Arc<Self> {
        Arc::new(App {
            console,
            open: Mutex::new(None),
            exports: Some(dir),
            alerts: Default::default(),
            open_request: Default::default(),
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

    /// Opens a saved profile whose token is still in the keyring (no password asked).
    pub async fn open_profile(&self, profile_id: &str) -> Result<ConsoleState> {
        let ws = self.console.open(profile_id).await?;
        self.start(ws).await;
        self.state().await
    }

    /// Closes the open profile and keeps its token: the sign-in screen, to switch servers.
    pub async fn close_profile(&self) -> Result<ConsoleState> {
        self.open.lock().await.take();
        self.state().await
    }

    /// Signs out of the open profile: ends its session on the server when it answers,
    /// deletes the token from the keyring and the profile's offline cache.
    pub async fn sign_out(&self) -> Result<ConsoleState> {
        let open = self.open.lock().await.take();
        if let Some(o) = open {
            let id = o.workspace.profile.id.clone();
            let _ = o.workspace.client.logout().await;
            o.workspace.cache.close().await;
            drop(o);
            self.console.sign_out(&id).await?;
        }
        self.state().await
    }

    /// Asks the window to open a session's details (a notification was clicked).
    pub fn request_open(&self, session_id: String) {
        *self.open_request.lock().unwrap_or_else(|e| e.into_inner()) = Some(session_id);
    }

    /// The session the window was asked to open, once.
    pub fn take_open_request(&self) -> Option<String> {
        self.open_request
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// Makes `ws` the open profile and starts following its server.
    async fn start(&self, ws: Workspace) {
        // Sessions that exist when the profile opens are history, not news.
        *self.alerts.lock().await = alerts::AlertCursor {
            created_at: now_ms(),
            id: String::new(),
        };
        let me = ws.check().await.ok();
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
            role: me.as_ref().map(|s| s.user.role),
            own_session: me.map(|s| s.id),
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

    /// The org's policy as last synced.
    async fn cached_policy(ws: &Workspace) -> Result<Option<Policy>> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM policy WHERE id = 1")
            .fetch_optional(ws.cache.pool())
            .await?;
        Ok(match body {
            Some(b) => Some(serde_json::from_str(&b)?),
            None => None,
        })
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
                denied: Denied::for_role(None),
                role: None,
                own_session: None,
            });
        };
        let cached_at = o.workspace.cache.synced_at().await.ok().flatten();
        let policy = Self::cached_policy(&o.workspace).await.ok().flatten();
        let sync = SyncView::new(&o.sync.borrow().clone(), cached_at);
        Ok(ConsoleState {
            profiles: profiles.iter().map(ProfileView::from).collect(),
            profile: Some(ProfileView::from(&o.workspace.profile)),
            sync,
            reason_required: policy.is_some_and(|p| p.require_reason),
            denied: Denied::for_role(o.role),
            role: o.role,
            own_session: o.own_session.clone(),
        })
    }

    /// The console's own session, when a profile is open.
    async fn own_session(&self) -> Option<String> {
        self.open.lock().await.as_ref()?.own_session.clone()
    }

    /// The signed-in role's refusals, checked before anything is queued or sent.
    async fn denied(&self) -> Denied {
        Denied::for_role(self.open.lock().await.as_ref().and_then(|o| o.role))
    }
}

/// `Err` with the refusal when `why` is set.
fn allowed(why: Option<String>) -> Result<()> {
    match why {
        Some(w) => Err(Error::Forbidden(w)),
        None => Ok(()),
    }
}
