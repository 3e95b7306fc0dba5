//! The client against a real authority (demo data, SQLite file, 127.0.0.1:0): every
//! endpoint answers through its typed method, problems arrive with their code.

use futures::StreamExt;
use sessiondesk_client::protocol::{
    ActionRequest, AuditQuery, ChangeQuery, LockRequest, LoginQuery, LoginRequest, NewApiKey,
    RevokeSessionsRequest, Secret, SessionQuery, SessionStatus, StatusFilter, UserQuery,
};
use sessiondesk_client::{Client, Options};
use sessiondesk_server::app::Running;
use sessiondesk_server::embedded::Embedded;
use sessiondesk_server::seed::{DEMO_ORG, DEMO_OWNER, DEMO_PASSWORD};

fn data_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

async fn demo() -> (Running, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let running = Embedded::new(dir.path().join("demo.db"), Some(data_dir()))
        .unwrap()
        .start_demo()
        .await
        .unwrap();
    (running, dir)
}

fn login(username: &str) -> LoginRequest {
    LoginRequest {
        org: DEMO_ORG.into(),
        username: username.into(),
        password: Secret::new(DEMO_PASSWORD),
        remember_me: false,
        device: None,
    }
}

async fn owner(running: &Running) -> Client {
    let anon = Client::new(&running.url(), Options::default()).unwrap();
    let res = anon.login(&login(DEMO_OWNER)).await.unwrap();
    anon.with_token(res.token)
}

