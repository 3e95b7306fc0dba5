//! End-to-end run of the console's real window against a real authority, over WebDriver.
//!
//! `cargo xtask test` runs it inside `dbus-run-session` with a freshly unlocked gnome-keyring,
//! under Xvfb, with fresh XDG folders, after building the window with its UI embedded:
//! `e2e APP_BINARY SCREENSHOT_DIR`. Through the window it signs in, finds a user's session,
//! opens its details and ends it with a reason; locks another user from the Users screen;
//! visits every screen; then stops the authority, sees the offline banner, ends a third
//! user's session offline and sees the queued action run once when the authority is back.
//! Each step is checked through the API (tokens inactive, the lock, audit events with their
//! reasons, exactly one event for the queued action). A screenshot of every screen is saved.

use std::path::PathBuf;

use anyhow::{ensure, Context, Result};
use sessiondesk_client::protocol::{
    AdminUser, AuditQuery, DeviceClaim, LoginRequest, LoginResponse, NewApiKey, Role, Secret,
    UserQuery,
};
use sessiondesk_client::{Client, Options};
use sessiondesk_server::embedded::Embedded;
use sessiondesk_server::seed::{DEMO_ORG, DEMO_OWNER, DEMO_PASSWORD};

use sessiondesk_e2e::driver;
use sessiondesk_e2e::window::{self, Window};

/// The exit status when the window stopped answering WebDriver (not a failed check).
const EXIT_STOPPED_ANSWERING: i32 = 3;

#[tokio::main]
async fn main() {
    // Exit here rather than return: a runtime with a stuck WebDriver request would otherwise
    // wait for it forever while shutting down.
    let code = match run().await {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("e2e: FAILED: {e:#}");
            if format!("{e:#}").contains(window::STOPPED_ANSWERING) {
                EXIT_STOPPED_ANSWERING
            } else {
                1
            }
        }
    };
    std::process::exit(code);
}

