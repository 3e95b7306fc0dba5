//! The lost or stolen device flow: a user's sessions grouped by device, one action that
//! contains the device (or every device, with a lock and a password reset), and a receipt
//! that proves it: the server's revocation time of each session, each read back from the
//! server as ended, and the time from the confirm to the last of them.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use sessiondesk_protocol::{
    AdminUser, LoginAttempt, Session, SessionKind, SessionQuery, SessionStatus, StatusFilter,
    Timestamp,
};
use ts_rs::TS;

use super::actions::ActionForm;
use super::directory::LoginFilter;
use super::export::{line, safe, stamp, CsvExport};
use super::{now_ms, App};
use crate::error::{Error, Result};
use crate::outbox::State;
use crate::view::ActionState;

/// Sessions shown as "what they did" in the flow.
const RECENT_SESSIONS: i64 = 20;
/// Sign-ins shown in the flow.
const RECENT_LOGINS: u32 = 10;

/// One device of a user: their active sessions on the same model and OS (or, when the
/// model is not known, the same browser and OS), whatever app they were opened in: a lost
/// phone takes its mail app and its browser with it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DeviceGroup {
    /// Stable while the sessions last: picks the device in the form.
    pub key: String,
    /// The model when known ("iPhone 15"), else the browser ("Firefox 128").
    pub label: String,
    /// "iOS 18", "Windows 11".
    pub os: Option<String>,
    /// The apps and clients signed in on it.
    pub apps: Vec<String>,
    pub kind: SessionKind,
    pub last_seen_at: Timestamp,
    /// Where its latest session was used from.
    pub place: Option<String>,
    /// Its active sessions, the latest first.
    pub sessions: Vec<Session>,
}

/// What the flow shows once the user is found.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UserDevices {
    pub user: AdminUser,
    /// The devices with active sessions, the most recently used first.
    pub devices: Vec<DeviceGroup>,
    /// Their sessions, active or not, the most recently used first: what to review after a
    /// compromise (requests made, last page, where from).
    pub recent_sessions: Vec<Session>,
    /// Their latest sign-ins and failures.
    pub recent_logins: Vec<LoginAttempt>,
}

/// The flow's confirmation.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ContainForm {
    pub user_id: String,
    /// The chosen device's sessions; `None` ends every session of the user.
    pub session_ids: Option<Vec<String>>,
    /// Lock the account: ends every session (whatever `session_ids` says) and blocks sign-in.
    pub lock: bool,
    /// With the lock: the next sign-in needs a new password.
    pub require_password_reset: bool,
    pub reason: Option<String>,
    pub ticket: Option<String>,
}

/// One session in the receipt.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RevocationCheck {
    pub session_id: String,
    /// The device in words, from the offline copy.
    pub device: String,
    /// When the server ended it (its receipt).
    pub revoked_at: Timestamp,
    /// When the server was asked for the session afterwards.
    pub checked_at: Option<Timestamp>,
    /// The server reads the session as ended: its token is rejected from now on.
    pub rejected: bool,
    /// What the check found when it was not ended (or could not ask).
    pub problem: Option<String>,
}

/// Proof of what the flow did, to keep with the ticket.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ContainReceipt {
    /// The outbox entry (and Idempotency-Key) of the action.
    pub id: String,
    /// The action as the server's audit trail records it (`session.ended`, `user.locked`).
    pub audit_action: Option<String>,
    pub user_id: String,
    pub username: String,
    /// What was done, in words.
    pub description: String,
    pub state: ActionState,
    /// The server's refusal, why it waits, or that some sessions had already ended.
    pub error: Option<String>,
    pub locked: bool,
    pub password_reset_required: bool,
    pub reason: Option<String>,
    pub ticket: Option<String>,
    pub confirmed_at: Timestamp,
    pub sessions: Vec<RevocationCheck>,
    /// Milliseconds from the confirm to the last session read back as ended; absent
    /// until every one of them is.
    pub total_ms: Option<u64>,
}

/// Which export of a receipt.
#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptFormat {
    Json,
    Csv,
}

fn joined(parts: [&Option<String>; 2]) -> Option<String> {
    let s: Vec<&str> = parts.iter().filter_map(|p| p.as_deref()).collect();
    (!s.is_empty()).then(|| s.join(" "))
}

