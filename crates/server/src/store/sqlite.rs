//! The SQLite store: one file, WAL mode, a busy timeout, and one writer at a time.
//!
//! SQLite allows a single writer. Write transactions take an in-process async lock before
//! `BEGIN IMMEDIATE`, so a read-then-write transaction (count sessions, then insert) never races another
//! writer of this process and never fails to upgrade its lock; readers are not blocked (WAL).

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sessiondesk_protocol::{
    AppInfo, AuditVerification, DeviceInfo, EndReason, Location, OnLimit, Policy, Risk, Role,
    SessionKind, SessionUser,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, Sqlite, SqlitePool, Transaction};
use tokio::sync::Mutex;

use super::*;
use crate::audit::{self, Draft};
use crate::error::{Error, Result};
use crate::ids;
use crate::token::TokenHash;

#[path = "sqlite_admin.rs"]
mod admin;
#[path = "sqlite_columns.rs"]
mod columns;
#[path = "sqlite_feed.rs"]
mod feed;
#[path = "sqlite_signin.rs"]
mod signin;

use columns::Columns;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub struct SqliteStore {
    /// Reads.
    pool: SqlitePool,
    /// The one connection that writes. In WAL mode a connection drops its whole page cache
    /// whenever another connection has committed; with every write on this one, its cache
    /// stays warm from one sign-in to the next instead of being re-read from the file.
    writes: SqlitePool,
    writer: Mutex<()>,
    /// The connection sign-ins write through, under the same `writer` turn: each statement
    /// runs on the calling thread (see [`signin`]).
    signin: parking_lot::Mutex<rusqlite::Connection>,
    /// The short indexed reads of a sign-in (org, user, risk history), run on the calling
    /// thread: through the pool each is a hand-off to a connection's thread and back.
    quick: parking_lot::Mutex<rusqlite::Connection>,
    /// Counts finished write turns; change-feed streams wake on it and read the sequence.
    commits: tokio::sync::watch::Sender<u64>,
    feed: std::sync::Arc<feed::FeedReader>,
}

/// The writer's turn. Dropped after the transaction commits (or rolls back): wakes the
/// change-feed streams, which then read whether the sequence moved.
pub(crate) struct WriteTurn<'a> {
    _guard: tokio::sync::MutexGuard<'a, ()>,
    commits: &'a tokio::sync::watch::Sender<u64>,
}

impl Drop for WriteTurn<'_> {
    fn drop(&mut self) {
        self.commits.send_modify(|n| *n = n.wrapping_add(1));
    }
}