async fn run() -> Result<()> {
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
    let db = dir.join("authority.db");
    let authority = Embedded::new(&db, data.clone())?.start_demo().await?;
    let url = authority.url();
    println!("e2e: demo authority on {url}");

    // Through the API: the owner; three members who sign in on some device (a session to end,
    // an account to lock, a session to end while offline); and an API key to introspect
    // their tokens as a resource server would.
    let anon = Client::new(&url, Options::default())?;
    let owner_token = anon
        .login(&login(DEMO_OWNER))
        .await
        .context("owner sign-in")?
        .token;
    let owner = anon.clone().with_token(owner_token);
    let members: Vec<AdminUser> = owner
        .users(&UserQuery {
            role: Some(Role::Member),
            locked: Some(false),
            limit: Some(50),
            ..UserQuery::default()
        })
        .await?
        .items;
    ensure!(
        members.len() >= 3,
        "too few unlocked members in the demo org"
    );
    let mut signed_in = Vec::new();
    for m in &members[..3] {
        signed_in.push(anon.login(&login(&m.username)).await?);
    }
    // A fourth member signs in twice on a phone and once on a laptop: the phone is lost.
    // (The demo policy allows four sessions: one with at most one already.)
    let owner_of_phone = members[3..]
        .iter()
        .find(|m| m.active_sessions <= 1)
        .context("no member with room for three more sessions")?
        .clone();
    let mut phone = Vec::new();
    for (model, os) in [PHONE, PHONE, LAPTOP] {
        phone.push(
            anon.login(&LoginRequest {
                device: Some(DeviceClaim {
                    app_name: Some("Mail".into()),
                    device_model: Some(model.into()),
                    os: Some(os.into()),
                    ..DeviceClaim::default()
                }),
                ..login(&owner_of_phone.username)
            })
            .await?
            .token,
        );
    }
    let key = owner
        .create_api_key(&NewApiKey { name: "e2e".into() }, None)
        .await?
        .secret
        .context("a new key shows its secret")?;
    let resource = anon.clone().with_token(key);
    for s in &signed_in {
        ensure!(resource.introspect(&s.token).await?.active);
    }
    let [ended, locked, queued] = [0, 1, 2].map(|i| Person {
        user: members[i].clone(),
        login: signed_in[i].clone(),
    });

    let _notifications = Dunst::start().await?;
    let driver = driver::Driver::start().await?;
    let w = Window::open(&driver.url(), &app, &shots).await?;
    // A WebDriver call that never answers must fail the run, not hang it.
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(420), async {
        end_a_session(&w, &url, &ended).await?;
        check_ended(&owner, &resource, &ended, REASON).await?;
        println!("e2e: the token is inactive and the audit holds the reason");

        lock_a_user(&w, &locked).await?;
        let user = owner.user(&locked.user.id).await?;
        ensure!(user.locked && user.password_reset_required, "{user:?}");
        ensure!(
            !resource.introspect(&locked.login.token).await?.active,
            "the locked user's token is still active"
        );
        ensure!(
            anon.login(&login(&locked.user.username)).await.is_err(),
            "a locked user signed in"
        );
        println!("e2e: the user is locked and their token inactive");

        every_screen(&w).await?;

        let timing = lost_device(&w, &owner_of_phone).await?;
        for (i, token) in phone.iter().enumerate() {
            let active = resource.introspect(token).await?.active;
            // The phone's two sessions end; the laptop stays signed in.
            ensure!(
                active == (i == 2),
                "token {i} of the lost phone's owner: active {active}"
            );
        }
        std::fs::write(shots.join("lost-device.json"), timing.to_string())?;
        println!("e2e: the lost phone's tokens are inactive, the laptop's is not: {timing}");

        screen_share(&w).await?;
        println!("e2e: screen-share mode hides IP addresses and session ids");

        let session = notification_opens_details(&w, &anon, &owner_of_phone).await?;
        println!("e2e: a watched user's new session {session} raised a notification; clicking it opened the details");

        authority.shutdown().await;
        end_offline(&w, &queued).await?;
        let back = Embedded {
            listen: url.trim_start_matches("http://").parse()?,
            ..Embedded::new(&db, data.clone())?
        }
        .start_demo()
        .await?;
        // The newest action, the one taken offline, is carried out once the sync is live.
        w.wait_text(".list tbody tr:first-child", |t| t.contains("Done"))
            .await?;
        w.shot("15-queued-action-sent").await?;
        check_ended(&owner, &resource, &queued, QUEUED_REASON).await?;
        println!("e2e: the action queued offline ran once when the authority came back");
        anyhow::Ok(back)
    })
    .await
    .unwrap_or_else(|_| {
        Err(anyhow::anyhow!(
            "{} (the whole run)",
            window::STOPPED_ANSWERING
        ))
    });
    if outcome.is_err() {
        let _ = w.shot("failed").await;
    }
    w.close().await;
    drop(driver);
    outcome?.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// A member and the session they signed in with before the window opened.
struct Person {
    user: AdminUser,
    login: LoginResponse,
}

/// The session is ended on the server: its token is inactive for a resource server, and the
/// audit trail has exactly one `session.ended` event for it, with `reason`.
async fn check_ended(owner: &Client, resource: &Client, p: &Person, reason: &str) -> Result<()> {
    ensure!(
        !resource.introspect(&p.login.token).await?.active,
        "the ended session's token is still active"
    );
    let events = owner
        .audit(&AuditQuery {
            action: Some("session.ended".into()),
            target: Some(p.login.session.id.clone()),
            ..Default::default()
        })
        .await?
        .items;
    ensure!(
        events.len() == 1 && events[0].reason.as_deref() == Some(reason),
        "expected one session.ended event with the reason: {events:?}"
    );
    Ok(())
}

const REASON: &str = "Phone reported lost (end-to-end test)";
const LOCK_REASON: &str = "Left the company (end-to-end test)";
const QUEUED_REASON: &str = "Ended while offline (end-to-end test)";

fn login(username: &str) -> LoginRequest {
    LoginRequest {
        org: DEMO_ORG.into(),
        username: username.into(),
        password: Secret::new(DEMO_PASSWORD),
        remember_me: false,
        device: None,
    }
}

