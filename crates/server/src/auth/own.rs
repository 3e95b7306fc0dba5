//! A signed-in user's own sessions: who am I, sign out, list, end one, end the others.

use std::sync::Arc;

use sessiondesk_protocol::{EndReason, RevocationReceipt, RevokeResult, Session, SessionStatus};

use super::Authority;
use crate::error::{Error, Result};
use crate::live::LiveEntry;
use crate::store::EndSpec;

impl Authority {
    /// The caller's session behind a Bearer token, or 401.
    pub async fn authenticate(&self, bearer: Option<&str>, path: &str) -> Result<Arc<LiveEntry>> {
        let token = bearer.ok_or(Error::Unauthenticated)?;
        self.validate(token, Some(path), None)
            .await?
            .map(|(e, _)| e)
            .ok_or(Error::Unauthenticated)
    }

    /// `GET /v1/auth/session`
    pub async fn current(&self, me: &LiveEntry) -> Result<Session> {
        let row = self
            .store
            .session(&me.session_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        let mut s = self.view(&row, &self.policies.get(&me.org_id), self.now());
        s.current = true;
        Ok(s)
    }

    fn by_user(&self, me: &LiveEntry, reason: EndReason) -> EndSpec {
        EndSpec {
            reason,
            by: me.user_id.to_string(),
            note: None,
            ticket: None,
            at: self.now(),
        }
    }

    /// `POST /v1/auth/logout`
    pub async fn logout(&self, me: &LiveEntry) -> Result<()> {
        let spec = self.by_user(me, EndReason::Logout);
        self.end(&me.org_id, &[me.session_id.to_string()], &spec)
            .await?;
        Ok(())
    }

    /// `GET /v1/auth/sessions`: the caller's active sessions, newest first, theirs marked.
    pub async fn own_sessions(&self, me: &LiveEntry) -> Result<Vec<Session>> {
        let policy = self.policies.get(&me.org_id);
        let now = self.now();
        let rows = self.store.user_sessions(&me.user_id, true).await?;
        Ok(rows
            .iter()
            .map(|r| {
                let mut s = self.view(r, &policy, now);
                s.current = *r.id == *me.session_id;
                s
            })
            .filter(|s| s.status == SessionStatus::Active)
            .collect())
    }

    /// `DELETE /v1/auth/sessions/{id}`: one of the caller's own sessions; others are 404.
    pub async fn revoke_own(&self, me: &LiveEntry, id: &str) -> Result<RevocationReceipt> {
        let row = self.store.session(id).await?.ok_or(Error::NotFound)?;
        if *row.user.id != *me.user_id || !row.active {
            return Err(Error::NotFound);
        }
        let reason = if *row.id == *me.session_id {
            EndReason::Logout
        } else {
            EndReason::Revoked
        };
        let spec = self.by_user(me, reason);
        self.end(&me.org_id, &[row.id], &spec)
            .await?
            .pop()
            .ok_or(Error::NotFound)
    }

    /// `POST /v1/auth/sessions/revoke-others`
    pub async fn revoke_others(&self, me: &LiveEntry) -> Result<RevokeResult> {
        // Sessions that already timed out end as timed out, not as revoked by the user.
        self.settle_user(&me.org_id, &me.user_id).await?;
        let ids: Vec<String> = self
            .store
            .user_sessions(&me.user_id, true)
            .await?
            .into_iter()
            .map(|r| r.id)
            .filter(|id| **id != *me.session_id)
            .collect();
        let spec = self.by_user(me, EndReason::Revoked);
        let receipts = self.end(&me.org_id, &ids, &spec).await?;
        Ok(RevokeResult {
            ended: receipts.len(),
            receipts,
        })
    }
}
