//! Writes feed pages into the cache through rusqlite on a blocking thread. A first sync
//! writes a million rows; through sqlx each statement is a round trip to its worker
//! thread, and those hand-offs took half the time (bench section e).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Deserialize;
use sessiondesk_protocol::{
    AdminUser, ApiKeyInfo, AuditEvent, Entity, LoginAttempt, RawChange, RawChangePage, Session,
    SessionStatus,
};

use crate::cache::search_text;
use crate::error::{Error, Result};

/// The cache's writer: one connection, opened on first use and kept.
#[derive(Clone)]
pub(crate) struct Writer {
    path: PathBuf,
    conn: Arc<Mutex<Option<Connection>>>,
}

fn db(e: rusqlite::Error) -> Error {
    Error::Cache(e.to_string())
}

impl Writer {
    pub(crate) fn new(path: PathBuf) -> Self {
        Writer {
            path,
            conn: Arc::default(),
        }
    }

    /// Closes the connection (it reopens on the next write).
    pub(crate) fn close(&self) {
        self.conn.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    pub(crate) async fn apply(&self, page: RawChangePage, now: i64) -> Result<()> {
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut slot = me.conn.lock().unwrap_or_else(|e| e.into_inner());
            if slot.is_none() {
                *slot = Some(open(&me.path)?);
            }
            let conn = slot.as_mut().expect("opened above");
            apply(conn, &page, now)
        })
        .await
        .map_err(|e| Error::Cache(format!("cache writer: {e}")))?
    }
}

/// WAL and 64 MiB of page cache, as the pool's connections. NORMAL sync: this connection
/// writes only copies of server data, each page with its feed position, so a power loss can
/// at worst take back the last pages, which the next sync fetches again. (The outbox, which
/// must survive, commits through the pool with FULL sync.) The log is cut back to 64 MiB
/// after a checkpoint.
const SETTINGS: &str = "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; \
     PRAGMA wal_autocheckpoint = 1000; PRAGMA journal_size_limit = 67108864;";

/// What a first sync changes for its duration.
const BULK_SETTINGS: &str = "PRAGMA wal_autocheckpoint = 100000; PRAGMA journal_size_limit = -1; \
     PRAGMA cache_size = -262144;";

fn open(path: &PathBuf) -> Result<Connection> {
    let conn = Connection::open(path).map_err(db)?;
    conn.busy_timeout(Duration::from_secs(10)).map_err(db)?;
    conn.execute_batch("PRAGMA journal_mode = WAL;")
        .map_err(db)?;
    conn.execute_batch(SETTINGS).map_err(db)?;
    Ok(conn)
}

/// The secondary indexes of `sessions`, exactly as the migrations create them. A first
/// sync of many rows drops them and builds them once at its end, with the text index:
/// building from the whole table is several times faster than keeping them up to date row
/// by row. (A test checks this list against the migrated schema.)
pub(crate) const SESSION_INDEXES: &[(&str, &str)] = &[
    (
        "sessions_status_created",
        "CREATE INDEX sessions_status_created ON sessions (status, created_at, id)",
    ),
    (
        "sessions_seen",
        "CREATE INDEX sessions_seen ON sessions (last_seen_at, id)",
    ),
    (
        "sessions_user",
        "CREATE INDEX sessions_user ON sessions (user_id, created_at, id)",
    ),
    (
        "sessions_country",
        "CREATE INDEX sessions_country ON sessions (country_code, status, created_at, id)",
    ),
    (
        "sessions_created",
        "CREATE INDEX sessions_created ON sessions (created_at, status, last_seen_at, id)",
    ),
    (
        "sessions_status",
        "CREATE INDEX sessions_status ON sessions (status)",
    ),
    (
        "sessions_app",
        "CREATE INDEX sessions_app ON sessions (app_name)",
    ),
];

fn get_state(tx: &Transaction<'_>, key: &str) -> Result<Option<i64>> {
    tx.prepare_cached("SELECT value FROM sync_state WHERE key = ?1")
        .and_then(|mut st| st.query_row(params![key], |r| r.get(0)).optional())
        .map_err(db)
}

