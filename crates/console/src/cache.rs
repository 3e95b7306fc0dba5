//! The offline cache: one SQLite file per profile (WAL, migrations embedded) holding the
//! org's sessions, users, sign-ins, audit events, policy and API keys as the change feed
//! last described them, and the feed position they reflect.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use serde::Deserialize;
use sessiondesk_protocol::{
    AdminUser, ApiKeyInfo, AuditEvent, Change, ChangePage, Entity, LoginAttempt, Session,
    SessionStatus,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::error::{Error, Result};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// One profile's cache.
#[derive(Clone)]
pub struct Cache {
    pool: SqlitePool,
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
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a queued action (the outbox) survives a power loss, not only a crash.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Cache { pool })
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
    pub async fn apply(&self, page: &ChangePage, now: i64) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for change in &page.changes {
            apply_change(&mut tx, change).await?;
        }
        set_state(&mut tx, "position", page.next).await?;
        if !page.has_more {
            set_state(&mut tx, "synced_at", now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Forgets everything (a sign-out, or a copy that no longer matches its server).
    pub async fn clear(&self) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO sessions_text (sessions_text) VALUES ('delete-all')")
            .execute(&mut *tx)
            .await?;
        for table in [
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
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn set_state(tx: &mut Transaction<'_, Sqlite>, key: &str, value: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn typed<'a, T: Deserialize<'a>>(change: &'a Change) -> Result<T> {
    T::deserialize(&change.data).map_err(|e| {
        Error::Cache(format!(
            "change {} ({}) is not what the contract says: {e}",
            change.seq,
            change.entity.as_str()
        ))
    })
}

async fn apply_change(tx: &mut Transaction<'_, Sqlite>, change: &Change) -> Result<()> {
    let body = change.data.to_string();
    match change.entity {
        Entity::Session => upsert_session(tx, &typed::<Session>(change)?, body).await,
        Entity::User => {
            let u: AdminUser = typed(change)?;
            sqlx::query(
                "INSERT INTO users (id, username, name, email, role, locked, body) \
                 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET \
                 username = excluded.username, name = excluded.name, email = excluded.email, \
                 role = excluded.role, locked = excluded.locked, body = excluded.body",
            )
            .bind(&u.id)
            .bind(&u.username)
            .bind(&u.name)
            .bind(&u.email)
            .bind(u.role.as_str())
            .bind(u.locked)
            .bind(body)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
        Entity::Login => {
            let a: LoginAttempt = typed(change)?;
            sqlx::query(
                "INSERT INTO logins (id, at, user_id, success, body) VALUES (?, ?, ?, ?, ?) \
                 ON CONFLICT (id) DO UPDATE SET at = excluded.at, user_id = excluded.user_id, \
                 success = excluded.success, body = excluded.body",
            )
            .bind(&a.id)
            .bind(a.at.millis())
            .bind(&a.user_id)
            .bind(a.success)
            .bind(body)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
        Entity::Audit => {
            let e: AuditEvent = typed(change)?;
            sqlx::query(
                "INSERT INTO audit_events (id, seq, at, action, target, body) \
                 VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, \
                 at = excluded.at, action = excluded.action, target = excluded.target, \
                 body = excluded.body",
            )
            .bind(&e.id)
            .bind(e.seq)
            .bind(e.at.millis())
            .bind(&e.action)
            .bind(&e.target)
            .bind(body)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
        Entity::Policy => {
            sqlx::query(
                "INSERT INTO policy (id, body) VALUES (1, ?) \
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            )
            .bind(body)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
        Entity::ApiKey => {
            let k: ApiKeyInfo = typed(change)?;
            sqlx::query(
                "INSERT INTO api_keys (id, body) VALUES (?, ?) \
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            )
            .bind(&k.id)
            .bind(body)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
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

async fn upsert_session(tx: &mut Transaction<'_, Sqlite>, s: &Session, body: String) -> Result<()> {
    let search = search_text(s);
    let risk = if s.risk.flags.is_empty() {
        String::new()
    } else {
        let kinds: Vec<&str> = s.risk.flags.iter().map(|f| f.kind.as_str()).collect();
        format!(" {} ", kinds.join(" "))
    };
    let status = match s.status {
        SessionStatus::Active => "active",
        SessionStatus::Ended => "ended",
    };
    let old: Option<(i64, String)> =
        sqlx::query_as("SELECT rowid, search FROM sessions WHERE id = ?")
            .bind(&s.id)
            .fetch_optional(&mut **tx)
            .await?;
    let rowid: i64 = sqlx::query_scalar(
        "INSERT INTO sessions (id, user_id, username, user_name, status, kind, app_name, \
         country_code, created_at, last_seen_at, risk, search, body) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET \
         user_id = excluded.user_id, username = excluded.username, \
         user_name = excluded.user_name, status = excluded.status, kind = excluded.kind, \
         app_name = excluded.app_name, country_code = excluded.country_code, \
         created_at = excluded.created_at, last_seen_at = excluded.last_seen_at, \
         risk = excluded.risk, search = excluded.search, body = excluded.body \
         RETURNING rowid",
    )
    .bind(&s.id)
    .bind(&s.user.id)
    .bind(&s.user.username)
    .bind(&s.user.name)
    .bind(status)
    .bind(s.kind.as_str())
    .bind(&s.app.name)
    .bind(&s.location.country_code)
    .bind(s.created_at.millis())
    .bind(s.last_seen_at.millis())
    .bind(risk)
    .bind(&search)
    .bind(body)
    .fetch_one(&mut **tx)
    .await?;
    match old {
        Some((_, text)) if text == search => {}
        Some((old_rowid, _)) => {
            sqlx::query("DELETE FROM sessions_text WHERE rowid = ?")
                .bind(old_rowid)
                .execute(&mut **tx)
                .await?;
            insert_text(tx, rowid, &search).await?;
        }
        None => insert_text(tx, rowid, &search).await?,
    }
    Ok(())
}

async fn insert_text(tx: &mut Transaction<'_, Sqlite>, rowid: i64, text: &str) -> Result<()> {
    sqlx::query("INSERT INTO sessions_text (rowid, search) VALUES (?, ?)")
        .bind(rowid)
        .bind(text)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
