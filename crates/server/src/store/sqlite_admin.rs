//! [`AdminStore`] on SQLite: lists filtered in SQL with keyset cursors (stable while rows
//! are inserted), counted with the same filter, and the change feed read in one snapshot.

use async_trait::async_trait;
use base64::Engine;
use sessiondesk_protocol::search::{fts_phrase, indexed, like_pattern};
use sessiondesk_protocol::{
    AdminUser, ApiKeyInfo, AuditEvent, AuditQuery, LoginAttempt, LoginQuery, Order, SessionQuery,
    SessionSort, StatusFilter, Timestamp, UserQuery,
};
use sqlx::{QueryBuilder, Row, Sqlite};

use super::*;

const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;

fn page_size(limit: Option<u32>) -> Result<i64> {
    match limit.unwrap_or(DEFAULT_LIMIT) {
        n @ 1..=MAX_LIMIT => Ok(i64::from(n)),
        n => Err(Error::Unprocessable(format!(
            "limit must be 1 to {MAX_LIMIT}, not {n}"
        ))),
    }
}

/// A keyset cursor: the sort value and the id of the last row of a page.
fn encode_cursor(key: &serde_json::Value, id: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::json!([key, id]).to_string())
}

fn decode_cursor(c: &str) -> Result<(serde_json::Value, String)> {
    let bad = || Error::BadRequest("the cursor is not one this server gave out".into());
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .map_err(|_| bad())?;
    let (key, id): (serde_json::Value, String) =
        serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if !(key.is_i64() || key.is_string()) {
        return Err(bad());
    }
    Ok((key, id))
}

/// A page from `limit + 1` fetched rows: the extra row only says that a next page exists,
/// which starts after the page's last row.
/// Lists count matching rows exactly up to this many; past it `total` is this number and
/// `total_exact` false (shown as "1,000+"), so a first page over a million rows costs
/// about what the page costs.
pub const COUNT_CAP: i64 = 1_000;

