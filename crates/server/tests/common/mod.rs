//! A real authority on 127.0.0.1:0 over a real SQLite file, with a clock the test moves.
#![allow(dead_code)]

use std::sync::Arc;

use argon2::Params;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sessiondesk_protocol::{Policy, Role, Secret};
use sessiondesk_server::app::{self, Running};
use sessiondesk_server::auth::Authority;
use sessiondesk_server::clock::{Clock, ManualClock};
use sessiondesk_server::config::Config;
use sessiondesk_server::enrich::client_ip::TrustedProxies;
use sessiondesk_server::ids;
use sessiondesk_server::password::Passwords;
use sessiondesk_server::store::{Org, Store, User};

pub const PASSWORD: &str = "correct horse battery staple";
pub const DEMO_PASSWORD: &str = "sessiondesk-demo";
/// 2026-11-01T00:00:00Z
pub const T0: i64 = 1_793_491_200_000;

pub struct Harness {
    pub running: Option<Running>,
    pub url: String,
    pub clock: Arc<ManualClock>,
    pub dir: tempfile::TempDir,
    pub db_path: std::path::PathBuf,
    pub http: reqwest::Client,
}

/// A store on a new SQLite file holding the benchmark org with `sessions` active sessions
/// (created around [`T0`]); the folder lives as long as the returned guard.
pub async fn bench_store(sessions: usize) -> (tempfile::TempDir, Arc<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("authority.db").display());
    let store = app::open_store(&url).await.unwrap();
    sessiondesk_server::seed::bench(
        &*store,
        sessions,
        &dir.path().join("tokens"),
        &dir.path().join("key"),
        T0,
    )
    .await
    .unwrap();
    (dir, store)
}

pub fn data_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

impl Harness {
    /// Cheap Argon2 parameters (the real ones are tested where timing matters).
    pub async fn start() -> Self {
        Self::start_with(|_| {}, cheap()).await
    }

    pub async fn start_with(tweak: impl FnOnce(&mut Config), passwords: Passwords) -> Self {
        Self::start_in(tempfile::tempdir().unwrap(), tweak, passwords).await
    }

