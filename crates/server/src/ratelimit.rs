//! Per-client token buckets for sign-in attempts (429 before any password is hashed).
//!
//! Keyed by the client IP after trusted-proxy resolution and driven by the authority's clock,
//! so tests can exhaust and refill a bucket without sleeping.

use std::collections::HashMap;
use std::net::IpAddr;

use parking_lot::Mutex;

/// `burst` attempts at once, refilled at `per_minute`.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    pub per_minute: u32,
    pub burst: u32,
}

pub struct RateLimiter {
    quota: Quota,
    buckets: Mutex<HashMap<IpAddr, (f64, i64)>>,
}

impl RateLimiter {
    pub fn new(quota: Quota) -> Self {
        Self {
            quota,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `ip` at `now_ms`; on refusal, the seconds until one is available.
    pub fn check(&self, ip: IpAddr, now_ms: i64) -> Result<(), u64> {
        let rate_per_ms = f64::from(self.quota.per_minute) / 60_000.0;
        let burst = f64::from(self.quota.burst.max(1));
        let mut buckets = self.buckets.lock();
        if buckets.len() > 100_000 {
            // Forget clients whose bucket is full again; bounded memory under a spray of IPs.
            buckets.retain(|_, (tokens, at)| *tokens + (now_ms - *at) as f64 * rate_per_ms < burst);
        }
        let (tokens, at) = buckets.entry(ip).or_insert((burst, now_ms));
        *tokens = (*tokens + (now_ms - *at).max(0) as f64 * rate_per_ms).min(burst);
        *at = now_ms;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else if rate_per_ms > 0.0 {
            Err(((1.0 - *tokens) / rate_per_ms / 1000.0).ceil() as u64)
        } else {
            Err(60)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refill() {
        let rl = RateLimiter::new(Quota {
            per_minute: 60,
            burst: 3,
        });
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        for _ in 0..3 {
            rl.check(ip, 0).unwrap();
        }
        assert_eq!(rl.check(ip, 0), Err(1));
        assert!(
            rl.check("203.0.113.8".parse().unwrap(), 0).is_ok(),
            "per client"
        );
        assert!(rl.check(ip, 1000).is_ok(), "one token per second");
    }
}
