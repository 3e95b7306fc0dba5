//! The cache against a real authority (demo data, 127.0.0.1:0): a first sync, a sync cut
//! short and resumed, and the live stream, each ending with a cache equal to the server.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;
use sessiondesk_client::protocol::ChangeQuery;
use sessiondesk_client::Client;
use sessiondesk_console::cache::Cache;
use sessiondesk_console::sync::{SyncState, Syncer};
use sessiondesk_server::app::Running;

mod common;

async fn demo(dir: &tempfile::TempDir) -> (Running, Client) {
    let running = common::demo(&dir.path().join("authority.db")).await;
    let c = common::owner(&running.url()).await;
    (running, c)
}

type Copy = BTreeMap<(String, String), Value>;

/// Every row the server's feed describes now, by entity and id.
async fn server_copy(c: &Client) -> Copy {
    let mut out = Copy::new();
    let mut after = 0;
    loop {
        let page = c
            .changes(&ChangeQuery {
                after,
                limit: Some(10_000),
            })
            .await
            .unwrap();
        for ch in page.changes {
            let id = match ch.entity.as_str() {
                "policy" => "policy".to_string(),
                _ => ch.data["id"].as_str().unwrap().to_string(),
            };
            out.insert((ch.entity.as_str().to_string(), id), ch.data);
        }
        if !page.has_more {
            return out;
        }
        after = page.next;
    }
}

async fn cache_copy(cache: &Cache) -> Copy {
    let mut out = Copy::new();
    for (entity, sql) in [
        (
            "session",
            "SELECT s.id, b.body FROM sessions s JOIN session_bodies b ON b.id = s.rowid",
        ),
        ("user", "SELECT id, body FROM users"),
        ("login", "SELECT id, body FROM logins"),
        ("audit", "SELECT id, body FROM audit_events"),
        ("api_key", "SELECT id, body FROM api_keys"),
        ("policy", "SELECT 'policy', body FROM policy"),
    ] {
        let rows: Vec<(String, String)> =
            sqlx::query_as(sql).fetch_all(cache.pool()).await.unwrap();
        for (id, body) in rows {
            out.insert((entity.into(), id), serde_json::from_str(&body).unwrap());
        }
    }
    out
}

async fn assert_equal(c: &Client, cache: &Cache) {
    let server = server_copy(c).await;
    let copy = cache_copy(cache).await;
    assert!(server.len() > 1_000, "{}", server.len());
    let missing: Vec<_> = server
        .keys()
        .filter(|k| !copy.contains_key(*k))
        .take(5)
        .collect();
    assert!(missing.is_empty(), "not in the cache: {missing:?}");
    let differ: Vec<_> = server
        .iter()
        .filter(|(k, v)| copy.get(*k) != Some(*v))
        .map(|(k, v)| (k, v, copy.get(k)))
        .take(5)
        .collect();
    assert!(differ.is_empty(), "differ: {differ:?}");
    assert_eq!(server.len(), copy.len());
}

#[tokio::test]
async fn a_first_sync_copies_the_whole_org() {
    let dir = tempfile::tempdir().unwrap();
    let (running, c) = demo(&dir).await;
    let cache = Cache::open(&dir.path().join("cache.db")).await.unwrap();
    assert_eq!(cache.position().await.unwrap(), 0);
    assert_eq!(cache.synced_at().await.unwrap(), None);
    let applied = Syncer::new(c.clone(), cache.clone())
        .with_page(500)
        .catch_up()
        .await
        .unwrap();
    assert!(applied > 1_000, "{applied}");
    assert!(cache.synced_at().await.unwrap().is_some());
    assert_equal(&c, &cache).await;
    // Nothing new: a second catch-up applies nothing.
    assert_eq!(
        Syncer::new(c.clone(), cache.clone())
            .catch_up()
            .await
            .unwrap(),
        0
    );
    running.shutdown().await;
}

#[tokio::test]
async fn a_sync_cut_short_resumes_to_the_same_copy() {
    let dir = tempfile::tempdir().unwrap();
    let (running, c) = demo(&dir).await;
    let path = dir.path().join("cache.db");
    let cache = Cache::open(&path).await.unwrap();
    let syncer = Syncer::new(c.clone(), cache.clone()).with_page(40);
    let task = tokio::spawn(async move { syncer.catch_up().await });
    // Let a few pages land, then stop it wherever it is (mid-page included).
    loop {
        if cache.position().await.unwrap() >= 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    task.abort();
    let _ = task.await;
    cache.close().await;

    // Meanwhile the server moves on.
    let victim = common::someone_else_s_session(&c).await;
    common::revoke(&c, &victim.id, "resume test").await;

    let cache = Cache::open(&path).await.unwrap();
    let stopped_at = cache.position().await.unwrap();
    assert!(stopped_at >= 200);
    assert_eq!(
        cache.synced_at().await.unwrap(),
        None,
        "it had not finished"
    );
    Syncer::new(c.clone(), cache.clone())
        .with_page(40)
        .catch_up()
        .await
        .unwrap();
    assert!(cache.position().await.unwrap() > stopped_at);
    assert_equal(&c, &cache).await;
    running.shutdown().await;
}

async fn wait_for(
    state: &mut tokio::sync::watch::Receiver<SyncState>,
    what: &str,
    ok: impl Fn(&SyncState) -> bool,
) {
    let reached = tokio::time::timeout(Duration::from_secs(10), state.wait_for(|s| ok(s)))
        .await
        .is_ok();
    assert!(reached, "no {what} state: {:?}", *state.borrow());
}

#[tokio::test]
async fn the_live_sync_follows_commits_and_says_when_the_server_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let (running, c) = demo(&dir).await;
    let cache = Cache::open(&dir.path().join("cache.db")).await.unwrap();
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let (state_tx, mut state) = tokio::sync::watch::channel(SyncState::Idle);
    let syncer = Syncer::new(c.clone(), cache.clone());
    let task = tokio::spawn(async move { syncer.run(stop, state_tx).await });
    wait_for(&mut state, "live", |s| matches!(s, SyncState::Live { .. })).await;

    let victim = common::someone_else_s_session(&c).await;
    common::revoke(&c, &victim.id, "live test").await;
    let ended = || async {
        let body: String = sqlx::query_scalar("SELECT status FROM sessions WHERE id = ?")
            .bind(&victim.id)
            .fetch_one(cache.pool())
            .await
            .unwrap();
        body == "ended"
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !ended().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the cache never saw the revocation"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_equal(&c, &cache).await;

    running.shutdown().await;
    wait_for(&mut state, "offline", |s| {
        matches!(s, SyncState::Offline { .. })
    })
    .await;
    match &*state.borrow() {
        SyncState::Offline {
            synced_at, code, ..
        } => {
            assert!(synced_at.is_some());
            assert_eq!(code, "unreachable");
        }
        other => panic!("{other:?}"),
    }
    stop_tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
}
