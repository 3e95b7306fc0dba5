//! The sign-in's write in one go: account check, session row, login-history row and audit
//! event, in one transaction run by the calling thread on a connection of its own. Through
//! sqlx each of those statements is a hand-off to the connection's own thread and back; a
//! sign-in spent more time in those hand-offs than in SQLite itself.

use rusqlite::{params, OptionalExtension};

use super::{
    Attempt, Link, NewSession, OpenOutcome, OpenPlan, ATTEMPT_INSERT, AUDIT_HEAD, AUDIT_INSERT,
    SESSION_INSERT,
};
use crate::audit::Draft;
use crate::error::{Error, Result};

/// The VALUES of one session row (35 columns).
const SESSION_VALUES: &str = "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, \
    ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, \
    ?32, ?33, ?34, ?35)";

/// The sign-in connection, set up as the sqlx ones are (WAL, FULL sync, busy timeout,
/// foreign keys, 32 MiB of page cache, temporary data in memory).
pub(super) fn connect(path: &std::path::Path) -> Result<rusqlite::Connection> {
    let db = rusqlite::Connection::open(path)?;
    db.busy_timeout(std::time::Duration::from_secs(10))?;
    db.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
         PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;",
    )?;
    Ok(db)
}

/// Opens the session of a plan that ends nothing first and has no limit to check.
pub(super) fn open(db: &rusqlite::Connection, plan: &OpenPlan) -> Result<OpenOutcome> {
    let s = &plan.session;
    let (locked, locked_until, reset): (bool, Option<i64>, bool) = db
        .prepare_cached(
            "SELECT locked, locked_until, password_reset_required FROM users WHERE id = ?1",
        )?
        .query_row([&s.user_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or(Error::InvalidCredentials)?;
    if locked {
        return Err(Error::AccountLocked { until: None });
    }
    if let Some(until) = locked_until.filter(|&t| t > s.created_at) {
        return Err(Error::AccountLocked { until: Some(until) });
    }
    if reset {
        return Err(Error::PasswordResetRequired);
    }
    let row_key = insert_session(db, s)?;
    insert_attempt(db, &plan.attempt)?;
    append(db, &super::created_event(s))?;
    Ok(OpenOutcome::Opened {
        evicted: Vec::new(),
        row_key,
    })
}

/// A new, active session (the same columns as `insert_sessions` writes).
fn insert_session(db: &rusqlite::Connection, s: &NewSession) -> Result<i64> {
    let risk = serde_json::to_string(&s.risk).unwrap_or_else(|_| "{\"flags\":[]}".into());
    db.prepare_cached(&format!("{SESSION_INSERT}{SESSION_VALUES}"))?
        .execute(params![
            s.id,
            s.org_id,
            s.user_id,
            &s.token_hash[..],
            s.kind.as_str(),
            s.login_method,
            s.app.name,
            s.app.version,
            s.device.browser,
            s.device.browser_version,
            s.device.os,
            s.device.os_version,
            s.device.model,
            s.device.kind,
            s.device.name,
            s.language,
            s.ip,
            s.location.city,
            s.location.region,
            s.location.country_code,
            s.location.lat,
            s.location.lon,
            s.location.timezone,
            s.created_at,
            s.created_at,
            s.remember_me,
            "active",
            None::<i64>,
            None::<String>,
            None::<String>,
            None::<String>,
            None::<String>,
            risk,
            0i64,
            None::<String>,
        ])?;
    Ok(db.last_insert_rowid())
}

fn insert_attempt(db: &rusqlite::Connection, a: &Attempt) -> Result<()> {
    db.prepare_cached(ATTEMPT_INSERT)?.execute(params![
        a.id,
        a.org_id,
        a.user_id,
        a.username,
        a.at,
        a.success,
        a.failure_reason,
        a.session_id,
        a.ip,
        a.location.city,
        a.location.region,
        a.location.country_code,
        a.location.lat,
        a.location.lon,
        a.location.timezone,
        a.device.browser,
        a.device.browser_version,
        a.device.os,
        a.device.os_version,
        a.device.model,
        a.device.kind,
        a.app.name,
        a.app.version,
    ])?;
    Ok(())
}

/// Appends an event to its org's chain.
fn append(db: &rusqlite::Connection, d: &Draft) -> Result<()> {
    let head: Option<(i64, Vec<u8>)> = db
        .prepare_cached(AUDIT_HEAD)?
        .query_row([&d.org_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let l = Link::after(head, d);
    db.prepare_cached(AUDIT_INSERT)?.execute(params![
        l.id,
        d.org_id,
        l.seq,
        d.at,
        d.actor,
        d.action,
        d.target,
        d.reason,
        d.ticket,
        l.data,
        l.prev,
        &l.hash[..]
    ])?;
    Ok(())
}
