//! Actions queued while the server is down survive a restart of the console core and run
//! on the server exactly once, even when sent again after a lost answer.

use sessiondesk_client::protocol::{
    ActionRequest, AuditQuery, LockRequest, RevokeSessionsRequest, SessionStatus,
};
use sessiondesk_client::{Client, Options};
use sessiondesk_console::cache::Cache;
use sessiondesk_console::outbox::{Action, Outbox, State};
use sessiondesk_console::sync::Syncer;
use sessiondesk_server::seed::DEMO_OWNER;

mod common;

fn reason(r: &str) -> Option<String> {
    Some(r.to_string())
}

/// How many audit events carry this reason.
async fn events_with_reason(c: &Client, why: &str) -> usize {
    let mut n = 0;
    let mut q = AuditQuery {
        limit: Some(1000),
        ..Default::default()
    };
    loop {
        let page = c.audit(&q).await.unwrap();
        n += page
            .items
            .iter()
            .filter(|e| e.reason.as_deref() == Some(why))
            .count();
        match page.next_cursor {
            Some(cur) => q.cursor = Some(cur),
            None => return n,
        }
    }
}

#[tokio::test]
async fn actions_queued_offline_run_once_when_the_server_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("authority.db");
    let running = common::demo(&db).await;
    let token = common::owner_token(&running.url()).await;
    let anon = Client::new(&running.url(), Options::default()).unwrap();
    let c = anon.with_token(token.clone());
    let cache_path = dir.path().join("cache.db");
    let cache = Cache::open(&cache_path).await.unwrap();
    Syncer::new(c.clone(), cache.clone())
        .catch_up()
        .await
        .unwrap();

    // Targets as the console knows them: from its cache.
    let active: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, user_id, username FROM sessions WHERE status = 'active' \
         AND username != ? ORDER BY created_at DESC",
    )
    .bind(DEMO_OWNER)
    .fetch_all(cache.pool())
    .await
    .unwrap();
    let (session_a, user_a, _) = active[0].clone();
    let (_, user_b, _) = active.iter().find(|s| s.1 != user_a).unwrap().clone();
    let (_, user_c, _) = active
        .iter()
        .find(|s| s.1 != user_a && s.1 != user_b)
        .unwrap()
        .clone();

    // The server goes away.
    running.shutdown().await;
    let outbox = Outbox::new(&cache);
    let actions = [
        Action::RevokeSession {
            session_id: session_a.clone(),
            request: ActionRequest {
                reason: reason("outbox: lost phone"),
                ticket: Some("HD-7".into()),
            },
        },
        Action::Lock {
            user_id: user_b.clone(),
            request: LockRequest {
                reason: reason("outbox: leaver"),
                ticket: None,
                require_password_reset: true,
            },
        },
        Action::RevokeUserSessions {
            user_id: user_c.clone(),
            request: RevokeSessionsRequest {
                reason: reason("outbox: new laptop"),
                ..Default::default()
            },
        },
    ];
    for (i, a) in actions.iter().enumerate() {
        outbox.enqueue(a.clone(), 1_000 + i as i64).await.unwrap();
    }
    let round = outbox.send_pending(&c, 2_000).await.unwrap();
    assert_eq!((round.sent, round.failed, round.pending), (0, 0, 3));
    let listed = outbox.list().await.unwrap();
    assert!(listed.iter().all(|q| q.state == State::Pending));
    assert_eq!(listed[0].attempts, 1, "the first was tried");
    assert_eq!(listed[1].attempts, 0, "the rest wait behind it, in order");
    assert_eq!(listed[0].error.as_ref().unwrap().code, "unreachable");

    // The console core restarts: the queue is in the file.
    cache.close().await;
    drop(outbox);
    let cache = Cache::open(&cache_path).await.unwrap();
    let outbox = Outbox::new(&cache);
    let listed = outbox.list().await.unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(
        listed.iter().map(|q| q.action.clone()).collect::<Vec<_>>(),
        actions.to_vec()
    );

    // The server is back (same database, another port).
    let running = common::demo(&db).await;
    let c = Client::new(&running.url(), Options::default())
        .unwrap()
        .with_token(token);
    let round = outbox.send_pending(&c, 3_000).await.unwrap();
    assert_eq!((round.sent, round.failed, round.pending), (3, 0, 0));
    let listed = outbox.list().await.unwrap();
    assert!(listed
        .iter()
        .all(|q| q.state == State::Sent && q.sent_at == Some(3_000)));
    let receipt = listed[0].receipt.as_ref().unwrap();
    assert_eq!(receipt.receipts[0].session_id, session_a);
    assert_eq!(
        c.session(&session_a).await.unwrap().status,
        SessionStatus::Ended
    );
    assert!(c.user(&user_b).await.unwrap().locked);

    let counted = [
        events_with_reason(&c, "outbox: lost phone").await,
        events_with_reason(&c, "outbox: leaver").await,
        events_with_reason(&c, "outbox: new laptop").await,
    ];
    assert_eq!(counted[0], 1);
    assert!(counted.iter().all(|&n| n >= 1), "{counted:?}");

    // A crash after the server acted but before the outbox recorded it: sent again with
    // the same key, the server replays its answer and acts no more.
    sqlx::query("UPDATE outbox SET state = 'pending', receipt = NULL")
        .execute(cache.pool())
        .await
        .unwrap();
    let round = outbox.send_pending(&c, 4_000).await.unwrap();
    assert_eq!(round.sent, 3);
    let again = [
        events_with_reason(&c, "outbox: lost phone").await,
        events_with_reason(&c, "outbox: leaver").await,
        events_with_reason(&c, "outbox: new laptop").await,
    ];
    assert_eq!(again, counted, "each action ran once");
    assert_eq!(
        outbox.list().await.unwrap()[0].receipt.as_ref(),
        Some(receipt),
        "the replay is the first answer"
    );
    running.shutdown().await;
}

#[tokio::test]
async fn a_refused_action_is_failed_with_the_server_s_message_and_not_retried() {
    let dir = tempfile::tempdir().unwrap();
    let running = common::demo(&dir.path().join("authority.db")).await;
    let c = common::owner(&running.url()).await;
    let cache = Cache::open(&dir.path().join("cache.db")).await.unwrap();
    let outbox = Outbox::new(&cache);
    // The demo policy requires a reason; this one has none.
    outbox
        .enqueue(
            Action::RevokeAll {
                request: ActionRequest::default(),
            },
            1,
        )
        .await
        .unwrap();
    let round = outbox.send_pending(&c, 2).await.unwrap();
    assert_eq!((round.sent, round.failed, round.pending), (0, 1, 0));
    let q = &outbox.list().await.unwrap()[0];
    assert_eq!(q.state, State::Failed);
    let refusal = q.error.as_ref().unwrap();
    assert_eq!(refusal.code, "reason_required");
    assert!(refusal.message.contains("reason"), "{}", refusal.message);
    // Failed actions are not sent again.
    assert_eq!(outbox.send_pending(&c, 3).await.unwrap().failed, 0);
    assert_eq!(outbox.list().await.unwrap()[0].attempts, 1);
    running.shutdown().await;
}