/// `SELECT COUNT(*)` over at most [`COUNT_CAP`] + 1 rows of `filter` (which pushes
/// ` FROM ... WHERE ...`).
async fn capped_count(
    pool: &sqlx::SqlitePool,
    filter: impl FnOnce(&mut QueryBuilder<'_, Sqlite>),
) -> Result<i64> {
    let mut q = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM (SELECT 1");
    filter(&mut q);
    q.push(" LIMIT ").push_bind(COUNT_CAP + 1).push(")");
    Ok(q.build_query_scalar().fetch_one(pool).await?)
}

fn cut<T>(mut items: Vec<T>, limit: i64, total: i64, cursor: impl Fn(&T) -> String) -> RowPage<T> {
    let next_cursor = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(cursor)
    } else {
        None
    };
    RowPage {
        items,
        total: total.min(COUNT_CAP) as u64,
        total_exact: total <= COUNT_CAP,
        next_cursor,
    }
}

fn bind_key(q: &mut QueryBuilder<'_, Sqlite>, key: &serde_json::Value) {
    match key {
        serde_json::Value::Number(n) => q.push_bind(n.as_i64().unwrap_or_default()),
        other => q.push_bind(other.as_str().unwrap_or_default().to_string()),
    };
}

fn ms(t: &Option<Timestamp>) -> Option<i64> {
    t.as_ref().map(|t| t.millis())
}

/// Appends `AND (a LIKE ? OR b LIKE ? ...)` over the columns.
fn push_text(q: &mut QueryBuilder<'_, Sqlite>, text: &str, cols: &[&str]) {
    q.push(" AND ");
    push_like_any(q, text, cols);
}

/// Appends `(a LIKE ? OR b LIKE ? ...)`: the text anywhere in any of the columns.
fn push_like_any(q: &mut QueryBuilder<'_, Sqlite>, text: &str, cols: &[&str]) {
    let pattern = like_pattern(text.trim());
    q.push("(");
    for (i, col) in cols.iter().enumerate() {
        if i > 0 {
            q.push(" OR ");
        }
        q.push(*col).push(" LIKE ");
        q.push_bind(pattern.clone()).push(" ESCAPE '\\'");
    }
    q.push(")");
}

fn push_in(q: &mut QueryBuilder<'_, Sqlite>, col: &str, values: &[impl AsRef<str>]) {
    q.push(" AND ").push(col).push(" IN (");
    let mut sep = q.separated(", ");
    for v in values {
        sep.push_bind(v.as_ref().to_string());
    }
    q.push(")");
}

/// The session columns of a text search (the `sessions_text` index holds the same).
const SESSION_TEXT: &[&str] = &[
    "s.ip",
    "s.city",
    "s.region",
    "s.country_code",
    "s.browser",
    "s.os",
    "s.device_model",
    "s.device_name",
    "s.app_name",
];

/// Most users one sessions query may name.
const MAX_USER_IDS: usize = 1000;

/// Sessions whose device, place, IP or app holds the text (the trigram index, or row by
/// row under three characters), whose user's name, username or email holds it, or whose
/// country's name does ("germ" finds `DE`).
fn push_session_text(q: &mut QueryBuilder<'_, Sqlite>, org_id: &str, text: &str) {
    q.push(" AND (");
    if indexed(text) {
        q.push("s.rowid IN (SELECT rowid FROM sessions_text WHERE sessions_text MATCH ")
            .push_bind(fts_phrase(text))
            .push(")");
    } else {
        push_like_any(q, text, SESSION_TEXT);
    }
    q.push(" OR s.user_id IN (SELECT u.id FROM users u WHERE u.org_id = ")
        .push_bind(org_id.to_string());
    push_text(q, text, &["u.name", "u.username", "u.email"]);
    q.push(")");
    let codes = sessiondesk_protocol::countries::matching(text);
    if !codes.is_empty() {
        // As rowids (through the org's country index), so the OR can be a union of lookups.
        q.push(" OR s.rowid IN (SELECT rowid FROM sessions WHERE org_id = ")
            .push_bind(org_id.to_string());
        push_in(q, "country_code", &codes);
        q.push(")");
    }
    q.push(")");
}

/// Past the count cap a list either walks its order, reading about `page × org rows ÷
/// matches` rows, or sorts its matches. When the matches come from lookups (the text
/// index, named users) and are fewer than this, sorting them is the cheaper of the two: a
/// user's thousand sessions among a million would cost a walk of 100,000 rows.
const SORT_BELOW: i64 = 10_000;

/// Whether the lookups of `f` (text or named users) give fewer than [`SORT_BELOW`]
/// candidate rows, counted from the indexes alone (an upper bound of the matches).
async fn few_candidates(
    pool: &sqlx::SqlitePool,
    org_id: &str,
    f: &SessionQuery,
    text: Option<&str>,
) -> Result<bool> {
    let mut q = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM (");
    if !f.user_id.is_empty() {
        // By user alone, so that the count reads only the index.
        q.push("SELECT rowid FROM sessions WHERE 1");
        push_in(&mut q, "user_id", &f.user_id);
    } else if let Some(text) = text.filter(|t| indexed(t)) {
        q.push("SELECT rowid FROM sessions_text WHERE sessions_text MATCH ")
            .push_bind(fts_phrase(text))
            .push(" UNION ALL SELECT rowid FROM sessions WHERE user_id IN (SELECT u.id FROM users u WHERE u.org_id = ")
            .push_bind(org_id.to_string());
        push_text(&mut q, text, &["u.name", "u.username", "u.email"]);
        q.push(")");
        let codes = sessiondesk_protocol::countries::matching(text);
        if !codes.is_empty() {
            q.push(" UNION ALL SELECT rowid FROM sessions WHERE org_id = ")
                .push_bind(org_id.to_string());
            push_in(&mut q, "country_code", &codes);
        }
    } else {
        return Ok(false);
    }
    q.push(" LIMIT ").push_bind(SORT_BELOW).push(")");
    let n: i64 = q.build_query_scalar().fetch_one(pool).await?;
    Ok(n < SORT_BELOW)
}

/// Most rows a login window may hold for [`Plan::Window`]: sorting them inside the index
/// costs about 10 ms per 100,000.
const WINDOW_BELOW: i64 = 200_000;

/// Whether `f` is a login window sorted by last activity with no filter outside the
/// `sessions_org_window` index, and holds fewer than [`WINDOW_BELOW`] rows.
async fn small_window(pool: &sqlx::SqlitePool, org_id: &str, f: &SessionQuery) -> Result<bool> {
    let (from, to) = (ms(&f.login_from), ms(&f.login_to));
    let covered = f.user_id.is_empty()
        && f.kind.is_none()
        && f.app.is_none()
        && f.country.is_none()
        && f.risk.is_none()
        && f.q.as_deref().is_none_or(|t| t.trim().is_empty());
    if f.sort != Some(SessionSort::LastSeenAt) || !covered || (from.is_none() && to.is_none()) {
        return Ok(false);
    }
    let mut q = QueryBuilder::<Sqlite>::new(
        "SELECT COUNT(*) FROM (SELECT 1 FROM sessions INDEXED BY sessions_org_window WHERE org_id = ",
    );
    q.push_bind(org_id.to_string());
    q.push(" AND created_at >= ")
        .push_bind(from.unwrap_or(i64::MIN));
    q.push(" AND created_at <= ")
        .push_bind(to.unwrap_or(i64::MAX));
    q.push(" LIMIT ").push_bind(WINDOW_BELOW).push(")");
    let n: i64 = q.build_query_scalar().fetch_one(pool).await?;
    Ok(n < WINDOW_BELOW)
}

/// How SQLite should find a list's rows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// Walk the org's sessions in list order and stop at a page: best when many match.
    InOrder,
    /// Start from the matches (the text index, the named users) and sort them: best when
    /// few match, and for counting, which stops at the cap either way.
    FromMatches,
    /// Sort a login window's row ids inside `sessions_org_window` (see [`small_window`]);
    /// the page's rows are read after.
    Window,
}

fn session_filter(
    q: &mut QueryBuilder<'_, Sqlite>,
    org_id: &str,
    f: &SessionQuery,
    now: i64,
    plan: Plan,
) {
    let text = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty());
    // A unary `+` keeps SQLite from walking the org's index: without statistics it cannot
    // know that the matches are fewer.
    let lookups = text.is_some_and(indexed) || !f.user_id.is_empty();
    let narrow = if plan == Plan::FromMatches && lookups {
        "+"
    } else {
        ""
    };
    // Walking in order means walking the index that has the list's order.
    let walk = match (
        plan,
        f.sort.unwrap_or_default(),
        f.status.unwrap_or_default(),
    ) {
        (Plan::InOrder, SessionSort::LoginAt, StatusFilter::All) | (Plan::Window, _, _) => {
            " INDEXED BY sessions_org_window"
        }
        (Plan::InOrder, SessionSort::LoginAt, _) => " INDEXED BY sessions_org_status",
        (Plan::InOrder, SessionSort::LastSeenAt, _) => " INDEXED BY sessions_org_seen",
        _ => "",
    };
    // A window reads only its index: the user is joined to the page afterwards.
    let join = if plan == Plan::Window {
        ""
    } else {
        " JOIN users u ON u.id = s.user_id"
    };
    q.push(format!(
        " FROM sessions s{walk}{join} WHERE {narrow}s.org_id = "
    ));
    q.push_bind(org_id.to_string());
    match f.status.unwrap_or_default() {
        StatusFilter::Active => {
            q.push(format!(" AND {narrow}s.status = 'active'"));
        }
        StatusFilter::Ended => {
            q.push(format!(" AND {narrow}s.status = 'ended'"));
        }
        StatusFilter::All => {}
    }
    if !f.user_id.is_empty() {
        push_in(q, "s.user_id", &f.user_id);
    }
    if let Some(kind) = f.kind {
        q.push(" AND s.kind = ").push_bind(kind.as_str());
    }
    if let Some(app) = &f.app {
        q.push(" AND s.app_name = ").push_bind(app.clone());
    }
    if let Some(c) = &f.country {
        q.push(" AND s.country_code = ")
            .push_bind(c.to_ascii_uppercase());
    }
    if f.risk.as_deref() == Some("stale") {
        // Computed when a session is shown, not stored: active and older than 30 days.
        q.push(" AND s.status = 'active' AND s.created_at < ")
            .push_bind(now - crate::risk::STALE_AFTER_MS);
    } else if let Some(flag) = &f.risk {
        q.push(
            " AND EXISTS (SELECT 1 FROM json_each(s.risk, '$.flags') \
             WHERE json_extract(value, '$.kind') = ",
        )
        .push_bind(flag.clone())
        .push(")");
    }
    if let Some(t) = ms(&f.login_from) {
        q.push(" AND s.created_at >= ").push_bind(t);
    }
    if let Some(t) = ms(&f.login_to) {
        q.push(" AND s.created_at <= ").push_bind(t);
    }
    if let Some(t) = ms(&f.active_from) {
        q.push(" AND s.last_seen_at >= ").push_bind(t);
    }
    if let Some(t) = ms(&f.active_to) {
        q.push(" AND s.last_seen_at <= ").push_bind(t);
    }
    if let Some(text) = text {
        push_session_text(q, org_id, text);
    }
}

