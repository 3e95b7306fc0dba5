//! The connection to one authority: its URL, the credential, timeouts and the retry rule.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderValue, AUTHORIZATION};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sessiondesk_protocol::{Problem, Secret};
use url::Url;

use crate::error::{Error, Result};

/// Timeouts and retries of a [`Client`].
#[derive(Debug, Clone)]
pub struct Options {
    /// Time to open a connection.
    pub connect_timeout: Duration,
    /// Time for a whole call, answer included (not for the event stream).
    pub timeout: Duration,
    /// Tries of a call that is safe to repeat (reads, and writes with an Idempotency-Key).
    pub attempts: u32,
    /// Wait before the second try; doubled for each try after it.
    pub backoff: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            attempts: 3,
            backoff: Duration::from_millis(250),
        }
    }
}

/// A typed client of one authority. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    token: Option<Arc<Secret>>,
    options: Options,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base.as_str())
            .field("signed_in", &self.token.is_some())
            .finish()
    }
}

/// Checks a server URL as a person typed it: `https://`, or `http://` only to this machine
/// (a token sent in clear over a network can be read by anyone on the path). Returns it
/// with a trailing slash so that API paths join below it.
pub fn server_url(text: &str) -> Result<Url> {
    let mut url = Url::parse(text.trim())
        .map_err(|e| Error::InvalidUrl(format!("{text:?} is not a URL: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(Error::InvalidUrl(format!(
                "{text:?} uses http://, which would send the password and token in clear; \
                 use https:// (http:// is allowed only to this machine)"
            )))
        }
        other => {
            return Err(Error::InvalidUrl(format!(
                "{text:?}: the scheme must be https, not {other}"
            )))
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::InvalidUrl(format!("{text:?} has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::InvalidUrl(format!(
            "{text:?}: a server URL has no query or fragment"
        )));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

impl Client {
    /// A client of the authority at `server` (checked with [`server_url`]), not signed in.
    pub fn new(server: &str, options: Options) -> Result<Self> {
        let base = server_url(server)?;
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .user_agent(concat!("sessiondesk-console/", env!("CARGO_PKG_VERSION")))
            .https_only(base.scheme() == "https")
            .build()
            .map_err(|e| Error::InvalidUrl(format!("cannot set up HTTP: {e}")))?;
        Ok(Client {
            http,
            base,
            token: None,
            options,
        })
    }

    /// The same client, calling with this session token (or API key) as Bearer.
    pub fn with_token(&self, token: Secret) -> Self {
        Client {
            token: Some(Arc::new(token)),
            ..self.clone()
        }
    }

    /// The server's base URL (with a trailing slash).
    pub fn base(&self) -> &Url {
        &self.base
    }

    pub(crate) fn url(&self, path: &str) -> Result<Url> {
        self.base
            .join(path.trim_start_matches('/'))
            .map_err(|e| Error::InvalidUrl(format!("{path}: {e}")))
    }

    pub(crate) fn request(&self, method: Method, url: Url) -> RequestBuilder {
        let req = self.http.request(method, url);
        match &self.token {
            Some(t) => req.header(AUTHORIZATION, bearer(t)),
            None => req,
        }
    }

    /// A JSON call. Retried when `retry_safe` (a read, or a write with an Idempotency-Key)
    /// and the failure is transient.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: Option<String>,
        body: Option<&(impl Serialize + ?Sized)>,
        idempotency_key: Option<&str>,
    ) -> Result<T> {
        let mut url = self.url(path)?;
        if let Some(q) = query.filter(|q| !q.is_empty()) {
            url.set_query(Some(&q));
        }
        let retry_safe = method == Method::GET || idempotency_key.is_some();
        let attempts = if retry_safe {
            self.options.attempts.max(1)
        } else {
            1
        };
        let mut wait = self.options.backoff;
        let mut tries = 0;
        loop {
            tries += 1;
            let mut req = self
                .request(method.clone(), url.clone())
                .timeout(self.options.timeout);
            if let Some(b) = body {
                req = req.json(b);
            }
            if let Some(k) = idempotency_key {
                req = req.header("Idempotency-Key", k);
            }
            let res = match req.send().await {
                Ok(res) => decode(res).await,
                Err(e) => Err(Error::from(e)),
            };
            match res {
                Err(e) if e.is_transient() && tries < attempts => {
                    tracing::debug!(code = e.code(), tries, "retrying {method} {path}");
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
                other => return other,
            }
        }
    }

    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: Option<String>,
    ) -> Result<T> {
        self.call(Method::GET, path, query, None::<&()>, None).await
    }
}

fn bearer(token: &Secret) -> HeaderValue {
    let mut v = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .unwrap_or_else(|_| HeaderValue::from_static("Bearer invalid"));
    v.set_sensitive(true);
    v
}

/// The answer's JSON, or its problem as an error. A 204 decodes as JSON `null` (so `()`).
pub(crate) async fn decode<T: DeserializeOwned>(res: Response) -> Result<T> {
    let status = res.status();
    let bytes = res.bytes().await?;
    if status.is_success() {
        let body: &[u8] = if status == StatusCode::NO_CONTENT || bytes.is_empty() {
            b"null"
        } else {
            &bytes
        };
        return serde_json::from_slice(body)
            .map_err(|e| Error::BadResponse(format!("{status}: {e}")));
    }
    Err(problem(status, &bytes))
}

/// The error of a failed answer: its problem+json body, or a problem made from the status.
pub(crate) fn problem(status: StatusCode, body: &[u8]) -> Error {
    match serde_json::from_slice::<Problem>(body) {
        Ok(p) => Error::Api(Box::new(p)),
        Err(_) => Error::Api(Box::new(Problem {
            kind: "about:blank".into(),
            title: status
                .canonical_reason()
                .unwrap_or("Unexpected status")
                .into(),
            status: status.as_u16(),
            code: format!("http_{}", status.as_u16()),
            detail: None,
            extra: Default::default(),
        })),
    }
}

/// A query string from a query type (repeated keys for lists, as the server reads them).
pub(crate) fn query(q: &impl Serialize) -> Result<String> {
    serde_html_form::to_string(q).map_err(|e| Error::InvalidRequest(format!("query: {e}")))
}
