//! The change feed's reader. A page holds up to 10,000 changed rows; they are read through
//! rusqlite on a blocking thread, because sqlx copies every value of every row and hands
//! each row across threads, which halves the rate of a full export (bench section d).
//! The page's heads and its rows are read in one snapshot.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use parking_lot::Mutex;
use rusqlite::{params, Connection, OpenFlags};
use sessiondesk_protocol::Entity;

use super::admin::{
    admin_user_from, api_key_from, attempt_from, audit_from, day_start_hour, USER_COLS,
};
use super::columns::{Names, Raw};
use super::{policy_from, session_from, ChangeData, ChangeRow, SESSION_COLS};
use crate::error::{Error, Result};

/// Connections kept open between pages.
const IDLE: usize = 2;

pub(super) struct FeedReader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl FeedReader {
    pub(super) fn new(path: PathBuf) -> Self {
        FeedReader {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Changes after `after`, at most `limit` of them, each with its entity's current row.
    pub(super) async fn changes(
        self: &Arc<Self>,
        org_id: &str,
        after: i64,
        limit: u32,
        now: i64,
    ) -> Result<Vec<ChangeRow>> {
        let me = Arc::clone(self);
        let org = org_id.to_string();
        tokio::task::spawn_blocking(move || {
            let mut conn = me.connection()?;
            let page = read(&mut conn, &org, after, limit, now);
            let mut idle = me.idle.lock();
            if idle.len() < IDLE {
                idle.push(conn);
            }
            page
        })
        .await
        .map_err(|e| Error::Internal(format!("change feed reader: {e}")))?
    }

    fn connection(&self) -> Result<Connection> {
        if let Some(c) = self.idle.lock().pop() {
            return Ok(c);
        }
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(conn)
    }
}

fn read(
    conn: &mut Connection,
    org_id: &str,
    after: i64,
    limit: u32,
    now: i64,
) -> Result<Vec<ChangeRow>> {
    let tx = conn.transaction()?;
    let mut heads: Vec<(i64, Entity, String)> = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT seq, entity, entity_id FROM changes WHERE org_id = ?1 AND seq > ?2 \
             ORDER BY seq LIMIT ?3",
        )?;
        let mut rows = stmt.query(params![org_id, after, i64::from(limit)])?;
        while let Some(r) = rows.next()? {
            let entity: String = r.get(1)?;
            if let Some(entity) = Entity::parse(&entity) {
                heads.push((r.get(0)?, entity, r.get(2)?));
            }
        }
    }
    let Some(&(last, ..)) = heads.last() else {
        return Ok(Vec::new());
    };
    let mut present: Vec<Entity> = heads.iter().map(|h| h.1).collect();
    present.sort_by_key(|e| e.as_str());
    present.dedup();
    let mut data: HashMap<(Entity, String), ChangeData> = HashMap::with_capacity(heads.len());
    for entity in present {
        let ids = format!(
            "IN (SELECT entity_id FROM changes WHERE org_id = ?1 AND seq > ?2 AND seq <= ?3 \
             AND entity = '{}')",
            entity.as_str()
        );
        let sql = match entity {
            Entity::Session => format!(
                "SELECT {SESSION_COLS} FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.id {ids}"
            ),
            Entity::User => format!("SELECT {USER_COLS} FROM users u WHERE u.id {ids}"),
            Entity::Login => format!("SELECT a.* FROM login_attempts a WHERE a.id {ids}"),
            Entity::Audit => format!("SELECT e.* FROM audit_events e WHERE e.id {ids}"),
            Entity::Policy => format!("SELECT * FROM policies p WHERE p.org_id {ids}"),
            Entity::ApiKey => format!(
                "SELECT k.*, COALESCE((SELECT SUM(requests) FROM api_key_usage g \
                 WHERE g.key_id = k.id AND g.hour > {}), 0) AS requests_24h \
                 FROM api_keys k WHERE k.id {ids}",
                day_start_hour(now)
            ),
        };
        let mut stmt = tx.prepare_cached(&sql)?;
        let names = Names::of(&stmt);
        let mut rows = stmt.query(params![org_id, after, last])?;
        while let Some(row) = rows.next()? {
            let r = Raw { row, names: &names };
            let (id, d) = match entity {
                Entity::Session => {
                    let s = session_from(&r)?;
                    (s.id.clone(), ChangeData::Session(Box::new(s)))
                }
                Entity::User => {
                    let u = admin_user_from(&r)?;
                    (u.id.clone(), ChangeData::User(Box::new(u)))
                }
                Entity::Login => {
                    let a = attempt_from(&r)?;
                    (a.id.clone(), ChangeData::Login(Box::new(a)))
                }
                Entity::Audit => {
                    let e = audit_from(&r)?;
                    (e.id.clone(), ChangeData::Audit(Box::new(e)))
                }
                Entity::Policy => (
                    row.get("org_id")?,
                    ChangeData::Policy(Box::new(policy_from(&r)?)),
                ),
                Entity::ApiKey => {
                    let k = api_key_from(&r)?;
                    (k.id.clone(), ChangeData::ApiKey(Box::new(k)))
                }
            };
            data.insert((entity, id), d);
        }
    }
    Ok(heads
        .into_iter()
        .filter_map(|(seq, entity, id)| {
            data.remove(&(entity, id))
                .map(|data| ChangeRow { seq, entity, data })
        })
        .collect())
}