/// Signs in through the window, finds `p`'s session, checks its details and ends it.
async fn end_a_session(w: &Window, url: &str, p: &Person) -> Result<()> {
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

    // Find the user: their newest session (login time, newest first) is the one just made.
    find(w, p).await?;
    w.shot("03-search").await?;
    w.press("#row-0").await?;
    let shown = w
        .script(
            "return [...document.querySelectorAll('.details dt')]\
             .find(d => d.textContent === 'Session ID').nextElementSibling.textContent",
        )
        .await?;
    ensure!(
        shown == p.login.session.id,
        "details show {shown}, expected {}",
        p.login.session.id
    );
    w.wait_text(".details", |t| t.to_lowercase().contains("recent sign-ins"))
        .await?;
    w.shot("04-details").await?;

    // End it, with a reason (the demo policy requires one) and a ticket.
    w.press(".details button.danger").await?;
    w.fill(".dialog textarea", REASON).await?;
    w.fill(".dialog input", "HD-4711").await?;
    w.shot("05-end-session").await?;
    w.press(".dialog button[type=submit]").await?;
    w.wait_text(".notice", |t| t.starts_with("Done: End session"))
        .await?;
    w.shot("06-ended").await?;
    Ok(())
}

/// Searches the sessions list for `p` and waits for their newest session on top.
async fn find(w: &Window, p: &Person) -> Result<()> {
    w.fill("input[aria-label='Search sessions']", &p.user.username)
        .await?;
    w.wait_text("#row-0", |t| t.contains(&p.user.name)).await?;
    Ok(())
}

/// Locks `p`'s account from the Users screen, with a reason and a password reset.
async fn lock_a_user(w: &Window, p: &Person) -> Result<()> {
    w.press_text("nav button", "Users").await?;
    w.fill("input[aria-label='Search users']", &p.user.username)
        .await?;
    w.wait_text(".list tbody", |t| t.contains(&p.user.username))
        .await?;
    w.press(".list tbody tr").await?;
    w.press_text(".toolbar.actions button", "Lock account")
        .await?;
    w.wait_text(".dialog", |t| {
        t.contains("This session ends") || t.contains("sessions end")
    })
    .await?;
    w.fill(".dialog textarea", LOCK_REASON).await?;
    w.shot("07-lock-user").await?;
    w.press(".dialog button[type=submit]").await?;
    w.wait_text(".notice", |t| t.starts_with("Done: Lock"))
        .await?;
    w.wait_text(".list tbody", |t| t.contains("Locked")).await?;
    w.shot("08-users").await?;
    Ok(())
}

/// Visits the other screens: login history, the audit trail with its chain check, the
/// policy with a preview of a change (then discarded), API keys.
async fn every_screen(w: &Window) -> Result<()> {
    w.press_text("nav button", "Login history").await?;
    w.wait_text(".list tbody", |t| t.contains("Signed in"))
        .await?;
    w.shot("09-login-history").await?;

    w.press_text("nav button", "Audit").await?;
    w.wait_text(".list tbody", |t| t.contains("user.locked"))
        .await?;
    w.press_text("button", "Check the chain").await?;
    w.wait_text(".notice", |t| t.starts_with("The chain holds"))
        .await?;
    w.shot("10-audit").await?;

    w.press_text("nav button", "Policies").await?;
    w.fill("input[aria-label='Idle timeout value']", "1")
        .await?;
    w.wait_text(".preview", |t| {
        t.contains("end at once") || t.contains("No active session ends")
    })
    .await?;
    w.shot("11-policies").await?;
    w.press_text(".preview button", "Discard").await?;

    w.press_text("nav button", "API keys").await?;
    w.wait_text(".list tbody", |t| t.contains("e2e")).await?;
    w.fill(
        "input[aria-label='New key name']",
        "Billing (end-to-end test)",
    )
    .await?;
    w.press_text("button", "Create key").await?;
    w.wait_text(".dialog", |t| t.contains("only this once"))
        .await?;
    let secret = w
        .script("return document.querySelector('.dialog input').value")
        .await?;
    ensure!(
        secret.len() >= 43,
        "the new key's secret is shown: {secret:?}"
    );
    w.shot("12-api-key-secret").await?;
    w.press_text(".dialog button", "Done").await?;
    w.wait_text(".list tbody", |t| t.contains("Billing (end-to-end test)"))
        .await?;
    w.shot("12-api-keys").await?;

    // The sessions list's own dialogs and views.
    w.press_text("nav button", "Sessions").await?;
    w.press_text("button", "Select users…").await?;
    w.wait_text(".dialog", |t| t.contains("active")).await?;
    w.shot("12-select-users").await?;
    w.press_text(".dialog button", "Cancel").await?;
    w.press_text("button", "Sign out all…").await?;
    w.wait_text(".dialog", |t| t.contains("stays signed in"))
        .await?;
    w.shot("12-sign-out-all").await?;
    w.press_text(".dialog button", "Cancel").await?;
    w.press(".filterbar label.check input").await?;
    w.wait_text(".list tbody", |t| !t.trim().is_empty()).await?;
    w.shot("12-group-by-user").await?;
    w.press(".filterbar label.check input").await?;
    Ok(())
}