#[tokio::test]
async fn every_read_answers_typed_data() {
    let (running, _dir) = demo().await;
    let c = owner(&running).await;
    let me = c.current_session().await.unwrap();
    assert_eq!(me.user.username, DEMO_OWNER);
    assert!(c
        .own_sessions()
        .await
        .unwrap()
        .items
        .iter()
        .any(|s| s.id == me.id));

    let all = c.sessions(&SessionQuery::default()).await.unwrap();
    assert!(all.total > 100, "{}", all.total);
    assert_eq!(all.items.len(), 100);
    // Repeated user_id values reach the server as a list.
    let two: Vec<String> = all
        .items
        .iter()
        .map(|s| s.user.id.clone())
        .take(2)
        .collect();
    let picked = c
        .sessions(&SessionQuery {
            user_id: two.clone(),
            status: Some(StatusFilter::All),
            limit: Some(1000),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!picked.items.is_empty());
    assert!(picked.items.iter().all(|s| two.contains(&s.user.id)));
    let page2 = c
        .sessions(&SessionQuery {
            cursor: all.next_cursor.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(page2
        .items
        .iter()
        .all(|s| !all.items.iter().any(|a| a.id == s.id)));
    let one = c.session(&all.items[0].id).await.unwrap();
    assert_eq!(one.id, all.items[0].id);

    let users = c.users(&UserQuery::default()).await.unwrap();
    assert!(users.total >= 200);
    assert_eq!(
        c.user(&users.items[0].id).await.unwrap().id,
        users.items[0].id
    );
    assert!(!c
        .logins(&LoginQuery::default())
        .await
        .unwrap()
        .items
        .is_empty());
    assert!(!c
        .audit(&AuditQuery::default())
        .await
        .unwrap()
        .items
        .is_empty());
    assert!(c.verify_audit().await.unwrap().ok);
    let policy = c.policy().await.unwrap();
    let preview = c.preview_policy(&policy).await.unwrap();
    assert!(preview.active > 0);
    assert!(!c.api_keys().await.unwrap().is_empty());
    let feed = c
        .changes(&ChangeQuery {
            after: 0,
            limit: Some(50),
        })
        .await
        .unwrap();
    assert_eq!(feed.changes.len(), 50);
    assert!(feed.has_more);
    assert_eq!(feed.next, feed.changes.last().unwrap().seq);
    assert_eq!(c.health().await.unwrap()["status"], "ok");
    assert!(c.openapi().await.unwrap()["paths"]["/v1/admin/sessions"].is_object());
    assert!(c.metrics().await.unwrap().contains("sessiondesk_"));
    running.shutdown().await;
}

#[tokio::test]
async fn actions_with_a_key_run_once_and_answer_receipts() {
    let (running, _dir) = demo().await;
    let c = owner(&running).await;
    let me = c.current_session().await.unwrap();
    let victim = c
        .sessions(&SessionQuery::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|s| s.user.id != me.user.id)
        .unwrap();
    let req = ActionRequest {
        reason: Some("lost phone".into()),
        ticket: Some("HD-1".into()),
    };
    let first = c
        .revoke_session(&victim.id, &req, Some("key-1"))
        .await
        .unwrap();
    let again = c
        .revoke_session(&victim.id, &req, Some("key-1"))
        .await
        .unwrap();
    assert_eq!(first.receipts, again.receipts);
    assert_eq!(first.ended, 1);
    assert_eq!(
        c.session(&victim.id).await.unwrap().status,
        SessionStatus::Ended
    );
    // The same key with another body is refused.
    let other = ActionRequest {
        reason: Some("other".into()),
        ticket: None,
    };
    let err = c
        .revoke_session(&victim.id, &other, Some("key-1"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422), "{err}");

    let user = victim.user.id.clone();
    let ended = c
        .revoke_user_sessions(
            &user,
            &RevokeSessionsRequest {
                reason: Some("leaver".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(ended.action, "session.ended");
    let locked = c
        .lock_user(
            &user,
            &LockRequest {
                reason: Some("left the company".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(locked.action, "user.locked");
    assert!(c.user(&user).await.unwrap().locked);
    c.unlock_user(&user, &req, None).await.unwrap();
    assert!(!c.user(&user).await.unwrap().locked);

    let created = c
        .create_api_key(&NewApiKey { name: "crm".into() }, Some("k-2"))
        .await
        .unwrap();
    assert!(created.secret.is_some());
    let replay = c
        .create_api_key(&NewApiKey { name: "crm".into() }, Some("k-2"))
        .await
        .unwrap();
    assert_eq!(replay.key.id, created.key.id);
    assert!(replay.secret.is_none(), "a replay never repeats the secret");
    // The new key works for introspection, and then is revoked.
    let rs = Client::new(&running.url(), Options::default())
        .unwrap()
        .with_token(created.secret.clone().unwrap());
    let anon = Client::new(&running.url(), Options::default()).unwrap();
    let token = anon.login(&login("owner")).await.unwrap().token;
    assert!(rs.introspect(&token).await.unwrap().active);
    rs.revoke_token(&token).await.unwrap();
    assert!(!rs.introspect(&token).await.unwrap().active);
    assert!(c
        .revoke_api_key(&created.key.id, None)
        .await
        .unwrap()
        .revoked_at
        .is_some());

    let all = c.revoke_all(&req, None).await.unwrap();
    assert!(all.ended > 0);
    assert!(
        c.current_session().await.is_ok(),
        "revoke-all spares the caller"
    );
    running.shutdown().await;
}

#[tokio::test]
async fn problems_arrive_with_their_code() {
    let (running, _dir) = demo().await;
    let anon = Client::new(&running.url(), Options::default()).unwrap();
    let mut bad = login(DEMO_OWNER);
    bad.password = Secret::new("wrong");
    let err = anon.login(&bad).await.unwrap_err();
    assert_eq!(err.code(), "invalid_credentials");
    assert_eq!(err.status(), Some(401));

    let c = owner(&running).await;
    let err = c
        .session("ses_00000000000000000000000000")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
    let err = c
        .sessions(&SessionQuery {
            limit: Some(5000),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));

    c.logout().await.unwrap();
    let err = c.current_session().await.unwrap_err();
    assert!(err.needs_sign_in(), "{err:?}");
    assert!(!err.is_offline());
    running.shutdown().await;

    // Nothing listens there any more.
    let err = c.current_session().await.unwrap_err();
    assert!(err.is_offline(), "{err:?}");
    assert_eq!(err.code(), "unreachable");
}

#[tokio::test]
async fn the_event_stream_announces_commits() {
    let (running, _dir) = demo().await;
    let c = owner(&running).await;
    let mut events = Box::pin(c.events().await.unwrap());
    let first = events.next().await.unwrap().unwrap();
    let victim = c
        .sessions(&SessionQuery::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|s| s.user.username != DEMO_OWNER)
        .unwrap();
    c.revoke_session(
        &victim.id,
        &ActionRequest {
            reason: Some("test".into()),
            ticket: None,
        },
        None,
    )
    .await
    .unwrap();
    let next = tokio::time::timeout(std::time::Duration::from_secs(5), events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(next > first, "{next} after {first}");
    running.shutdown().await;
}
