//! Run-time settings of the authority, from flags or `SESSIONDESK_*` environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::enrich::client_ip::TrustedProxies;
use crate::ratelimit::Quota;

#[derive(Clone)]
pub struct Config {
    /// `sqlite:PATH`
    pub db: String,
    pub listen: SocketAddr,
    /// Folder holding `node_modules` with the GeoIP and user-agent data; found automatically
    /// when absent.
    pub data_dir: Option<PathBuf>,
    pub trusted_proxies: TrustedProxies,
    /// How often coalesced activity is written: at most one write per session per interval.
    pub flush_interval: Duration,
    /// How often expired sessions are ended in the database.
    pub sweep_interval: Duration,
    /// Sign-in attempts per client IP.
    pub login_quota: Quota,
    /// Largest accepted request body.
    pub body_limit: usize,
    /// How long a login ticket (session limit, `ask` mode) stays valid.
    pub ticket_ttl: Duration,
}

impl Config {
    pub fn new(db: impl Into<String>, listen: SocketAddr) -> Self {
        Self {
            db: db.into(),
            listen,
            data_dir: None,
            trusted_proxies: TrustedProxies::default(),
            flush_interval: Duration::from_secs(60),
            sweep_interval: Duration::from_secs(30),
            login_quota: Quota {
                per_minute: 60,
                burst: 20,
            },
            body_limit: 64 * 1024,
            ticket_ttl: Duration::from_secs(300),
        }
    }
}
