//! Alerts: a new session the live feed brings is worth an OS notification when it carries a
//! high-risk flag or belongs to a watched user. The window's shell raises the notification;
//! this decides what is new and what is worth it, with the switch and the watchlist kept in
//! the profile's cache.

use std::collections::HashSet;

use serde::Serialize;
use sessiondesk_protocol::Session;
use ts_rs::TS;

use super::lost_device::device_words;
use super::App;
use crate::console::Workspace;
use crate::error::Result;

/// Flags worth interrupting someone for. A new device on its own is everyday (a new phone,
/// a reinstalled browser); these say the account may be in someone else's hands.
pub const HIGH_RISK: [&str; 3] = ["impossible_travel", "new_country", "multi_country"];

/// Notifications raised per round at most; past that, one more says how many were left out.
const PER_ROUND: usize = 20;
/// Sessions read per round; the rest wait for the next round.
const READ_PER_ROUND: i64 = 500;

/// One notification to raise.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Alert {
    pub session_id: String,
    pub user_id: String,
    pub title: String,
    pub body: String,
    /// The user is on the watchlist.
    pub watched: bool,
    /// Its high-risk flags.
    pub flags: Vec<String>,
}

/// A watched user as the Alerts screen lists them.
#[derive(Debug, Clone, Serialize, TS)]
pub struct WatchedUser {
    pub id: String,
    pub username: String,
    pub name: String,
    pub added_at: i64,
}

/// The Alerts screen: the switch and the watchlist.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AlertSettings {
    /// Notifications on (the default) or off.
    pub enabled: bool,
    pub watchlist: Vec<WatchedUser>,
}

/// Where the alerts of the open profile stand: the last session looked at, by creation time
/// and id. It starts at the time the profile was opened (those sessions are history, not
/// news) and only moves forward, so each session is looked at once.
#[derive(Debug, Default, Clone)]
pub(super) struct AlertCursor {
    pub created_at: i64,
    pub id: String,
}

const ENABLED: &str = "alerts.enabled";

/// The alert a new session deserves, if any.
pub fn alert_for(s: &Session, watched: bool) -> Option<Alert> {
    let flags: Vec<&sessiondesk_protocol::RiskFlag> = s
        .risk
        .flags
        .iter()
        .filter(|f| HIGH_RISK.contains(&f.kind.as_str()))
        .collect();
    if flags.is_empty() && !watched {
        return None;
    }
    let who = if s.user.name.is_empty() {
        s.user.username.clone()
    } else {
        s.user.name.clone()
    };
    let place = [&s.location.city, &s.location.country_code]
        .iter()
        .filter_map(|v| v.as_deref())
        .collect::<Vec<_>>()
        .join(", ");
    let mut body = device_words(s);
    if !place.is_empty() {
        body.push_str(&format!(" in {place}"));
    }
    let title = match flags.first() {
        Some(f) => {
            body = format!("{}. {body}", f.detail);
            format!("Risky sign-in: {who}")
        }
        None => format!("{who} signed in"),
    };
    Some(Alert {
        session_id: s.id.clone(),
        user_id: s.user.id.clone(),
        title,
        body,
        watched,
        flags: flags.iter().map(|f| f.kind.clone()).collect(),
    })
}

/// Whether notifications are on for the profile of `ws` (the default).
async fn enabled(ws: &Workspace) -> Result<bool> {
    let value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(ENABLED)
        .fetch_optional(ws.cache.pool())
        .await?;
    Ok(value.as_deref() != Some("off"))
}

impl App {
    pub async fn alert_settings(&self) -> Result<AlertSettings> {
        let ws = self.workspace().await?;
        let rows: Vec<(String, Option<String>, Option<String>, i64)> = sqlx::query_as(
            "SELECT w.user_id, u.username, u.name, w.added_at FROM watchlist w \
             LEFT JOIN users u ON u.id = w.user_id ORDER BY u.name, w.user_id",
        )
        .fetch_all(ws.cache.pool())
        .await?;
        Ok(AlertSettings {
            enabled: enabled(&ws).await?,
            watchlist: rows
                .into_iter()
                .map(|(id, username, name, added_at)| WatchedUser {
                    username: username.unwrap_or_else(|| id.clone()),
                    name: name.unwrap_or_default(),
                    id,
                    added_at,
                })
                .collect(),
        })
    }

    /// Turns notifications on or off for this profile.
    pub async fn set_alerts(&self, enabled: bool) -> Result<AlertSettings> {
        let ws = self.workspace().await?;
        sqlx::query("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)")
            .bind(ENABLED)
            .bind(if enabled { "on" } else { "off" })
            .execute(ws.cache.pool())
            .await?;
        self.alert_settings().await
    }

    /// Adds a user to the watchlist, or takes them off.
    pub async fn watch(&self, user_id: String, watched: bool) -> Result<AlertSettings> {
        let ws = self.workspace().await?;
        if watched {
            sqlx::query("INSERT OR IGNORE INTO watchlist (user_id, added_at) VALUES (?, ?)")
                .bind(&user_id)
                .bind(super::now_ms())
                .execute(ws.cache.pool())
                .await?;
        } else {
            sqlx::query("DELETE FROM watchlist WHERE user_id = ?")
                .bind(&user_id)
                .execute(ws.cache.pool())
                .await?;
        }
        self.alert_settings().await
    }

