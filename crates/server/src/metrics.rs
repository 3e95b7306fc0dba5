//! Counters for `GET /metrics` (Prometheus text format). Plain relaxed atomics: the
//! introspection hot path pays one uncontended add per call.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// Request outcomes counted since start.
#[derive(Default)]
pub struct Metrics {
    logins_ok: AtomicU64,
    logins_failed: AtomicU64,
    introspections_active: AtomicU64,
    introspections_inactive: AtomicU64,
}

impl Metrics {
    pub fn login(&self, ok: bool) {
        let c = if ok {
            &self.logins_ok
        } else {
            &self.logins_failed
        };
        c.fetch_add(1, Ordering::Relaxed);
    }

    pub fn introspection(&self, active: bool) {
        let c = if active {
            &self.introspections_active
        } else {
            &self.introspections_inactive
        };
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition text, with the gauges the caller reads at scrape time.
    pub fn render(&self, live_sessions: usize, hashing: usize) -> String {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP sessiondesk_logins_total Sign-in attempts by outcome.\n\
             # TYPE sessiondesk_logins_total counter\n\
             sessiondesk_logins_total{{result=\"success\"}} {}\n\
             sessiondesk_logins_total{{result=\"failure\"}} {}",
            get(&self.logins_ok),
            get(&self.logins_failed),
        );
        let _ = writeln!(
            out,
            "# HELP sessiondesk_introspections_total Token introspections by answer.\n\
             # TYPE sessiondesk_introspections_total counter\n\
             sessiondesk_introspections_total{{active=\"true\"}} {}\n\
             sessiondesk_introspections_total{{active=\"false\"}} {}",
            get(&self.introspections_active),
            get(&self.introspections_inactive),
        );
        let _ = writeln!(
            out,
            "# HELP sessiondesk_live_sessions Active sessions held in memory for introspection.\n\
             # TYPE sessiondesk_live_sessions gauge\n\
             sessiondesk_live_sessions {live_sessions}\n\
             # HELP sessiondesk_password_hashes_running Password hashes being computed now.\n\
             # TYPE sessiondesk_password_hashes_running gauge\n\
             sessiondesk_password_hashes_running {hashing}"
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_show_in_the_exposition() {
        let m = Metrics::default();
        m.login(true);
        m.login(false);
        m.login(false);
        m.introspection(true);
        let text = m.render(7, 1);
        assert!(text.contains("sessiondesk_logins_total{result=\"success\"} 1\n"));
        assert!(text.contains("sessiondesk_logins_total{result=\"failure\"} 2\n"));
        assert!(text.contains("sessiondesk_introspections_total{active=\"true\"} 1\n"));
        assert!(text.contains("sessiondesk_introspections_total{active=\"false\"} 0\n"));
        assert!(text.contains("sessiondesk_live_sessions 7\n"));
    }
}