fn session_sort_col(sort: SessionSort) -> &'static str {
    match sort {
        SessionSort::LoginAt => "s.created_at",
        SessionSort::LastSeenAt => "s.last_seen_at",
        SessionSort::User => "u.username",
        SessionSort::Country => "COALESCE(s.country_code, '')",
    }
}

fn sort_value(row: &SessionRow, sort: SessionSort) -> serde_json::Value {
    match sort {
        SessionSort::LoginAt => row.created_at.into(),
        SessionSort::LastSeenAt => row.last_seen_at.into(),
        SessionSort::User => row.user.username.clone().into(),
        SessionSort::Country => row.location.country_code.clone().unwrap_or_default().into(),
    }
}

/// `AND (key, id) < (?, ?)` (or `>` ascending), written out for SQLite.
fn push_after(
    q: &mut QueryBuilder<'_, Sqlite>,
    col: &str,
    id_col: &str,
    order: Order,
    key: &serde_json::Value,
    id: &str,
) {
    let op = if order == Order::Desc { " < " } else { " > " };
    q.push(" AND (").push(col).push(op);
    bind_key(q, key);
    q.push(" OR (").push(col).push(" = ");
    bind_key(q, key);
    q.push(" AND ").push(id_col).push(op);
    q.push_bind(id.to_string()).push("))");
}

