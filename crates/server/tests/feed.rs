//! The change feed: a copy built from `changes?after=` while writers run equals the
//! database, and the event stream announces a commit at once.

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sessiondesk_protocol::{Policy, Role};

/// Reads the feed from `after` to its end, checking order; applies every change as an upsert.
async fn drain(
    h: &Harness,
    token: &str,
    after: &mut i64,
    copy: &mut HashMap<(String, String), Value>,
) {
    loop {
        let (status, page) = h
            .get(&format!("/v1/admin/changes?after={after}&limit=50"), token)
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for c in page["changes"].as_array().unwrap() {
            let seq = c["seq"].as_i64().unwrap();
            assert!(seq > *after, "sequence numbers rise: {seq} after {after}");
            *after = seq;
            let entity = c["entity"].as_str().unwrap().to_string();
            let id = match entity.as_str() {
                "policy" => "policy".to_string(),
                _ => c["data"]["id"].as_str().unwrap().to_string(),
            };
            copy.insert((entity, id), c["data"].clone());
        }
        assert_eq!(page["next"].as_i64().unwrap(), *after);
        if !page["has_more"].as_bool().unwrap() {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_copy_from_the_feed_equals_the_database_under_concurrent_writers() {
    let h = Arc::new(Harness::start().await);
    let org = h.org("acme", Policy::default()).await;
    h.user(&org, "olga", Role::Owner).await;
    let owner = h.login("acme", "olga").await;
    for i in 0..6 {
        h.user(&org, &format!("user{i}"), Role::Member).await;
    }
    let writers: Vec<_> = (0..6)
        .map(|i| {
            let h = h.clone();
            tokio::spawn(async move {
                for round in 0..8 {
                    let name = format!("user{i}");
                    let pw = if round % 3 == 2 { "wrong" } else { PASSWORD };
                    let (status, body) = h.login_from("acme", &name, pw, "8.8.8.8").await;
                    if status == StatusCode::CREATED && round % 2 == 0 {
                        let t = body["token"].as_str().unwrap();
                        h.post_json(
                            "/v1/auth/logout",
                            &json!({}),
                            &[("authorization", &format!("Bearer {t}"))],
                        )
                        .await;
                    }
                }
            })
        })
        .collect();
    let mut after = 0;
    let mut copy = HashMap::new();
    while writers.iter().any(|w| !w.is_finished()) {
        drain(&h, &owner, &mut after, &mut copy).await;
    }
    for w in writers {
        w.await.unwrap();
    }
    h.db().await; // failed sign-ins are written in the background
    drain(&h, &owner, &mut after, &mut copy).await;

    let db = h.db().await;
    let count = |entity: &str| copy.keys().filter(|(e, _)| e == entity).count() as i64;
    for (entity, sql) in [
        ("session", "SELECT COUNT(*) FROM sessions WHERE org_id = ?"),
        ("user", "SELECT COUNT(*) FROM users WHERE org_id = ?"),
        (
            "login",
            "SELECT COUNT(*) FROM login_attempts WHERE org_id = ?",
        ),
        (
            "audit",
            "SELECT COUNT(*) FROM audit_events WHERE org_id = ?",
        ),
        ("policy", "SELECT COUNT(*) FROM policies WHERE org_id = ?"),
    ] {
        let n: i64 = sqlx::query_scalar(sql)
            .bind(&org.id)
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(count(entity), n, "{entity}");
    }
    let rows: Vec<(String, String, Option<i64>, i64)> =
        sqlx::query_as("SELECT id, status, ended_at, last_seen_at FROM sessions WHERE org_id = ?")
            .bind(&org.id)
            .fetch_all(&db)
            .await
            .unwrap();
    assert!(rows.len() > 30);
    for (id, status, ended_at, last_seen) in rows {
        let s = &copy[&("session".to_string(), id.clone())];
        assert_eq!(s["status"], status, "{id}");
        assert_eq!(s["ended_at"].is_null(), ended_at.is_none(), "{id}");
        let seen = sessiondesk_protocol::Timestamp::from_millis(last_seen).to_string();
        assert_eq!(s["last_seen_at"], seen, "{id}");
    }
}

#[tokio::test]
async fn the_event_stream_announces_a_commit_at_once() {
    let h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    h.user(&org, "olga", Role::Owner).await;
    h.user(&org, "ann", Role::Member).await;
    let owner = h.login("acme", "olga").await;
    let ann = h.login("acme", "ann").await;
    let (_, me) = h.get("/v1/auth/session", &ann).await;
    let mut res = h
        .http
        .get(format!("{}/v1/admin/events", h.url))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let first = String::from_utf8(res.chunk().await.unwrap().unwrap().to_vec()).unwrap();
    assert!(first.contains("event: change"), "{first}");
    let path = format!("/v1/admin/sessions/{}/revoke", me["id"].as_str().unwrap());
    // Timed from before the call: an upper bound on the time from its commit.
    let sent = Instant::now();
    let (status, _) = h
        .call("POST", &path, &owner, Some(&json!({"reason": "test"})), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, feed) = h.get("/v1/admin/changes?after=0&limit=10000", &owner).await;
    let latest = feed["next"].as_i64().unwrap();
    let mut text = String::new();
    while !text.contains(&format!("id: {latest}")) {
        let chunk = tokio::time::timeout(Duration::from_secs(2), res.chunk())
            .await
            .expect("an event within 2 s")
            .unwrap()
            .unwrap();
        text.push_str(std::str::from_utf8(&chunk).unwrap());
    }
    let took = sent.elapsed();
    assert!(
        took < Duration::from_millis(100),
        "announced after {took:?}"
    );
}
