//! The Users and Login history screens, from the cache. A user's active sessions and last
//! activity are counted from the cached sessions, so they follow the live feed.

use serde::{Deserialize, Serialize};
use sessiondesk_protocol::{AdminUser, LoginAttempt, Role, Timestamp};
use sqlx::{QueryBuilder, Sqlite};
use ts_rs::TS;

use super::App;
use crate::error::{Error, Result};

/// Most rows one call answers.
const MAX_PAGE: u32 = 1000;

/// The Users screen's filters.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct UserFilter {
    /// Part of the name, username or email.
    pub q: Option<String>,
    pub role: Option<Role>,
    pub locked_only: bool,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct UserRows {
    pub items: Vec<AdminUser>,
    pub total: u64,
}

/// The Login history screen's filters.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct LoginFilter {
    /// Part of the username, IP, place, device or app.
    pub q: Option<String>,
    pub user_id: Option<String>,
    pub failures_only: bool,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct LoginRows {
    pub items: Vec<LoginAttempt>,
    pub total: u64,
}

/// `LIKE` pattern for a part of a text, with the wildcards in it taken literally.
pub(super) fn like(q: &Option<String>) -> Option<String> {
    let q = q.as_deref().map(str::trim).filter(|q| !q.is_empty())?;
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Some(format!("%{escaped}%"))
}

/// One page of the cached JSON bodies that `filter` selects (`FROM … WHERE …`): counted,
/// then ordered by `order` and windowed.
pub(super) async fn page_of<T: serde::de::DeserializeOwned>(
    pool: &sqlx::SqlitePool,
    filter: impl Fn(&mut QueryBuilder<'static, Sqlite>),
    body: &str,
    order: &str,
    offset: u32,
    limit: u32,
) -> Result<(Vec<T>, u64)> {
    let limit = page(limit)?;
    let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*)");
    filter(&mut count);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut q = QueryBuilder::<Sqlite>::new(format!("SELECT {body}"));
    filter(&mut q);
    q.push(order)
        .push(" LIMIT ")
        .push_bind(i64::from(limit))
        .push(" OFFSET ")
        .push_bind(i64::from(offset));
    let bodies: Vec<String> = q.build_query_scalar().fetch_all(pool).await?;
    let items = bodies
        .iter()
        .map(|b| serde_json::from_str(b))
        .collect::<std::result::Result<Vec<T>, _>>()?;
    Ok((items, total.max(0) as u64))
}

pub(super) fn page(limit: u32) -> Result<u32> {
    match limit {
        0 => Ok(200),
        1..=MAX_PAGE => Ok(limit),
        _ => Err(Error::Invalid(format!(
            "a page holds 1 to {MAX_PAGE} rows, not {limit}"
        ))),
    }
}

fn role_str(r: Role) -> String {
    serde_json::to_value(r)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn push_user_filter(q: &mut QueryBuilder<'static, Sqlite>, f: &UserFilter) {
    q.push(" FROM users u WHERE 1 = 1");
    if let Some(p) = like(&f.q) {
        q.push(" AND (u.username LIKE ")
            .push_bind(p.clone())
            .push(" ESCAPE '\\' OR u.name LIKE ")
            .push_bind(p.clone())
            .push(" ESCAPE '\\' OR u.email LIKE ")
            .push_bind(p)
            .push(" ESCAPE '\\')");
    }
    if let Some(r) = f.role {
        q.push(" AND u.role = ").push_bind(role_str(r));
    }
    if f.locked_only {
        q.push(" AND u.locked = 1");
    }
}

fn push_login_filter(q: &mut QueryBuilder<'static, Sqlite>, f: &LoginFilter) {
    q.push(" FROM logins l WHERE 1 = 1");
    if let Some(u) = &f.user_id {
        q.push(" AND l.user_id = ").push_bind(u.clone());
    }
    if f.failures_only {
        q.push(" AND l.success = 0");
    }
    if let Some(p) = like(&f.q) {
        q.push(" AND l.body LIKE ")
            .push_bind(p)
            .push(" ESCAPE '\\'");
    }
}

impl App {
    /// Users by name, each with their active sessions and last activity from the cache.
    pub async fn users(&self, f: UserFilter) -> Result<UserRows> {
        let limit = page(f.limit)?;
        let ws = self.workspace().await?;
        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*)");
        push_user_filter(&mut count, &f);
        let total: i64 = count
            .build_query_scalar()
            .fetch_one(ws.cache.pool())
            .await?;
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT u.body, \
             (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id AND s.status = 'active'), \
             (SELECT MAX(s.last_seen_at) FROM sessions s WHERE s.user_id = u.id)",
        );
        push_user_filter(&mut q, &f);
        q.push(" ORDER BY u.name, u.username LIMIT ")
            .push_bind(i64::from(limit))
            .push(" OFFSET ")
            .push_bind(i64::from(f.offset));
        let rows: Vec<(String, i64, Option<i64>)> =
            q.build_query_as().fetch_all(ws.cache.pool()).await?;
        let mut items = Vec::with_capacity(rows.len());
        for (body, active, seen) in rows {
            let mut u: AdminUser = serde_json::from_str(&body)?;
            u.active_sessions = active;
            u.last_active_at = seen.map(Timestamp::from_millis).or(u.last_active_at);
            items.push(u);
        }
        Ok(UserRows {
            items,
            total: total.max(0) as u64,
        })
    }

    /// Sign-in attempts, newest first.
    pub async fn logins(&self, f: LoginFilter) -> Result<LoginRows> {
        let ws = self.workspace().await?;
        let (items, total) = page_of(
            ws.cache.pool(),
            |q| push_login_filter(q, &f),
            "l.body",
            " ORDER BY l.at DESC, l.id DESC",
            f.offset,
            f.limit,
        )
        .await?;
        Ok(LoginRows { items, total })
    }
}