fn dir(order: Order) -> &'static str {
    if order == Order::Desc {
        " DESC"
    } else {
        " ASC"
    }
}

pub(super) fn admin_user_from(r: &impl Columns) -> Result<AdminUser> {
    let u = user_from(r)?;
    Ok(AdminUser {
        id: u.id,
        org_id: u.org_id,
        username: u.username,
        name: u.name,
        email: u.email,
        role: u.role,
        locked: u.locked,
        locked_until: u.locked_until.map(Timestamp::from_millis),
        lock_reason: u.lock_reason,
        password_reset_required: u.password_reset_required,
        created_at: Timestamp::from_millis(u.created_at),
        active_sessions: r.get("active_sessions")?,
        last_active_at: r
            .get::<Option<i64>>("last_active_at")?
            .map(Timestamp::from_millis),
    })
}

pub(super) const USER_COLS: &str = "u.*, \
    (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id AND s.status = 'active') \
      AS active_sessions, \
    (SELECT MAX(s.last_seen_at) FROM sessions s WHERE s.user_id = u.id) AS last_active_at";

pub(super) fn attempt_from(r: &impl Columns) -> Result<LoginAttempt> {
    Ok(LoginAttempt {
        id: r.get("id")?,
        org_id: r.get("org_id")?,
        user_id: opt_str(r, "user_id"),
        username: r.get("username")?,
        at: Timestamp::from_millis(r.get("at")?),
        success: r.get("success")?,
        failure_reason: opt_str(r, "failure_reason"),
        session_id: opt_str(r, "session_id"),
        ip: opt_str(r, "ip"),
        location: location(r),
        device: device(r),
        app: sessiondesk_protocol::AppInfo {
            name: opt_str(r, "app_name"),
            version: opt_str(r, "app_version"),
        },
    })
}

