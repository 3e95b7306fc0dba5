//! The product-facing calls: sign-in, the caller's own session and sessions, and the
//! resource servers' RFC 7662 / RFC 7009 calls.

use reqwest::Method;
use sessiondesk_protocol::{
    Introspection, LoginRequest, LoginResponse, Page, ResumeRequest, RevocationReceipt,
    RevokeResult, Secret, Session, TokenForm,
};

use crate::client::{decode, Client};
use crate::error::Result;

impl Client {
    /// `POST /v1/auth/login`. A full session limit in `ask` mode is the `session_limit`
    /// problem, whose `login_ticket` and `sessions` are in [`sessiondesk_protocol::Problem::extra`].
    pub async fn login(&self, req: &LoginRequest) -> Result<LoginResponse> {
        self.call(Method::POST, "v1/auth/login", None, Some(req), None)
            .await
    }

    /// `POST /v1/auth/login/resume`: ends the chosen sessions and finishes the held sign-in.
    pub async fn login_resume(&self, req: &ResumeRequest) -> Result<LoginResponse> {
        self.call(Method::POST, "v1/auth/login/resume", None, Some(req), None)
            .await
    }

    /// `GET /v1/auth/session`: the caller's session (401 once it has ended).
    pub async fn current_session(&self) -> Result<Session> {
        self.get("v1/auth/session", None).await
    }

    /// `POST /v1/auth/logout`: ends the caller's session.
    pub async fn logout(&self) -> Result<()> {
        self.call(Method::POST, "v1/auth/logout", None, None::<&()>, None)
            .await
    }

    /// `GET /v1/auth/sessions`: the caller's own sessions, the current one marked.
    pub async fn own_sessions(&self) -> Result<Page<Session>> {
        self.get("v1/auth/sessions", None).await
    }

    /// `DELETE /v1/auth/sessions/{id}`: ends one of the caller's own sessions.
    pub async fn end_own_session(&self, id: &str) -> Result<RevocationReceipt> {
        let path = format!("v1/auth/sessions/{}", segment(id));
        self.call(Method::DELETE, &path, None, None::<&()>, None)
            .await
    }

    /// `POST /v1/auth/sessions/revoke-others`: ends every session of the caller but this one.
    pub async fn end_other_sessions(&self) -> Result<RevokeResult> {
        self.call(
            Method::POST,
            "v1/auth/sessions/revoke-others",
            None,
            None::<&()>,
            None,
        )
        .await
    }

    /// `POST /oauth2/introspect` (RFC 7662), as a resource server: this client's token is
    /// the API key.
    pub async fn introspect(&self, token: &Secret) -> Result<Introspection> {
        self.form("oauth2/introspect", token).await
    }

    /// `POST /oauth2/revoke` (RFC 7009), as a resource server.
    pub async fn revoke_token(&self, token: &Secret) -> Result<serde_json::Value> {
        self.form("oauth2/revoke", token).await
    }

    async fn form<T: serde::de::DeserializeOwned>(&self, path: &str, token: &Secret) -> Result<T> {
        let res = self
            .request(Method::POST, self.url(path)?)
            .form(&TokenForm {
                token: token.clone(),
                token_type_hint: None,
            })
            .send()
            .await?;
        decode(res).await
    }
}

/// An id as one path segment: percent-encoded, so an id cannot climb out of its path.
pub(crate) fn segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