fn apply(conn: &mut Connection, page: &RawChangePage, now: i64) -> Result<()> {
    let tx = conn.transaction().map_err(db)?;
    // Bulk mode: a first sync that spans pages loads rows without the secondary and text
    // indexes (queries meanwhile are slow and text search incomplete; the UI says it is
    // syncing). It survives an interruption: the state says to carry on.
    let mut bulk = get_state(&tx, "bulk")? == Some(1);
    if !bulk && page.has_more && get_state(&tx, "position")?.unwrap_or(0) == 0 {
        let empty: bool = tx
            .query_row("SELECT NOT EXISTS (SELECT 1 FROM sessions)", [], |r| {
                r.get(0)
            })
            .map_err(db)?;
        if empty {
            for (name, _) in SESSION_INDEXES {
                tx.execute_batch(&format!("DROP INDEX IF EXISTS {name}"))
                    .map_err(db)?;
            }
            set_state(&tx, "bulk", 1)?;
            bulk = true;
        }
    }
    if bulk {
        // A first sync writes gigabytes: checkpoint every 400 MiB of log rather than every
        // 4 MiB, since each checkpoint waits for the disk, and let the log keep its size in
        // between. 256 MiB of page cache, which index builds also use to sort in memory.
        tx.execute_batch(BULK_SETTINGS).map_err(db)?;
    }
    for change in &page.changes {
        apply_change(&tx, change, bulk)?;
    }
    set_state(&tx, "position", page.next)?;
    let finished = !page.has_more;
    if finished {
        if bulk {
            tx.execute_batch(
                "INSERT INTO sessions_text (rowid, search) SELECT rowid, search FROM sessions",
            )
            .map_err(db)?;
            set_state(&tx, "bulk", 0)?;
        }
        build_missing_indexes(&tx)?;
        set_state(&tx, "synced_at", now)?;
    }
    tx.commit().map_err(db)?;
    if finished {
        conn.execute_batch(SETTINGS).map_err(db)?;
        if bulk {
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
                .map_err(db)?;
        }
        // Statistics for the query planner once the copy is complete (sampled, so cheap;
        // a no-op when the tables have not changed much since the last time).
        conn.execute_batch("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")
            .map_err(db)?;
    }
    Ok(())
}

fn build_missing_indexes(tx: &Transaction<'_>) -> Result<()> {
    for (name, ddl) in SESSION_INDEXES {
        let exists: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1)",
                params![name],
                |r| r.get(0),
            )
            .map_err(db)?;
        if !exists {
            tx.execute_batch(ddl).map_err(db)?;
        }
    }
    Ok(())
}

fn set_state(tx: &Transaction<'_>, key: &str, value: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO sync_state (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .and_then(|mut st| st.execute(params![key, value]))
    .map_err(db)?;
    Ok(())
}

fn typed<'a, T: Deserialize<'a>>(change: &'a RawChange) -> Result<T> {
    serde_json::from_str(change.data.get()).map_err(|e| {
        Error::Cache(format!(
            "change {} ({}) is not what the contract says: {e}",
            change.seq,
            change.entity.as_str()
        ))
    })
}

fn run(tx: &Transaction<'_>, sql: &str, p: impl rusqlite::Params) -> Result<()> {
    tx.prepare_cached(sql)
        .and_then(|mut st| st.execute(p))
        .map_err(db)?;
    Ok(())
}