const PHONE: (&str, &str) = ("iPhone 15", "iOS");
const LAPTOP: (&str, &str) = ("ThinkPad X1", "Windows");
const LOST_REASON: &str = "Phone stolen, reported by phone (end-to-end test)";

/// The lost-device flow from the title bar: find `user` as you type, pick the phone, give a
/// reason and a ticket, confirm, and read the receipt; then export it as CSV. Answers the
/// times the window measured: from the first click, and from the confirm, to all rejected.
async fn lost_device(w: &Window, user: &AdminUser) -> Result<serde_json::Value> {
    w.press_text(".titlebar button", "Lost or stolen device…")
        .await?;
    w.fill("input[aria-label='Find the person']", &user.username)
        .await?;
    w.wait_text("#lost-matches", |t| t.contains(&user.name))
        .await?;
    w.press("#lost-matches li[aria-selected=true]").await?;
    w.wait_text(".flow-main fieldset", |t| t.contains(PHONE.0))
        .await?;
    w.press(&format!(
        ".flow-main label.device[data-device='{}'] input",
        PHONE.0
    ))
    .await?;
    w.fill(".flow-main .pair label:first-child input", LOST_REASON)
        .await?;
    w.fill(".flow-main .pair label:last-child input", "HD-5150")
        .await?;
    w.shot("16-lost-device").await?;
    w.press(".flow-main button[type=submit]").await?;
    w.wait_text(".receipt [role=status]", |t| {
        t.starts_with("Done") || t.contains("refused")
    })
    .await?;
    w.shot("17-lost-device-receipt").await?;
    let timing = w
        .value(
            r#"const r = document.querySelector('.receipt');
               const said = r.querySelector('[role=status]').textContent;
               const ms = (said.match(/(\d+) ms after/) || [])[1];
               return {
                 all_rejected: r.dataset.allRejected === 'true',
                 sessions: r.querySelectorAll('tbody tr').length,
                 first_click_to_all_rejected_ms: Number(r.dataset.elapsedMs),
                 confirm_to_all_rejected_ms: ms ? Number(ms) : null,
               }"#,
        )
        .await?;
    ensure!(
        timing["all_rejected"] == true && timing["sessions"] == 2,
        "the receipt shows both phone sessions rejected: {timing}"
    );
    w.press_text(".receipt button", "Export CSV").await?;
    let saved = w.wait_text(".receipt", |t| t.contains("Saved to")).await?;
    let path = saved
        .split("Saved to ")
        .nth(1)
        .and_then(|rest| rest.split(".csv").next())
        .map(|p| format!("{p}.csv"))
        .context("the receipt says where it was saved")?;
    let csv = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    ensure!(
        csv.lines().count() == 3 && csv.contains("HD-5150"),
        "the CSV receipt: {csv}"
    );
    w.press_text(".receipt button", "Done").await?;
    Ok(timing)
}

