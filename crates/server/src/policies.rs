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

/// Ten years: the longest timeout or window a policy may set.
const MAX_SECONDS: u64 = 10 * 365 * 86_400;

/// Refuses policies that would lock everyone out or overflow: a limit of at least one
/// session, timeouts and windows from one minute to ten years.
pub fn check(p: &Policy) -> crate::error::Result<()> {
    let bad = |m: String| Err(crate::error::Error::Unprocessable(m));
    if let Some(n) = p.max_sessions {
        if !(1..=10_000).contains(&n) {
            return bad(format!("max_sessions must be 1 to 10000 or null, not {n}"));
        }
    }
    let spans = [
        ("idle_timeout_s", p.idle_timeout_s),
        ("absolute_timeout_s", p.absolute_timeout_s),
        ("remember_me_timeout_s", p.remember_me_timeout_s),
        ("lockout_window_s", Some(p.lockout_window_s)),
        ("lockout_duration_s", Some(p.lockout_duration_s)),
    ];
    for (name, v) in spans {
        if let Some(v) = v {
            if !(60..=MAX_SECONDS).contains(&v) {
                return bad(format!(
                    "{name} must be from 60 seconds to 10 years, not {v}"
                ));
            }
        }
    }
    if p.lockout_threshold > 1000 {
        return bad("lockout_threshold must be 0 (off) to 1000".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_passes_and_extremes_do_not() {
        assert!(check(&Policy::default()).is_ok());
        for p in [
            Policy {
                max_sessions: Some(0),
                ..Policy::default()
            },
            Policy {
                idle_timeout_s: Some(0),
                ..Policy::default()
            },
            Policy {
                absolute_timeout_s: Some(u64::MAX),
                ..Policy::default()
            },
        ] {
            assert!(check(&p).is_err(), "{p:?}");
        }
    }
}
