//! When a session ends by itself: idle and absolute timeouts, and remember-me.
//!
//! Deadlines are computed from the org's *current* policy every time, so a policy change
//! applies to existing sessions at once. A remember-me session (when the policy allows it)
//! lives for `remember_me_timeout_s` and is exempt from the idle timeout: that is what the
//! user asked for by ticking the box.

use sessiondesk_protocol::{EndReason, Policy};

/// A session's deadlines in Unix ms; `None` where no timeout applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    pub idle: Option<i64>,
    pub absolute: Option<i64>,
}

impl Deadlines {
    /// The reason and instant a session ended by itself, if it has by `now`. Expiry is exact:
    /// a session is dead at its deadline, not at the next sweep.
    pub fn expired(&self, now: i64) -> Option<(EndReason, i64)> {
        let abs = self.absolute.filter(|&t| t <= now);
        let idle = self.idle.filter(|&t| t <= now);
        match (idle, abs) {
            (Some(i), Some(a)) if i < a => Some((EndReason::IdleTimeout, i)),
            (_, Some(a)) => Some((EndReason::AbsoluteTimeout, a)),
            (Some(i), None) => Some((EndReason::IdleTimeout, i)),
            (None, None) => None,
        }
    }

    /// The latest instant the session can live to (RFC 7662 `exp`).
    pub fn exp(&self) -> Option<i64> {
        match (self.idle, self.absolute) {
            (Some(i), Some(a)) => Some(i.min(a)),
            (i, a) => i.or(a),
        }
    }
}

fn ms(secs: Option<u64>) -> Option<i64> {
    secs.map(|s| i64::try_from(s.saturating_mul(1000)).unwrap_or(i64::MAX))
}

/// Deadlines of a session under a policy.
pub fn deadlines(
    policy: &Policy,
    created_at: i64,
    last_seen_at: i64,
    remember_me: bool,
) -> Deadlines {
    if remember_me && policy.remember_me_allowed {
        return Deadlines {
            idle: None,
            absolute: ms(policy.remember_me_timeout_s).map(|d| created_at.saturating_add(d)),
        };
    }
    Deadlines {
        idle: ms(policy.idle_timeout_s).map(|d| last_seen_at.saturating_add(d)),
        absolute: ms(policy.absolute_timeout_s).map(|d| created_at.saturating_add(d)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            idle_timeout_s: Some(600),
            absolute_timeout_s: Some(3600),
            remember_me_timeout_s: Some(86_400),
            ..Policy::default()
        }
    }

    #[test]
    fn idle_then_absolute() {
        let d = deadlines(&policy(), 0, 0, false);
        assert_eq!(d.expired(599_999), None);
        assert_eq!(d.expired(600_000), Some((EndReason::IdleTimeout, 600_000)));
        let d = deadlines(&policy(), 0, 3_500_000, false);
        assert_eq!(
            d.expired(3_600_000),
            Some((EndReason::AbsoluteTimeout, 3_600_000))
        );
        assert_eq!(d.exp(), Some(3_600_000));
    }

    #[test]
    fn remember_me_ignores_idle_unless_disallowed() {
        let d = deadlines(&policy(), 0, 0, true);
        assert_eq!(d.idle, None);
        assert_eq!(d.expired(86_399_999), None);
        assert_eq!(
            d.expired(86_400_000),
            Some((EndReason::AbsoluteTimeout, 86_400_000))
        );
        let mut p = policy();
        p.remember_me_allowed = false;
        assert_eq!(deadlines(&p, 0, 0, true).idle, Some(600_000));
    }

    #[test]
    fn no_timeouts_never_expire() {
        let p = Policy {
            idle_timeout_s: None,
            absolute_timeout_s: None,
            ..Policy::default()
        };
        assert_eq!(deadlines(&p, 0, 0, false).expired(i64::MAX), None);
    }
}
