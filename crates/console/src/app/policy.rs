//! The Policies screen: the org's policy as last synced, the server's preview of what a
//! change would end, and saving it (both need the server).

use sessiondesk_protocol::{Policy, PolicyPreview};

use super::{allowed, idempotency_key, App};
use crate::error::Result;

impl App {
    /// The policy as last synced (`None` before the first sync).
    pub async fn policy(&self) -> Result<Option<Policy>> {
        Self::cached_policy(&self.workspace().await?).await
    }

    /// What saving `policy` would do to the sessions open now.
    pub async fn preview_policy(&self, policy: Policy) -> Result<PolicyPreview> {
        let ws = self.workspace().await?;
        Ok(ws.client.preview_policy(&policy).await?)
    }

    /// Saves the policy and brings the cache up to date with its effect.
    pub async fn save_policy(&self, policy: Policy) -> Result<Policy> {
        allowed(self.denied().await.edit_policy)?;
        let ws = self.workspace().await?;
        let saved = ws
            .client
            .put_policy(&policy, Some(&idempotency_key()))
            .await?;
        let _ = ws.syncer().catch_up().await;
        Ok(saved)
    }
}
