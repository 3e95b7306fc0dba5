//! The authority's one error type, answered over HTTP as RFC 9457 problem+json.
//!
//! Every variant maps to a stable `code`. Internal errors are logged with their cause and
//! answered with a generic message: database details never reach a client.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sessiondesk_protocol::{Problem, Session};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Unknown user or wrong password: one answer for both.
    #[error("the username or password is incorrect")]
    InvalidCredentials,
    #[error("this account is locked")]
    AccountLocked { until: Option<i64> },
    #[error("the password must be changed before signing in")]
    PasswordResetRequired,
    #[error("too many attempts; try again later")]
    RateLimited { retry_after_s: u64 },
    /// `ask` mode: the user picks sessions to end and resumes with the ticket.
    #[error("the session limit is reached; end a session to continue")]
    SessionLimit {
        login_ticket: sessiondesk_protocol::Secret,
        max_sessions: u32,
        sessions: Vec<Session>,
    },
    #[error("the session limit is reached and this organisation does not allow more")]
    SessionLimitDenied { max_sessions: u32 },
    #[error("the login ticket is unknown, used or expired")]
    InvalidTicket,
    #[error("authentication is required")]
    Unauthenticated,
    #[error("not found")]
    NotFound,
    /// Signed in, but the role does not allow this call.
    #[error("{0}")]
    Forbidden(String),
    #[error("this organisation's policy requires a reason for this action")]
    ReasonRequired,
    #[error("this Idempotency-Key was used for a different request")]
    IdempotencyKeyReused,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{0}")]
    Conflict(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn status(&self) -> StatusCode {
        match self {
            Error::InvalidCredentials | Error::Unauthenticated => StatusCode::UNAUTHORIZED,
            Error::AccountLocked { .. } => StatusCode::LOCKED,
            Error::PasswordResetRequired => StatusCode::FORBIDDEN,
            Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::SessionLimit { .. } | Error::SessionLimitDenied { .. } | Error::Conflict(_) => {
                StatusCode::CONFLICT
            }
            Error::InvalidTicket | Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::ReasonRequired | Error::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidCredentials => "invalid_credentials",
            Error::AccountLocked { .. } => "account_locked",
            Error::PasswordResetRequired => "password_reset_required",
            Error::RateLimited { .. } => "rate_limited",
            Error::SessionLimit { .. } => "session_limit",
            Error::SessionLimitDenied { .. } => "session_limit_denied",
            Error::InvalidTicket => "invalid_ticket",
            Error::Unauthenticated => "unauthenticated",
            Error::NotFound => "not_found",
            Error::Forbidden(_) => "forbidden",
            Error::ReasonRequired => "reason_required",
            Error::IdempotencyKeyReused => "idempotency_key_reused",
            Error::BadRequest(_) => "bad_request",
            Error::Unprocessable(_) => "validation_failed",
            Error::PayloadTooLarge(_) => "payload_too_large",
            Error::UnsupportedMediaType(_) => "unsupported_media_type",
            Error::MethodNotAllowed => "method_not_allowed",
            Error::Conflict(_) => "conflict",
            Error::Internal(_) => "internal",
        }
    }

    /// The problem body for this error.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        let mut extra = serde_json::Map::new();
        let detail = match self {
            Error::Internal(_) => "something went wrong on the server; it has been logged".into(),
            other => other.to_string(),
        };
        match self {
            Error::SessionLimit {
                login_ticket,
                max_sessions,
                sessions,
            } => {
                extra.insert("login_ticket".into(), login_ticket.expose().into());
                extra.insert("max_sessions".into(), (*max_sessions).into());
                extra.insert(
                    "sessions".into(),
                    serde_json::to_value(sessions).unwrap_or_default(),
                );
            }
            Error::SessionLimitDenied { max_sessions } => {
                extra.insert("max_sessions".into(), (*max_sessions).into());
            }
            Error::RateLimited { retry_after_s } => {
                extra.insert("retry_after_s".into(), (*retry_after_s).into());
            }
            Error::AccountLocked { until: Some(until) } => {
                let ts = sessiondesk_protocol::Timestamp::from_millis(*until);
                extra.insert("locked_until".into(), ts.to_string().into());
            }
            _ => {}
        }
        Problem {
            kind: format!("/problems/{}", self.code().replace('_', "-")),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            code: self.code().to_string(),
            detail: Some(detail),
            extra,
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::Internal(format!("database: {e}"))
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        Error::Internal(format!("migration: {e}"))
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Error::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let problem = self.problem();
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut res = (self.status(), body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Error::RateLimited { retry_after_s } = self {
            if let Ok(v) = HeaderValue::from_str(&retry_after_s.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
