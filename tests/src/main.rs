//! End-to-end run of the console's real window against a real authority, over WebDriver.
//!
//! `cargo xtask test` runs it inside `dbus-run-session` with a freshly unlocked gnome-keyring,
//! under Xvfb, with fresh XDG folders, after building the window with its UI embedded:
//! `e2e APP_BINARY SCREENSHOT_DIR`. It signs in through the window, finds a user's session,
//! opens its details and ends it with a reason, then checks through the API that the token is
//! no longer active and that the audit trail holds the reason. A screenshot of every screen
//! is saved.

mod driver;
mod window;

use std::path::PathBuf;

use anyhow::{ensure, Context, Result};
use sessiondesk_client::protocol::{AuditQuery, LoginRequest, NewApiKey, Role, Secret, UserQuery};
use sessiondesk_client::{Client, Options};
use sessiondesk_server::embedded::Embedded;
use sessiondesk_server::seed::{DEMO_ORG, DEMO_OWNER, DEMO_PASSWORD};

use crate::window::Window;

#[tokio::main]
async fn main() -> Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut args = std::env::args().skip(1);
    let app = PathBuf::from(
        args.next()
            .context("usage: e2e APP_BINARY SCREENSHOT_DIR")?,
    );
    let shots = PathBuf::from(
        args.next()
            .context("usage: e2e APP_BINARY SCREENSHOT_DIR")?,
    );
    std::fs::create_dir_all(&shots)?;
    let app = std::fs::canonicalize(&app)
        .with_context(|| format!("the window's binary {} is missing", app.display()))?;

    let dir = std::env::temp_dir().join(format!("sessiondesk-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let data = std::env::var_os("SESSIONDESK_DATA_DIR").map(PathBuf::from);
    let authority = Embedded::new(dir.join("authority.db"), data)?
        .start_demo()
        .await?;
    let url = authority.url();
    println!("e2e: demo authority on {url}");

    // Through the API: the owner, a user who signs in on some device (the session to end),
    // and an API key to introspect that user's token as a resource server would.
    let anon = Client::new(&url, Options::default())?;
    let owner_token = anon
        .login(&login(DEMO_OWNER))
        .await
        .context("owner sign-in")?
        .token;
    let owner = anon.clone().with_token(owner_token);
    let victim_user = owner
        .users(&UserQuery::default())
        .await?
        .items
        .into_iter()
        .find(|u| u.role == Role::Member && !u.locked)
        .context("no unlocked member in the demo org")?;
    let victim_name = victim_user.username.clone();
    let victim = anon.login(&login(&victim_name)).await?;
    let key = owner
        .create_api_key(&NewApiKey { name: "e2e".into() }, None)
        .await?
        .secret
        .context("a new key shows its secret")?;
    let resource = anon.clone().with_token(key);
    ensure!(resource.introspect(&victim.token).await?.active);

    let driver = driver::Driver::start().await?;
    let w = Window::open(&driver.url(), &app, &shots).await?;
    // A WebDriver call that never answers must fail the run, not hang it.
    let outcome = tokio::time::timeout(
        std::time::Duration::from_secs(240),
        scenario(
            &w,
            &url,
            &victim_name,
            &victim_user.name,
            &victim.session.id,
        ),
    )
    .await
    .unwrap_or_else(|_| Err(anyhow::anyhow!("the window stopped answering WebDriver")));
    if outcome.is_err() {
        let _ = w.shot("failed").await;
    }
    w.close().await;
    drop(driver);
    outcome?;

    // The API agrees with what the window said.
    ensure!(
        !resource.introspect(&victim.token).await?.active,
        "the ended session's token is still active"
    );
    let events = owner
        .audit(&AuditQuery {
            action: Some("session.ended".into()),
            target: Some(victim.session.id.clone()),
            ..Default::default()
        })
        .await?
        .items;
    ensure!(
        events.iter().any(|e| e.reason.as_deref() == Some(REASON)),
        "no session.ended event with the reason: {events:?}"
    );
    println!("e2e: the token is inactive and the audit holds the reason");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

const REASON: &str = "Phone reported lost (end-to-end test)";

fn login(username: &str) -> LoginRequest {
    LoginRequest {
        org: DEMO_ORG.into(),
        username: username.into(),
        password: Secret::new(DEMO_PASSWORD),
        remember_me: false,
        device: None,
    }
}

async fn scenario(
    w: &Window,
    url: &str,
    victim: &str,
    victim_name: &str,
    session_id: &str,
) -> Result<()> {
    // Sign in.
    w.fill("input[name=server]", url).await?;
    w.fill("input[name=org]", DEMO_ORG).await?;
    w.fill("input[name=username]", DEMO_OWNER).await?;
    w.fill("input[name=password]", DEMO_PASSWORD).await?;
    w.shot("01-sign-in").await?;
    w.press("button[type=submit]").await?;

    // The list fills from the live sync.
    w.wait_text(".count", |t| {
        t.ends_with("sessions") && !t.starts_with("0 ")
    })
    .await?;
    w.shot("02-sessions").await?;

    // Find the user: the newest session (login time, newest first) is the one just made.
    w.fill("input[type=search]", victim).await?;
    w.wait_text(".count", |t| t.starts_with("1 ") || !t.starts_with("0 "))
        .await?;
    w.wait_text("#row-0", |t| t.contains(victim_name)).await?;
    w.shot("03-search").await?;
    w.click("#row-0").await?;
    let shown = w
        .script(
            "return [...document.querySelectorAll('.details dt')]\
             .find(d => d.textContent === 'Session ID').nextElementSibling.textContent",
        )
        .await?;
    ensure!(
        shown == session_id,
        "details show {shown}, expected {session_id}"
    );
    w.shot("04-details").await?;

    // End it, with a reason (the demo policy requires one) and a ticket.
    w.press(".details button.danger").await?;
    w.fill(".dialog textarea", REASON).await?;
    w.fill(".dialog input", "HD-4711").await?;
    w.shot("05-end-session").await?;
    w.press(".dialog button[type=submit]").await?;
    w.wait_text(".notice", |t| t.starts_with("Session ended at"))
        .await?;
    w.shot("06-ended").await?;
    Ok(())
}