impl SqliteStore {
    /// Opens (creating if missing) the database at a `sqlite:PATH` URL.
    pub async fn open(url: &str) -> Result<Self> {
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(|e| Error::BadRequest(format!("invalid database URL {url:?}: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an acknowledged revocation or audit event survives a power loss, not
            // only a process crash.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // 32 MiB of page cache per connection: index pages of a million sessions stay hot.
            .pragma("cache_size", "-32768")
            // Statement journals and sorters in memory: a statement journal only undoes a
            // failed statement inside its transaction, so it needs no file. On disk, each
            // sign-in created, wrote and deleted one (an eighth of its SQLite time).
            .pragma("temp_store", "MEMORY");
        let path = opts.get_filename().to_path_buf();
        if path.as_os_str() == ":memory:" {
            return Err(Error::BadRequest(
                "the database must be a file (sqlite:PATH), not in memory".into(),
            ));
        }
        // No liveness ping before each acquire: a file connection does not go stale, and
        // the ping is one more hand-off to the connection's thread per statement.
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .test_before_acquire(false)
            .connect_with(opts.clone())
            .await?;
        let writes = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .test_before_acquire(false)
            // Held by a turn of `writer` only; never waited on for long.
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(opts)
            .await?;
        let signin = signin::connect(&path)?;
        let quick = signin::connect(&path)?;
        quick.execute_batch("PRAGMA query_only = ON;")?;
        Ok(Self {
            pool,
            writes,
            writer: Mutex::new(()),
            signin: parking_lot::Mutex::new(signin),
            quick: parking_lot::Mutex::new(quick),
            commits: tokio::sync::watch::channel(0).0,
            feed: std::sync::Arc::new(feed::FeedReader::new(path)),
        })
    }

    /// The underlying pool (tests read the file through it).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn write(&self) -> Result<(WriteTurn<'_>, Transaction<'_, Sqlite>)> {
        let guard = WriteTurn {
            _guard: self.writer.lock().await,
            commits: &self.commits,
        };
        // IMMEDIATE takes the write lock at BEGIN: another process (the CLI beside a running
        // server) then waits in the busy handler instead of failing a read-to-write upgrade.
        let tx = self.writes.begin_with("BEGIN IMMEDIATE").await?;
        Ok((guard, tx))
    }
}

impl SqliteStore {
    /// [`signin::open`] in one transaction on the sign-in connection, run by this thread
    /// (moved off the async workers while it runs) instead of statement by statement.
    async fn open_in_one_call(&self, plan: &OpenPlan) -> Result<OpenOutcome> {
        self.in_one_transaction(|tx| signin::open(tx, plan)).await
    }

    /// `work` in one IMMEDIATE transaction on the sign-in connection, in the writer's turn,
    /// run by this thread (moved off the async workers while it runs).
    async fn in_one_transaction<T>(
        &self,
        work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let _turn = WriteTurn {
            _guard: self.writer.lock().await,
            commits: &self.commits,
        };
        let run = || -> Result<T> {
            let mut db = self.signin.lock();
            let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let out = work(&tx)?;
            tx.commit()?;
            Ok(out)
        };
        match tokio::runtime::Handle::current().runtime_flavor() {
            tokio::runtime::RuntimeFlavor::MultiThread => tokio::task::block_in_place(run),
            _ => run(),
        }
    }
}

impl SqliteStore {
    /// The rows of a short, indexed query, read on the calling thread (microseconds: the
    /// async worker is not held up for long). On the sign-in connection when it is free:
    /// its page cache outlives its own commits, where `quick`'s is dropped after each
    /// sign-in's commit and read again from the file.
    fn quick_rows<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        map: impl Fn(&columns::Raw<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let db = match self.signin.try_lock() {
            Some(db) => db,
            None => self.quick.lock(),
        };
        let mut stmt = db.prepare_cached(sql)?;
        let names = columns::Names::of(&stmt);
        let mut rows = stmt.query(params)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(map(&columns::Raw { row, names: &names })?);
        }
        Ok(out)
    }
}

/// What the text index holds of a session: device, place, IP and app (the same expression
/// as the migration that first built the index).
const SEARCH_BODY: &str = "coalesce(ip, '') || ' ' || coalesce(city, '') || ' ' || \
    coalesce(region, '') || ' ' || coalesce(country_code, '') || ' ' || coalesce(browser, '') \
    || ' ' || coalesce(os, '') || ' ' || coalesce(device_model, '') || ' ' || \
    coalesce(device_name, '') || ' ' || coalesce(app_name, '')";

/// Sessions added to the text index per transaction: a large backlog (a freshly seeded
/// database) does not hold the writer's turn for long at a time.
const SEARCH_BATCH: i64 = 20_000;

/// A user's earlier sessions as risk assessment reads them (see `risk_history`). Every
/// column it reads is in the index `sessions_user_history`, so it is one range of that
/// index; the test below keeps it so.
const RISK_HISTORY: &str = "SELECT MAX(created_at) AS created_at, status, city, region, \
    country_code, lat, lon, timezone, browser, os, device_model FROM ( \
      SELECT created_at, status, city, region, country_code, lat, lon, timezone, browser, \
             os, device_model \
      FROM sessions WHERE user_id = ?1 ORDER BY created_at DESC LIMIT ?2) \
    GROUP BY country_code, lower(browser), lower(os), lower(device_model), status, \
             (lat IS NULL OR lon IS NULL)";

/// The audit event of a new session.
fn created_event(s: &NewSession) -> Draft {
    Draft::new(&s.org_id, s.created_at, &s.user_id, "session.created")
        .target(s.id.clone())
        .data(serde_json::json!({
            "user_id": s.user_id,
            "kind": s.kind.as_str(),
            "ip": s.ip,
            "country_code": s.location.country_code,
            "remember_me": s.remember_me,
            "risk": s.risk.flags.iter().map(|f| f.kind.as_str()).collect::<Vec<_>>(),
        }))
}

// ---------------------------------------------------------------- row mapping

fn org_from(r: &impl Columns) -> Result<Org> {
    Ok(Org {
        id: r.get("id")?,
        slug: r.get("slug")?,
        name: r.get("name")?,
        created_at: r.get("created_at")?,
    })
}

fn opt_str(row: &impl Columns, col: &str) -> Option<String> {
    row.get::<Option<String>>(col).ok().flatten()
}

fn digest(bytes: Vec<u8>) -> Result<TokenHash> {
    bytes
        .try_into()
        .map_err(|_| Error::Internal("stored digest is not 32 bytes".into()))
}

fn location(row: &impl Columns) -> Location {
    Location {
        city: opt_str(row, "city"),
        region: opt_str(row, "region"),
        country_code: opt_str(row, "country_code"),
        lat: row.get("lat").ok().flatten(),
        lon: row.get("lon").ok().flatten(),
        timezone: opt_str(row, "timezone"),
    }
}

fn device(row: &impl Columns) -> DeviceInfo {
    DeviceInfo {
        browser: opt_str(row, "browser"),
        browser_version: opt_str(row, "browser_version"),
        os: opt_str(row, "os"),
        os_version: opt_str(row, "os_version"),
        model: opt_str(row, "device_model"),
        kind: opt_str(row, "device_type"),
        name: opt_str(row, "device_name"),
    }
}

fn user_from(row: &impl Columns) -> Result<User> {
    let role: String = row.get("role")?;
    Ok(User {
        id: row.get("id")?,
        org_id: row.get("org_id")?,
        username: row.get("username")?,
        name: row.get("name")?,
        email: opt_str(row, "email"),
        role: Role::parse(&role).ok_or_else(|| Error::Internal(format!("bad role {role}")))?,
        password_hash: row.get("password_hash")?,
        locked: row.get("locked")?,
        locked_until: row.get("locked_until")?,
        lock_reason: opt_str(row, "lock_reason"),
        password_reset_required: row.get("password_reset_required")?,
        created_at: row.get("created_at")?,
    })
}

const SESSION_COLS: &str =
    "s.id, s.token_hash, s.org_id, s.user_id, u.username, u.name AS user_name, u.role, \
    s.kind, s.login_method, s.app_name, s.app_version, s.browser, s.browser_version, s.os, \
    s.os_version, s.device_model, s.device_type, s.device_name, s.language, s.ip, s.city, \
    s.region, s.country_code, s.lat, s.lon, s.timezone, s.created_at, s.last_seen_at, \
    s.remember_me, s.status, s.ended_at, s.end_reason, s.ended_by, s.reason, s.ticket, s.risk, \
    s.requests, s.last_path";

fn session_from(row: &impl Columns) -> Result<SessionRow> {
    let role: String = row.get("role")?;
    let kind: String = row.get("kind")?;
    let status: String = row.get("status")?;
    let risk: String = row.get("risk")?;
    Ok(SessionRow {
        id: row.get("id")?,
        token_hash: digest(row.get("token_hash")?)?,
        org_id: row.get("org_id")?,
        user: SessionUser {
            id: row.get("user_id")?,
            username: row.get("username")?,
            name: row.get("user_name")?,
            role: Role::parse(&role).unwrap_or(Role::Member),
        },
        kind: SessionKind::parse(&kind).unwrap_or(SessionKind::Browser),
        login_method: row.get("login_method")?,
        app: AppInfo {
            name: opt_str(row, "app_name"),
            version: opt_str(row, "app_version"),
        },
        device: device(row),
        language: opt_str(row, "language"),
        ip: opt_str(row, "ip"),
        location: location(row),
        created_at: row.get("created_at")?,
        last_seen_at: row.get("last_seen_at")?,
        remember_me: row.get("remember_me")?,
        active: status == "active",
        ended_at: row.get("ended_at")?,
        end_reason: opt_str(row, "end_reason").and_then(|r| EndReason::parse(&r)),
        ended_by: opt_str(row, "ended_by"),
        reason: opt_str(row, "reason"),
        ticket: opt_str(row, "ticket"),
        risk: serde_json::from_str::<Risk>(&risk).unwrap_or_default(),
        requests: row.get("requests")?,
        last_path: opt_str(row, "last_path"),
    })
}

fn policy_from(row: &impl Columns) -> Result<Policy> {
    let on_limit: String = row.get("on_limit")?;
    let secs = |c: &str| -> Result<Option<u64>> {
        Ok(row.get::<Option<i64>>(c)?.map(|v| v.max(0) as u64))
    };
    Ok(Policy {
        max_sessions: row
            .get::<Option<i64>>("max_sessions")?
            .map(|v| v.max(0) as u32),
        on_limit: OnLimit::parse(&on_limit).unwrap_or(OnLimit::Ask),
        idle_timeout_s: secs("idle_timeout_s")?,
        absolute_timeout_s: secs("absolute_timeout_s")?,
        remember_me_allowed: row.get("remember_me_allowed")?,
        remember_me_timeout_s: secs("remember_me_timeout_s")?,
        require_reason: row.get("require_reason")?,
        lockout_threshold: row.get::<i64>("lockout_threshold")?.max(0) as u32,
        lockout_window_s: row.get::<i64>("lockout_window_s")?.max(0) as u64,
        lockout_duration_s: row.get::<i64>("lockout_duration_s")?.max(0) as u64,
    })
}

// ---------------------------------------------------------------- statements used in transactions

const AUDIT_HEAD: &str =
    "SELECT seq, hash FROM audit_events WHERE org_id = ?1 ORDER BY seq DESC LIMIT 1";
const AUDIT_INSERT: &str = "INSERT INTO audit_events (id, org_id, seq, at, actor, action, \
    target, reason, ticket, data, prev_hash, hash) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

/// An event as the next link of its org's chain, after the link `head` (seq, hash).
struct Link {
    id: String,
    seq: i64,
    data: String,
    prev: Vec<u8>,
    hash: [u8; 32],
}

impl Link {
    fn after(head: Option<(i64, Vec<u8>)>, d: &Draft) -> Link {
        let (seq, prev) = match head {
            Some((seq, hash)) => (seq + 1, hash),
            None => (1, audit::GENESIS.to_vec()),
        };
        let id = ids::new_id(ids::EVENT, d.at);
        let data = d.data.to_string();
        let hash = audit::hash(
            &prev,
            &id,
            &d.org_id,
            seq,
            d.at,
            &d.actor,
            d.action,
            d.target.as_deref(),
            d.reason.as_deref(),
            d.ticket.as_deref(),
            &data,
        );
        Link {
            id,
            seq,
            data,
            prev,
            hash,
        }
    }
}

async fn append(tx: &mut Transaction<'_, Sqlite>, d: &Draft) -> Result<()> {
    let head = sqlx::query_as::<_, (i64, Vec<u8>)>(AUDIT_HEAD)
        .bind(&d.org_id)
        .fetch_optional(&mut **tx)
        .await?;
    let l = Link::after(head, d);
    sqlx::query(AUDIT_INSERT)
        .bind(&l.id)
        .bind(&d.org_id)
        .bind(l.seq)
        .bind(d.at)
        .bind(&d.actor)
        .bind(d.action)
        .bind(&d.target)
        .bind(&d.reason)
        .bind(&d.ticket)
        .bind(&l.data)
        .bind(&l.prev)
        .bind(&l.hash[..])
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Ends the listed sessions of `org_id` that are still active; one audit event each.
async fn end_in_tx(
    tx: &mut Transaction<'_, Sqlite>,
    org_id: &str,
    ids: &[String],
    end: &EndSpec,
) -> Result<Vec<Ended>> {
    let mut ended = Vec::with_capacity(ids.len());
    for id in ids {
        let row = sqlx::query(
            "UPDATE sessions SET status = 'ended', ended_at = ?, end_reason = ?, ended_by = ?, \
             reason = ?, ticket = ? WHERE id = ? AND org_id = ? AND status = 'active' \
             RETURNING token_hash, user_id",
        )
        .bind(end.at)
        .bind(end.reason.as_str())
        .bind(&end.by)
        .bind(&end.note)
        .bind(&end.ticket)
        .bind(id)
        .bind(org_id)
        .fetch_optional(&mut **tx)
        .await?;
        let Some(row) = row else { continue };
        let user_id: String = row.try_get("user_id")?;
        append(
            tx,
            &Draft::new(org_id, end.at, &end.by, "session.ended")
                .target(id.clone())
                .why(end.note.as_deref(), end.ticket.as_deref())
                .data(serde_json::json!({"end_reason": end.reason.as_str(), "user_id": user_id})),
        )
        .await?;
        ended.push(Ended {
            session_id: id.clone(),
            token_hash: digest(row.try_get("token_hash")?)?,
            ended_at: end.at,
        });
    }
    Ok(ended)
}

/// A session row to insert, with the activity and end it already has (bulk loads).
struct SessionInsert<'a> {
    s: &'a NewSession,
    last_seen_at: i64,
    requests: i64,
    last_path: Option<&'a str>,
    end: Option<&'a EndSpec>,
}

const SESSION_INSERT: &str = "INSERT INTO sessions (id, org_id, user_id, token_hash, kind, \
    login_method, app_name, app_version, browser, browser_version, os, os_version, device_model, \
    device_type, device_name, language, ip, city, region, country_code, lat, lon, timezone, \
    created_at, last_seen_at, remember_me, status, ended_at, end_reason, ended_by, reason, ticket, \
    risk, requests, last_path) ";

/// Activity updates per statement (4 parameters each, under SQLite's 32,766).
const TOUCHES_PER_STATEMENT: usize = 5000;

/// Rows per multi-row INSERT: 35 columns x 900 stays below SQLite's 32,766 parameters.
const ROWS_PER_INSERT: usize = 900;

/// Inserts sessions with one multi-row statement per chunk (a statement per row costs a
/// round trip to the database thread each).
/// Returns the row key of the last row inserted.
async fn insert_sessions(
    tx: &mut Transaction<'_, Sqlite>,
    rows: &[SessionInsert<'_>],
) -> Result<i64> {
    let mut last = 0;
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut q = sqlx::QueryBuilder::<Sqlite>::new(SESSION_INSERT);
        q.push_values(chunk, |mut b, r| {
            let s = r.s;
            let end = r.end;
            let risk = serde_json::to_string(&s.risk).unwrap_or_else(|_| "{\"flags\":[]}".into());
            b.push_bind(s.id.clone())
                .push_bind(s.org_id.clone())
                .push_bind(s.user_id.clone())
                .push_bind(s.token_hash.to_vec())
                .push_bind(s.kind.as_str())
                .push_bind(s.login_method.clone())
                .push_bind(s.app.name.clone())
                .push_bind(s.app.version.clone())
                .push_bind(s.device.browser.clone())
                .push_bind(s.device.browser_version.clone())
                .push_bind(s.device.os.clone())
                .push_bind(s.device.os_version.clone())
                .push_bind(s.device.model.clone())
                .push_bind(s.device.kind.clone())
                .push_bind(s.device.name.clone())
                .push_bind(s.language.clone())
                .push_bind(s.ip.clone())
                .push_bind(s.location.city.clone())
                .push_bind(s.location.region.clone())
                .push_bind(s.location.country_code.clone())
                .push_bind(s.location.lat)
                .push_bind(s.location.lon)
                .push_bind(s.location.timezone.clone())
                .push_bind(s.created_at)
                .push_bind(r.last_seen_at)
                .push_bind(s.remember_me)
                .push_bind(if end.is_some() { "ended" } else { "active" })
                .push_bind(end.map(|e| e.at))
                .push_bind(end.map(|e| e.reason.as_str()))
                .push_bind(end.map(|e| e.by.clone()))
                .push_bind(end.and_then(|e| e.note.clone()))
                .push_bind(end.and_then(|e| e.ticket.clone()))
                .push_bind(risk)
                .push_bind(r.requests)
                .push_bind(r.last_path.map(str::to_owned));
        });
        last = q.build().execute(&mut **tx).await?.last_insert_rowid();
    }
    Ok(last)
}

const ATTEMPT_INSERT: &str = "INSERT INTO login_attempts (id, org_id, user_id, username, at, \
    success, failure_reason, session_id, ip, city, region, country_code, lat, lon, timezone, \
    browser, browser_version, os, os_version, device_model, device_type, app_name, app_version) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, \
    ?19, ?20, ?21, ?22, ?23)";

async fn insert_attempt(tx: &mut Transaction<'_, Sqlite>, a: &Attempt) -> Result<()> {
    sqlx::query(ATTEMPT_INSERT)
        .bind(&a.id)
        .bind(&a.org_id)
        .bind(&a.user_id)
        .bind(&a.username)
        .bind(a.at)
        .bind(a.success)
        .bind(&a.failure_reason)
        .bind(&a.session_id)
        .bind(&a.ip)
        .bind(&a.location.city)
        .bind(&a.location.region)
        .bind(&a.location.country_code)
        .bind(a.location.lat)
        .bind(a.location.lon)
        .bind(&a.location.timezone)
        .bind(&a.device.browser)
        .bind(&a.device.browser_version)
        .bind(&a.device.os)
        .bind(&a.device.os_version)
        .bind(&a.device.model)
        .bind(&a.device.kind)
        .bind(&a.app.name)
        .bind(&a.app.version)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn active_of_user(
    tx: &mut Transaction<'_, Sqlite>,
    user_id: &str,
) -> Result<Vec<SessionRow>> {
    let sql = format!(
        "SELECT {SESSION_COLS} FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.user_id = ? AND s.status = 'active' ORDER BY s.created_at, s.id"
    );
    let rows = sqlx::query(&sql).bind(user_id).fetch_all(&mut **tx).await?;
    rows.iter().map(session_from).collect()
}

// ---------------------------------------------------------------- the trait

#[async_trait]
impl Store for SqliteStore {
    async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    async fn checkpoint(&self) -> Result<()> {
        // Between two of this process's writes, so it does not hold one up for long.
        let _turn = self.writer.lock().await;
        let (busy, log, done): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&self.writes)
            .await?;
        if busy != 0 {
            tracing::debug!(log, done, "checkpoint left part of the log to a reader");
        }
        Ok(())
    }

    async fn index_search(&self) -> Result<u64> {
        let behind = |db: &rusqlite::Connection| -> Result<(i64, i64)> {
            Ok(db.query_row(
                "SELECT (SELECT indexed_upto FROM search_mark), \
                        (SELECT COALESCE(MAX(rowid), 0) FROM sessions)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        };
        // Most calls find nothing to do: tell without waiting for the writer's turn.
        let (mark, newest) = behind(&self.quick.lock())?;
        if newest <= mark {
            return Ok(0);
        }
        let mut added = 0;
        loop {
            // One batch; then whether more are waiting.
            let (n, more) = self
                .in_one_transaction(|tx| {
                    let (mark, newest) = behind(tx)?;
                    let upto = newest.min(mark + SEARCH_BATCH);
                    let n = tx.execute(
                        &format!(
                            "INSERT INTO sessions_text (rowid, body) SELECT rowid, {SEARCH_BODY} \
                             FROM sessions WHERE rowid > ?1 AND rowid <= ?2"
                        ),
                        rusqlite::params![mark, upto],
                    )?;
                    tx.execute("UPDATE search_mark SET indexed_upto = ?1", [upto])?;
                    Ok((n as u64, upto < newest))
                })
                .await?;
            added += n;
            if !more {
                return Ok(added);
            }
        }
    }

    async fn create_org(&self, org: &Org, policy: &Policy, actor: &str) -> Result<()> {
        Org::check_slug(&org.slug)?;
        let (_g, mut tx) = self.write().await?;
        let taken = sqlx::query("SELECT 1 FROM orgs WHERE slug = ?")
            .bind(&org.slug)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(Error::Conflict(format!(
                "an org with slug {:?} exists",
                org.slug
            )));
        }
        sqlx::query("INSERT INTO orgs (id, slug, name, created_at) VALUES (?,?,?,?)")
            .bind(&org.id)
            .bind(&org.slug)
            .bind(&org.name)
            .bind(org.created_at)
            .execute(&mut *tx)
            .await?;
        write_policy(&mut tx, &org.id, policy, org.created_at).await?;
        append(
            &mut tx,
            &Draft::new(&org.id, org.created_at, actor, "org.created")
                .target(org.id.clone())
                .data(serde_json::json!({"slug": org.slug, "name": org.name, "policy": policy})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn org_by_slug(&self, slug: &str) -> Result<Option<Org>> {
        let mut orgs = self.quick_rows(
            "SELECT id, slug, name, created_at FROM orgs WHERE slug = ?1",
            [slug],
            |r| org_from(r),
        )?;
        Ok(orgs.pop())
    }

    async fn org(&self, id: &str) -> Result<Option<Org>> {
        let row = sqlx::query("SELECT id, slug, name, created_at FROM orgs WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(org_from).transpose()
    }

    async fn policies(&self) -> Result<Vec<(String, Policy)>> {
        let rows = sqlx::query("SELECT * FROM policies")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("org_id")?, policy_from(r)?)))
            .collect()
    }

    async fn set_policy(&self, org_id: &str, policy: &Policy, actor: &str, at: i64) -> Result<()> {
        let (_g, mut tx) = self.write().await?;
        write_policy(&mut tx, org_id, policy, at).await?;
        append(
            &mut tx,
            &Draft::new(org_id, at, actor, "policy.updated")
                .target(org_id.to_string())
                .data(serde_json::json!({ "policy": policy })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_user(&self, user: &User, actor: &str) -> Result<()> {
        let (_g, mut tx) = self.write().await?;
        let taken = sqlx::query("SELECT 1 FROM users WHERE org_id = ? AND username = ?")
            .bind(&user.org_id)
            .bind(&user.username)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(Error::Conflict(format!("user {:?} exists", user.username)));
        }
        sqlx::query(
            "INSERT INTO users (id, org_id, username, name, email, role, password_hash, locked, \
             locked_until, lock_reason, password_reset_required, created_at) \
             VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        )
        .bind(&user.id)
        .bind(&user.org_id)
        .bind(&user.username)
        .bind(&user.name)
        .bind(&user.email)
        .bind(user.role.as_str())
        .bind(&user.password_hash)
        .bind(user.locked)
        .bind(user.locked_until)
        .bind(&user.lock_reason)
        .bind(user.password_reset_required)
        .bind(user.created_at)
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &Draft::new(&user.org_id, user.created_at, actor, "user.created")
                .target(user.id.clone())
                .data(serde_json::json!({"username": user.username, "role": user.role})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_user(&self, org_id: &str, username: &str) -> Result<Option<User>> {
        let mut users = self.quick_rows(
            "SELECT * FROM users WHERE org_id = ?1 AND username = ?2",
            [org_id, username],
            |r| user_from(r),
        )?;
        Ok(users.pop())
    }

    async fn user(&self, id: &str) -> Result<Option<User>> {
        let row = sqlx::query("SELECT * FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from).transpose()
    }

    async fn set_lock(&self, c: &LockChange) -> Result<Vec<Ended>> {
        let (_g, mut tx) = self.write().await?;
        let done = match (c.lock, c.until) {
            // A temporary lock never replaces an admin lock (which has no end).
            (true, Some(until)) => {
                let done = sqlx::query(
                    "UPDATE users SET locked_until = ?, lock_reason = ? \
                     WHERE id = ? AND org_id = ? AND locked = FALSE",
                )
                .bind(until)
                .bind(&c.reason)
                .bind(&c.user_id)
                .bind(&c.org_id)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Ok(Vec::new());
                }
                done
            }
            (true, None) => {
                sqlx::query(
                    "UPDATE users SET locked = TRUE, locked_until = NULL, lock_reason = ?, \
                     password_reset_required = password_reset_required OR ? \
                     WHERE id = ? AND org_id = ?",
                )
                .bind(&c.reason)
                .bind(c.require_password_reset)
                .bind(&c.user_id)
                .bind(&c.org_id)
                .execute(&mut *tx)
                .await?
            }
            (false, _) => {
                sqlx::query(
                    "UPDATE users SET locked = FALSE, locked_until = NULL, lock_reason = NULL \
                     WHERE id = ? AND org_id = ?",
                )
                .bind(&c.user_id)
                .bind(&c.org_id)
                .execute(&mut *tx)
                .await?
            }
        };
        if done.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        let mut ended = Vec::new();
        // An admin lock ends every session. A temporary lock after failed sign-ins only blocks
        // new logins: ending the real user's sessions would let anyone who knows a username
        // log them out by guessing passwords.
        if c.lock && c.until.is_none() {
            let ids: Vec<String> = sqlx::query_scalar(
                "SELECT id FROM sessions WHERE user_id = ? AND status = 'active' ORDER BY created_at",
            )
            .bind(&c.user_id)
            .fetch_all(&mut *tx)
            .await?;
            let spec = EndSpec {
                reason: EndReason::AccountLocked,
                by: c.actor.clone(),
                note: c.reason.clone(),
                ticket: c.ticket.clone(),
                at: c.at,
            };
            ended = end_in_tx(&mut tx, &c.org_id, &ids, &spec).await?;
        }
        let action = match (c.lock, c.until) {
            (false, _) => "user.unlocked",
            (true, Some(_)) => "user.locked_temporarily",
            (true, None) => "user.locked",
        };
        append(
            &mut tx,
            &Draft::new(&c.org_id, c.at, &c.actor, action)
                .target(c.user_id.clone())
                .why(c.reason.as_deref(), c.ticket.as_deref())
                .data(serde_json::json!({
                    "until": c.until,
                    "require_password_reset": c.require_password_reset,
                    "sessions_ended": ended.len(),
                })),
        )
        .await?;
        tx.commit().await?;
        Ok(ended)
    }

    async fn open_session(&self, plan: &OpenPlan) -> Result<OpenOutcome> {
        if plan.max_sessions.is_none() && plan.end_first.is_empty() {
            return self.open_in_one_call(plan).await;
        }
        let (_g, mut tx) = self.write().await?;
        let s = &plan.session;
        // The account as of now, under the write lock: a lock that committed while the
        // password was being checked wins over this sign-in.
        let account = sqlx::query(
            "SELECT locked, locked_until, password_reset_required FROM users WHERE id = ?",
        )
        .bind(&s.user_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::InvalidCredentials)?;
        if account.try_get::<bool, _>("locked")? {
            return Err(Error::AccountLocked { until: None });
        }
        if let Some(until) = account
            .try_get::<Option<i64>, _>("locked_until")?
            .filter(|&t| t > s.created_at)
        {
            return Err(Error::AccountLocked { until: Some(until) });
        }
        if account.try_get::<bool, _>("password_reset_required")? {
            return Err(Error::PasswordResetRequired);
        }
        let mut evicted = Vec::new();
        let spec = |note: &str| EndSpec {
            reason: EndReason::LimitEvicted,
            by: plan.actor.clone(),
            note: Some(note.to_string()),
            ticket: None,
            at: s.created_at,
        };
        if !plan.end_first.is_empty() {
            // Only the user's own active sessions can be chosen.
            let own: Vec<String> = active_of_user(&mut tx, &s.user_id)
                .await?
                .into_iter()
                .map(|r| r.id)
                .filter(|id| plan.end_first.contains(id))
                .collect();
            evicted = end_in_tx(
                &mut tx,
                &s.org_id,
                &own,
                &spec("ended by the user to sign in on another device"),
            )
            .await?;
        }
        if let Some(max) = plan.max_sessions {
            let active = active_of_user(&mut tx, &s.user_id).await?;
            if active.len() >= max as usize {
                match plan.on_limit {
                    OnLimit::EvictOldest => {
                        let excess = active.len() + 1 - max as usize;
                        let oldest: Vec<String> =
                            active.iter().take(excess).map(|r| r.id.clone()).collect();
                        evicted.extend(
                            end_in_tx(
                                &mut tx,
                                &s.org_id,
                                &oldest,
                                &spec("oldest session ended by the session limit"),
                            )
                            .await?,
                        );
                    }
                    OnLimit::Ask | OnLimit::Deny => {
                        // Whatever was ended first stays ended: the user asked for it.
                        tx.commit().await?;
                        return Ok(OpenOutcome::LimitReached { active, evicted });
                    }
                }
            }
        }
        let row = SessionInsert {
            s,
            last_seen_at: s.created_at,
            requests: 0,
            last_path: None,
            end: None,
        };
        let row_key = insert_sessions(&mut tx, std::slice::from_ref(&row)).await?;
        insert_attempt(&mut tx, &plan.attempt).await?;
        append(&mut tx, &created_event(s)).await?;
        tx.commit().await?;
        Ok(OpenOutcome::Opened { evicted, row_key })
    }

    async fn record_attempt(&self, attempt: &Attempt) -> Result<()> {
        let (_g, mut tx) = self.write().await?;
        insert_attempt(&mut tx, attempt).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn recent_failures(&self, user_id: &str, since: i64) -> Result<i64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_attempts WHERE user_id = ? AND success = FALSE \
             AND failure_reason = 'invalid_credentials' AND at >= MAX(?, COALESCE( \
               (SELECT MAX(at) FROM login_attempts WHERE user_id = ? AND success = TRUE), 0))",
        )
        .bind(user_id)
        .bind(since)
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(n)
    }

    async fn put_ticket(&self, t: &Ticket) -> Result<()> {
        let (_g, mut tx) = self.write().await?;
        sqlx::query(
            "INSERT INTO login_tickets (ticket_hash, org_id, user_id, pending, expires_at) \
             VALUES (?,?,?,?,?)",
        )
        .bind(&t.hash[..])
        .bind(&t.org_id)
        .bind(&t.user_id)
        .bind(&t.pending)
        .bind(t.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn take_ticket(&self, hash: &TokenHash, now: i64) -> Result<Option<Ticket>> {
        let (_g, mut tx) = self.write().await?;
        let row = sqlx::query(
            "UPDATE login_tickets SET used_at = ? WHERE ticket_hash = ? AND used_at IS NULL \
             AND expires_at > ? RETURNING org_id, user_id, pending, expires_at",
        )
        .bind(now)
        .bind(&hash[..])
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|r| {
            Ok(Ticket {
                hash: *hash,
                org_id: r.try_get("org_id")?,
                user_id: r.try_get("user_id")?,
                pending: r.try_get("pending")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    async fn risk_history(&self, user_id: &str, limit: i64) -> Result<Vec<crate::risk::Prior>> {
        // One row per kind of earlier session (country, device, status, whether it has
        // coordinates), the latest of each: the same answers from `risk::assess` as every
        // row would give, without carrying up to `limit` rows across on each sign-in.
        // (SQLite takes the bare columns from the row that holds the MAX.)
        self.quick_rows(RISK_HISTORY, rusqlite::params![user_id, limit], |r| {
            Ok(crate::risk::Prior {
                created_at: r.get("created_at")?,
                active: r.get::<String>("status")? == "active",
                location: location(r),
                device_key: crate::risk::device_key(&device(r)),
            })
        })
    }

    async fn live_by_token(&self, hash: &TokenHash) -> Result<Option<LiveRecord>> {
        let row = sqlx::query(
            "SELECT s.rowid AS row_key, s.id, s.org_id, s.user_id, u.username, s.created_at, \
             s.last_seen_at, s.remember_me, s.token_hash FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = ? AND s.status = 'active'",
        )
        .bind(&hash[..])
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(live_from).transpose()
    }

    async fn for_each_live(&self, f: &mut (dyn FnMut(LiveRecord) + Send)) -> Result<usize> {
        use futures::TryStreamExt;
        let mut rows = sqlx::query(
            "SELECT s.rowid AS row_key, s.id, s.org_id, s.user_id, u.username, s.created_at, \
             s.last_seen_at, s.remember_me, s.token_hash FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.status = 'active'",
        )
        .fetch(&self.pool);
        let mut n = 0;
        while let Some(row) = rows.try_next().await? {
            f(live_from(&row)?);
            n += 1;
        }
        Ok(n)
    }

    async fn session(&self, id: &str) -> Result<Option<SessionRow>> {
        let sql = format!(
            "SELECT {SESSION_COLS} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?"
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(session_from).transpose()
    }

    async fn user_sessions(&self, user_id: &str, active_only: bool) -> Result<Vec<SessionRow>> {
        let sql = format!(
            "SELECT {SESSION_COLS} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.user_id = ? {} ORDER BY s.created_at DESC, s.id DESC",
            if active_only {
                "AND s.status = 'active'"
            } else {
                ""
            }
        );
        let rows = sqlx::query(&sql)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(session_from).collect()
    }

    async fn end_sessions(
        &self,
        org_id: &str,
        ids: &[String],
        end: &EndSpec,
    ) -> Result<Vec<Ended>> {
        let (_g, mut tx) = self.write().await?;
        let ended = end_in_tx(&mut tx, org_id, ids, end).await?;
        tx.commit().await?;
        Ok(ended)
    }

    async fn touch(&self, batch: &[Touch]) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let (_g, mut tx) = self.write().await?;
        for chunk in batch.chunks(TOUCHES_PER_STATEMENT) {
            let mut q = sqlx::QueryBuilder::<Sqlite>::new(
                "UPDATE sessions SET last_seen_at = MAX(sessions.last_seen_at, v.column2), \
                 requests = sessions.requests + v.column3, \
                 last_path = COALESCE(v.column4, sessions.last_path) FROM (",
            );
            q.push_values(chunk, |mut b, t| {
                b.push_bind(t.row_key)
                    .push_bind(t.last_seen_at)
                    .push_bind(t.requests)
                    .push_bind(t.last_path.as_deref());
            });
            q.push(") AS v WHERE sessions.rowid = v.column1");
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn expired_of_user(
        &self,
        user_id: &str,
        policy: &Policy,
        now: i64,
    ) -> Result<Vec<Expired>> {
        let before = |s: Option<u64>| s.map(|v| now.saturating_sub(v.saturating_mul(1000) as i64));
        let created_before = [policy.absolute_timeout_s, policy.remember_me_timeout_s]
            .into_iter()
            .flatten()
            .min();
        let (created_before, idle_before) = (before(created_before), before(policy.idle_timeout_s));
        if created_before.is_none() && idle_before.is_none() {
            return Ok(Vec::new());
        }
        // Light columns only: a user can have thousands of sessions.
        let rows = sqlx::query(
            "SELECT id, token_hash, created_at, last_seen_at, remember_me FROM sessions \
             WHERE user_id = ? AND status = 'active' AND (created_at <= ? OR last_seen_at <= ?)",
        )
        .bind(user_id)
        .bind(created_before.unwrap_or(i64::MIN))
        .bind(idle_before.unwrap_or(i64::MIN))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Expired {
                    session_id: r.try_get("id")?,
                    token_hash: digest(r.try_get("token_hash")?)?,
                    created_at: r.try_get("created_at")?,
                    last_seen_at: r.try_get("last_seen_at")?,
                    remember_me: r.try_get("remember_me")?,
                })
            })
            .collect()
    }

    async fn expired(&self, org_id: &str, policy: &Policy, now: i64) -> Result<Vec<Expired>> {
        // Idle sessions the sweeper finds in memory (last-seen is fresher there); here only
        // what can be past its absolute deadline: a range on an index.
        let ms = |s: Option<u64>| s.map(|v| now.saturating_sub(v.saturating_mul(1000) as i64));
        let shortest_life = [policy.absolute_timeout_s, policy.remember_me_timeout_s]
            .into_iter()
            .flatten()
            .min();
        let Some(created_before) = ms(shortest_life) else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(
            "SELECT id, token_hash, created_at, last_seen_at, remember_me FROM sessions \
             WHERE org_id = ? AND status = 'active' AND created_at <= ?",
        )
        .bind(org_id)
        .bind(created_before)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            let e = Expired {
                session_id: r.try_get("id")?,
                token_hash: digest(r.try_get("token_hash")?)?,
                created_at: r.try_get("created_at")?,
                last_seen_at: r.try_get("last_seen_at")?,
                remember_me: r.try_get("remember_me")?,
            };
            if crate::expiry::deadlines(policy, e.created_at, e.last_seen_at, e.remember_me)
                .expired(now)
                .is_some()
            {
                out.push(e);
            }
        }
        Ok(out)
    }

    async fn create_api_key(&self, key: &ApiKey, actor: &str) -> Result<()> {
        let (_g, mut tx) = self.write().await?;
        sqlx::query(
            "INSERT INTO api_keys (id, org_id, name, key_hash, created_at, created_by) \
             VALUES (?,?,?,?,?,?)",
        )
        .bind(&key.id)
        .bind(&key.org_id)
        .bind(&key.name)
        .bind(&key.key_hash[..])
        .bind(key.created_at)
        .bind(&key.created_by)
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &Draft::new(&key.org_id, key.created_at, actor, "api_key.created")
                .target(key.id.clone())
                .data(serde_json::json!({"name": key.name})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn active_api_keys(&self) -> Result<Vec<ApiKey>> {
        let rows = sqlx::query(
            "SELECT id, org_id, name, key_hash, created_at, created_by, last_used_at \
             FROM api_keys WHERE revoked_at IS NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ApiKey {
                    id: r.try_get("id")?,
                    org_id: r.try_get("org_id")?,
                    name: r.try_get("name")?,
                    key_hash: digest(r.try_get("key_hash")?)?,
                    created_at: r.try_get("created_at")?,
                    created_by: opt_str(r, "created_by"),
                    last_used_at: r.try_get("last_used_at")?,
                })
            })
            .collect()
    }

    async fn record_key_usage(&self, batch: &[KeyUsage]) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let (_g, mut tx) = self.write().await?;
        for u in batch {
            sqlx::query(
                "INSERT INTO api_key_usage (key_id, hour, requests) VALUES (?,?,?) \
                 ON CONFLICT (key_id, hour) DO UPDATE SET requests = requests + excluded.requests",
            )
            .bind(&u.key_id)
            .bind(u.hour)
            .bind(u.requests)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE api_keys SET last_used_at = MAX(COALESCE(last_used_at, 0), ?) WHERE id = ?",
            )
            .bind(u.last_used_at)
            .bind(&u.key_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn verify_audit(&self, org_id: &str) -> Result<AuditVerification> {
        use futures::TryStreamExt;
        let mut rows = sqlx::query(
            "SELECT id, org_id, seq, at, actor, action, target, reason, ticket, data, prev_hash, \
             hash FROM audit_events WHERE org_id = ? ORDER BY seq",
        )
        .bind(org_id)
        .fetch(&self.pool);
        let mut v = audit::Verifier::default();
        while let Some(r) = rows.try_next().await? {
            v.feed(&audit::Stored {
                id: r.try_get("id")?,
                org_id: r.try_get("org_id")?,
                seq: r.try_get("seq")?,
                at: r.try_get("at")?,
                actor: r.try_get("actor")?,
                action: r.try_get("action")?,
                target: opt_str(&r, "target"),
                reason: opt_str(&r, "reason"),
                ticket: opt_str(&r, "ticket"),
                data: r.try_get("data")?,
                prev_hash: r.try_get("prev_hash")?,
                hash: r.try_get("hash")?,
            });
        }
        Ok(v.finish())
    }

    async fn append_audit(&self, draft: &Draft) -> Result<()> {
        let (_g, mut tx) = self.write().await?;
        append(&mut tx, draft).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn bulk_insert(&self, batch: &BulkBatch) -> Result<()> {
        let (_g, mut tx) = self.write().await?;
        let rows: Vec<SessionInsert<'_>> = batch
            .sessions
            .iter()
            .map(|b| SessionInsert {
                s: &b.session,
                last_seen_at: b.last_seen_at,
                requests: b.requests,
                last_path: b.last_path.as_deref(),
                end: b.end.as_ref(),
            })
            .collect();
        insert_sessions(&mut tx, &rows).await?;
        for a in &batch.attempts {
            insert_attempt(&mut tx, a).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

fn live_from(r: &impl Columns) -> Result<LiveRecord> {
    Ok(LiveRecord {
        id: r.get("id")?,
        row_key: r.get("row_key")?,
        org_id: r.get("org_id")?,
        user_id: r.get("user_id")?,
        username: r.get("username")?,
        token_hash: digest(r.get("token_hash")?)?,
        created_at: r.get("created_at")?,
        last_seen_at: r.get("last_seen_at")?,
        remember_me: r.get("remember_me")?,
    })
}

async fn write_policy(
    tx: &mut Transaction<'_, Sqlite>,
    org_id: &str,
    p: &Policy,
    at: i64,
) -> Result<()> {
    let secs = |v: Option<u64>| v.map(|s| s as i64);
    sqlx::query(
        "INSERT INTO policies (org_id, max_sessions, on_limit, idle_timeout_s, absolute_timeout_s, \
         remember_me_allowed, remember_me_timeout_s, require_reason, lockout_threshold, \
         lockout_window_s, lockout_duration_s, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) \
         ON CONFLICT (org_id) DO UPDATE SET max_sessions = excluded.max_sessions, \
         on_limit = excluded.on_limit, idle_timeout_s = excluded.idle_timeout_s, \
         absolute_timeout_s = excluded.absolute_timeout_s, \
         remember_me_allowed = excluded.remember_me_allowed, \
         remember_me_timeout_s = excluded.remember_me_timeout_s, \
         require_reason = excluded.require_reason, lockout_threshold = excluded.lockout_threshold, \
         lockout_window_s = excluded.lockout_window_s, \
         lockout_duration_s = excluded.lockout_duration_s, updated_at = excluded.updated_at",
    )
    .bind(org_id)
    .bind(p.max_sessions.map(i64::from))
    .bind(p.on_limit.as_str())
    .bind(secs(p.idle_timeout_s))
    .bind(secs(p.absolute_timeout_s))
    .bind(p.remember_me_allowed)
    .bind(secs(p.remember_me_timeout_s))
    .bind(p.require_reason)
    .bind(i64::from(p.lockout_threshold))
    .bind(p.lockout_window_s as i64)
    .bind(p.lockout_duration_s as i64)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The risk read at each sign-in stays inside its covering index: a column added to it
    /// but not to the index would fetch a table row per earlier session again.
    #[tokio::test]
    async fn the_risk_history_reads_only_its_index() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("plan.db").display());
        let store = SqliteStore::open(&url).await.unwrap();
        store.migrate().await.unwrap();
        let db = store.quick.lock();
        let mut stmt = db
            .prepare(&format!("EXPLAIN QUERY PLAN {RISK_HISTORY}"))
            .unwrap();
        let plan: Vec<String> = stmt
            .query_map(rusqlite::params!["u", 50], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<std::result::Result<_, _>>()
            .unwrap();
        let sessions: Vec<&String> = plan.iter().filter(|l| l.contains("sessions")).collect();
        assert_eq!(
            sessions,
            ["SEARCH sessions USING COVERING INDEX sessions_user_history (user_id=?)"],
            "{plan:?}"
        );
    }
}
