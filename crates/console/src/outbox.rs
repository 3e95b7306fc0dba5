//! The outbox: every action (end a session, end a user's sessions, lock, unlock, end all
//! team sessions) is committed to the cache with its Idempotency-Key before it is sent.
//! Sending again after a crash, a timeout or a server restart replays the server's first
//! answer instead of acting twice.

use serde::{Deserialize, Serialize};
use sessiondesk_client::Client;
use sessiondesk_protocol::{ActionReceipt, ActionRequest, LockRequest, RevokeSessionsRequest};
use sqlx::SqlitePool;

use crate::cache::Cache;
use crate::error::{Error, Result};

/// An action and its target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    RevokeSession {
        session_id: String,
        request: ActionRequest,
    },
    RevokeUserSessions {
        user_id: String,
        request: RevokeSessionsRequest,
    },
    Lock {
        user_id: String,
        request: LockRequest,
    },
    Unlock {
        user_id: String,
        request: ActionRequest,
    },
    RevokeAll {
        request: ActionRequest,
    },
}

/// Where a queued action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Not confirmed by the server yet (never sent, or no answer).
    Pending,
    /// The server carried it out; its receipt is kept.
    Sent,
    /// The server refused it (e.g. the session is gone, or the role may not); not retried.
    Failed,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Sent => "sent",
            State::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "pending" => Ok(State::Pending),
            "sent" => Ok(State::Sent),
            "failed" => Ok(State::Failed),
            other => Err(Error::Cache(format!("unknown outbox state {other:?}"))),
        }
    }
}

/// The server's refusal, as shown next to a failed action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub code: String,
    pub message: String,
}

/// One action in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Queued {
    /// Also the Idempotency-Key it is sent with.
    pub id: String,
    pub created_at: i64,
    pub action: Action,
    pub state: State,
    pub attempts: i64,
    /// The last failure: the server's refusal (failed), or why it could not be sent yet.
    pub error: Option<Refusal>,
    pub receipt: Option<ActionReceipt>,
    pub sent_at: Option<i64>,
}

/// What a round of sending did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Sent {
    pub sent: usize,
    pub failed: usize,
    /// Left pending because the server could not be reached (or was overloaded).
    pub pending: usize,
}

/// The outbox of one profile's cache.
#[derive(Clone)]
pub struct Outbox {
    pool: SqlitePool,
    /// One sender at a time: the window's action and the sync coming back live both send,
    /// and an action must not be in flight twice (its key would make the second a replay,
    /// but its attempts would count double).
    sending: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl Outbox {
    pub fn new(cache: &Cache) -> Self {
        Outbox {
            pool: cache.pool().clone(),
            sending: Default::default(),
        }
    }

    /// Commits an action as pending; it is sent by [`Outbox::send_pending`].
    pub async fn enqueue(&self, action: Action, now: i64) -> Result<Queued> {
        let id = format!("act_{}", ulid::Ulid::new().to_string().to_lowercase());
        sqlx::query(
            "INSERT INTO outbox (id, created_at, action, state) VALUES (?, ?, ?, 'pending')",
        )
        .bind(&id)
        .bind(now)
        .bind(serde_json::to_string(&action)?)
        .execute(&self.pool)
        .await?;
        self.get(&id).await
    }

    pub async fn get(&self, id: &str) -> Result<Queued> {
        let row: Row = sqlx::query_as(&format!("{SELECT} WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::Invalid(format!("no queued action {id}")))?;
        row.into_queued()
    }

    /// Every action, oldest first.
    pub async fn list(&self) -> Result<Vec<Queued>> {
        let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} ORDER BY created_at, id"))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(Row::into_queued).collect()
    }

    /// Sends the pending actions in the order they were taken. Stops at the first one
    /// the server cannot take now (unreachable, overloaded): they stay pending, in order.
    pub async fn send_pending(&self, client: &Client, now: i64) -> Result<Sent> {
        let _one_sender = self.sending.lock().await;
        let mut out = Sent::default();
        let pending: Vec<Row> = sqlx::query_as(&format!(
            "{SELECT} WHERE state = 'pending' ORDER BY created_at, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        let total = pending.len();
        for row in pending {
            let q = row.into_queued()?;
            sqlx::query("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?")
                .bind(&q.id)
                .execute(&self.pool)
                .await?;
            match send(client, &q).await {
                Ok(receipt) => {
                    sqlx::query(
                        "UPDATE outbox SET state = 'sent', receipt = ?, sent_at = ?, \
                         error_code = NULL, error = NULL WHERE id = ?",
                    )
                    .bind(serde_json::to_string(&receipt)?)
                    .bind(now)
                    .bind(&q.id)
                    .execute(&self.pool)
                    .await?;
                    out.sent += 1;
                }
                Err(e) => {
                    let retry = e.is_offline() || matches!(e.status(), Some(429 | 502 | 503 | 504));
                    let state = if retry { State::Pending } else { State::Failed };
                    sqlx::query(
                        "UPDATE outbox SET state = ?, error_code = ?, error = ? WHERE id = ?",
                    )
                    .bind(state.as_str())
                    .bind(e.code())
                    .bind(e.to_string())
                    .bind(&q.id)
                    .execute(&self.pool)
                    .await?;
                    if retry {
                        out.pending = total - out.sent - out.failed;
                        return Ok(out);
                    }
                    out.failed += 1;
                }
            }
        }
        Ok(out)
    }
}

async fn send(c: &Client, q: &Queued) -> sessiondesk_client::Result<ActionReceipt> {
    let key = Some(q.id.as_str());
    match &q.action {
        Action::RevokeSession {
            session_id,
            request,
        } => c.revoke_session(session_id, request, key).await,
        Action::RevokeUserSessions { user_id, request } => {
            c.revoke_user_sessions(user_id, request, key).await
        }
        Action::Lock { user_id, request } => c.lock_user(user_id, request, key).await,
        Action::Unlock { user_id, request } => c.unlock_user(user_id, request, key).await,
        Action::RevokeAll { request } => c.revoke_all(request, key).await,
    }
}

const SELECT: &str = "SELECT id, created_at, action, state, attempts, error_code, error, \
    receipt, sent_at FROM outbox";

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    created_at: i64,
    action: String,
    state: String,
    attempts: i64,
    error_code: Option<String>,
    error: Option<String>,
    receipt: Option<String>,
    sent_at: Option<i64>,
}

impl Row {
    fn into_queued(self) -> Result<Queued> {
        Ok(Queued {
            action: serde_json::from_str(&self.action)?,
            state: State::parse(&self.state)?,
            error: self.error_code.map(|code| Refusal {
                code,
                message: self.error.unwrap_or_default(),
            }),
            receipt: self
                .receipt
                .as_deref()
                .map(serde_json::from_str)
                .transpose()?,
            id: self.id,
            created_at: self.created_at,
            attempts: self.attempts,
            sent_at: self.sent_at,
        })
    }
}
