//! The console as the window drives it (`app::App`), against a real demo authority: sign in,
//! the list from the cache, and ending a session with a reason through the outbox.

mod common;

use std::sync::Arc;
use std::time::Duration;

use sessiondesk_client::protocol::SessionQuery;
use sessiondesk_console::app::App;
use sessiondesk_console::paths::Paths;
use sessiondesk_console::secrets::InMemory;
use sessiondesk_console::view::{ActionState, EndSessionForm, SignInForm, SyncPhase};
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
    assert!(state.can_end_sessions, "the owner may end sessions");

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

    let rows = app.sessions(SessionQuery::default(), 0).await.unwrap();
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

    // Without the reason the policy wants, the server refuses and says so.
    let refused = app
        .end_session(EndSessionForm {
            session_id: target.id.clone(),
            reason: None,
            ticket: None,
        })
        .await
        .unwrap();
    assert_eq!(refused.state, ActionState::Failed);
    assert!(refused.error.is_some());

    let ended = app
        .end_session(EndSessionForm {
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