    /// An authority over the demo data (`seed --demo`, seed 1), loaded at the test clock's
    /// start. Its users' password is [`DEMO_PASSWORD`].
    pub async fn start_demo() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("authority.db").display());
        let store = app::open_store(&url).await.unwrap();
        let mut config = Config::new(url, ([127, 0, 0, 1], 0).into());
        config.data_dir = Some(data_dir());
        let enricher = app::load_enricher(&config).unwrap();
        sessiondesk_server::seed::demo(&*store, &enricher, 1, T0)
            .await
            .unwrap();
        drop(store);
        Self::start_in(dir, |_| {}, cheap()).await
    }

    async fn start_in(
        dir: tempfile::TempDir,
        tweak: impl FnOnce(&mut Config),
        passwords: Passwords,
    ) -> Self {
        let db_path = dir.path().join("authority.db");
        let mut config = Config::new(
            format!("sqlite:{}", db_path.display()),
            ([127, 0, 0, 1], 0).into(),
        );
        config.data_dir = Some(data_dir());
        // Tests send X-Forwarded-For from loopback to pretend to come from real places.
        config.trusted_proxies = TrustedProxies::parse_list("127.0.0.1,::1").unwrap();
        config.login_quota.per_minute = 100_000;
        config.login_quota.burst = 100_000;
        tweak(&mut config);
        let clock = Arc::new(ManualClock::new(T0));
        let running = app::start_with(config, clock.clone(), passwords)
            .await
            .unwrap();
        Self {
            url: running.url(),
            running: Some(running),
            clock,
            dir,
            db_path,
            http: reqwest::Client::new(),
        }
    }

    pub fn auth(&self) -> &Arc<Authority> {
        &self.running.as_ref().unwrap().authority
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.auth().store
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    pub async fn org(&self, slug: &str, policy: Policy) -> Org {
        let org = Org {
            id: ids::new_id(ids::ORG, self.now()),
            slug: slug.into(),
            name: slug.into(),
            created_at: self.now(),
        };
        self.store()
            .create_org(&org, &policy, "test")
            .await
            .unwrap();
        self.auth()
            .set_policy(&org.id, policy, "test")
            .await
            .unwrap();
        org
    }

    pub async fn user(&self, org: &Org, username: &str, role: Role) -> User {
        let user = User {
            id: ids::new_id(ids::USER, self.now()),
            org_id: org.id.clone(),
            username: username.into(),
            name: username.into(),
            email: None,
            role,
            password_hash: self
                .auth()
                .passwords
                .hash(&Secret::new(PASSWORD))
                .await
                .unwrap(),
            locked: false,
            locked_until: None,
            lock_reason: None,
            password_reset_required: false,
            created_at: self.now(),
        };
        self.store().create_user(&user, "test").await.unwrap();
        user
    }

    pub async fn api_key(&self, org: &Org) -> String {
        let (_, secret) = self
            .auth()
            .create_api_key(&org.id, "resource server", "test")
            .await
            .unwrap();
        secret.expose().to_string()
    }

    pub async fn post_json(
        &self,
        path: &str,
        body: &Value,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut req = self.http.post(format!("{}{path}", self.url)).json(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Any call: method, path, Bearer token, JSON body and extra headers.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        bearer: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(bearer);
        if let Some(b) = body {
            req = req.json(b);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Every row of the tables an admin call can change, as text (before/after checks).
    pub async fn dump(&self) -> Vec<String> {
        let db = self.db().await;
        let mut out = Vec::new();
        for table in [
            "orgs",
            "policies",
            "users",
            "sessions",
            "login_attempts",
            "api_keys",
            "audit_events",
            "changes",
            "idempotency_keys",
        ] {
            let cols: Vec<String> =
                sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                    .fetch_all(&db)
                    .await
                    .unwrap();
            let expr = cols
                .iter()
                .map(|c| format!("quote(\"{c}\")"))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            let rows: Vec<String> =
                sqlx::query_scalar(&format!("SELECT {expr} FROM {table} ORDER BY rowid"))
                    .fetch_all(&db)
                    .await
                    .unwrap_or_else(|e| panic!("{table}: {e}"));
            out.extend(rows.into_iter().map(|r| format!("{table} {r}")));
        }
        db.close().await;
        out
    }

    /// Signs in from `ip` (through the trusted loopback proxy) with a desktop Chrome.
    pub async fn login_from(
        &self,
        org: &str,
        user: &str,
        password: &str,
        ip: &str,
    ) -> (StatusCode, Value) {
        self.post_json(
            "/v1/auth/login",
            &json!({"org": org, "username": user, "password": password}),
            &[("x-forwarded-for", ip), ("user-agent", CHROME_WINDOWS)],
        )
        .await
    }

    pub async fn login(&self, org: &str, user: &str) -> String {
        let (status, body) = self.login_from(org, user, PASSWORD, "81.2.69.142").await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().unwrap().to_string()
    }

    pub async fn introspect(&self, key: &str, token: &str) -> Value {
        let res = self
            .http
            .post(format!("{}/oauth2/introspect", self.url))
            .bearer_auth(key)
            .form(&[("token", token)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    pub async fn get(&self, path: &str, bearer: &str) -> (StatusCode, Value) {
        let res = self
            .http
            .get(format!("{}{path}", self.url))
            .bearer_auth(bearer)
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Active sessions of a user, counted in the database file.
    pub async fn active_count(&self, user_id: &str) -> i64 {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", self.db_path.display()))
            .await
            .unwrap();
        let n = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sessions WHERE user_id = ? AND status = 'active'",
        )
        .bind(user_id)
        .fetch_one(&pool)
        .await
        .unwrap();
        pool.close().await;
        n
    }

    /// The database file, once the background writes of failed sign-ins are done.
    pub async fn db(&self) -> sqlx::SqlitePool {
        self.auth().failures.settle_all().await;
        sqlx::SqlitePool::connect(&format!("sqlite:{}", self.db_path.display()))
            .await
            .unwrap()
    }

    pub async fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
    }
}

pub fn cheap() -> Passwords {
    Passwords::with_params(Params::new(1024, 1, 1, None).unwrap(), 4).unwrap()
}

pub const CHROME_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
pub const SAFARI_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