/// The device a session was used on, in words: "iPhone 15 · iOS 18 · Mail".
pub fn device_words(s: &Session) -> String {
    let (label, os) = device_label(s);
    [Some(label), os, s.app.name.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
}

fn device_label(s: &Session) -> (String, Option<String>) {
    let d = &s.device;
    let label = d
        .model
        .clone()
        .or_else(|| joined([&d.browser, &d.browser_version]))
        .or_else(|| s.app.name.clone())
        .unwrap_or_else(|| "Unknown device".into());
    (label, joined([&d.os, &d.os_version]))
}

/// Which device a session was used on: the model and OS, or the browser and OS.
pub fn device_key(s: &Session) -> String {
    let d = &s.device;
    let part = |v: &Option<String>| v.as_deref().unwrap_or("").to_lowercase();
    match &d.model {
        Some(model) => format!("model|{}|{}", model.to_lowercase(), part(&d.os)),
        None => format!("browser|{}|{}", part(&d.browser), part(&d.os)),
    }
}

/// Active sessions grouped by device, the most recently used device first.
pub fn group_by_device(sessions: &[Session]) -> Vec<DeviceGroup> {
    let mut groups: Vec<DeviceGroup> = Vec::new();
    let mut active: Vec<&Session> = sessions
        .iter()
        .filter(|s| s.status == SessionStatus::Active)
        .collect();
    active.sort_by_key(|s| std::cmp::Reverse(s.last_seen_at));
    for s in active {
        let key = device_key(s);
        match groups.iter_mut().find(|g| g.key == key) {
            Some(g) => {
                if let Some(app) = &s.app.name {
                    if !g.apps.contains(app) {
                        g.apps.push(app.clone());
                    }
                }
                g.sessions.push(s.clone());
            }
            None => {
                let (label, os) = device_label(s);
                let place = [&s.location.city, &s.location.country_code]
                    .iter()
                    .filter_map(|v| v.as_deref())
                    .collect::<Vec<_>>()
                    .join(", ");
                groups.push(DeviceGroup {
                    key,
                    label,
                    os,
                    apps: s.app.name.iter().cloned().collect(),
                    kind: s.kind,
                    last_seen_at: s.last_seen_at,
                    place: (!place.is_empty()).then_some(place),
                    sessions: vec![s.clone()],
                });
            }
        }
    }
    groups
}

/// The receipt as CSV: one line per session, with the action's facts on each.
pub fn receipt_csv(r: &ContainReceipt) -> String {
    let mut out = line([
        "receipt",
        "audit_action",
        "user",
        "action",
        "reason",
        "ticket",
        "confirmed_at",
        "session_id",
        "device",
        "revoked_at",
        "checked_at",
        "rejected",
        "total_ms",
    ]);
    let total = r.total_ms.map(|t| t.to_string()).unwrap_or_default();
    let confirmed = r.confirmed_at.to_string();
    for s in &r.sessions {
        let revoked = s.revoked_at.to_string();
        let checked = s.checked_at.map(|t| t.to_string()).unwrap_or_default();
        out.push_str(&line([
            r.id.as_str(),
            r.audit_action.as_deref().unwrap_or(""),
            r.username.as_str(),
            r.description.as_str(),
            r.reason.as_deref().unwrap_or(""),
            r.ticket.as_deref().unwrap_or(""),
            confirmed.as_str(),
            s.session_id.as_str(),
            s.device.as_str(),
            revoked.as_str(),
            checked.as_str(),
            if s.rejected { "yes" } else { "no" },
            total.as_str(),
        ]));
    }
    out
}

impl App {
    /// The user, their devices and what to review, from the offline copy.
    pub async fn user_devices(&self, user_id: &str) -> Result<UserDevices> {
        let ws = self.workspace().await?;
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_optional(ws.cache.pool())
            .await?;
        let user: AdminUser = serde_json::from_str(
            &body.ok_or_else(|| Error::Invalid(format!("no user {user_id} in this org")))?,
        )?;
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT b.body FROM sessions s JOIN session_bodies b ON b.id = s.rowid \
             WHERE s.user_id = ? ORDER BY s.status = 'active' DESC, s.last_seen_at DESC",
        )
        .bind(user_id)
        .fetch_all(ws.cache.pool())
        .await?;
        let mut sessions = bodies
            .iter()
            .map(|b| serde_json::from_str(b))
            .collect::<std::result::Result<Vec<Session>, _>>()?;
        let devices = group_by_device(&sessions);
        sessions.sort_by_key(|s| std::cmp::Reverse(s.last_seen_at));
        sessions.truncate(RECENT_SESSIONS as usize);
        let recent_logins = self
            .logins(LoginFilter {
                user_id: Some(user_id.to_string()),
                limit: RECENT_LOGINS,
                ..LoginFilter::default()
            })
            .await?
            .items;
        Ok(UserDevices {
            user,
            devices,
            recent_sessions: sessions,
            recent_logins,
        })
    }

    /// Ends the device's sessions (or all, or locks), then asks the server for every
    /// ended session until each reads `ended`. Offline, the action waits in the outbox and
    /// the receipt says so.
    pub async fn contain(&self, form: ContainForm) -> Result<ContainReceipt> {
        let started = Instant::now();
        let confirmed_at = Timestamp::from_millis(now_ms());
        if form.session_ids.as_ref().is_some_and(Vec::is_empty) && !form.lock {
            return Err(Error::Invalid("choose a device or every session".into()));
        }
        let action = if form.lock {
            ActionForm::Lock {
                user_id: form.user_id.clone(),
                reason: form.reason.clone(),
                ticket: form.ticket.clone(),
                require_password_reset: form.require_password_reset,
            }
        } else {
            ActionForm::EndUserSessions {
                user_id: form.user_id.clone(),
                session_ids: form.session_ids.clone(),
                reason: form.reason.clone(),
                ticket: form.ticket.clone(),
            }
        };
        let devices = self.user_devices(&form.user_id).await?;
        let mut action = action;
        if let (
            ActionForm::EndUserSessions {
                session_ids: Some(ids),
                ..
            },
            Some(more),
        ) = (
            &mut action,
            self.same_device_on_server(&form, &devices).await,
        ) {
            // Sessions opened on that device since the last sync end with it.
            for id in more {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        let asked = match &action {
            ActionForm::EndUserSessions {
                session_ids: Some(ids),
                ..
            } => Some(ids.len()),
            _ => None,
        };
        let (ws, queued) = self.take_action(action).await?;
        let receipt = queued.receipt.clone();
        let ended = receipt
            .as_ref()
            .map(|r| r.receipts.clone())
            .unwrap_or_default();
        // Every ended session asked for at once: the proof is only as fast as the slowest.
        let checks = futures::future::join_all(ended.iter().map(|r| {
            let client = ws.client.clone();
            async move {
                let got = client.session(&r.session_id).await;
                (Timestamp::from_millis(now_ms()), got)
            }
        }))
        .await;
        let device_of = |id: &str| {
            devices
                .devices
                .iter()
                .flat_map(|g| g.sessions.iter())
                .chain(devices.recent_sessions.iter())
                .find(|s| s.id == id)
                .map(device_words)
                .unwrap_or_default()
        };
        let sessions: Vec<RevocationCheck> = ended
            .iter()
            .zip(checks)
            .map(|(r, (checked_at, got))| {
                let (rejected, problem) = match got {
                    Ok(s) if s.status != SessionStatus::Active => (true, None),
                    Ok(_) => (
                        false,
                        Some("the server still reads it as active".to_string()),
                    ),
                    Err(e) => (false, Some(e.to_string())),
                };
                RevocationCheck {
                    session_id: r.session_id.clone(),
                    device: device_of(&r.session_id),
                    revoked_at: r.revoked_at,
                    checked_at: Some(checked_at),
                    rejected,
                    problem,
                }
            })
            .collect();
        let all_rejected = queued.state == State::Sent
            && !sessions.is_empty()
            && sessions.iter().all(|s| s.rejected);
        let fewer = asked
            .filter(|&n| queued.state == State::Sent && sessions.len() < n)
            .map(|n| {
                format!(
                    "{} of the {n} sessions had already ended",
                    n - sessions.len()
                )
            });
        let description = match (form.lock, &form.session_ids) {
            (true, _) if form.require_password_reset => {
                "Lock the account, require a password reset and end every session"
            }
            (true, _) => "Lock the account and end every session",
            (false, Some(_)) => "End the device's sessions",
            (false, None) => "End every session",
        };
        let typed = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        Ok(ContainReceipt {
            id: queued.id.clone(),
            audit_action: receipt.as_ref().map(|r| r.action.clone()),
            user_id: form.user_id,
            username: devices.user.username,
            description: description.to_string(),
            state: ActionState::of(queued.state),
            error: queued.error.as_ref().map(|e| e.message.clone()).or(fewer),
            locked: form.lock && queued.state == State::Sent,
            password_reset_required: form.lock
                && form.require_password_reset
                && queued.state == State::Sent,
            reason: typed(&form.reason),
            ticket: typed(&form.ticket),
            confirmed_at,
            sessions,
            total_ms: all_rejected.then(|| started.elapsed().as_millis() as u64),
        })
    }

    /// The chosen device's sessions as the server knows them now, when it answers: the
    /// offline copy may not have the one opened a minute ago.
    async fn same_device_on_server(
        &self,
        form: &ContainForm,
        devices: &UserDevices,
    ) -> Option<Vec<String>> {
        let chosen = form.session_ids.as_ref()?;
        let keys: Vec<String> = devices
            .devices
            .iter()
            .flat_map(|g| g.sessions.iter())
            .filter(|s| chosen.contains(&s.id))
            .map(device_key)
            .collect();
        let ws = self.workspace().await.ok()?;
        let page = ws
            .client
            .sessions(&SessionQuery {
                user_id: vec![form.user_id.clone()],
                status: Some(StatusFilter::Active),
                limit: Some(500),
                ..SessionQuery::default()
            })
            .await
            .ok()?;
        Some(
            page.items
                .iter()
                .filter(|s| keys.contains(&device_key(s)))
                .map(|s| s.id.clone())
                .collect(),
        )
    }

    /// Saves a receipt as JSON or CSV in the Downloads folder.
    pub async fn export_receipt(
        &self,
        receipt: ContainReceipt,
        format: ReceiptFormat,
    ) -> Result<CsvExport> {
        let (contents, ext) = match format {
            ReceiptFormat::Json => (serde_json::to_string_pretty(&receipt)?, "json"),
            ReceiptFormat::Csv => (receipt_csv(&receipt), "csv"),
        };
        let name = format!(
            "sessiondesk-receipt-{}-{}.{ext}",
            safe(&receipt.username),
            stamp()
        );
        let path = self.write_export(name, contents).await?;
        Ok(CsvExport {
            path: path.display().to_string(),
            rows: receipt.sessions.len() as u64,
        })
    }
}
