//! The actions that end sessions or lock accounts. Each is written to the outbox (with its
//! Idempotency-Key) before it is sent, so one taken offline waits there and runs once when
//! the server is back; the queued-actions list reads the same outbox.

use serde::Deserialize;
use sessiondesk_protocol::{ActionRequest, LockRequest, RevokeSessionsRequest};
use ts_rs::TS;

use super::{allowed, now_ms, App};
use crate::console::Workspace;
use crate::error::{Error, Result};
use crate::outbox::{Action, Queued, State};
use crate::view::ActionView;

/// An action as the confirmation dialog sends it.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ActionForm {
    /// End one session.
    EndSession {
        session_id: String,
        reason: Option<String>,
        ticket: Option<String>,
    },
    /// Log a user out from all devices, or only from the listed sessions (one device's).
    EndUserSessions {
        user_id: String,
        #[serde(default)]
        session_ids: Option<Vec<String>>,
        reason: Option<String>,
        ticket: Option<String>,
    },
    /// Lock an account: ends all its sessions and blocks sign-in.
    Lock {
        user_id: String,
        reason: Option<String>,
        ticket: Option<String>,
        require_password_reset: bool,
    },
    Unlock {
        user_id: String,
        reason: Option<String>,
    },
    /// Sign out every session of the team but the console's own.
    EndAll {
        reason: Option<String>,
        ticket: Option<String>,
    },
}

/// Blank text is no text.
fn text(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

impl ActionForm {
    fn reason(&self) -> Option<&String> {
        match self {
            ActionForm::EndSession { reason, .. }
            | ActionForm::EndUserSessions { reason, .. }
            | ActionForm::Lock { reason, .. }
            | ActionForm::Unlock { reason, .. }
            | ActionForm::EndAll { reason, .. } => reason.as_ref(),
        }
    }

    fn into_action(self) -> Action {
        match self {
            ActionForm::EndSession {
                session_id,
                reason,
                ticket,
            } => Action::RevokeSession {
                session_id,
                request: ActionRequest {
                    reason: text(reason),
                    ticket: text(ticket),
                },
            },
            ActionForm::EndUserSessions {
                user_id,
                session_ids,
                reason,
                ticket,
            } => Action::RevokeUserSessions {
                user_id,
                request: RevokeSessionsRequest {
                    reason: text(reason),
                    ticket: text(ticket),
                    session_ids,
                },
            },
            ActionForm::Lock {
                user_id,
                reason,
                ticket,
                require_password_reset,
            } => Action::Lock {
                user_id,
                request: LockRequest {
                    reason: text(reason),
                    ticket: text(ticket),
                    require_password_reset,
                },
            },
            ActionForm::Unlock { user_id, reason } => Action::Unlock {
                user_id,
                request: ActionRequest {
                    reason: text(reason),
                    ticket: None,
                },
            },
            ActionForm::EndAll { reason, ticket } => Action::RevokeAll {
                request: ActionRequest {
                    reason: text(reason),
                    ticket: text(ticket),
                },
            },
        }
    }
}

/// A user's display name from the cache, or their id when the cache does not know them.
async fn who(ws: &Workspace, user_id: &str) -> String {
    sqlx::query_scalar::<_, String>("SELECT username FROM users WHERE id = ?")
        .bind(user_id)
        .fetch_optional(ws.cache.pool())
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| user_id.to_string())
}

/// The action in words, as the queued-actions list shows it.
async fn describe(ws: &Workspace, action: &Action) -> String {
    match action {
        Action::RevokeSession { session_id, .. } => {
            let user: Option<String> =
                sqlx::query_scalar("SELECT username FROM sessions WHERE id = ?")
                    .bind(session_id)
                    .fetch_optional(ws.cache.pool())
                    .await
                    .ok()
                    .flatten();
            match user {
                Some(u) => format!("End session {session_id} of {u}"),
                None => format!("End session {session_id}"),
            }
        }
        Action::RevokeUserSessions { user_id, request } => match &request.session_ids {
            Some(ids) if ids.len() == 1 => {
                format!("End 1 session of {}", who(ws, user_id).await)
            }
            Some(ids) => format!("End {} sessions of {}", ids.len(), who(ws, user_id).await),
            None => format!("Log {} out from all devices", who(ws, user_id).await),
        },
        Action::Lock { user_id, request } => {
            let reset = if request.require_password_reset {
                ", password reset required"
            } else {
                ""
            };
            format!("Lock {}'s account{reset}", who(ws, user_id).await)
        }
        Action::Unlock { user_id, .. } => format!("Unlock {}'s account", who(ws, user_id).await),
        Action::RevokeAll { .. } => "Sign out all team sessions".to_string(),
    }
}

impl App {
    /// Takes an action: checked against the role and the policy, committed to the outbox,
    /// then sent at once when the server can be reached (otherwise it waits in the outbox
    /// and goes out when the sync is live again).
    pub async fn act(&self, form: ActionForm) -> Result<ActionView> {
        let (ws, queued) = self.take_action(form).await?;
        Ok(view(&ws, &queued).await)
    }

    /// [`App::act`], answering with the outbox entry itself (and its receipt).
    pub(super) async fn take_action(&self, form: ActionForm) -> Result<(Workspace, Queued)> {
        let denied = self.denied().await;
        allowed(match &form {
            ActionForm::EndSession { .. } | ActionForm::EndUserSessions { .. } => {
                denied.end_sessions
            }
            ActionForm::Lock { .. } | ActionForm::Unlock { .. } => denied.lock_users,
            ActionForm::EndAll { .. } => denied.end_all,
        })?;
        let ws = self.workspace().await?;
        let reason_required = Self::cached_policy(&ws)
            .await?
            .is_some_and(|p| p.require_reason);
        if reason_required && text(form.reason().cloned()).is_none() {
            return Err(Error::Invalid(
                "your organisation's policy asks for a reason with every action".into(),
            ));
        }
        let queued = ws.outbox.enqueue(form.into_action(), now_ms()).await?;
        let _ = ws.outbox.send_pending(&ws.client, now_ms()).await;
        let now = ws.outbox.get(&queued.id).await?;
        if now.state == State::Sent {
            // The lists show the result without waiting for the live feed.
            let _ = ws.syncer().catch_up().await;
        }
        Ok((ws, now))
    }

    /// Every action in the outbox, newest first, with its state.
    pub async fn actions(&self) -> Result<Vec<ActionView>> {
        let ws = self.workspace().await?;
        let mut out = Vec::new();
        // The outbox lists oldest first.
        for q in ws.outbox.list().await?.iter().rev() {
            out.push(view(&ws, q).await);
        }
        Ok(out)
    }
}

async fn view(ws: &Workspace, q: &Queued) -> ActionView {
    ActionView::new(q, describe(ws, &q.action).await)
}