    /// The alerts for sessions that reached the cache since the last call. Each session is
    /// looked at once: with alerts off, what arrives meanwhile is passed over, so turning
    /// them back on does not bring a flood of old news. (A session that reaches the cache
    /// after a newer one was looked at is passed over too: the live feed brings them in
    /// order of change, which is the order they were created in.)
    pub async fn take_alerts(&self) -> Result<Vec<Alert>> {
        let ws = self.workspace().await?;
        let own = self.own_session().await;
        let from = self.alerts.lock().await.clone();
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT s.created_at, s.id, b.body FROM sessions s \
             JOIN session_bodies b ON b.id = s.rowid \
             WHERE s.created_at > ? OR (s.created_at = ? AND s.id > ?) \
             ORDER BY s.created_at, s.id LIMIT ?",
        )
        .bind(from.created_at)
        .bind(from.created_at)
        .bind(&from.id)
        .bind(READ_PER_ROUND)
        .fetch_all(ws.cache.pool())
        .await?;
        let Some((created_at, id, _)) = rows.last() else {
            return Ok(Vec::new());
        };
        *self.alerts.lock().await = AlertCursor {
            created_at: *created_at,
            id: id.clone(),
        };
        if !enabled(&ws).await? {
            return Ok(Vec::new());
        }
        let watched: HashSet<String> = sqlx::query_scalar("SELECT user_id FROM watchlist")
            .fetch_all(ws.cache.pool())
            .await?
            .into_iter()
            .collect();
        let mut out = Vec::new();
        for (_, id, body) in &rows {
            if own.as_deref() == Some(id.as_str()) {
                continue;
            }
            let s: Session = match serde_json::from_str(body) {
                Ok(s) => s,
                Err(e) => {
                    // One unreadable row must not stop the alerts of every other one.
                    tracing::warn!(session = %id, "an unreadable session in the cache: {e}");
                    continue;
                }
            };
            if s.status != sessiondesk_protocol::SessionStatus::Active {
                continue;
            }
            out.extend(alert_for(&s, watched.contains(&s.user.id)));
        }
        if out.len() > PER_ROUND {
            let left = out.split_off(PER_ROUND);
            out.push(Alert {
                session_id: left[0].session_id.clone(),
                user_id: left[0].user_id.clone(),
                title: format!("{} more sign-ins need a look", left.len()),
                body:
                    "Filter the sessions list by risk, or open the Alerts screen's watched users."
                        .into(),
                watched: left.iter().any(|a| a.watched),
                flags: Vec::new(),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sessiondesk_protocol::RiskFlag;

    fn session(flags: &[&str]) -> Session {
        let mut s: Session = serde_json::from_value(serde_json::json!({
            "id": "ses_1", "org_id": "org_1",
            "user": {"id": "usr_1", "username": "ada", "name": "Ada Lovelace", "role": "member"},
            "kind": "mobile", "login_method": "password",
            "app": {"name": "Mail", "version": null},
            "device": {"browser": null, "browser_version": null, "os": "iOS", "os_version": "18",
                       "model": "iPhone 15", "type": "mobile", "name": null},
            "language": null, "ip": "203.0.113.9",
            "location": {"city": "Singapore", "region": null, "country_code": "SG",
                         "lat": 1.29, "lon": 103.85, "timezone": null},
            "created_at": "2026-11-25T10:00:00Z", "last_seen_at": "2026-11-25T10:00:00Z",
            "idle_expires_at": null, "expires_at": null, "remember_me": false,
            "status": "active", "ended_at": null, "end_reason": null, "ended_by": null,
            "reason": null, "ticket": null, "risk": {"flags": []},
            "activity": {"requests": 0, "last_path": null}, "current": false
        }))
        .unwrap();
        s.risk.flags = flags
            .iter()
            .map(|k| RiskFlag {
                kind: (*k).into(),
                detail: format!("{k} in words"),
                evidence: serde_json::Value::Null,
            })
            .collect();
        s
    }

    #[test]
    fn high_risk_or_watched_sessions_are_worth_an_alert() {
        assert!(alert_for(&session(&[]), false).is_none());
        assert!(
            alert_for(&session(&["new_device", "stale"]), false).is_none(),
            "a new device alone is everyday"
        );
        let risky = alert_for(&session(&["new_device", "impossible_travel"]), false).unwrap();
        assert_eq!(risky.title, "Risky sign-in: Ada Lovelace");
        assert_eq!(
            risky.body,
            "impossible_travel in words. iPhone 15 · iOS 18 · Mail in Singapore, SG"
        );
        assert_eq!(risky.flags, ["impossible_travel"]);
        let watched = alert_for(&session(&[]), true).unwrap();
        assert_eq!(watched.title, "Ada Lovelace signed in");
        assert!(watched.watched && watched.flags.is_empty());
    }
}
