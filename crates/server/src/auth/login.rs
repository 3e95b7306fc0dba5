//! Sign-in: credentials, locks, the concurrency limit (with its login ticket), risk flags.

use std::net::IpAddr;

use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use sessiondesk_protocol::{
    AppInfo, DeviceClaim, DeviceInfo, Location, LoginRequest, LoginResponse, OnLimit,
    ResumeRequest, Risk, SessionKind,
};

use super::failures::INVALID_CREDENTIALS;
use super::Authority;
use crate::enrich::client_ip::client_ip;
use crate::error::{Error, Result};
use crate::ids;
use crate::risk;
use crate::store::{
    Attempt, LiveRecord, NewSession, OpenOutcome, OpenPlan, Org, SessionRow, Ticket, User,
};
use crate::token;

/// Where a request came from: the socket peer and the headers.
#[derive(Clone)]
pub struct RequestCtx {
    pub peer: IpAddr,
    pub headers: HeaderMap,
}

/// Header names only: values include `Authorization` and cookies.
impl std::fmt::Debug for RequestCtx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestCtx")
            .field("peer", &self.peer)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The login held by a ticket while the user picks sessions to end.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    remember_me: bool,
    facts: Facts,
}

/// What is known about the client, as stored with the session and the login history.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Facts {
    ip: Option<String>,
    kind: SessionKind,
    app: AppInfo,
    device: DeviceInfo,
    language: Option<String>,
    location: Location,
}

const MAX_PASSWORD_BYTES: usize = 1024;
const MAX_NAME_BYTES: usize = 256;

impl Authority {
    fn facts(&self, ctx: &RequestCtx, claim: Option<&DeviceClaim>) -> (IpAddr, Facts) {
        let ip = client_ip(ctx.peer, &ctx.headers, &self.config.trusted_proxies);
        let f = self.enricher.facts(Some(ip), &ctx.headers, claim);
        (
            ip,
            Facts {
                ip: Some(ip.to_string()),
                kind: f.kind,
                app: f.app,
                device: f.device,
                language: f.language,
                location: f.location,
            },
        )
    }

    fn attempt(&self, org: &Org, user: Option<&User>, username: &str, facts: &Facts) -> Attempt {
        let now = self.now();
        Attempt {
            id: ids::new_id(ids::ATTEMPT, now),
            org_id: org.id.clone(),
            user_id: user.map(|u| u.id.clone()),
            username: username.to_string(),
            at: now,
            success: false,
            failure_reason: None,
            session_id: None,
            ip: facts.ip.clone(),
            location: facts.location.clone(),
            device: facts.device.clone(),
            app: facts.app.clone(),
        }
    }

    /// Answers a failed sign-in at once; its history row (and any lock it leads to) is
    /// written in the background, so the answer's timing says nothing about the account.
    async fn fail(
        &self,
        org: &Org,
        attempt: Attempt,
        reason: &'static str,
        err: Error,
    ) -> Result<LoginResponse> {
        let policy = (*self.policies.get(&org.id)).clone();
        self.failures
            .record(self.store.clone(), policy, attempt, reason)
            .await;
        Err(err)
    }

