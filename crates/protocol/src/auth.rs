//! Product-facing sign-in, sign-out and token introspection.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{RevocationReceipt, Secret, Session};

/// What a mobile or desktop app knows about itself better than a User-Agent says.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceClaim {
    pub app_name: Option<String>,
    pub app_version: Option<String>,
    pub device_name: Option<String>,
    pub device_model: Option<String>,
    pub os: Option<String>,
    pub os_version: Option<String>,
    pub language: Option<String>,
}

/// `POST /v1/auth/login`
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The organisation's slug.
    #[schema(min_length = 1, max_length = 256)]
    pub org: String,
    #[schema(min_length = 1, max_length = 256)]
    pub username: String,
    #[serde(serialize_with = "Secret::serialize_exposed")]
    #[schema(value_type = String, format = Password)]
    pub password: Secret,
    #[serde(default)]
    pub remember_me: bool,
    /// When present (mobile and desktop apps), wins over the User-Agent.
    pub device: Option<DeviceClaim>,
}

/// 201 answer of a successful login. The token is shown here once and never again.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    #[serde(serialize_with = "Secret::serialize_exposed")]
    pub token: Secret,
    pub session: Session,
}

/// `POST /v1/auth/login/resume`: end these sessions, then finish the login the ticket holds.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResumeRequest {
    #[serde(serialize_with = "Secret::serialize_exposed")]
    #[schema(value_type = String)]
    pub login_ticket: Secret,
    /// Sessions to end; when absent, the oldest ones are ended until the new one fits.
    pub end_session_ids: Option<Vec<String>>,
}

/// One page of a list: `{items, next_cursor, total, total_exact}`. `next_cursor` is absent
/// on the last page; `total` counts the rows that match, not only this page's, exactly up
/// to 1,000: past that it is 1,000 and `total_exact` is false.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    pub total: u64,
    #[serde(default = "exact")]
    pub total_exact: bool,
}

fn exact() -> bool {
    true
}

impl<T> Page<T> {
    /// A list that fits in one page.
    pub fn whole(items: Vec<T>) -> Self {
        let total = items.len() as u64;
        Self {
            items,
            next_cursor: None,
            total,
            total_exact: true,
        }
    }
}

/// Answer of `POST /v1/auth/sessions/revoke-others`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RevokeResult {
    pub ended: usize,
    pub receipts: Vec<RevocationReceipt>,
}

/// RFC 7662 introspection answer. Inactive tokens answer only `{"active": false}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Introspection {
    pub active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Unix seconds when the session ends at the latest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    /// Unix seconds when the session was created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
}

/// Form body of `POST /oauth2/introspect` and `POST /oauth2/revoke`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenForm {
    #[serde(serialize_with = "Secret::serialize_exposed")]
    #[schema(value_type = String)]
    pub token: Secret,
    pub token_type_hint: Option<String>,
}
