//! The offline cache: one SQLite file per profile (WAL, migrations embedded) holding the
//! org's sessions, users, sign-ins, audit events, policy and API keys as the change feed
//! last described them, and the feed position they reflect.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sessiondesk_protocol::{RawChangePage, Session};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use crate::cache_writer::Writer;
use crate::error::{Error, Result};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// One profile's cache.
#[derive(Clone)]
pub struct Cache {
    pool: SqlitePool,
    writer: Writer,
    /// The last count of the sessions list, kept until the next write (see [`crate::query::Counts`]).
    pub(crate) counts: std::sync::Arc<crate::query::Counts>,
}

impl Cache {
    /// Opens (creating and migrating) the cache file.
    pub async fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::Io(format!("cannot create {}: {e}", dir.display())))?;
        }
        let opts = SqliteConnectOptions::from_str(&format!("sqlite:{}", path.display()))?
            .create_if_missing(true)
            // 8 KiB pages (for a new file): a session's row and JSON are about 1.2 KiB, and
            // a first sync writes a tenth fewer pages and log frames than with 4 KiB.
            .page_size(8192)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a queued action (the outbox) survives a power loss, not only a crash.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // 4 MiB of page cache for each of these connections, which read (the writer
            // has its own, larger one), and no memory map. Scrolling the list reads every
            // row: a map kept each page it touched resident in the window's process (124
            // MiB after 100k sessions), and 16 MiB caches grew by 60 MiB over the four
            // connections. The file's pages stay in the OS's cache either way; the queries
            // of section (e) in bench/RESULTS.md measured the same without either.
            .pragma("cache_size", "-4096");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Cache {
            pool,
            writer: Writer::new(path.to_path_buf()),
            counts: std::sync::Arc::default(),
        })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The last change-feed sequence number applied (0 before the first sync).
    pub async fn position(&self) -> Result<i64> {
        self.state("position").await.map(|p| p.unwrap_or(0))
    }

    /// When a sync last reached the end of the feed (Unix ms).
    pub async fn synced_at(&self) -> Result<Option<i64>> {
        self.state("synced_at").await
    }

    async fn state(&self, key: &str) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT value FROM sync_state WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Applies one page of the feed and moves the position to its end, in one
    /// transaction: a sync stopped at any point resumes from a consistent copy.
    pub async fn apply(&self, page: RawChangePage, now: i64) -> Result<()> {
        let applied = self.writer.apply(page, now).await;
        self.counts.written();
        applied
    }

    /// Forgets everything (a sign-out, or a copy that no longer matches its server).
    pub async fn clear(&self) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO sessions_text (sessions_text) VALUES ('delete-all')")
            .execute(&mut *tx)
            .await?;
        for table in [
            "session_bodies",
            "sessions",
            "users",
            "logins",
            "audit_events",
            "policy",
            "api_keys",
            "sync_state",
        ] {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.counts.written();
        Ok(())
    }

    pub async fn close(&self) {
        self.writer.close();
        self.pool.close().await;
    }
}

/// The text a session is found by: device, place, IP and app (the user's names are
/// matched through the users table).
pub(crate) fn search_text(s: &Session) -> String {
    [
        s.ip.as_deref(),
        s.location.city.as_deref(),
        s.location.region.as_deref(),
        s.location.country_code.as_deref(),
        s.device.browser.as_deref(),
        s.device.os.as_deref(),
        s.device.model.as_deref(),
        s.device.name.as_deref(),
        s.app.name.as_deref(),
    ]
    .iter()
    .map(|v| v.unwrap_or(""))
    .collect::<Vec<_>>()
    .join(" ")
}