    /// `POST /v1/auth/login`
    pub async fn login(&self, req: LoginRequest, ctx: &RequestCtx) -> Result<LoginResponse> {
        let (ip, facts) = self.facts(ctx, req.device.as_ref());
        self.limiter
            .check(ip, self.now())
            .map_err(|retry_after_s| Error::RateLimited { retry_after_s })?;
        if req.org.is_empty() || req.org.len() > MAX_NAME_BYTES {
            return Err(Error::Unprocessable("org must be 1 to 256 bytes".into()));
        }
        if req.username.is_empty() || req.username.len() > MAX_NAME_BYTES {
            return Err(Error::Unprocessable(
                "username must be 1 to 256 bytes".into(),
            ));
        }
        if req.password.expose().len() > MAX_PASSWORD_BYTES {
            return Err(Error::Unprocessable(
                "password must be at most 1024 bytes".into(),
            ));
        }
        let mark = self.failures.mark();
        let org = self.store.org_by_slug(&req.org).await?;
        let user = match &org {
            Some(o) => self.store.find_user(&o.id, &req.username).await?,
            None => None,
        };
        // Always pay for one Argon2id verification so that unknown users, unknown orgs and
        // wrong passwords take the same time.
        let ok = self
            .passwords
            .verify(
                &req.password,
                user.as_ref().map(|u| u.password_hash.as_str()),
            )
            .await?;
        let Some(org) = org else {
            tracing::info!("login for an unknown org");
            return Err(Error::InvalidCredentials);
        };
        let attempt = self.attempt(&org, user.as_ref(), &req.username, &facts);
        let Some(user) = user else {
            return self
                .fail(
                    &org,
                    attempt,
                    INVALID_CREDENTIALS,
                    Error::InvalidCredentials,
                )
                .await;
        };
        // The account as it is now: failures may have locked it since it was read. (A lock
        // from anything else meanwhile is caught under the write lock when the session opens.)
        let user = if self.failures.settled(&user.id, mark).await {
            self.store.user(&user.id).await?.unwrap_or(user)
        } else {
            user
        };
        // A locked account answers 423 whatever the password: a guess made during the lock
        // must not learn whether it was right.
        if let Some(until) = user.lock_at(self.now()) {
            return self
                .fail(
                    &org,
                    attempt,
                    "account_locked",
                    Error::AccountLocked { until },
                )
                .await;
        }
        if !ok {
            return self
                .fail(
                    &org,
                    attempt,
                    INVALID_CREDENTIALS,
                    Error::InvalidCredentials,
                )
                .await;
        }
        if user.password_reset_required {
            return self
                .fail(
                    &org,
                    attempt,
                    "password_reset_required",
                    Error::PasswordResetRequired,
                )
                .await;
        }
        let remember = req.remember_me && self.policies.get(&org.id).remember_me_allowed;
        self.open(&org, &user, facts, remember, Vec::new(), attempt)
            .await
    }

    /// `POST /v1/auth/login/resume`: end the chosen sessions, then finish the held login.
    pub async fn resume(&self, req: ResumeRequest, ctx: &RequestCtx) -> Result<LoginResponse> {
        let (ip, _) = self.facts(ctx, None);
        let now = self.now();
        self.limiter
            .check(ip, now)
            .map_err(|retry_after_s| Error::RateLimited { retry_after_s })?;
        let ticket = self
            .store
            .take_ticket(&token::hash(req.login_ticket.expose()), now)
            .await?
            .ok_or(Error::InvalidTicket)?;
        let pending: Pending = serde_json::from_str(&ticket.pending)
            .map_err(|e| Error::Internal(format!("stored login ticket: {e}")))?;
        let user = self
            .store
            .user(&ticket.user_id)
            .await?
            .ok_or(Error::InvalidTicket)?;
        let org = self
            .store
            .org(&ticket.org_id)
            .await?
            .ok_or(Error::InvalidTicket)?;
        let attempt = self.attempt(&org, Some(&user), &user.username, &pending.facts);
        if let Some(until) = user.lock_at(now) {
            return self
                .fail(
                    &org,
                    attempt,
                    "account_locked",
                    Error::AccountLocked { until },
                )
                .await;
        }
        let end_first = match req.end_session_ids {
            Some(ids) => ids,
            None => {
                self.settle_user(&org.id, &user.id).await?;
                // Oldest first, as many as needed to make room for the new session.
                let max = self.policies.get(&org.id).max_sessions.unwrap_or(u32::MAX) as usize;
                let mut active = self.store.user_sessions(&user.id, true).await?;
                active.sort_by_key(|s| s.created_at);
                let excess = (active.len() + 1).saturating_sub(max);
                active.into_iter().take(excess).map(|s| s.id).collect()
            }
        };
        self.open(
            &org,
            &user,
            pending.facts,
            pending.remember_me,
            end_first,
            attempt,
        )
        .await
    }

