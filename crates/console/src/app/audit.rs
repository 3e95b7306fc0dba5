//! The Audit screen: the cached trail newest first, the server's check of its hash chain,
//! and a CSV export for whoever asks for proof.

use serde::{Deserialize, Serialize};
use sessiondesk_protocol::{AuditEvent, AuditVerification};
use sqlx::{QueryBuilder, Sqlite};
use ts_rs::TS;

use super::directory::{like, page_of};
use super::export::{line, safe, stamp, CsvExport};
use super::App;
use crate::error::Result;

/// The Audit screen's filters.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct AuditFilter {
    /// Part of the actor, action, target, reason or ticket.
    pub q: Option<String>,
    /// One action, e.g. `session.ended`.
    pub action: Option<String>,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AuditRows {
    pub items: Vec<AuditEvent>,
    pub total: u64,
    /// The usernames of the users among these events' actors and targets, by id.
    pub names: std::collections::BTreeMap<String, String>,
}

fn push_filter(q: &mut QueryBuilder<'static, Sqlite>, f: &AuditFilter) {
    q.push(" FROM audit_events a WHERE 1 = 1");
    if let Some(a) = f.action.as_deref().filter(|a| !a.is_empty()) {
        q.push(" AND a.action = ").push_bind(a.to_string());
    }
    if let Some(p) = like(&f.q) {
        q.push(" AND a.body LIKE ")
            .push_bind(p)
            .push(" ESCAPE '\\'");
    }
}

/// The trail as CSV, oldest first (the chain's order), with both hashes of every link.
pub fn to_csv(events: &[AuditEvent]) -> String {
    let mut out = String::from("seq,at,actor,action,target,reason,ticket,data,prev_hash,hash\r\n");
    for e in events {
        let row = [
            e.seq.to_string(),
            e.at.to_string(),
            e.actor.clone(),
            e.action.clone(),
            e.target.clone().unwrap_or_default(),
            e.reason.clone().unwrap_or_default(),
            e.ticket.clone().unwrap_or_default(),
            e.data.to_string(),
            e.prev_hash.clone(),
            e.hash.clone(),
        ];
        out.push_str(&line(row.iter().map(String::as_str)));
    }
    out
}

impl App {
    /// Audit events, newest first.
    pub async fn audit(&self, f: AuditFilter) -> Result<AuditRows> {
        let ws = self.workspace().await?;
        let (items, total): (Vec<AuditEvent>, u64) = page_of(
            ws.cache.pool(),
            |q| push_filter(q, &f),
            "a.body",
            " ORDER BY a.seq DESC",
            f.offset,
            f.limit,
        )
        .await?;
        // Ids gathered first: no borrow of the events may live across the look-ups.
        let mut ids: Vec<String> = items
            .iter()
            .flat_map(|e| [Some(e.actor.clone()), e.target.clone()])
            .flatten()
            .filter(|id| id.starts_with("usr_"))
            .collect();
        ids.sort();
        ids.dedup();
        let mut names = std::collections::BTreeMap::new();
        for id in ids {
            let name: Option<String> =
                sqlx::query_scalar("SELECT username FROM users WHERE id = ?")
                    .bind(&id)
                    .fetch_optional(ws.cache.pool())
                    .await?;
            if let Some(n) = name {
                names.insert(id, n);
            }
        }
        Ok(AuditRows {
            items,
            total,
            names,
        })
    }

    /// The server's check of the whole chain (it holds every event; needs the server).
    pub async fn verify_audit(&self) -> Result<AuditVerification> {
        Ok(self.workspace().await?.client.verify_audit().await?)
    }

    /// Writes the events matching `f` (all of them, not a page) as CSV into the Downloads
    /// folder, under a name that says whose trail and when.
    pub async fn export_audit(&self, f: AuditFilter) -> Result<CsvExport> {
        let ws = self.workspace().await?;
        let mut q = QueryBuilder::<Sqlite>::new("SELECT a.body");
        push_filter(&mut q, &f);
        q.push(" ORDER BY a.seq ASC");
        let bodies: Vec<String> = q.build_query_scalar().fetch_all(ws.cache.pool()).await?;
        let events = bodies
            .iter()
            .map(|b| serde_json::from_str(b))
            .collect::<std::result::Result<Vec<AuditEvent>, _>>()?;
        let csv = to_csv(&events);
        let name = format!(
            "sessiondesk-audit-{}-{}.csv",
            safe(&ws.profile.org),
            stamp()
        );
        let path = self.write_export(name, csv).await?;
        Ok(CsvExport {
            path: path.display().to_string(),
            rows: events.len() as u64,
        })
    }
}
