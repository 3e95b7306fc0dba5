//! The API keys screen: the resource servers' keys with their use, a new key whose secret
//! is shown this once, and revoking one.

use serde::Serialize;
use sessiondesk_protocol::{ApiKeyInfo, NewApiKey};
use ts_rs::TS;

use super::{allowed, idempotency_key, App};
use crate::error::{Error, Result};

/// A key just created, with its secret (never stored by the console or the server).
#[derive(Debug, Clone, Serialize, TS)]
pub struct NewKeyView {
    pub key: ApiKeyInfo,
    pub secret: String,
}

impl App {
    /// The org's keys from the cache, newest first.
    pub async fn api_keys(&self) -> Result<Vec<ApiKeyInfo>> {
        let ws = self.workspace().await?;
        let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM api_keys")
            .fetch_all(ws.cache.pool())
            .await?;
        let mut keys = bodies
            .iter()
            .map(|b| serde_json::from_str(b))
            .collect::<std::result::Result<Vec<ApiKeyInfo>, _>>()?;
        keys.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
        Ok(keys)
    }

    pub async fn create_api_key(&self, name: String) -> Result<NewKeyView> {
        allowed(self.denied().await.manage_api_keys)?;
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(Error::Invalid(
                "name the key after the service that will use it".into(),
            ));
        }
        let ws = self.workspace().await?;
        let created = ws
            .client
            .create_api_key(&NewApiKey { name }, Some(&idempotency_key()))
            .await?;
        let _ = ws.syncer().catch_up().await;
        let secret = created
            .secret
            .ok_or_else(|| Error::Invalid("the server did not return the key's secret".into()))?;
        Ok(NewKeyView {
            key: created.key,
            secret: secret.expose().to_string(),
        })
    }

    pub async fn revoke_api_key(&self, id: String) -> Result<ApiKeyInfo> {
        allowed(self.denied().await.manage_api_keys)?;
        let ws = self.workspace().await?;
        let key = ws
            .client
            .revoke_api_key(&id, Some(&idempotency_key()))
            .await?;
        let _ = ws.syncer().catch_up().await;
        Ok(key)
    }
}
