//! What the console's tests share: a demo authority on 127.0.0.1:0 over a SQLite file, and
//! the demo owner's token on it.
#![allow(dead_code)]

use std::path::Path;

use sessiondesk_client::protocol::{ActionRequest, LoginRequest, Secret, Session, SessionQuery};
use sessiondesk_client::{Client, Options};
use sessiondesk_server::app::Running;
use sessiondesk_server::embedded::Embedded;
use sessiondesk_server::seed::{DEMO_ORG, DEMO_OWNER, DEMO_PASSWORD};

pub fn data_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

/// The demo authority over `db` (seeded on its first start only).
pub async fn demo(db: &Path) -> Running {
    Embedded::new(db, Some(data_dir()))
        .unwrap()
        .start_demo()
        .await
        .unwrap()
}

/// A demo user's sign-in (every demo user has the demo password).
pub fn login(username: &str) -> LoginRequest {
    LoginRequest {
        org: DEMO_ORG.into(),
        username: username.into(),
        password: Secret::new(DEMO_PASSWORD),
        remember_me: false,
        device: None,
    }
}

/// The demo owner's token on the authority at `url`.
pub async fn owner_token(url: &str) -> Secret {
    Client::new(url, Options::default())
        .unwrap()
        .login(&login(DEMO_OWNER))
        .await
        .unwrap()
        .token
}

/// A client of `url` signed in as the demo owner.
pub async fn owner(url: &str) -> Client {
    let token = owner_token(url).await;
    Client::new(url, Options::default())
        .unwrap()
        .with_token(token)
}

/// An active session of someone other than the demo owner.
pub async fn someone_else_s_session(c: &Client) -> Session {
    c.sessions(&SessionQuery::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|s| s.user.username != DEMO_OWNER)
        .unwrap()
}

/// Ends a session, with the reason the demo policy requires.
pub async fn revoke(c: &Client, session_id: &str, why: &str) {
    c.revoke_session(
        session_id,
        &ActionRequest {
            reason: Some(why.into()),
            ticket: None,
        },
        None,
    )
    .await
    .unwrap();
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}
