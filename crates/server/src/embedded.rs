//! An authority inside another process: the console's demo (`cargo xtask run` with no
//! server configured) and the tests of the client and console. Demo data is seeded into a
//! SQLite file on first start; the authority serves on an ephemeral loopback port.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::app::{self, Running};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::password::Passwords;

/// Where and how to run the embedded authority.
pub struct Embedded {
    /// The SQLite file (created and seeded with the demo data when missing).
    pub db_path: PathBuf,
    /// The folder holding the GeoIP and user-agent data (`node_modules` inside it).
    pub data_dir: Option<PathBuf>,
    pub clock: Arc<dyn Clock>,
    pub passwords: Passwords,
    /// 127.0.0.1 at a free port unless set (a restart on the same address, as a console
    /// that knows its URL expects).
    pub listen: SocketAddr,
}

impl Embedded {
    /// The wall clock and the OWASP Argon2id parameters.
    pub fn new(db_path: impl Into<PathBuf>, data_dir: Option<PathBuf>) -> Result<Self> {
        Ok(Embedded {
            db_path: db_path.into(),
            data_dir,
            clock: Arc::new(SystemClock),
            passwords: Passwords::new()?,
            listen: ([127, 0, 0, 1], 0).into(),
        })
    }

    /// Seeds the demo data if this file has not been seeded yet, then serves it on
    /// `listen`. Seeding that was cut short is started over.
    pub async fn start_demo(self) -> Result<Running> {
        let url = format!("sqlite:{}", self.db_path.display());
        let mut config = Config::new(url.clone(), self.listen);
        config.data_dir = self.data_dir.clone();
        let marker = seeded_marker(&self.db_path);
        if !marker.exists() {
            for stale in [
                self.db_path.clone(),
                wal(&self.db_path, "-wal"),
                wal(&self.db_path, "-shm"),
            ] {
                if stale.exists() {
                    std::fs::remove_file(&stale).map_err(|e| io("remove", &stale, e))?;
                }
            }
            let store = app::open_store(&url).await?;
            let enricher = app::load_enricher(&config)?;
            crate::seed::demo(&*store, &enricher, 1, self.clock.now_ms()).await?;
            std::fs::write(&marker, b"demo data seeded\n").map_err(|e| io("write", &marker, e))?;
        }
        app::start_with(config, self.clock, self.passwords).await
    }
}

fn seeded_marker(db: &Path) -> PathBuf {
    wal(db, ".seeded")
}

fn wal(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn io(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::Internal(format!("cannot {what} {}: {e}", path.display()))
}