fn apply_change(tx: &Transaction<'_>, change: &RawChange, bulk: bool) -> Result<()> {
    let body = change.data.get();
    match change.entity {
        Entity::Session => upsert_session(tx, &typed::<Session>(change)?, body, bulk),
        Entity::User => {
            let u: AdminUser = typed(change)?;
            run(
                tx,
                "INSERT INTO users (id, username, name, email, role, locked, body) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET \
                 username = excluded.username, name = excluded.name, email = excluded.email, \
                 role = excluded.role, locked = excluded.locked, body = excluded.body",
                params![
                    u.id,
                    u.username,
                    u.name,
                    u.email,
                    u.role.as_str(),
                    u.locked,
                    body
                ],
            )
        }
        Entity::Login => {
            let a: LoginAttempt = typed(change)?;
            run(
                tx,
                "INSERT INTO logins (id, at, user_id, success, body) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (id) DO UPDATE SET at = excluded.at, user_id = excluded.user_id, \
                 success = excluded.success, body = excluded.body",
                params![a.id, a.at.millis(), a.user_id, a.success, body],
            )
        }
        Entity::Audit => {
            let e: AuditEvent = typed(change)?;
            run(
                tx,
                "INSERT INTO audit_events (id, seq, at, action, target, body) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET \
                 seq = excluded.seq, at = excluded.at, action = excluded.action, \
                 target = excluded.target, body = excluded.body",
                params![e.id, e.seq, e.at.millis(), e.action, e.target, body],
            )
        }
        Entity::Policy => run(
            tx,
            "INSERT INTO policy (id, body) VALUES (1, ?1) \
             ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            params![body],
        ),
        Entity::ApiKey => {
            let k: ApiKeyInfo = typed(change)?;
            run(
                tx,
                "INSERT INTO api_keys (id, body) VALUES (?1, ?2) \
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
                params![k.id, body],
            )
        }
    }
}

fn upsert_session(tx: &Transaction<'_>, s: &Session, body: &str, bulk: bool) -> Result<()> {
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
    // In bulk mode the text index is built at the end, from the table.
    let old: Option<(i64, String)> = if bulk {
        None
    } else {
        tx.prepare_cached("SELECT rowid, search FROM sessions WHERE id = ?1")
            .and_then(|mut st| {
                st.query_row(params![s.id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(db)?
    };
    let rowid: i64 = tx
        .prepare_cached(
            "INSERT INTO sessions (id, user_id, username, user_name, status, kind, app_name, \
             country_code, created_at, last_seen_at, risk, search) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
             ON CONFLICT (id) DO UPDATE SET \
             user_id = excluded.user_id, username = excluded.username, \
             user_name = excluded.user_name, status = excluded.status, kind = excluded.kind, \
             app_name = excluded.app_name, country_code = excluded.country_code, \
             created_at = excluded.created_at, last_seen_at = excluded.last_seen_at, \
             risk = excluded.risk, search = excluded.search \
             RETURNING rowid",
        )
        .and_then(|mut st| {
            st.query_row(
                params![
                    s.id,
                    s.user.id,
                    s.user.username,
                    s.user.name,
                    status,
                    s.kind.as_str(),
                    s.app.name,
                    s.location.country_code,
                    s.created_at.millis(),
                    s.last_seen_at.millis(),
                    risk,
                    search,
                ],
                |r| r.get(0),
            )
        })
        .map_err(db)?;
    run(
        tx,
        "INSERT INTO session_bodies (id, body) VALUES (?1, ?2) \
         ON CONFLICT (id) DO UPDATE SET body = excluded.body",
        params![rowid, body],
    )?;
    // The text index changes only when the text does.
    match old {
        _ if bulk => return Ok(()),
        Some((_, text)) if text == search => return Ok(()),
        Some((old_rowid, _)) => run(
            tx,
            "DELETE FROM sessions_text WHERE rowid = ?1",
            params![old_rowid],
        )?,
        None => {}
    }
    run(
        tx,
        "INSERT INTO sessions_text (rowid, search) VALUES (?1, ?2)",
        params![rowid, search],
    )
}

#[cfg(test)]
mod tests {
    use super::SESSION_INDEXES;

    #[tokio::test]
    async fn the_bulk_load_rebuilds_the_indexes_the_migrations_made() {
        let dir = tempfile::tempdir().unwrap();
        let cache = crate::cache::Cache::open(&dir.path().join("c.db"))
            .await
            .unwrap();
        for (name, ddl) in SESSION_INDEXES {
            let sql: String = sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = ?")
                .bind(name)
                .fetch_one(cache.pool())
                .await
                .unwrap();
            assert_eq!(&sql, ddl);
        }
        let all: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sessions' \
             AND sql IS NOT NULL",
        )
        .fetch_one(cache.pool())
        .await
        .unwrap();
        assert_eq!(
            all as usize,
            SESSION_INDEXES.len(),
            "a new index belongs in the list"
        );
    }
}
