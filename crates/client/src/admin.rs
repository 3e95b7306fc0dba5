//! The admin calls: lists, details, actions (each with an optional Idempotency-Key, so an
//! outbox can send them again safely), policy, API keys and the change feed.

use reqwest::Method;
use sessiondesk_protocol::{
    ActionReceipt, ActionRequest, AdminUser, ApiKeyInfo, AuditEvent, AuditQuery, AuditVerification,
    ChangePage, ChangeQuery, CreatedApiKey, LockRequest, LoginAttempt, LoginQuery, NewApiKey, Page,
    Policy, PolicyPreview, RawChangePage, RevokeSessionsRequest, Session, SessionQuery, UserQuery,
};

use crate::auth::segment;
use crate::client::{problem, query, Client};
use crate::error::{Error, Result};

impl Client {
    /// `GET /v1/admin/sessions` with every filter of [`SessionQuery`].
    pub async fn sessions(&self, q: &SessionQuery) -> Result<Page<Session>> {
        self.get("v1/admin/sessions", Some(query(q)?)).await
    }

    /// `GET /v1/admin/sessions/{id}`: everything the details pane shows.
    pub async fn session(&self, id: &str) -> Result<Session> {
        self.get(&format!("v1/admin/sessions/{}", segment(id)), None)
            .await
    }

    /// `POST /v1/admin/sessions/{id}/revoke`
    pub async fn revoke_session(
        &self,
        id: &str,
        req: &ActionRequest,
        idempotency_key: Option<&str>,
    ) -> Result<ActionReceipt> {
        let path = format!("v1/admin/sessions/{}/revoke", segment(id));
        self.call(Method::POST, &path, None, Some(req), idempotency_key)
            .await
    }

    /// `POST /v1/admin/users/{id}/revoke-sessions`: all of a user's sessions, or the listed.
    pub async fn revoke_user_sessions(
        &self,
        user_id: &str,
        req: &RevokeSessionsRequest,
        idempotency_key: Option<&str>,
    ) -> Result<ActionReceipt> {
        let path = format!("v1/admin/users/{}/revoke-sessions", segment(user_id));
        self.call(Method::POST, &path, None, Some(req), idempotency_key)
            .await
    }

    /// `POST /v1/admin/users/{id}/lock`: ends every session of the user and blocks sign-in.
    pub async fn lock_user(
        &self,
        user_id: &str,
        req: &LockRequest,
        idempotency_key: Option<&str>,
    ) -> Result<ActionReceipt> {
        let path = format!("v1/admin/users/{}/lock", segment(user_id));
        self.call(Method::POST, &path, None, Some(req), idempotency_key)
            .await
    }

    /// `POST /v1/admin/users/{id}/unlock`
    pub async fn unlock_user(
        &self,
        user_id: &str,
        req: &ActionRequest,
        idempotency_key: Option<&str>,
    ) -> Result<ActionReceipt> {
        let path = format!("v1/admin/users/{}/unlock", segment(user_id));
        self.call(Method::POST, &path, None, Some(req), idempotency_key)
            .await
    }

    /// `POST /v1/admin/sessions/revoke-all`: every session of the org but the caller's.
    pub async fn revoke_all(
        &self,
        req: &ActionRequest,
        idempotency_key: Option<&str>,
    ) -> Result<ActionReceipt> {
        self.call(
            Method::POST,
            "v1/admin/sessions/revoke-all",
            None,
            Some(req),
            idempotency_key,
        )
        .await
    }

    /// `GET /v1/admin/users`
    pub async fn users(&self, q: &UserQuery) -> Result<Page<AdminUser>> {
        self.get("v1/admin/users", Some(query(q)?)).await
    }

    /// `GET /v1/admin/users/{id}`
    pub async fn user(&self, id: &str) -> Result<AdminUser> {
        self.get(&format!("v1/admin/users/{}", segment(id)), None)
            .await
    }

    /// `GET /v1/admin/logins`: sign-in history.
    pub async fn logins(&self, q: &LoginQuery) -> Result<Page<LoginAttempt>> {
        self.get("v1/admin/logins", Some(query(q)?)).await
    }

    /// `GET /v1/admin/audit`
    pub async fn audit(&self, q: &AuditQuery) -> Result<Page<AuditEvent>> {
        self.get("v1/admin/audit", Some(query(q)?)).await
    }

    /// `GET /v1/admin/audit/verify`: walks the hash chain.
    pub async fn verify_audit(&self) -> Result<AuditVerification> {
        self.get("v1/admin/audit/verify", None).await
    }

    /// `GET /v1/admin/policy`
    pub async fn policy(&self) -> Result<Policy> {
        self.get("v1/admin/policy", None).await
    }

    /// `PUT /v1/admin/policy`
    pub async fn put_policy(
        &self,
        policy: &Policy,
        idempotency_key: Option<&str>,
    ) -> Result<Policy> {
        self.call(
            Method::PUT,
            "v1/admin/policy",
            None,
            Some(policy),
            idempotency_key,
        )
        .await
    }

    /// `POST /v1/admin/policy/preview`: what saving this policy would end, and why.
    pub async fn preview_policy(&self, policy: &Policy) -> Result<PolicyPreview> {
        self.call(
            Method::POST,
            "v1/admin/policy/preview",
            None,
            Some(policy),
            None,
        )
        .await
    }

    /// `GET /v1/admin/api-keys`
    pub async fn api_keys(&self) -> Result<Vec<ApiKeyInfo>> {
        self.get("v1/admin/api-keys", None).await
    }

    /// `POST /v1/admin/api-keys`: the answer holds the secret, this once.
    pub async fn create_api_key(
        &self,
        req: &NewApiKey,
        idempotency_key: Option<&str>,
    ) -> Result<CreatedApiKey> {
        self.call(
            Method::POST,
            "v1/admin/api-keys",
            None,
            Some(req),
            idempotency_key,
        )
        .await
    }

    /// `DELETE /v1/admin/api-keys/{id}`: revokes the key.
    pub async fn revoke_api_key(
        &self,
        id: &str,
        idempotency_key: Option<&str>,
    ) -> Result<ApiKeyInfo> {
        let path = format!("v1/admin/api-keys/{}", segment(id));
        self.call(Method::DELETE, &path, None, None::<&()>, idempotency_key)
            .await
    }

    /// `GET /v1/admin/changes`: the changes after a sequence number, in order.
    pub async fn changes(&self, q: &ChangeQuery) -> Result<ChangePage> {
        self.get("v1/admin/changes", Some(query(q)?)).await
    }

    /// [`Client::changes`] with each row's data left as JSON text.
    pub async fn changes_raw(&self, q: &ChangeQuery) -> Result<RawChangePage> {
        self.get("v1/admin/changes", Some(query(q)?)).await
    }

    /// `GET /healthz`
    pub async fn health(&self) -> Result<serde_json::Value> {
        self.get("healthz", None).await
    }

    /// `GET /openapi.json`: the API's description.
    pub async fn openapi(&self) -> Result<serde_json::Value> {
        self.get("openapi.json", None).await
    }

    /// `GET /metrics`: Prometheus text.
    pub async fn metrics(&self) -> Result<String> {
        let res = self
            .request(Method::GET, self.url("metrics")?)
            .send()
            .await?;
        let status = res.status();
        let bytes = res.bytes().await?;
        if !status.is_success() {
            return Err(problem(status, &bytes));
        }
        String::from_utf8(bytes.to_vec()).map_err(|e| Error::BadResponse(e.to_string()))
    }
}