    /// Opens the session under the policy, or answers the session-limit problem.
    async fn open(
        &self,
        org: &Org,
        user: &User,
        facts: Facts,
        remember_me: bool,
        end_first: Vec<String>,
        mut attempt: Attempt,
    ) -> Result<LoginResponse> {
        let policy = self.policies.get(&org.id);
        if policy.max_sessions.is_some() {
            // Sessions past their deadline must not count against the limit.
            self.settle_user(&org.id, &user.id).await?;
        }
        let now = self.now();
        let history = self.store.risk_history(&user.id, 50).await?;
        let flags = risk::assess(
            risk::Login {
                at: now,
                location: &facts.location,
                device: &facts.device,
            },
            &history,
        );
        let secret = token::generate(token::SESSION_PREFIX);
        let token_hash = token::hash(secret.expose());
        let session = NewSession {
            id: ids::new_id(ids::SESSION, now),
            org_id: org.id.clone(),
            user_id: user.id.clone(),
            token_hash,
            kind: facts.kind,
            login_method: "password".into(),
            app: facts.app.clone(),
            device: facts.device.clone(),
            language: facts.language.clone(),
            ip: facts.ip.clone(),
            location: facts.location.clone(),
            created_at: now,
            remember_me,
            risk: Risk { flags },
        };
        let mut ok_attempt = attempt.clone();
        ok_attempt.success = true;
        ok_attempt.session_id = Some(session.id.clone());
        let plan = OpenPlan {
            session,
            attempt: ok_attempt,
            max_sessions: policy.max_sessions,
            on_limit: policy.on_limit,
            end_first,
            actor: user.id.clone(),
        };
        let outcome = match self.store.open_session(&plan).await {
            Ok(o) => o,
            Err(e @ Error::AccountLocked { .. }) => {
                return self.fail(org, attempt, "account_locked", e).await
            }
            Err(e @ Error::PasswordResetRequired) => {
                return self.fail(org, attempt, "password_reset_required", e).await
            }
            Err(e) => return Err(e),
        };
        match outcome {
            OpenOutcome::Opened { evicted, row_key } => {
                self.forget(evicted);
                self.live.insert(&LiveRecord {
                    id: plan.session.id.clone(),
                    row_key,
                    org_id: org.id.clone(),
                    user_id: user.id.clone(),
                    username: user.username.clone(),
                    token_hash,
                    created_at: now,
                    last_seen_at: now,
                    remember_me,
                });
                let row = SessionRow::from_new(&plan.session, user);
                Ok(LoginResponse {
                    token: secret,
                    session: row.to_api(&policy, now, now),
                })
            }
            OpenOutcome::LimitReached { active, evicted } => {
                self.forget(evicted);
                let max_sessions = policy.max_sessions.unwrap_or(0);
                attempt.failure_reason = Some("session_limit".into());
                self.store.record_attempt(&attempt).await?;
                if policy.on_limit == OnLimit::Deny {
                    return Err(Error::SessionLimitDenied { max_sessions });
                }
                let ticket = token::generate(token::TICKET_PREFIX);
                let pending = Pending { remember_me, facts };
                self.store
                    .put_ticket(&Ticket {
                        hash: token::hash(ticket.expose()),
                        org_id: org.id.clone(),
                        user_id: user.id.clone(),
                        pending: serde_json::to_string(&pending)
                            .map_err(|e| Error::Internal(e.to_string()))?,
                        expires_at: now + self.config.ticket_ttl.as_millis() as i64,
                    })
                    .await?;
                let sessions = active.iter().map(|s| self.view(s, &policy, now)).collect();
                Err(Error::SessionLimit {
                    login_ticket: ticket,
                    max_sessions,
                    sessions,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_context_never_shows_header_values() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer sd_secret".parse().unwrap());
        headers.insert("cookie", "sid=hunter2".parse().unwrap());
        let ctx = RequestCtx {
            peer: IpAddr::from([127, 0, 0, 1]),
            headers,
        };
        let shown = format!("{ctx:?}");
        assert!(shown.contains("authorization"), "{shown}");
        assert!(
            !shown.contains("sd_secret") && !shown.contains("hunter2"),
            "{shown}"
        );
    }
}
