//! Extractors whose rejections are problem+json with a stable code, never axum's plain text.

use std::net::SocketAddr;

use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

use sessiondesk_protocol::Role;

use super::AppState;
use crate::auth::{Actor, RequestCtx};
use crate::error::Error;
use crate::roles::{allows, Permission};

fn rejection(status: StatusCode, text: String, limit: usize) -> Error {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => Error::PayloadTooLarge(limit),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Error::UnsupportedMediaType(text),
        StatusCode::UNPROCESSABLE_ENTITY => Error::Unprocessable(text),
        _ => Error::BadRequest(text),
    }
}

/// A JSON body.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(e) => Err(json_rejection(e)),
        }
    }
}

fn json_rejection(e: JsonRejection) -> Error {
    rejection(e.status(), e.body_text(), 64 * 1024)
}

/// A `application/x-www-form-urlencoded` body.
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(Form(v)),
            Err(e) => Err(form_rejection(e)),
        }
    }
}

fn form_rejection(e: FormRejection) -> Error {
    rejection(e.status(), e.body_text(), 64 * 1024)
}

/// Path parameters.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(e) => Err(path_rejection(e)),
        }
    }
}

fn path_rejection(e: PathRejection) -> Error {
    match e.status() {
        s if s.is_server_error() => Error::Internal(e.body_text()),
        _ => Error::BadRequest(e.body_text()),
    }
}

/// The `Authorization: Bearer` credential, if any.
pub struct Bearer(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, rest) = v.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| rest.trim().to_string())
            })
            .filter(|t| !t.is_empty());
        Ok(Bearer(value))
    }
}

/// The socket peer and headers, for client IP, device and place.
pub struct Ctx(pub RequestCtx);

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(std::net::IpAddr::from([127, 0, 0, 1]));
        Ok(Ctx(RequestCtx {
            peer,
            headers: parts.headers.clone(),
        }))
    }
}

/// Query parameters, with repeated keys (`user_id=a&user_id=b`) as lists.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or_default();
        serde_html_form::from_str(q)
            .map(Query)
            .map_err(|e| Error::BadRequest(format!("invalid query: {e}")))
    }
}

/// The `Idempotency-Key` header of a mutating admin call, if any.
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(v) = parts.headers.get("idempotency-key") else {
            return Ok(IdempotencyKey(None));
        };
        let key = v
            .to_str()
            .ok()
            .map(str::trim)
            .filter(|k| (1..=255).contains(&k.len()))
            .ok_or_else(|| {
                Error::BadRequest("Idempotency-Key must be 1 to 255 visible characters".into())
            })?;
        Ok(IdempotencyKey(Some(key.to_string())))
    }
}

/// The signed-in admin: a session whose user has an admin role. Members are refused here;
/// each handler then checks its own permission.
pub struct Admin(pub Actor);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Bearer(token) = Bearer::from_request_parts(parts, state).await?;
        let me = state
            .authenticate(token.as_deref(), parts.uri.path())
            .await?;
        let user = state
            .store
            .user(&me.user_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        if user.role == Role::Member {
            return Err(Error::Forbidden(
                "the admin API needs the owner, admin, helpdesk or auditor role".into(),
            ));
        }
        Ok(Admin(Actor {
            org_id: user.org_id,
            user_id: user.id,
            session_id: me.session_id.to_string(),
            role: user.role,
        }))
    }
}

impl Admin {
    /// 403 unless the caller's role allows `p`.
    pub fn may(&self, p: Permission) -> Result<&Actor, Error> {
        if allows(self.0.role, p) {
            Ok(&self.0)
        } else {
            Err(Error::Forbidden(format!(
                "{} is not allowed for the {} role",
                p.describe(),
                self.0.role.as_str()
            )))
        }
    }
}