pub(super) fn audit_from(r: &impl Columns) -> Result<AuditEvent> {
    let data: String = r.get("data")?;
    Ok(AuditEvent {
        id: r.get("id")?,
        org_id: r.get("org_id")?,
        seq: r.get("seq")?,
        at: Timestamp::from_millis(r.get("at")?),
        actor: r.get("actor")?,
        action: r.get("action")?,
        target: opt_str(r, "target"),
        reason: opt_str(r, "reason"),
        ticket: opt_str(r, "ticket"),
        data: serde_json::from_str(&data).unwrap_or(serde_json::Value::String(data)),
        prev_hash: hex::encode(r.get::<Vec<u8>>("prev_hash")?),
        hash: hex::encode(r.get::<Vec<u8>>("hash")?),
    })
}

/// API keys with their requests in the 24 hours before `now`.
fn api_key_sql(extra: &str) -> String {
    format!(
        "SELECT k.*, COALESCE((SELECT SUM(requests) FROM api_key_usage g \
         WHERE g.key_id = k.id AND g.hour > ?), 0) AS requests_24h \
         FROM api_keys k WHERE k.org_id = ? {extra}"
    )
}

pub(super) fn api_key_from(r: &impl Columns) -> Result<ApiKeyInfo> {
    Ok(ApiKeyInfo {
        id: r.get("id")?,
        org_id: r.get("org_id")?,
        name: r.get("name")?,
        created_at: Timestamp::from_millis(r.get("created_at")?),
        created_by: opt_str(r, "created_by"),
        last_used_at: r
            .get::<Option<i64>>("last_used_at")?
            .map(Timestamp::from_millis),
        revoked_at: r
            .get::<Option<i64>>("revoked_at")?
            .map(Timestamp::from_millis),
        requests_24h: r.get("requests_24h")?,
    })
}

/// Hours are stored as Unix ms of the hour's start; "the last 24 hours" starts 23 hours
/// before the current hour.
pub(super) fn day_start_hour(now: i64) -> i64 {
    let hour = 3_600_000;
    now.div_euclid(hour) * hour - 24 * hour
}

