//! The hot path: validating a token (introspection and the caller's own endpoints).

use std::sync::Arc;

use sessiondesk_protocol::{EndReason, Introspection};

use super::Authority;
use crate::error::{Error, Result};
use crate::expiry::{self, Deadlines};
use crate::keys::KeyEntry;
use crate::live::LiveEntry;
use crate::store::EndSpec;
use crate::token;

/// Keys created by another process appear after a reload; reload at most this often on a miss.
const KEY_RELOAD: std::time::Duration = std::time::Duration::from_secs(5);

impl Authority {
    /// The active session behind a token, counting one use. `None` for unknown, ended or
    /// expired tokens, and for sessions outside `org` when one is given (a use another org
    /// cannot see must not count). Reads memory; touches the database only on a cache miss.
    pub async fn validate(
        &self,
        token: &str,
        path: Option<&str>,
        org: Option<&str>,
    ) -> Result<Option<(Arc<LiveEntry>, Deadlines)>> {
        let h = token::hash(token);
        let entry = match self.live.get(&h) {
            Some(e) => e,
            None => match self.store.live_by_token(&h).await? {
                Some(rec) => match self.live.insert(&rec) {
                    Some(e) => e,
                    None => return Ok(None),
                },
                None => return Ok(None),
            },
        };
        if entry.is_ended() || org.is_some_and(|o| *entry.org_id != *o) {
            return Ok(None);
        }
        let now = self.now();
        let policy = self.policies.get(&entry.org_id);
        let d = expiry::deadlines(
            &policy,
            entry.created_at,
            entry.last_seen(),
            entry.remember_me,
        );
        if d.expired(now).is_some() {
            // Dead from its deadline on. The entry stays (with its last use, which the
            // database may not have yet) until the sweeper writes the end reason and time.
            return Ok(None);
        }
        self.live.touch(&entry, now, path);
        Ok(Some((entry, d)))
    }

    /// The resource server behind an `Authorization: Bearer` API key.
    pub async fn api_key(&self, bearer: Option<&str>) -> Result<Arc<KeyEntry>> {
        let secret = bearer.ok_or(Error::Unauthenticated)?;
        let h = token::hash(secret);
        let now = self.now();
        if let Some(k) = self.keys.use_key(&h, now) {
            return Ok(k);
        }
        if self.keys.may_reload(KEY_RELOAD) {
            self.keys.replace_all(&self.store.active_api_keys().await?);
            if let Some(k) = self.keys.use_key(&h, now) {
                return Ok(k);
            }
        }
        Err(Error::Unauthenticated)
    }

    /// RFC 7662: the token's state as the calling resource server's org may see it.
    pub async fn introspect(&self, key: &KeyEntry, token: &str) -> Result<Introspection> {
        // Another org's token is as good as unknown to this resource server.
        let Some((e, d)) = self.validate(token, None, Some(&key.org_id)).await? else {
            return Ok(Introspection::default());
        };
        Ok(Introspection {
            active: true,
            sub: Some(e.user_id.to_string()),
            sid: Some(e.session_id.to_string()),
            org: Some(e.org_id.to_string()),
            username: Some(e.username.to_string()),
            exp: d.exp().map(|t| t.div_euclid(1000)),
            iat: Some(e.created_at.div_euclid(1000)),
            token_type: Some("Bearer".into()),
        })
    }

    /// RFC 7009: ends the token's session if it belongs to the key's org. Always succeeds.
    pub async fn revoke_token(&self, key: &KeyEntry, token: &str) -> Result<()> {
        let h = token::hash(token);
        let Some(rec) = self.store.live_by_token(&h).await? else {
            return Ok(());
        };
        if rec.org_id != key.org_id {
            return Ok(());
        }
        let spec = EndSpec {
            reason: EndReason::Logout,
            by: key.id.clone(),
            note: Some("revoked by the resource server".into()),
            ticket: None,
            at: self.now(),
        };
        self.end(&rec.org_id, &[rec.id], &spec).await?;
        Ok(())
    }
}
