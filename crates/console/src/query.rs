//! Queries over the cache with the admin sessions list's own filters and sorts
//! ([`SessionQuery`]), so the console answers offline what the server would answer
//! online: the same rows in the same order. Text search reads the trigram index.

use serde::{Deserialize, Serialize};
use sessiondesk_protocol::search::{fts_phrase, indexed, like_pattern};
use sessiondesk_protocol::{
    countries, Order, Session, SessionQuery, SessionSort, StatusFilter, STALE_AFTER_MS,
};
use sqlx::{QueryBuilder, Sqlite};

use crate::cache::Cache;
use crate::error::{Error, Result};

/// Most rows one window may hold (the table asks for what is on screen, plus a margin).
pub const MAX_WINDOW: u32 = 10_000;

/// One window of the sessions list.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Rows {
    pub items: Vec<Session>,
    /// Every matching row, counted exactly.
    pub total: u64,
    /// When the cache last caught up with the server (Unix ms).
    pub synced_at: Option<i64>,
}

/// The last count of the sessions list. The list asks for its rows in blocks as it
/// scrolls, and each block answers the total: recounting every match for each block cost
/// more than reading the block (all 100k rows for each 200). A count is good until the
/// cache's next write; each write moves the generation.
#[derive(Default)]
pub(crate) struct Counts {
    generation: std::sync::atomic::AtomicU64,
    last: std::sync::Mutex<Option<(String, u64, u64)>>,
}

impl Counts {
    /// After a write has committed.
    pub(crate) fn written(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// Read before counting, so a write that commits during the count makes it stale.
    fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn get(&self, key: &str, generation: u64) -> Option<u64> {
        let last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        last.as_ref()
            .filter(|(k, g, _)| k == key && *g == generation)
            .map(|(_, _, n)| *n)
    }

    fn keep(&self, key: String, generation: u64, n: u64) {
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some((key, generation, n));
    }
}

/// Sign-ins between two times of the day on the viewer's clock, a filter the console adds to
/// the server's: minutes after midnight, `from` included and `to` not; `from > to` wraps past
/// midnight (22:00 to 06:00 is the night).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct TimeOfDay {
    pub from_minute: u16,
    pub to_minute: u16,
    /// The viewer's offset from UTC in minutes (east positive), e.g. 60 in Berlin in winter.
    pub utc_offset_minutes: i16,
}

impl TimeOfDay {
    fn check(&self) -> Result<()> {
        if self.from_minute >= 1440 || self.to_minute > 1440 || self.from_minute == self.to_minute {
            return Err(Error::Invalid(
                "a time of day runs from one time to another, within 00:00 to 24:00".into(),
            ));
        }
        if self.utc_offset_minutes.abs() > 18 * 60 {
            return Err(Error::Invalid("a UTC offset lies within ±18 hours".into()));
        }
        Ok(())
    }
}

/// A user's share of the matching sessions ("group by user").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, ts_rs::TS)]
pub struct UserGroup {
    pub user_id: String,
    pub username: String,
    pub name: String,
    pub sessions: i64,
    pub active: i64,
}

/// The columns of a session's searchable text, one by one (for text under three
/// characters, which the trigram index cannot look up).
const TEXT_COLUMNS: &[&str] = &[
    "json_extract(b.body, '$.ip')",
    "json_extract(b.body, '$.location.city')",
    "json_extract(b.body, '$.location.region')",
    "s.country_code",
    "json_extract(b.body, '$.device.browser')",
    "json_extract(b.body, '$.device.os')",
    "json_extract(b.body, '$.device.model')",
    "json_extract(b.body, '$.device.name')",
    "s.app_name",
];