#[async_trait]
impl AdminStore for SqliteStore {
    async fn list_sessions(
        &self,
        org_id: &str,
        f: &SessionQuery,
        now: i64,
    ) -> Result<RowPage<SessionRow>> {
        let limit = page_size(f.limit)?;
        if f.user_id.len() > MAX_USER_IDS {
            return Err(Error::Unprocessable(format!(
                "at most {MAX_USER_IDS} user_id values"
            )));
        }
        if f.q.as_deref().map(str::trim).is_some_and(indexed) {
            // The text index is brought up to date in batches: first the sessions since.
            self.index_search().await?;
        }
        let sort = f.sort.unwrap_or_default();
        let order = f.order.unwrap_or_default();
        let col = session_sort_col(sort);
        let total = capped_count(&self.pool, |q| {
            session_filter(q, org_id, f, now, Plan::FromMatches)
        })
        .await?;
        // Below the cap, sort the few matches; past it walk in order, unless the lookups
        // show the matches are sparse.
        let text = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let plan = if total <= COUNT_CAP || few_candidates(&self.pool, org_id, f, text).await? {
            Plan::FromMatches
        } else if small_window(&self.pool, org_id, f).await? {
            Plan::Window
        } else {
            Plan::InOrder
        };
        let mut q = QueryBuilder::<Sqlite>::new(format!("SELECT {SESSION_COLS}"));
        if plan == Plan::Window {
            q.push(" FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.rowid IN (SELECT s.rowid");
        }
        session_filter(&mut q, org_id, f, now, plan);
        if let Some(c) = &f.cursor {
            let (key, id) = decode_cursor(c)?;
            push_after(&mut q, col, "s.id", order, &key, &id);
        }
        let order_by = format!(" ORDER BY {col}{}, s.id{}", dir(order), dir(order));
        q.push(&order_by);
        q.push(" LIMIT ").push_bind(limit + 1);
        if plan == Plan::Window {
            q.push(")").push(&order_by);
        }
        let rows = q.build().fetch_all(&self.pool).await?;
        let items: Vec<SessionRow> = rows.iter().map(session_from).collect::<Result<_>>()?;
        Ok(cut(items, limit, total, |r| {
            encode_cursor(&sort_value(r, sort), &r.id)
        }))
    }

