//! The console core end to end against a real authority: sign-in keeps the token in the
//! secret store, a revoked token means "sign in again", the cache answers while the server
//! is down and says as of when, and sign-out forgets the token and the cache.

use std::sync::Arc;

use sessiondesk_client::protocol::{Secret, SessionQuery, StatusFilter};
use sessiondesk_client::{Client, Options};
use sessiondesk_console::paths::Paths;
use sessiondesk_console::profiles::NewProfile;
use sessiondesk_console::secrets::{InMemory, Secrets};
use sessiondesk_console::Console;
use sessiondesk_server::seed::{DEMO_ORG, DEMO_OWNER, DEMO_PASSWORD};

mod common;

#[tokio::test]
async fn sign_in_work_offline_lose_the_token_and_sign_out() {
    let dir = tempfile::tempdir().unwrap();
    let running = common::demo(&dir.path().join("authority.db")).await;
    let secrets = Arc::new(InMemory::default());
    let paths = Paths::under(&dir.path().join("console"));
    let console = Console::new(paths.clone(), secrets.clone()).unwrap();
    let profile = console
        .add_profile(NewProfile {
            name: "Demo".into(),
            server_url: running.url(),
            org: DEMO_ORG.into(),
            username: DEMO_OWNER.into(),
        })
        .unwrap();

    // Not signed in yet: the UI is told to sign in, nothing crashes.
    let err = console.open(&profile.id).await.err().unwrap();
    assert_eq!(err.code(), "sign_in_required");
    let err = console
        .sign_in(&profile.id, Secret::new("wrong"))
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), "invalid_credentials");
    assert!(secrets.get(&profile.id).unwrap().is_none());

    let ws = console
        .sign_in(&profile.id, Secret::new(DEMO_PASSWORD))
        .await
        .unwrap();
    assert!(
        secrets.get(&profile.id).unwrap().is_some(),
        "the token is in the secret store"
    );
    let me = ws.check().await.unwrap();
    ws.syncer().catch_up().await.unwrap();
    let online = ws
        .cache
        .sessions(&SessionQuery::default(), 0, common::now())
        .await
        .unwrap();
    assert!(online.total > 100);
    // Later blocks of the list reuse the count; a sync that writes renews it.
    let later = ws
        .cache
        .sessions(&SessionQuery::default(), 100, common::now())
        .await
        .unwrap();
    assert_eq!(later.total, online.total);
    let other = common::someone_else_s_session(&ws.client).await;
    common::revoke(&ws.client, &other.id, "lost phone").await;
    ws.syncer().catch_up().await.unwrap();
    let renewed = ws
        .cache
        .sessions(&SessionQuery::default(), 100, common::now())
        .await
        .unwrap();
    assert_eq!(renewed.total, online.total - 1);
    let online = renewed;
    // The profiles file never holds the token.
    let file = std::fs::read_to_string(paths.profiles_file()).unwrap();
    assert!(!file.contains(secrets.get(&profile.id).unwrap().unwrap().expose()));

    // Reopened from the secret store, as after a restart of the app.
    let ws = console.open(&profile.id).await.unwrap();
    assert_eq!(ws.check().await.unwrap().id, me.id);

    // The server goes down: calls say offline, the cache answers as of the last sync.
    running.shutdown().await;
    let err = ws.check().await.err().unwrap();
    assert!(err.is_offline(), "{err:?}");
    let offline = ws
        .cache
        .sessions(
            &SessionQuery {
                q: Some("berlin".into()),
                status: Some(StatusFilter::All),
                ..Default::default()
            },
            0,
            common::now(),
        )
        .await
        .unwrap();
    assert!(offline.total > 0);
    assert_eq!(offline.synced_at, online.synced_at);
    assert!(offline.synced_at.is_some());

    // Back up; another admin revokes the console's session: "sign in again".
    let running = common::demo(&dir.path().join("authority.db")).await;
    let moved = sessiondesk_console::profiles::Profiles::load(paths.profiles_file()).unwrap();
    assert_eq!(moved.list().len(), 1);
    let admin = common::owner(&running.url()).await;
    common::revoke(&admin, &me.id, "console token revoked").await;
    let revoked_ws = sessiondesk_console::Workspace {
        client: Client::new(&running.url(), Options::default())
            .unwrap()
            .with_token(secrets.get(&profile.id).unwrap().unwrap()),
        ..ws.clone()
    };
    let err = revoked_ws.check().await.err().unwrap();
    assert_eq!(err.code(), "sign_in_required", "{err:?}");

    // Sign-out forgets the token and the cache.
    ws.cache.close().await;
    let cache_file = paths.cache_file(&profile.id);
    assert!(cache_file.exists());
    console.sign_out(&profile.id).await.unwrap();
    assert!(secrets.get(&profile.id).unwrap().is_none());
    assert!(!cache_file.exists());
    assert_eq!(
        console.open(&profile.id).await.err().unwrap().code(),
        "sign_in_required"
    );
    console.remove_profile(&profile.id).await.unwrap();
    assert!(console.profiles().is_empty());
    running.shutdown().await;
}
