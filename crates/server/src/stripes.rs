//! Striped async locks: serialise work per key (a user, an idempotency key) without a lock
//! per key. Keys that share a stripe wait for each other, which is harmless.

use std::hash::BuildHasher;
use std::sync::Arc;

use tokio::sync::{Mutex, OwnedMutexGuard};

pub struct Stripes {
    locks: Vec<Arc<Mutex<()>>>,
    hasher: std::collections::hash_map::RandomState,
}

impl Stripes {
    pub fn new(n: usize) -> Self {
        Self {
            locks: (0..n.max(1)).map(|_| Arc::new(Mutex::new(()))).collect(),
            hasher: Default::default(),
        }
    }

    fn stripe(&self, key: &str) -> &Arc<Mutex<()>> {
        &self.locks[self.hasher.hash_one(key) as usize % self.locks.len()]
    }

    /// Holds the key's stripe until the guard is dropped.
    pub async fn lock(&self, key: &str) -> OwnedMutexGuard<()> {
        self.stripe(key).clone().lock_owned().await
    }

    /// Waits for whoever holds the key's stripe now; false when nobody held it.
    pub async fn wait(&self, key: &str) -> bool {
        let stripe = self.stripe(key);
        if stripe.try_lock().is_ok() {
            return false;
        }
        drop(stripe.lock().await);
        true
    }

    /// Waits for every stripe in turn.
    pub async fn wait_all(&self) {
        for l in &self.locks {
            drop(l.lock().await);
        }
    }
}
