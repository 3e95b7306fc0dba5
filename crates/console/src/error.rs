//! The console core's errors. At the UI boundary each is `{code, message}`: `code` is
//! stable (the server's problem code when the server answered), `message` is for people.

use serde::ser::SerializeStruct;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A call to the authority failed (its problem, or no answer).
    #[error(transparent)]
    Client(#[from] sessiondesk_client::Error),
    /// The profile has no credential (never signed in, signed out, or the keyring lost it).
    #[error("sign in to {0} again")]
    SignInRequired(String),
    /// No such profile.
    #[error("there is no profile {0:?}")]
    NoProfile(String),
    /// Input the console refuses (a duplicate profile name, an empty field, ...).
    #[error("{0}")]
    Invalid(String),
    /// The OS keyring refused or is missing.
    #[error("the system keyring: {0}")]
    Keyring(String),
    /// The offline cache (SQLite) failed.
    #[error("the offline cache: {0}")]
    Cache(String),
    /// Reading or writing the console's files.
    #[error("{0}")]
    Io(String),
    /// The signed-in role may not do this (checked before anything is queued).
    #[error("{0}")]
    Forbidden(String),
}

impl Error {
    /// A stable code for the UI.
    pub fn code(&self) -> &str {
        match self {
            Error::Client(e) => e.code(),
            Error::SignInRequired(_) => "sign_in_required",
            Error::NoProfile(_) => "no_profile",
            Error::Invalid(_) => "invalid",
            Error::Keyring(_) => "keyring",
            Error::Cache(_) => "cache",
            Error::Io(_) => "io",
            Error::Forbidden(_) => "forbidden",
        }
    }

    /// The server no longer takes the profile's token (or there is none): sign in again.
    pub fn needs_sign_in(&self) -> bool {
        match self {
            Error::SignInRequired(_) => true,
            Error::Client(e) => e.needs_sign_in(),
            _ => false,
        }
    }

    /// The authority could not be reached: the cache answers instead.
    pub fn is_offline(&self) -> bool {
        matches!(self, Error::Client(e) if e.is_offline())
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::Cache(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        Error::Cache(e.to_string())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Cache(format!("stored data: {e}"))
    }
}

/// `{code, message}`: how an error crosses to the UI.
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Error", 2)?;
        st.serialize_field("code", self.code())?;
        st.serialize_field("message", &self.to_string())?;
        st.end()
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
