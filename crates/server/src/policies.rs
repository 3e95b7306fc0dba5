//! Org policies in memory: read on every validation, so they must cost a map lookup.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::RwLock;
use sessiondesk_protocol::Policy;

#[derive(Default)]
pub struct Policies(RwLock<HashMap<String, Arc<Policy>>>);

impl Policies {
    pub fn get(&self, org_id: &str) -> Arc<Policy> {
        self.0
            .read()
            .get(org_id)
            .cloned()
            .unwrap_or_else(|| Arc::new(Policy::default()))
    }

    pub fn set(&self, org_id: &str, policy: Policy) {
        self.0.write().insert(org_id.to_string(), Arc::new(policy));
    }

    pub fn all(&self) -> Vec<(String, Arc<Policy>)> {
        self.0
            .read()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}