fn push_like_any(q: &mut QueryBuilder<'_, Sqlite>, pattern: &str, cols: &[&str]) {
    q.push("(");
    for (i, col) in cols.iter().enumerate() {
        if i > 0 {
            q.push(" OR ");
        }
        q.push(*col)
            .push(" LIKE ")
            .push_bind(pattern.to_string())
            .push(" ESCAPE '\\'");
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

/// How a text search's rows are found.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Plan {
    /// Look up each row of the text's set, then sort them: best when the set is small.
    LookUp,
    /// Walk the sort order's index and keep rows in the set: best when matches are common,
    /// as the page fills after a few hundred rows instead of reading every match.
    Walk,
}

fn search_text(f: &SessionQuery) -> Option<&str> {
    f.q.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

/// Walking reads about `rows / total` index entries per row of the window, each a fraction
/// of a row look-up's cost; looking up reads all `total` rows.
fn choose(total: u64, window_end: u64, rows: u64) -> Plan {
    const WALK_COST_PER_LOOKUP: u64 = 4;
    if total == 0 {
        return Plan::LookUp;
    }
    let walked = window_end.saturating_mul(rows) / total;
    if walked < total.saturating_mul(WALK_COST_PER_LOOKUP) {
        Plan::Walk
    } else {
        Plan::LookUp
    }
}

/// ` FROM sessions s WHERE ...` for the filters of `f`, as the server reads them.
fn push_filter(
    q: &mut QueryBuilder<'_, Sqlite>,
    f: &SessionQuery,
    hours: Option<TimeOfDay>,
    now: i64,
    plan: Plan,
) {
    q.push(" FROM sessions s WHERE 1");
    if let Some(h) = hours {
        // The sign-in's minute of the day on the viewer's clock.
        q.push(" AND ((s.created_at / 60000 + ")
            .push_bind(i64::from(h.utc_offset_minutes))
            .push(") % 1440 + 1440) % 1440");
        if h.from_minute < h.to_minute {
            q.push(" BETWEEN ")
                .push_bind(i64::from(h.from_minute))
                .push(" AND ")
                .push_bind(i64::from(h.to_minute) - 1);
        } else {
            q.push(" NOT BETWEEN ")
                .push_bind(i64::from(h.to_minute))
                .push(" AND ")
                .push_bind(i64::from(h.from_minute) - 1);
        }
    }
    match f.status.unwrap_or_default() {
        StatusFilter::Active => {
            q.push(" AND s.status = 'active'");
        }
        StatusFilter::Ended => {
            q.push(" AND s.status = 'ended'");
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
    match f.risk.as_deref() {
        Some("stale") => {
            q.push(" AND s.status = 'active' AND s.created_at < ")
                .push_bind(now - STALE_AFTER_MS);
        }
        Some(flag) => {
            q.push(" AND s.risk LIKE ")
                .push_bind(like_pattern(&format!(" {flag} ")))
                .push(" ESCAPE '\\'");
        }
        None => {}
    }
    let bound = |t: &Option<sessiondesk_protocol::Timestamp>| t.as_ref().map(|t| t.millis());
    if let Some(t) = bound(&f.login_from) {
        q.push(" AND s.created_at >= ").push_bind(t);
    }
    if let Some(t) = bound(&f.login_to) {
        q.push(" AND s.created_at <= ").push_bind(t);
    }
    if let Some(t) = bound(&f.active_from) {
        q.push(" AND s.last_seen_at >= ").push_bind(t);
    }
    if let Some(t) = bound(&f.active_to) {
        q.push(" AND s.last_seen_at <= ").push_bind(t);
    }
    if let Some(text) = search_text(f) {
        let pattern = like_pattern(text);
        // One set of row ids, each part found through its own index: the text index, the
        // users' sessions, the countries' sessions. `IN` keeps each row once, so the parts
        // are joined with `UNION ALL` (no sort to drop duplicates). `Walk` hides the row id
        // from the planner (`+`), so that it walks the sort's index and checks each row
        // against the set.
        q.push(match plan {
            Plan::LookUp => " AND s.rowid IN (",
            Plan::Walk => " AND +s.rowid IN (",
        });
        if indexed(text) {
            q.push("SELECT rowid FROM sessions_text WHERE sessions_text MATCH ")
                .push_bind(fts_phrase(text));
        } else {
            q.push("SELECT s.rowid FROM sessions s JOIN session_bodies b ON b.id = s.rowid WHERE ");
            push_like_any(q, &pattern, TEXT_COLUMNS);
        }
        q.push(
            " UNION ALL SELECT rowid FROM sessions WHERE user_id IN (SELECT u.id FROM users u WHERE ",
        );
        push_like_any(q, &pattern, &["u.name", "u.username", "u.email"]);
        q.push(")");
        let codes = countries::matching(text);
        if !codes.is_empty() {
            q.push(" UNION ALL SELECT rowid FROM sessions WHERE 1");
            push_in(q, "country_code", &codes);
        }
        q.push(")");
    }
}

fn sort_column(sort: SessionSort) -> &'static str {
    match sort {
        SessionSort::LoginAt => "s.created_at",
        SessionSort::LastSeenAt => "s.last_seen_at",
        SessionSort::User => "s.username",
        SessionSort::Country => "COALESCE(s.country_code, '')",
    }
}

impl Cache {
    /// A window of the sessions matching `f`, in `f`'s order: `f.limit` rows (default
    /// 100) from `offset`.
    pub async fn sessions(&self, f: &SessionQuery, offset: u64, now: i64) -> Result<Rows> {
        self.sessions_at(f, None, offset, now).await
    }

    /// [`Cache::sessions`], of the sessions signed in within `hours` too.
    pub async fn sessions_at(
        &self,
        f: &SessionQuery,
        hours: Option<TimeOfDay>,
        offset: u64,
        now: i64,
    ) -> Result<Rows> {
        if let Some(h) = &hours {
            h.check()?;
        }
        let limit = f.limit.unwrap_or(100);
        if !(1..=MAX_WINDOW).contains(&limit) {
            return Err(Error::Invalid(format!(
                "a window holds 1 to {MAX_WINDOW} rows, not {limit}"
            )));
        }
        let dir = if f.order.unwrap_or_default() == Order::Asc {
            " ASC"
        } else {
            " DESC"
        };
        // The window's row ids first (from indexes where they cover the filter), then
        // only those rows' bodies: sorting bodies would read every matching row.
        let order = format!(
            " ORDER BY {}{dir}, s.id{dir}",
            sort_column(f.sort.unwrap_or_default())
        );
        let total = self.count_sessions_at(f, hours, now).await?;
        let plan = if search_text(f).is_some() {
            let rows: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(rowid), 0) FROM sessions")
                .fetch_one(self.pool())
                .await?;
            choose(
                total,
                offset.saturating_add(u64::from(limit)),
                rows.max(0) as u64,
            )
        } else {
            Plan::LookUp
        };
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT b.body FROM sessions s JOIN session_bodies b ON b.id = s.rowid WHERE s.rowid IN (SELECT s.rowid",
        );
        push_filter(&mut q, f, hours, now, plan);
        q.push(&order);
        q.push(" LIMIT ")
            .push_bind(i64::from(limit))
            .push(" OFFSET ")
            .push_bind(i64::try_from(offset).unwrap_or(i64::MAX));
        q.push(")").push(&order);
        let bodies: Vec<String> = q.build_query_scalar().fetch_all(self.pool()).await?;
        let items = bodies
            .iter()
            .map(|b| serde_json::from_str(b))
            .collect::<std::result::Result<Vec<Session>, _>>()?;
        Ok(Rows {
            items,
            total,
            synced_at: self.synced_at().await?,
        })
    }

    /// How many sessions match `f`.
    pub async fn count_sessions(&self, f: &SessionQuery, now: i64) -> Result<u64> {
        self.count_sessions_at(f, None, now).await
    }

    pub async fn count_sessions_at(
        &self,
        f: &SessionQuery,
        hours: Option<TimeOfDay>,
        now: i64,
    ) -> Result<u64> {
        // "Stale" is relative to now: its count is not kept.
        let key = (f.risk.as_deref() != Some("stale")).then(|| format!("{f:?} {hours:?}"));
        let written = self.counts.generation();
        if let Some(n) = key.as_deref().and_then(|k| self.counts.get(k, written)) {
            return Ok(n);
        }
        let mut q = QueryBuilder::<Sqlite>::new("SELECT COUNT(*)");
        push_filter(&mut q, f, hours, now, Plan::LookUp);
        let n: i64 = q.build_query_scalar().fetch_one(self.pool()).await?;
        let n = n.max(0) as u64;
        if let Some(k) = key {
            self.counts.keep(k, written, n);
        }
        Ok(n)
    }

    /// The matching sessions grouped by user: most sessions first.
    pub async fn sessions_by_user(&self, f: &SessionQuery, now: i64) -> Result<Vec<UserGroup>> {
        self.sessions_by_user_at(f, None, now).await
    }

    pub async fn sessions_by_user_at(
        &self,
        f: &SessionQuery,
        hours: Option<TimeOfDay>,
        now: i64,
    ) -> Result<Vec<UserGroup>> {
        if let Some(h) = &hours {
            h.check()?;
        }
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT s.user_id, MAX(s.username) AS username, MAX(s.user_name) AS name, \
             COUNT(*) AS sessions, SUM(s.status = 'active') AS active",
        );
        push_filter(&mut q, f, hours, now, Plan::LookUp);
        q.push(" GROUP BY s.user_id ORDER BY sessions DESC, username ASC");
        Ok(q.build_query_as().fetch_all(self.pool()).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_matches_walk_and_rare_ones_are_looked_up() {
        // A city in 2% of a million rows: the first page is found within ~5,000 entries.
        assert_eq!(choose(21_000, 100, 1_000_000), Plan::Walk);
        // One user's thousand sessions: a walk would read ~100,000 entries.
        assert_eq!(choose(1_000, 100, 1_000_000), Plan::LookUp);
        // Deep in a common match the walk grows with the offset.
        assert_eq!(choose(21_000, 20_100, 1_000_000), Plan::LookUp);
        assert_eq!(choose(0, 100, 1_000_000), Plan::LookUp);
    }
}