/// A notification server on the test display: the alerts' notifications land there, and
/// the test clicks them as a person would, with `dunstctl action`.
struct Dunst(std::process::Child);

impl Dunst {
    async fn start() -> Result<Self> {
        let child = std::process::Command::new("dunst")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .context("starting dunst, the notification server")?;
        let me = Dunst(child);
        for _ in 0..100 {
            if displayed().is_ok() {
                return Ok(me);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        anyhow::bail!("dunst did not answer on D-Bus")
    }
}

impl Drop for Dunst {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// How many notifications dunst shows now.
fn displayed() -> Result<u32> {
    let out = std::process::Command::new("dunstctl")
        .args(["count", "displayed"])
        .output()?;
    ensure!(out.status.success(), "dunstctl count failed");
    Ok(String::from_utf8_lossy(&out.stdout).trim().parse()?)
}

/// Watches `user` from the Alerts screen; they sign in again; the OS notification that
/// follows is clicked, and the window shows that session's details. Answers its id.
async fn notification_opens_details(w: &Window, anon: &Client, user: &AdminUser) -> Result<String> {
    w.press_text("nav button", "Alerts").await?;
    w.fill("input[aria-label='Find someone to watch']", &user.username)
        .await?;
    w.press_text("ul.found button", "Watch").await?;
    w.wait_text(".list tbody", |t| t.contains(&user.username))
        .await?;
    w.shot("19-alerts").await?;
    ensure!(displayed()? == 0, "a notification before the sign-in");
    let signed = anon.login(&login(&user.username)).await?;
    let started = std::time::Instant::now();
    while displayed()? == 0 {
        ensure!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "no notification for the watched user's new session"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    w.shot("20-notification").await?;
    let clicked = std::process::Command::new("dunstctl")
        .args(["action", "0"])
        .status()?;
    ensure!(clicked.success(), "dunstctl action failed");
    w.wait_text(".details", |t| t.contains(&signed.session.id))
        .await?;
    w.shot("21-opened-from-notification").await?;
    Ok(signed.session.id)
}

/// Whether `text` shows an IPv4 address.
fn shows_ipv4(text: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .any(|w| {
            let parts: Vec<&str> = w.split('.').collect();
            parts.len() == 4 && parts.iter().all(|p| (1..=3).contains(&p.len()))
        })
}

/// Screen-share mode from the title bar: the details pane shows no IP address and no
/// session id while it is on, and shows them again when it is off.
async fn screen_share(w: &Window) -> Result<()> {
    w.press("#row-0").await?;
    w.wait_text(".details", |t| shows_ipv4(t) && t.contains("ses_"))
        .await?;
    w.press_text(".titlebar button", "Screen share off").await?;
    w.wait_text(".details", |t| t.contains("ses_•••") && !shows_ipv4(t))
        .await?;
    w.wait_text(".notice.share", |t| t.contains("hidden"))
        .await?;
    w.shot("18-screen-share").await?;
    w.press_text(".titlebar button", "Screen share on").await?;
    w.wait_text(".details", |t| shows_ipv4(t) && !t.contains("•••"))
        .await?;
    Ok(())
}

/// With the authority stopped: the banner, then `p`'s session ended from the cache, which
/// waits in the outbox.
async fn end_offline(w: &Window, p: &Person) -> Result<()> {
    w.wait_text(".banner", |t| t.starts_with("Offline")).await?;
    w.press_text("nav button", "Sessions").await?;
    find(w, p).await?;
    w.press("#row-0").await?;
    w.shot("13-offline").await?;
    w.press(".details button.danger").await?;
    w.fill(".dialog textarea", QUEUED_REASON).await?;
    w.press(".dialog button[type=submit]").await?;
    w.wait_text(".notice", |t| t.starts_with("Queued")).await?;
    w.press_text("nav button", "Actions").await?;
    w.wait_text(".list tbody tr:first-child", |t| {
        t.contains("Waiting for the server")
    })
    .await?;
    w.shot("14-queued-action").await?;
    Ok(())
}
