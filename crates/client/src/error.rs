//! What can go wrong talking to an authority, with a stable `code` for each case.

use sessiondesk_protocol::Problem;

/// A failed call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server URL cannot be used (malformed, or `http://` to a host other than loopback).
    #[error("{0}")]
    InvalidUrl(String),
    /// The authority answered with an RFC 9457 problem.
    #[error("{} ({})", .0.detail.as_deref().unwrap_or(&.0.title), .0.code)]
    Api(Box<Problem>),
    /// No answer: connection refused, DNS, TLS or a dropped connection.
    #[error("cannot reach the server: {0}")]
    Unreachable(String),
    /// The server did not answer in time.
    #[error("the server did not answer in time")]
    Timeout,
    /// A request this client cannot put into words (a query that does not serialise).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// An answer this client does not understand (not the contract's shape).
    #[error("unexpected answer from the server: {0}")]
    BadResponse(String),
}

impl Error {
    /// A stable code for programs and the UI: the problem's `code`, or one of
    /// `invalid_url`, `unreachable`, `timeout`, `invalid_request`, `bad_response`.
    pub fn code(&self) -> &str {
        match self {
            Error::InvalidUrl(_) => "invalid_url",
            Error::Api(p) => &p.code,
            Error::Unreachable(_) => "unreachable",
            Error::Timeout => "timeout",
            Error::InvalidRequest(_) => "invalid_request",
            Error::BadResponse(_) => "bad_response",
        }
    }

    /// The HTTP status of a problem answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(p) => Some(p.status),
            _ => None,
        }
    }

    /// The problem answer, if the server gave one.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::Api(p) => Some(p),
            _ => None,
        }
    }

    /// The server could not be reached: work from the cache and try again later.
    pub fn is_offline(&self) -> bool {
        matches!(self, Error::Unreachable(_) | Error::Timeout)
    }

    /// The credential is no longer good (expired, revoked or never valid): sign in again.
    pub fn needs_sign_in(&self) -> bool {
        self.status() == Some(401)
    }

    /// Worth trying again unchanged: no answer, or the server said it is overloaded or
    /// restarting (429, 502, 503, 504).
    pub(crate) fn is_transient(&self) -> bool {
        self.is_offline() || matches!(self.status(), Some(429 | 502 | 503 | 504))
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            Error::Timeout
        } else if e.is_decode() {
            Error::BadResponse(e.to_string())
        } else {
            // Without the URL: it is known to the caller, and errors end up in logs.
            Error::Unreachable(e.without_url().to_string())
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