    async fn list_users(&self, org_id: &str, f: &UserQuery) -> Result<RowPage<AdminUser>> {
        let limit = page_size(f.limit)?;
        let filter = |q: &mut QueryBuilder<'_, Sqlite>| {
            q.push(" FROM users u WHERE u.org_id = ")
                .push_bind(org_id.to_string());
            if let Some(role) = f.role {
                q.push(" AND u.role = ").push_bind(role.as_str());
            }
            match f.locked {
                Some(true) => {
                    q.push(" AND u.locked = TRUE");
                }
                Some(false) => {
                    q.push(" AND u.locked = FALSE");
                }
                None => {}
            }
            if let Some(text) = f.q.as_deref().filter(|t| !t.trim().is_empty()) {
                push_text(q, text, &["u.name", "u.username", "u.email"]);
            }
        };
        let total = capped_count(&self.pool, filter).await?;
        let mut q = QueryBuilder::<Sqlite>::new(format!("SELECT {USER_COLS}"));
        filter(&mut q);
        if let Some(c) = &f.cursor {
            let (key, id) = decode_cursor(c)?;
            push_after(&mut q, "u.username", "u.id", Order::Asc, &key, &id);
        }
        q.push(" ORDER BY u.username, u.id LIMIT ")
            .push_bind(limit + 1);
        let rows = q.build().fetch_all(&self.pool).await?;
        let items: Vec<AdminUser> = rows.iter().map(admin_user_from).collect::<Result<_>>()?;
        Ok(cut(items, limit, total, |u| {
            encode_cursor(&u.username.clone().into(), &u.id)
        }))
    }

    async fn admin_user(&self, org_id: &str, id: &str) -> Result<Option<AdminUser>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLS} FROM users u WHERE u.id = ? AND u.org_id = ?"
        ))
        .bind(id)
        .bind(org_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(admin_user_from).transpose()
    }

    async fn list_logins(&self, org_id: &str, f: &LoginQuery) -> Result<RowPage<LoginAttempt>> {
        let limit = page_size(f.limit)?;
        let filter = |q: &mut QueryBuilder<'_, Sqlite>| {
            q.push(" FROM login_attempts a WHERE a.org_id = ")
                .push_bind(org_id.to_string());
            if !f.user_id.is_empty() {
                push_in(q, "a.user_id", &f.user_id);
            }
            if let Some(ok) = f.success {
                q.push(" AND a.success = ").push_bind(ok);
            }
            if let Some(t) = ms(&f.from) {
                q.push(" AND a.at >= ").push_bind(t);
            }
            if let Some(t) = ms(&f.to) {
                q.push(" AND a.at <= ").push_bind(t);
            }
            if let Some(text) = f.q.as_deref().filter(|t| !t.trim().is_empty()) {
                push_text(
                    q,
                    text,
                    &[
                        "a.username",
                        "a.ip",
                        "a.city",
                        "a.country_code",
                        "a.browser",
                        "a.os",
                        "a.app_name",
                    ],
                );
            }
        };
        let total = capped_count(&self.pool, filter).await?;
        let mut q = QueryBuilder::<Sqlite>::new("SELECT a.*");
        filter(&mut q);
        if let Some(c) = &f.cursor {
            let (key, id) = decode_cursor(c)?;
            push_after(&mut q, "a.at", "a.id", Order::Desc, &key, &id);
        }
        q.push(" ORDER BY a.at DESC, a.id DESC LIMIT ")
            .push_bind(limit + 1);
        let rows = q.build().fetch_all(&self.pool).await?;
        let items: Vec<LoginAttempt> = rows.iter().map(attempt_from).collect::<Result<_>>()?;
        Ok(cut(items, limit, total, |a| {
            encode_cursor(&a.at.millis().into(), &a.id)
        }))
    }

    async fn list_audit(&self, org_id: &str, f: &AuditQuery) -> Result<RowPage<AuditEvent>> {
        let limit = page_size(f.limit)?;
        let filter = |q: &mut QueryBuilder<'_, Sqlite>| {
            q.push(" FROM audit_events e WHERE e.org_id = ")
                .push_bind(org_id.to_string());
            if let Some(a) = &f.action {
                q.push(" AND e.action = ").push_bind(a.clone());
            }
            if let Some(a) = &f.actor {
                q.push(" AND e.actor = ").push_bind(a.clone());
            }
            if let Some(t) = &f.target {
                q.push(" AND e.target = ").push_bind(t.clone());
            }
            if let Some(t) = ms(&f.from) {
                q.push(" AND e.at >= ").push_bind(t);
            }
            if let Some(t) = ms(&f.to) {
                q.push(" AND e.at <= ").push_bind(t);
            }
        };
        let total = capped_count(&self.pool, filter).await?;
        let mut q = QueryBuilder::<Sqlite>::new("SELECT e.*");
        filter(&mut q);
        if let Some(c) = &f.cursor {
            let (key, _) = decode_cursor(c)?;
            q.push(" AND e.seq < ");
            bind_key(&mut q, &key);
        }
        q.push(" ORDER BY e.seq DESC LIMIT ").push_bind(limit + 1);
        let rows = q.build().fetch_all(&self.pool).await?;
        let items: Vec<AuditEvent> = rows.iter().map(audit_from).collect::<Result<_>>()?;
        Ok(cut(items, limit, total, |e| {
            encode_cursor(&e.seq.into(), &e.id)
        }))
    }

    async fn active_session_ids(&self, org_id: &str, user_id: Option<&str>) -> Result<Vec<String>> {
        let ids = match user_id {
            Some(u) => sqlx::query_scalar(
                "SELECT id FROM sessions WHERE org_id = ? AND user_id = ? AND status = 'active' \
                 ORDER BY created_at",
            )
            .bind(org_id)
            .bind(u)
            .fetch_all(&self.pool)
            .await?,
            None => sqlx::query_scalar(
                "SELECT id FROM sessions WHERE org_id = ? AND status = 'active' ORDER BY created_at",
            )
            .bind(org_id)
            .fetch_all(&self.pool)
            .await?,
        };
        Ok(ids)
    }

    async fn active_briefs(&self, org_id: &str) -> Result<Vec<ActiveBrief>> {
        let rows = sqlx::query(
            "SELECT user_id, token_hash, created_at, last_seen_at, remember_me FROM sessions \
             WHERE org_id = ? AND status = 'active'",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ActiveBrief {
                    user_id: r.try_get("user_id")?,
                    token_hash: digest(r.try_get("token_hash")?)?,
                    created_at: r.try_get("created_at")?,
                    last_seen_at: r.try_get("last_seen_at")?,
                    remember_me: r.try_get("remember_me")?,
                })
            })
            .collect()
    }

    async fn api_keys(&self, org_id: &str, now: i64) -> Result<Vec<ApiKeyInfo>> {
        let rows = sqlx::query(&api_key_sql("ORDER BY k.created_at"))
            .bind(day_start_hour(now))
            .bind(org_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(api_key_from).collect()
    }

    async fn api_key(&self, org_id: &str, id: &str, now: i64) -> Result<Option<ApiKeyInfo>> {
        let row = sqlx::query(&api_key_sql("AND k.id = ?"))
            .bind(day_start_hour(now))
            .bind(org_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(api_key_from).transpose()
    }

    async fn revoke_api_key(
        &self,
        org_id: &str,
        id: &str,
        actor: &str,
        at: i64,
    ) -> Result<Option<TokenHash>> {
        let (_g, mut tx) = self.write().await?;
        let row = sqlx::query(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) \
             WHERE id = ? AND org_id = ? RETURNING key_hash, name",
        )
        .bind(at)
        .bind(id)
        .bind(org_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let name: String = row.try_get("name")?;
        append(
            &mut tx,
            &Draft::new(org_id, at, actor, "api_key.revoked")
                .target(id.to_string())
                .data(serde_json::json!({ "name": name })),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(digest(row.try_get("key_hash")?)?))
    }

    async fn changes(
        &self,
        org_id: &str,
        after: i64,
        limit: u32,
        now: i64,
    ) -> Result<Vec<ChangeRow>> {
        self.feed.changes(org_id, after, limit, now).await
    }

    fn commits(&self) -> tokio::sync::watch::Receiver<u64> {
        self.commits.subscribe()
    }

    async fn latest_seq(&self, org_id: &str) -> Result<i64> {
        let seq: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM changes WHERE org_id = ?")
            .bind(org_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(seq.unwrap_or(0))
    }

    async fn set_password(
        &self,
        org_id: &str,
        user_id: &str,
        password_hash: &str,
        actor: &str,
        at: i64,
    ) -> Result<()> {
        let (_g, mut tx) = self.write().await?;
        let done = sqlx::query(
            "UPDATE users SET password_hash = ?, password_reset_required = FALSE \
             WHERE id = ? AND org_id = ?",
        )
        .bind(password_hash)
        .bind(user_id)
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        append(
            &mut tx,
            &Draft::new(org_id, at, actor, "user.password_changed").target(user_id.to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn stored_answer(&self, org_id: &str, key: &str) -> Result<Option<StoredAnswer>> {
        let row = sqlx::query(
            "SELECT request_hash, status, body FROM idempotency_keys WHERE org_id = ? AND key = ?",
        )
        .bind(org_id)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(StoredAnswer {
                request_hash: r.try_get("request_hash")?,
                status: r.try_get::<i64, _>("status")? as u16,
                body: r.try_get("body")?,
            })
        })
        .transpose()
    }

    async fn store_answer(
        &self,
        org_id: &str,
        key: &str,
        user_id: &str,
        a: &StoredAnswer,
        at: i64,
    ) -> Result<()> {
        let (_g, mut tx) = self.write().await?;
        sqlx::query(
            "INSERT OR IGNORE INTO idempotency_keys (org_id, key, user_id, request_hash, status, \
             body, created_at) VALUES (?,?,?,?,?,?,?)",
        )
        .bind(org_id)
        .bind(key)
        .bind(user_id)
        .bind(&a.request_hash)
        .bind(i64::from(a.status))
        .bind(&a.body)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
