//! What admins do to sessions and accounts, each scoped to the caller's org and recorded
//! with its reason and ticket.

use std::collections::HashMap;

use sessiondesk_protocol::{
    ActionReceipt, ActionRequest, EndReason, LockRequest, Policy, PolicyPreview,
    RevokeSessionsRequest, Role,
};

use super::{Authority, Because};
use crate::error::{Error, Result};
use crate::expiry;
use crate::store::EndSpec;

/// The signed-in admin making a call.
#[derive(Debug, Clone)]
pub struct Actor {
    pub org_id: String,
    pub user_id: String,
    pub session_id: String,
    pub role: Role,
}

fn receipt(
    action: &str,
    r: Vec<sessiondesk_protocol::RevocationReceipt>,
    why: &Why,
) -> ActionReceipt {
    ActionReceipt {
        action: action.into(),
        ended: r.len(),
        receipts: r,
        reason: why.reason.clone(),
        ticket: why.ticket.clone(),
    }
}

/// A reason and ticket, trimmed, with empty ones absent.
struct Why {
    reason: Option<String>,
    ticket: Option<String>,
}

const MAX_TEXT: usize = 1000;

impl Authority {
    /// The reason and ticket of an admin action; a missing reason is refused when the
    /// org's policy requires one.
    fn why(&self, org_id: &str, reason: &Option<String>, ticket: &Option<String>) -> Result<Why> {
        let clean = |s: &Option<String>, name: &str| -> Result<Option<String>> {
            match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(t) if t.len() > MAX_TEXT => Err(Error::Unprocessable(format!(
                    "{name} must be at most {MAX_TEXT} bytes"
                ))),
                other => Ok(other.map(str::to_string)),
            }
        };
        let why = Why {
            reason: clean(reason, "reason")?,
            ticket: clean(ticket, "ticket")?,
        };
        if why.reason.is_none() && self.policies.get(org_id).require_reason {
            return Err(Error::ReasonRequired);
        }
        Ok(why)
    }

    fn ended_by(&self, a: &Actor, why: &Why) -> EndSpec {
        EndSpec {
            reason: EndReason::Revoked,
            by: a.user_id.clone(),
            note: why.reason.clone(),
            ticket: why.ticket.clone(),
            at: self.now(),
        }
    }

    /// A user of the caller's org, or 404.
    async fn member(&self, a: &Actor, user_id: &str) -> Result<crate::store::User> {
        self.store
            .user(user_id)
            .await?
            .filter(|u| u.org_id == a.org_id)
            .ok_or(Error::NotFound)
    }

    /// `POST /v1/admin/sessions/{id}/revoke`
    pub async fn admin_revoke_session(
        &self,
        a: &Actor,
        id: &str,
        req: &ActionRequest,
    ) -> Result<ActionReceipt> {
        let row = self
            .store
            .session(id)
            .await?
            .filter(|s| s.org_id == a.org_id)
            .ok_or(Error::NotFound)?;
        let why = self.why(&a.org_id, &req.reason, &req.ticket)?;
        let ended = self
            .end(&a.org_id, &[row.id], &self.ended_by(a, &why))
            .await?;
        Ok(receipt("session.ended", ended, &why))
    }

    /// `POST /v1/admin/users/{id}/revoke-sessions`: all of the user's sessions, or the
    /// listed ones (ids that are not the user's active sessions are left alone).
    pub async fn admin_revoke_user_sessions(
        &self,
        a: &Actor,
        user_id: &str,
        req: &RevokeSessionsRequest,
    ) -> Result<ActionReceipt> {
        let user = self.member(a, user_id).await?;
        let why = self.why(&a.org_id, &req.reason, &req.ticket)?;
        let mut ids = self
            .store
            .active_session_ids(&a.org_id, Some(&user.id))
            .await?;
        if let Some(only) = &req.session_ids {
            ids.retain(|id| only.contains(id));
        }
        let ended = self.end(&a.org_id, &ids, &self.ended_by(a, &why)).await?;
        Ok(receipt("session.ended", ended, &why))
    }

    /// `POST /v1/admin/users/{id}/lock`
    pub async fn admin_lock(
        &self,
        a: &Actor,
        user_id: &str,
        req: &LockRequest,
    ) -> Result<ActionReceipt> {
        let user = self.member(a, user_id).await?;
        if user.id == a.user_id {
            return Err(Error::Conflict("you cannot lock your own account".into()));
        }
        let why = self.why(&a.org_id, &req.reason, &req.ticket)?;
        let by = Because {
            actor: a.user_id.clone(),
            reason: why.reason.clone(),
            ticket: why.ticket.clone(),
        };
        let ended = self
            .lock_user(&a.org_id, &user.id, req.require_password_reset, &by)
            .await?;
        Ok(receipt("user.locked", ended, &why))
    }

    /// `POST /v1/admin/users/{id}/unlock`
    pub async fn admin_unlock(
        &self,
        a: &Actor,
        user_id: &str,
        req: &ActionRequest,
    ) -> Result<ActionReceipt> {
        let user = self.member(a, user_id).await?;
        let why = self.why(&a.org_id, &req.reason, &req.ticket)?;
        let by = Because {
            actor: a.user_id.clone(),
            reason: why.reason.clone(),
            ticket: why.ticket.clone(),
        };
        self.unlock_user(&a.org_id, &user.id, &by).await?;
        Ok(receipt("user.unlocked", Vec::new(), &why))
    }

    /// `POST /v1/admin/sessions/revoke-all`: every session of the org but the caller's.
    pub async fn admin_revoke_all(&self, a: &Actor, req: &ActionRequest) -> Result<ActionReceipt> {
        let why = self.why(&a.org_id, &req.reason, &req.ticket)?;
        let mut ids = self.store.active_session_ids(&a.org_id, None).await?;
        ids.retain(|id| *id != a.session_id);
        let ended = self.end(&a.org_id, &ids, &self.ended_by(a, &why)).await?;
        Ok(receipt("session.ended", ended, &why))
    }

    /// `POST /v1/admin/policy/preview`: what saving `policy` would do now. Timeouts end
    /// sessions at once (the sweeper writes them); a lower limit takes effect at each user's
    /// next sign-in.
    pub async fn preview_policy(&self, org_id: &str, policy: &Policy) -> Result<PolicyPreview> {
        crate::policies::check(policy)?;
        let now = self.now();
        let briefs = self.store.active_briefs(org_id).await?;
        let mut p = PolicyPreview {
            active: 0,
            would_end_idle: 0,
            would_end_absolute: 0,
            users_over_limit: 0,
            sessions_over_limit: 0,
        };
        let mut per_user: HashMap<&str, i64> = HashMap::new();
        for b in &briefs {
            let seen = self
                .live
                .get(&b.token_hash)
                .map_or(b.last_seen_at, |e| e.last_seen().max(b.last_seen_at));
            match expiry::deadlines(policy, b.created_at, seen, b.remember_me).expired(now) {
                Some((EndReason::IdleTimeout, _)) => p.would_end_idle += 1,
                Some(_) => p.would_end_absolute += 1,
                None => {
                    p.active += 1;
                    *per_user.entry(b.user_id.as_str()).or_default() += 1;
                }
            }
        }
        if let Some(max) = policy.max_sessions {
            for n in per_user.values().filter(|n| **n > i64::from(max)) {
                p.users_over_limit += 1;
                p.sessions_over_limit += n - i64::from(max);
            }
        }
        Ok(p)
    }
}
