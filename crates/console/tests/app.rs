//! The console as the window drives it (`app::App`), against a real demo authority: sign in,
//! the list from the cache, every screen's reads, every action through the outbox, and what
//! a role may not do.

mod common;

use std::sync::Arc;
use std::time::Duration;

use sessiondesk_client::protocol::{Policy, Role, SessionQuery, StatusFilter, UserQuery};
use sessiondesk_console::app::App;
use sessiondesk_console::app::{ActionForm, AuditFilter, LoginFilter, UserFilter};
use sessiondesk_console::paths::Paths;
use sessiondesk_console::query::TimeOfDay;
use sessiondesk_console::secrets::InMemory;
use sessiondesk_console::view::{ActionState, SignInForm, SyncPhase};
use sessiondesk_console::Console;
use sessiondesk_server::seed::{DEMO_ORG, DEMO_OWNER, DEMO_PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_list_and_end_a_session_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let running = common::demo(&dir.path().join("authority.db")).await;
    let console = Console::new(
        Paths::under(&dir.path().join("console")),
        Arc::new(InMemory::default()),
    )
    .unwrap();
    let app = App::new(console);

    let before = app.state().await.unwrap();
    assert!(before.profile.is_none());
    let wrong = app
        .sign_in(SignInForm {
            server_url: running.url(),
            org: DEMO_ORG.into(),
            username: DEMO_OWNER.into(),
            password: "not the password".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), "invalid_credentials", "{wrong}");

    let state = app
        .sign_in(SignInForm {
            server_url: running.url(),
            org: DEMO_ORG.into(),
            username: DEMO_OWNER.into(),
            password: DEMO_PASSWORD.into(),
        })
        .await
        .unwrap();
    assert_eq!(state.profile.as_ref().unwrap().username, DEMO_OWNER);
    assert_eq!(
        state.denied.end_sessions, None,
        "the owner may end sessions"
    );

    // The live sync fills the cache and reports it.
    let mut live = None;
    for _ in 0..100 {
        let s = app.state().await.unwrap();
        if s.sync.state == SyncPhase::Live {
            live = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let live = live.expect("the sync went live");
    assert!(live.sync.synced_at.is_some());
    assert!(live.reason_required, "the demo policy asks for a reason");
    // The console's own session says what it is, not "Unknown device".
    let own = app
        .session(live.own_session.as_deref().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(own.kind, sessiondesk_client::protocol::SessionKind::Desktop);
    assert_eq!(own.app.name.as_deref(), Some("Sessiondesk console"));

    let rows = app
        .sessions(SessionQuery::default(), None, 0)
        .await
        .unwrap();
    assert!(rows.total > 10, "{}", rows.total);
    let target = rows
        .items
        .iter()
        .find(|s| s.user.username != DEMO_OWNER)
        .unwrap()
        .clone();
    assert_eq!(
        app.session(&target.id).await.unwrap().unwrap().id,
        target.id
    );

    // Without the reason the policy wants, nothing is queued and the console says why.
    let refused = app
        .act(ActionForm::EndSession {
            session_id: target.id.clone(),
            reason: Some("  ".into()),
            ticket: None,
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "invalid", "{refused}");
    assert!(app.actions().await.unwrap().is_empty());

    let ended = app
        .act(ActionForm::EndSession {
            session_id: target.id.clone(),
            reason: Some("Laptop reported stolen".into()),
            ticket: Some("HD-42".into()),
        })
        .await
        .unwrap();
    assert_eq!(ended.state, ActionState::Sent, "{:?}", ended.error);
    assert_eq!(ended.ended, 1);
    assert!(ended.ended_at.is_some());

    // The server has it ended, with the reason; the cache shows it ended at once.
    let server = common::owner(&running.url()).await;
    let on_server = server.session(&target.id).await.unwrap();
    assert_eq!(
        on_server.status,
        sessiondesk_client::protocol::SessionStatus::Ended
    );
    assert_eq!(on_server.reason.as_deref(), Some("Laptop reported stolen"));
    let cached = app.session(&target.id).await.unwrap().unwrap();
    assert_eq!(
        cached.status,
        sessiondesk_client::protocol::SessionStatus::Ended
    );
}

/// A console signed in to `url` as `username` (a demo user), once its sync is live.
async fn signed_in(dir: &std::path::Path, url: &str, username: &str) -> Arc<App> {
    let console = Console::new(Paths::under(dir), Arc::new(InMemory::default())).unwrap();
    let app = App::with_export_dir(console, dir.join("exports"));
    app.sign_in(SignInForm {
        server_url: url.into(),
        org: DEMO_ORG.into(),
        username: username.into(),
        password: DEMO_PASSWORD.into(),
    })
    .await
    .unwrap();
    for _ in 0..100 {
        if app.state().await.unwrap().sync.state == SyncPhase::Live {
            return app;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the sync did not go live");
}

/// A member who may sign in and has room for three more sessions (the demo policy allows 4).
async fn member_with_room(app: &App) -> sessiondesk_client::protocol::AdminUser {
    let users = app
        .users(UserFilter {
            limit: 500,
            ..UserFilter::default()
        })
        .await
        .unwrap();
    users
        .items
        .into_iter()
        .find(|u| {
            u.role == Role::Member
                && !u.locked
                && !u.password_reset_required
                && u.active_sessions <= 1
        })
        .expect("a member with room for three sessions")
}

fn active() -> SessionQuery {
    SessionQuery {
        status: Some(StatusFilter::Active),
        ..SessionQuery::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_logins_and_audit_read_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let running = common::demo(&dir.path().join("authority.db")).await;
    let app = signed_in(&dir.path().join("console"), &running.url(), DEMO_OWNER).await;
    let server = common::owner(&running.url()).await;

    // Users: everyone, by name, with counts from the cached sessions.
    let users = app.users(UserFilter::default()).await.unwrap();
    let on_server = server.users(&UserQuery::default()).await.unwrap();
    assert_eq!(users.total, on_server.total);
    assert!(users.total >= 200, "{}", users.total);
    let names: Vec<_> = users.items.iter().map(|u| u.name.clone()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "users come by name");
    let busy = users
        .items
        .iter()
        .max_by_key(|u| u.active_sessions)
        .unwrap();
    let theirs = app
        .sessions(
            SessionQuery {
                user_id: vec![busy.id.clone()],
                ..active()
            },
            None,
            0,
        )
        .await
        .unwrap();
    assert_eq!(busy.active_sessions as u64, theirs.total);
    assert_eq!(
        busy.active_sessions,
        server.user(&busy.id).await.unwrap().active_sessions
    );
    let locked = app
        .users(UserFilter {
            locked_only: true,
            ..UserFilter::default()
        })
        .await
        .unwrap();
    assert!(locked.total >= 1 && locked.items.iter().all(|u| u.locked));
    let found = app
        .users(UserFilter {
            q: Some(busy.username.clone()),
            ..UserFilter::default()
        })
        .await
        .unwrap();
    assert!(found.items.iter().any(|u| u.id == busy.id));
    let wildcard = app
        .users(UserFilter {
            q: Some("%".into()),
            ..UserFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(wildcard.total, 0, "a % is looked for, not a wildcard");

    // Time of day: sign-ins within office hours and overnight (wrapping past midnight) on a
    // viewer's clock, against the same count worked out here.
    let all = SessionQuery {
        status: Some(StatusFilter::All),
        limit: Some(10_000),
        ..SessionQuery::default()
    };
    let everything = app.sessions(all.clone(), None, 0).await.unwrap();
    assert_eq!(everything.items.len() as u64, everything.total);
    for (from, to, offset) in [(9 * 60, 17 * 60, 60), (22 * 60, 6 * 60, -300)] {
        let hours = TimeOfDay {
            from_minute: from,
            to_minute: to,
            utc_offset_minutes: offset,
        };
        let inside = |s: &sessiondesk_client::protocol::Session| {
            let m = (s.created_at.millis().div_euclid(60_000) + i64::from(offset)).rem_euclid(1440);
            if from < to {
                (i64::from(from)..i64::from(to)).contains(&m)
            } else {
                m >= i64::from(from) || m < i64::from(to)
            }
        };
        let want = everything.items.iter().filter(|s| inside(s)).count() as u64;
        let got = app.sessions(all.clone(), Some(hours), 0).await.unwrap();
        assert_eq!(got.total, want, "{hours:?}");
        assert!(want > 0 && want < everything.total, "{hours:?}: {want}");
        assert!(got.items.iter().all(inside));
    }
    let bad = TimeOfDay {
        from_minute: 600,
        to_minute: 600,
        utc_offset_minutes: 0,
    };
    assert_eq!(
        app.sessions(all, Some(bad), 0).await.unwrap_err().code(),
        "invalid"
    );

    // Login history: newest first; failures only when asked.
    let logins = app.logins(LoginFilter::default()).await.unwrap();
    assert!(logins.total > 100, "{}", logins.total);
    assert!(logins.items.windows(2).all(|w| w[0].at >= w[1].at));
    let failures = app
        .logins(LoginFilter {
            failures_only: true,
            ..LoginFilter::default()
        })
        .await
        .unwrap();
    assert!(failures.total > 0 && failures.total < logins.total);
    assert!(failures
        .items
        .iter()
        .all(|l| !l.success && l.failure_reason.is_some()));

    // Audit: newest first, one action, the server's chain check, the CSV export.
    let audit = app.audit(AuditFilter::default()).await.unwrap();
    assert!(audit.items.windows(2).all(|w| w[0].seq > w[1].seq));
    let actor = audit
        .items
        .iter()
        .find(|e| e.actor.starts_with("usr_"))
        .unwrap();
    let named = on_server.items.iter().find(|u| u.id == actor.actor);
    if let Some(u) = named {
        assert_eq!(audit.names.get(&actor.actor), Some(&u.username));
    }
    let ended = app
        .audit(AuditFilter {
            action: Some("session.ended".into()),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert!(ended.total > 0 && ended.items.iter().all(|e| e.action == "session.ended"));
    let check = app.verify_audit().await.unwrap();
    assert!(check.ok, "{check:?}");
    assert_eq!(check.count as u64, audit.total);

    let export = app
        .export_audit(AuditFilter {
            action: Some("session.ended".into()),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(export.rows, ended.total);
    let csv = std::fs::read_to_string(&export.path).unwrap();
    assert!(csv.starts_with("seq,at,actor,action,target,reason,ticket,data,prev_hash,hash\r\n"));
    assert_eq!(csv.matches("session.ended").count() as u64, ended.total);
    assert!(csv.contains(&ended.items[0].hash));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_action_runs_once_and_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    let running = common::demo(&dir.path().join("authority.db")).await;
    let app = signed_in(&dir.path().join("console"), &running.url(), DEMO_OWNER).await;
    let server = common::owner(&running.url()).await;
    let why = || Some("Offboarding (console test)".to_string());

    // Log a user out from all devices.
    let users = app.users(UserFilter::default()).await.unwrap();
    let victim = users
        .items
        .iter()
        .filter(|u| u.username != DEMO_OWNER && !u.locked)
        .max_by_key(|u| u.active_sessions)
        .unwrap()
        .clone();
    assert!(victim.active_sessions >= 2);
    let out = app
        .act(ActionForm::EndUserSessions {
            user_id: victim.id.clone(),
            session_ids: None,
            reason: why(),
            ticket: Some("HD-7".into()),
        })
        .await
        .unwrap();
    assert_eq!(out.state, ActionState::Sent, "{:?}", out.error);
    assert_eq!(out.ended as i64, victim.active_sessions);
    assert_eq!(server.user(&victim.id).await.unwrap().active_sessions, 0);

    // Lock, then unlock.
    let other = users
        .items
        .iter()
        .find(|u| {
            u.username != DEMO_OWNER && !u.locked && u.active_sessions > 0 && u.id != victim.id
        })
        .unwrap()
        .clone();
    let lock = app
        .act(ActionForm::Lock {
            user_id: other.id.clone(),
            reason: why(),
            ticket: None,
            require_password_reset: true,
        })
        .await
        .unwrap();
    assert_eq!(lock.state, ActionState::Sent, "{:?}", lock.error);
    let locked = server.user(&other.id).await.unwrap();
    assert!(locked.locked && locked.password_reset_required);
    assert_eq!(locked.active_sessions, 0);
    let cached = app
        .users(UserFilter {
            q: Some(other.username.clone()),
            ..UserFilter::default()
        })
        .await
        .unwrap();
    let cached = cached.items.iter().find(|u| u.id == other.id).unwrap();
    assert!(cached.locked, "the cache shows the lock at once");
    let unlock = app
        .act(ActionForm::Unlock {
            user_id: other.id.clone(),
            reason: why(),
        })
        .await
        .unwrap();
    assert_eq!(unlock.state, ActionState::Sent, "{:?}", unlock.error);
    assert!(!server.user(&other.id).await.unwrap().locked);

    // Sign out the whole team: every session but the console's own.
    let preview = app.end_all_preview().await.unwrap();
    let own = app.state().await.unwrap().own_session.unwrap();
    assert_eq!(preview.spared.as_deref(), Some(own.as_str()));
    let before = server.sessions(&active()).await.unwrap().total;
    // The test's own client holds one more session that the console does not spare.
    assert_eq!(preview.will_end, before - 1);
    let all = app
        .act(ActionForm::EndAll {
            reason: why(),
            ticket: None,
        })
        .await
        .unwrap();
    assert_eq!(all.state, ActionState::Sent, "{:?}", all.error);
    assert_eq!(all.ended as u64, before - 1);
    let left = app.sessions(active(), None, 0).await.unwrap();
    assert_eq!(left.total, 1);
    assert_eq!(left.items[0].id, own);

    // The queued-actions list: newest first, in words, each sent once.
    let listed = app.actions().await.unwrap();
    assert_eq!(listed.len(), 4);
    assert_eq!(listed[0].description, "Sign out all team sessions");
    assert_eq!(
        listed[1].description,
        format!("Unlock {}'s account", other.username)
    );
    assert_eq!(
        listed[2].description,
        format!("Lock {}'s account, password reset required", other.username)
    );
    assert_eq!(
        listed[3].description,
        format!("Log {} out from all devices", victim.username)
    );
    assert!(listed
        .iter()
        .all(|a| a.state == ActionState::Sent && a.attempts == 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_preview_save_and_api_keys() {
    let dir = tempfile::tempdir().unwrap();
    let running = common::demo(&dir.path().join("authority.db")).await;
    let app = signed_in(&dir.path().join("console"), &running.url(), DEMO_OWNER).await;

    let policy = app.policy().await.unwrap().expect("the policy is synced");
    let stricter = Policy {
        idle_timeout_s: Some(60),
        ..policy.clone()
    };
    let preview = app.preview_policy(stricter.clone()).await.unwrap();
    assert!(preview.active > 0);
    assert!(preview.would_end_idle > 0, "{preview:?}");
    // A preview changes nothing.
    assert_eq!(app.policy().await.unwrap().unwrap(), policy);
    let looser = Policy {
        idle_timeout_s: Some(12 * 3600),
        ..policy.clone()
    };
    let saved = app.save_policy(looser.clone()).await.unwrap();
    assert_eq!(saved.idle_timeout_s, Some(12 * 3600));
    assert_eq!(
        app.policy().await.unwrap().unwrap().idle_timeout_s,
        Some(12 * 3600)
    );

    let created = app.create_api_key("Billing service".into()).await.unwrap();
    assert!(created.secret.len() >= 43, "a 256-bit secret");
    let keys = app.api_keys().await.unwrap();
    assert_eq!(keys[0].id, created.key.id, "newest first");
    let check = sessiondesk_client::Client::new(&running.url(), Default::default())
        .unwrap()
        .with_token(sessiondesk_client::protocol::Secret::new(
            created.secret.clone(),
        ));
    let token = common::owner_token(&running.url()).await;
    assert!(
        check.introspect(&token).await.unwrap().active,
        "the new key works"
    );
    let revoked = app.revoke_api_key(created.key.id.clone()).await.unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(
        check.introspect(&token).await.is_err(),
        "a revoked key is refused"
    );
    let blank = app.create_api_key("   ".into()).await.unwrap_err();
    assert_eq!(blank.code(), "invalid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auditor_reads_but_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let running = common::demo(&dir.path().join("authority.db")).await;
    let server = common::owner(&running.url()).await;
    let auditor = server
        .users(&UserQuery {
            role: Some(Role::Auditor),
            ..UserQuery::default()
        })
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|u| !u.locked)
        .unwrap();
    let app = signed_in(
        &dir.path().join("console"),
        &running.url(),
        &auditor.username,
    )
    .await;
    let state = app.state().await.unwrap();
    assert_eq!(state.role, Some(Role::Auditor));
    assert!(state.denied.end_sessions.is_some() && state.denied.edit_policy.is_some());
    assert!(app.sessions(active(), None, 0).await.unwrap().total > 0);
    let target = common::someone_else_s_session(&server).await;
    let refused = app
        .act(ActionForm::EndSession {
            session_id: target.id.clone(),
            reason: Some("not allowed".into()),
            ticket: None,
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "forbidden");
    assert!(
        app.actions().await.unwrap().is_empty(),
        "nothing was queued"
    );
    let refused = app.create_api_key("x".into()).await.unwrap_err();
    assert_eq!(refused.code(), "forbidden");
}

/// The lost-device flow: a member signed in twice from a phone and once from a laptop.
/// Ending the phone's sessions leaves the laptop signed in; locking ends the rest. Each
/// receipt lists the server's revocation time and a read-back of every session, and the
/// tokens are refused by introspection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_phone_is_contained_and_proven() {
    use sessiondesk_client::protocol::{DeviceClaim, LoginRequest, Secret};
    use sessiondesk_console::app::{ContainForm, ReceiptFormat};

    let dir = tempfile::tempdir().unwrap();
    let running = common::demo(&dir.path().join("authority.db")).await;
    let app = signed_in(&dir.path().join("console"), &running.url(), DEMO_OWNER).await;
    let member = member_with_room(&app).await;
    let anonymous = sessiondesk_client::Client::new(&running.url(), Default::default()).unwrap();
    let mut tokens = Vec::new();
    for (model, os) in [
        ("iPhone 15", "iOS"),
        ("iPhone 15", "iOS"),
        ("ThinkPad X1", "Windows"),
    ] {
        let signed = anonymous
            .login(&LoginRequest {
                device: Some(DeviceClaim {
                    app_name: Some("Mail".into()),
                    device_model: Some(model.into()),
                    os: Some(os.into()),
                    ..DeviceClaim::default()
                }),
                ..common::login(&member.username)
            })
            .await
            .unwrap();
        tokens.push(signed.token);
    }
    let key = app.create_api_key("Gateway".into()).await.unwrap();
    let gateway = sessiondesk_client::Client::new(&running.url(), Default::default())
        .unwrap()
        .with_token(Secret::new(key.secret.clone()));
    let active = |t: &Secret| {
        let (gateway, t) = (gateway.clone(), t.clone());
        async move { gateway.introspect(&t).await.unwrap().active }
    };

    // The live feed brings the new sessions; the phone is one device with two sessions.
    let mut devices = None;
    for _ in 0..100 {
        let d = app.user_devices(&member.id).await.unwrap();
        if d.devices
            .iter()
            .any(|g| g.label == "iPhone 15" && g.sessions.len() == 2)
        {
            devices = Some(d);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let devices = devices.expect("the phone's two sessions reached the cache");
    assert_eq!(devices.user.id, member.id);
    assert!(devices.devices.iter().any(|g| g.label == "ThinkPad X1"));
    assert!(
        devices.recent_logins.len() >= 3
            && devices
                .recent_logins
                .iter()
                .all(|l| l.user_id.as_deref() == Some(member.id.as_str())),
        "the member's sign-ins, for review"
    );
    let phone = devices
        .devices
        .iter()
        .find(|g| g.label == "iPhone 15")
        .unwrap();
    assert_eq!(phone.os.as_deref(), Some("iOS"));
    assert_eq!(phone.apps, ["Mail"]);

    // End the phone's sessions only. The form names one of them, as a cache that has not
    // seen the other yet would: the server's list at confirm time brings it in.
    let receipt = app
        .contain(ContainForm {
            user_id: member.id.clone(),
            session_ids: Some(vec![phone.sessions[0].id.clone()]),
            lock: false,
            require_password_reset: false,
            reason: Some("Phone lost on the train".into()),
            ticket: Some("HD-42".into()),
        })
        .await
        .unwrap();
    assert_eq!(receipt.state, ActionState::Sent, "{:?}", receipt.error);
    assert_eq!(receipt.sessions.len(), 2);
    assert!(receipt
        .sessions
        .iter()
        .all(|s| s.rejected && s.checked_at.is_some()));
    assert!(receipt
        .sessions
        .iter()
        .all(|s| s.device.starts_with("iPhone 15")));
    assert!(receipt.total_ms.is_some());
    assert_eq!(receipt.audit_action.as_deref(), Some("session.ended"));
    assert!(!active(&tokens[0]).await && !active(&tokens[1]).await);
    assert!(active(&tokens[2]).await, "the laptop stays signed in");

    // Then contain the account: lock with a password reset ends everything else.
    let locked = app
        .contain(ContainForm {
            user_id: member.id.clone(),
            session_ids: None,
            lock: true,
            require_password_reset: true,
            reason: Some("Credentials may be known".into()),
            ticket: Some("HD-42".into()),
        })
        .await
        .unwrap();
    assert_eq!(locked.state, ActionState::Sent, "{:?}", locked.error);
    assert!(locked.locked && locked.password_reset_required);
    assert!(!locked.sessions.is_empty() && locked.sessions.iter().all(|s| s.rejected));
    assert!(!active(&tokens[2]).await);
    let server = common::owner(&running.url()).await;
    let now = server.user(&member.id).await.unwrap();
    assert!(now.locked && now.password_reset_required && now.active_sessions == 0);

    // Both exports hold every session.
    let json = app
        .export_receipt(receipt.clone(), ReceiptFormat::Json)
        .await
        .unwrap();
    let back: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json.path).unwrap()).unwrap();
    assert_eq!(back["sessions"].as_array().unwrap().len(), 2);
    assert_eq!(back["ticket"], "HD-42");
    let csv = app
        .export_receipt(receipt, ReceiptFormat::Csv)
        .await
        .unwrap();
    let text = std::fs::read_to_string(&csv.path).unwrap();
    assert!(text.starts_with("receipt,audit_action,user,action,"));
    assert_eq!(text.lines().count(), 3);
    assert_eq!(text.matches(",yes,").count(), 2);

    // Ending the phone again: the server ends nothing, and the receipt does not claim it did.
    let again = app
        .contain(ContainForm {
            user_id: member.id.clone(),
            session_ids: Some(phone.sessions.iter().map(|s| s.id.clone()).collect()),
            lock: false,
            require_password_reset: false,
            reason: Some("Phone lost on the train".into()),
            ticket: None,
        })
        .await
        .unwrap();
    assert!(
        again.sessions.is_empty() && again.total_ms.is_none(),
        "{again:?}"
    );
    assert_eq!(
        again.error.as_deref(),
        Some("2 of the 2 sessions had already ended")
    );

    // Nothing to end is refused before anything is queued.
    let empty = app
        .contain(ContainForm {
            user_id: member.id.clone(),
            session_ids: Some(Vec::new()),
            lock: false,
            require_password_reset: false,
            reason: Some("x".into()),
            ticket: None,
        })
        .await
        .unwrap_err();
    assert_eq!(empty.code(), "invalid", "{empty}");
}

/// Alerts: a watched user's new session is one alert, once; with alerts off, new sessions
/// are passed over and stay passed over; the sessions there were at sign-in are not news.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watched_user_signing_in_is_one_alert() {
    let dir = tempfile::tempdir().unwrap();
    let running = common::demo(&dir.path().join("authority.db")).await;
    let app = signed_in(&dir.path().join("console"), &running.url(), DEMO_OWNER).await;
    assert!(
        app.take_alerts().await.unwrap().is_empty(),
        "the demo's sessions are history, high risk or not"
    );
    let member = member_with_room(&app).await;
    let settings = app.watch(member.id.clone(), true).await.unwrap();
    assert!(settings.enabled, "alerts are on by default");
    assert_eq!(settings.watchlist.len(), 1);
    assert_eq!(settings.watchlist[0].username, member.username);

    let anonymous = sessiondesk_client::Client::new(&running.url(), Default::default()).unwrap();
    let request = common::login(&member.username);
    let sign_in = || anonymous.login(&request);
    let first = sign_in().await.unwrap();
    let mut alerts = Vec::new();
    for _ in 0..100 {
        alerts.extend(app.take_alerts().await.unwrap());
        if !alerts.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].session_id, first.session.id);
    assert!(
        alerts[0].watched && alerts[0].title.ends_with("signed in"),
        "{alerts:?}"
    );
    assert!(
        app.take_alerts().await.unwrap().is_empty(),
        "one alert per session"
    );

    // Off: the next sign-in is passed over, and stays so when alerts come back on.
    assert!(!app.set_alerts(false).await.unwrap().enabled);
    let second = sign_in().await.unwrap();
    for _ in 0..100 {
        if app.session(&second.session.id).await.unwrap().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(app.take_alerts().await.unwrap().is_empty());
    assert!(app.set_alerts(true).await.unwrap().enabled);
    assert!(app.take_alerts().await.unwrap().is_empty());

    let off = app.watch(member.id.clone(), false).await.unwrap();
    assert!(off.watchlist.is_empty());
}

/// A burst: 25 watched users sign in at once. One round raises 20 notifications and one
/// that says 5 more were left out; the next round has nothing new.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_alerts_is_capped_and_summed_up() {
    let dir = tempfile::tempdir().unwrap();
    let running = common::demo(&dir.path().join("authority.db")).await;
    let app = signed_in(&dir.path().join("console"), &running.url(), DEMO_OWNER).await;
    let users = app
        .users(UserFilter {
            limit: 500,
            ..UserFilter::default()
        })
        .await
        .unwrap();
    let burst: Vec<_> = users
        .items
        .iter()
        .filter(|u| {
            u.username != DEMO_OWNER
                && !u.locked
                && !u.password_reset_required
                && u.active_sessions <= 3
        })
        .take(25)
        .collect();
    assert_eq!(burst.len(), 25);
    let anonymous = sessiondesk_client::Client::new(&running.url(), Default::default()).unwrap();
    let mut ids = Vec::new();
    for u in &burst {
        app.watch(u.id.clone(), true).await.unwrap();
        let request = common::login(&u.username);
        // Sign-ins from one address are limited to 20 at once, then one a second.
        let signed = loop {
            match anonymous.login(&request).await {
                Err(e) if e.code() == "rate_limited" => {
                    tokio::time::sleep(Duration::from_millis(500)).await
                }
                other => break other.unwrap(),
            }
        };
        ids.push(signed.session.id);
    }
    // Wait for the last one to reach the cache, then take one round.
    for _ in 0..100 {
        if app.session(ids.last().unwrap()).await.unwrap().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let round = app.take_alerts().await.unwrap();
    assert_eq!(round.len(), 21, "{round:?}");
    assert!(round[..20]
        .iter()
        .all(|a| a.watched && ids.contains(&a.session_id)));
    assert_eq!(round[20].title, "5 more sign-ins need a look");
    assert!(app.take_alerts().await.unwrap().is_empty());
}
