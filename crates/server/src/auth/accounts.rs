//! Account locks and org policy changes: state changes that the admin API builds on.

use sessiondesk_protocol::{Policy, RevocationReceipt, Secret};

use super::Authority;
use crate::error::Result;
use crate::store::{ApiKey, LockChange};
use crate::{ids, token};

/// Who locks or unlocks an account, and why.
#[derive(Debug, Clone, Default)]
pub struct Because {
    /// user id, API key id, or `system`
    pub actor: String,
    pub reason: Option<String>,
    pub ticket: Option<String>,
}

impl Authority {
    /// Locks an account until it is unlocked: every session ends (`account_locked`) and
    /// sign-in answers 423.
    pub async fn lock_user(
        &self,
        org_id: &str,
        user_id: &str,
        require_password_reset: bool,
        by: &Because,
    ) -> Result<Vec<RevocationReceipt>> {
        let ended = self
            .store
            .set_lock(&LockChange {
                org_id: org_id.to_string(),
                user_id: user_id.to_string(),
                lock: true,
                until: None,
                require_password_reset,
                actor: by.actor.clone(),
                reason: by.reason.clone(),
                ticket: by.ticket.clone(),
                at: self.now(),
            })
            .await?;
        Ok(self.forget(ended))
    }

    /// Lifts an admin lock and any temporary lock.
    pub async fn unlock_user(&self, org_id: &str, user_id: &str, by: &Because) -> Result<()> {
        self.store
            .set_lock(&LockChange {
                org_id: org_id.to_string(),
                user_id: user_id.to_string(),
                lock: false,
                until: None,
                require_password_reset: false,
                actor: by.actor.clone(),
                reason: by.reason.clone(),
                ticket: by.ticket.clone(),
                at: self.now(),
            })
            .await?;
        Ok(())
    }

    /// Creates a resource-server API key; its secret is returned once and only its digest
    /// is stored.
    pub async fn create_api_key(
        &self,
        org_id: &str,
        name: &str,
        actor: &str,
    ) -> Result<(ApiKey, Secret)> {
        let now = self.now();
        let secret = token::generate(token::API_KEY_PREFIX);
        let key = ApiKey {
            id: ids::new_id(ids::API_KEY, now),
            org_id: org_id.to_string(),
            name: name.to_string(),
            key_hash: token::hash(secret.expose()),
            created_at: now,
            created_by: Some(actor.to_string()),
            last_used_at: None,
        };
        self.store.create_api_key(&key, actor).await?;
        self.keys.insert(&key);
        Ok((key, secret))
    }

    /// Revokes an API key of the org; its next call is refused.
    pub async fn revoke_api_key(&self, org_id: &str, id: &str, actor: &str) -> Result<()> {
        let h = self
            .store
            .revoke_api_key(org_id, id, actor, self.now())
            .await?
            .ok_or(crate::error::Error::NotFound)?;
        self.keys.remove(&h);
        Ok(())
    }

    /// Replaces an org's policy. Timeouts apply to existing sessions at once (deadlines are
    /// computed from the current policy); the session limit applies from the next sign-in.
    pub async fn set_policy(&self, org_id: &str, policy: Policy, actor: &str) -> Result<()> {
        crate::policies::check(&policy)?;
        self.store
            .set_policy(org_id, &policy, actor, self.now())
            .await?;
        self.policies.set(org_id, policy);
        Ok(())
    }
}
