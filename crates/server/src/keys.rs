//! Resource-server API keys in memory, with usage counted in atomics.
//!
//! Every introspection call authenticates its caller's key, so the lookup must be as cheap as
//! the session lookup. Usage (`last_used_at`, requests per hour) is written back by the
//! maintenance task together with session activity.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use parking_lot::RwLock;

use crate::store::{ApiKey, KeyUsage};
use crate::token::TokenHash;

#[derive(Debug)]
pub struct KeyEntry {
    pub id: String,
    pub org_id: String,
    pending: AtomicI64,
    last_used: AtomicI64,
}

#[derive(Default)]
pub struct ApiKeys {
    map: RwLock<HashMap<TokenHash, Arc<KeyEntry>>>,
    /// When the map was last reloaded from the database (keys created by the CLI appear
    /// after a reload). Real time: this throttles database reads, it is not domain time.
    reloaded_at: parking_lot::Mutex<Option<std::time::Instant>>,
}

impl ApiKeys {
    /// True at most once per `every`: a flood of bad keys cannot turn into a flood of reloads.
    pub fn may_reload(&self, every: std::time::Duration) -> bool {
        let mut last = self.reloaded_at.lock();
        match *last {
            Some(t) if t.elapsed() < every => false,
            _ => {
                *last = Some(std::time::Instant::now());
                true
            }
        }
    }

    pub fn replace_all(&self, keys: &[ApiKey]) {
        let mut map = self.map.write();
        let old = std::mem::take(&mut *map);
        for k in keys {
            let entry = old.get(&k.key_hash).cloned().unwrap_or_else(|| {
                Arc::new(KeyEntry {
                    id: k.id.clone(),
                    org_id: k.org_id.clone(),
                    pending: AtomicI64::new(0),
                    last_used: AtomicI64::new(k.last_used_at.unwrap_or(0)),
                })
            });
            map.insert(k.key_hash, entry);
        }
    }

    pub fn insert(&self, key: &ApiKey) {
        self.map.write().insert(
            key.key_hash,
            Arc::new(KeyEntry {
                id: key.id.clone(),
                org_id: key.org_id.clone(),
                pending: AtomicI64::new(0),
                last_used: AtomicI64::new(0),
            }),
        );
    }

    /// Forgets a revoked key: its next call is refused.
    pub fn remove(&self, h: &TokenHash) {
        self.map.write().remove(h);
    }

    /// The key with this digest, counting one use.
    pub fn use_key(&self, h: &TokenHash, now: i64) -> Option<Arc<KeyEntry>> {
        let e = self.map.read().get(h).cloned()?;
        e.pending.fetch_add(1, Ordering::Relaxed);
        e.last_used.fetch_max(now, Ordering::Relaxed);
        Some(e)
    }

    /// Puts drained usage back after a failed write (keys are few: a scan is fine).
    pub fn requeue(&self, usage: &[KeyUsage]) {
        let map = self.map.read();
        for u in usage {
            if let Some(e) = map.values().find(|e| e.id == u.key_id) {
                e.pending.fetch_add(u.requests, Ordering::AcqRel);
            }
        }
    }

    /// Usage since the last drain, attributed to the hour of `now`.
    pub fn drain(&self, now: i64) -> Vec<KeyUsage> {
        let hour = now.div_euclid(3_600_000) * 3_600_000;
        self.map
            .read()
            .values()
            .filter_map(|e| {
                let n = e.pending.swap(0, Ordering::AcqRel);
                (n > 0).then(|| KeyUsage {
                    key_id: e.id.clone(),
                    hour,
                    requests: n,
                    last_used_at: e.last_used.load(Ordering::Acquire),
                })
            })
            .collect()
    }
}
