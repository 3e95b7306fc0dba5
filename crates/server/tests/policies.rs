//! Org policies against a real authority: the session limit in its three modes, and timeouts
//! that are exact at validation time (with a clock the test moves, never sleeps).

mod common;

use std::sync::Arc;

use common::*;
use reqwest::StatusCode;
use serde_json::json;
use sessiondesk_protocol::{OnLimit, Policy, Role};

fn limit(max: u32, on_limit: OnLimit) -> Policy {
    Policy {
        max_sessions: Some(max),
        on_limit,
        ..Policy::default()
    }
}

/// 100 logins at once never leave more than `max_sessions` active sessions.
async fn hundred_concurrent_logins(on_limit: OnLimit) -> (Vec<StatusCode>, i64) {
    let h = Arc::new(Harness::start().await);
    let org = h.org("acme", limit(2, on_limit)).await;
    let ann = h.user(&org, "ann", Role::Member).await;
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let h = h.clone();
            tokio::spawn(
                async move { h.login_from("acme", "ann", PASSWORD, "81.2.69.142").await.0 },
            )
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let active = h.active_count(&ann.id).await;
    let peak = h.auth().passwords.peak_concurrency();
    assert!(
        (1..=4).contains(&peak),
        "hashing is bounded by its permits: {peak}"
    );
    (statuses, active)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn evict_oldest_under_100_concurrent_logins() {
    let (statuses, active) = hundred_concurrent_logins(OnLimit::EvictOldest).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::CREATED),
        "{statuses:?}"
    );
    assert_eq!(active, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deny_under_100_concurrent_logins() {
    let (statuses, active) = hundred_concurrent_logins(OnLimit::Deny).await;
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 2, "{statuses:?}");
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT));
    assert_eq!(active, 2);
}

#[tokio::test]
async fn evict_oldest_ends_the_oldest_with_its_reason() {
    let h = Harness::start().await;
    let org = h.org("acme", limit(2, OnLimit::EvictOldest)).await;
    h.user(&org, "ann", Role::Member).await;
    let key = h.api_key(&org).await;
    let first = h.login("acme", "ann").await;
    h.clock.advance_secs(1);
    let second = h.login("acme", "ann").await;
    h.clock.advance_secs(1);
    h.login("acme", "ann").await;
    assert_eq!(
        h.introspect(&key, &first).await["active"],
        false,
        "the oldest is gone at once"
    );
    assert_eq!(h.introspect(&key, &second).await["active"], true);
    let reason: String =
        sqlx::query_scalar("SELECT end_reason FROM sessions WHERE status = 'ended'")
            .fetch_one(&h.db().await)
            .await
            .unwrap();
    assert_eq!(reason, "limit_evicted");
}

#[tokio::test]
async fn ask_mode_closes_extra_sessions_earliest_first_then_resumes() {
    let h = Harness::start().await;
    let org = h.org("acme", limit(2, OnLimit::Ask)).await;
    let ann = h.user(&org, "ann", Role::Member).await;
    let key = h.api_key(&org).await;
    let first = h.login("acme", "ann").await;
    h.clock.advance_secs(60);
    let second = h.login("acme", "ann").await;
    h.clock.advance_secs(60);

    let (status, p) = h.login_from("acme", "ann", PASSWORD, "8.8.8.8").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(p["code"], "session_limit");
    assert_eq!(p["max_sessions"], 2);
    let sessions = p["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert!(
        sessions[0]["created_at"].as_str() < sessions[1]["created_at"].as_str(),
        "earliest first"
    );
    assert!(p.get("token").is_none());
    assert_eq!(h.active_count(&ann.id).await, 2, "nothing changed yet");

    // Resume without choosing: the earliest session is ended.
    let ticket = p["login_ticket"].as_str().unwrap().to_string();
    let (status, body) = h
        .post_json(
            "/v1/auth/login/resume",
            &json!({"login_ticket": ticket}),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        body["session"]["ip"], "8.8.8.8",
        "the held login keeps its own device and place"
    );
    assert_eq!(h.introspect(&key, &first).await["active"], false);
    assert_eq!(h.introspect(&key, &second).await["active"], true);
    assert_eq!(h.active_count(&ann.id).await, 2);

    // A ticket is single-use.
    let (status, p2) = h
        .post_json(
            "/v1/auth/login/resume",
            &json!({"login_ticket": ticket}),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(p2["code"], "invalid_ticket");

    // Choosing which session to end.
    let (_, p) = h.login_from("acme", "ann", PASSWORD, "8.8.8.8").await;
    let newest = body["session"]["id"].as_str().unwrap();
    let (status, _) = h
        .post_json(
            "/v1/auth/login/resume",
            &json!({"login_ticket": p["login_ticket"], "end_session_ids": [newest]}),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        h.introspect(&key, &second).await["active"],
        true,
        "only the chosen one ended"
    );
    assert_eq!(h.active_count(&ann.id).await, 2);
}

#[tokio::test]
async fn a_login_ticket_expires_after_five_minutes() {
    let h = Harness::start().await;
    let org = h.org("acme", limit(1, OnLimit::Ask)).await;
    h.user(&org, "ann", Role::Member).await;
    h.login("acme", "ann").await;
    let (_, p) = h.login_from("acme", "ann", PASSWORD, "8.8.8.8").await;
    h.clock.advance_secs(5 * 60 + 1);
    let (status, _) = h
        .post_json(
            "/v1/auth/login/resume",
            &json!({"login_ticket": p["login_ticket"]}),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn resume_cannot_end_someone_elses_session() {
    let h = Harness::start().await;
    let org = h.org("acme", limit(1, OnLimit::Ask)).await;
    h.user(&org, "ann", Role::Member).await;
    h.user(&org, "bob", Role::Member).await;
    let key = h.api_key(&org).await;
    h.login("acme", "ann").await;
    let bob = h.login("acme", "bob").await;
    let (_, bs) = h.get("/v1/auth/session", &bob).await;
    let (_, p) = h.login_from("acme", "ann", PASSWORD, "8.8.8.8").await;
    let (status, p2) = h
        .post_json(
            "/v1/auth/login/resume",
            &json!({"login_ticket": p["login_ticket"], "end_session_ids": [bs["id"]]}),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{p2}");
    assert_eq!(h.introspect(&key, &bob).await["active"], true);
}

#[tokio::test]
async fn idle_timeout_is_exact_and_use_extends_it() {
    let h = Harness::start().await;
    let org = h
        .org(
            "acme",
            Policy {
                idle_timeout_s: Some(600),
                absolute_timeout_s: Some(3600),
                ..Policy::default()
            },
        )
        .await;
    h.user(&org, "ann", Role::Member).await;
    let key = h.api_key(&org).await;
    let token = h.login("acme", "ann").await;
    h.clock.advance_secs(599);
    assert_eq!(h.introspect(&key, &token).await["active"], true);
    h.clock.advance_secs(599);
    assert_eq!(
        h.introspect(&key, &token).await["active"],
        true,
        "each use restarts the idle clock"
    );
    h.clock.advance_secs(600);
    assert_eq!(
        h.introspect(&key, &token).await["active"],
        false,
        "exactly at the idle deadline"
    );
    assert_eq!(h.auth().sweep().await.unwrap(), 1);
    let (reason, ended_at, by): (String, i64, String) =
        sqlx::query_as("SELECT end_reason, ended_at, ended_by FROM sessions")
            .fetch_one(&h.db().await)
            .await
            .unwrap();
    assert_eq!(reason, "idle_timeout");
    assert_eq!(
        ended_at,
        T0 + 1198 * 1000 + 600 * 1000,
        "ended at the deadline, not at the sweep"
    );
    assert_eq!(by, "system");
}

#[tokio::test]
async fn absolute_timeout_ends_even_a_busy_session() {
    let h = Harness::start().await;
    let org = h
        .org(
            "acme",
            Policy {
                idle_timeout_s: Some(600),
                absolute_timeout_s: Some(3600),
                ..Policy::default()
            },
        )
        .await;
    h.user(&org, "ann", Role::Member).await;
    let key = h.api_key(&org).await;
    let token = h.login("acme", "ann").await;
    for _ in 0..11 {
        h.clock.advance_secs(300);
        assert_eq!(h.introspect(&key, &token).await["active"], true);
    }
    let i = h.introspect(&key, &token).await;
    assert_eq!(
        i["exp"],
        (T0 / 1000) + 3600,
        "exp is the absolute deadline once it is the nearer one"
    );
    h.clock.advance_secs(300);
    assert_eq!(h.introspect(&key, &token).await["active"], false);
    h.auth().sweep().await.unwrap();
    let reason: String = sqlx::query_scalar("SELECT end_reason FROM sessions")
        .fetch_one(&h.db().await)
        .await
        .unwrap();
    assert_eq!(reason, "absolute_timeout");
}

#[tokio::test]
async fn remember_me_outlives_idle_and_lives_its_own_lifetime() {
    let h = Harness::start().await;
    let policy = Policy {
        idle_timeout_s: Some(600),
        absolute_timeout_s: Some(3600),
        remember_me_allowed: true,
        remember_me_timeout_s: Some(7 * 86_400),
        ..Policy::default()
    };
    let org = h.org("acme", policy.clone()).await;
    h.user(&org, "ann", Role::Member).await;
    let key = h.api_key(&org).await;
    let (status, body) = h
        .post_json(
            "/v1/auth/login",
            &json!({"org":"acme","username":"ann","password":PASSWORD,"remember_me":true}),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["session"]["remember_me"], true);
    assert!(body["session"]["idle_expires_at"].is_null());
    let token = body["token"].as_str().unwrap();
    h.clock.advance_secs(3 * 86_400);
    assert_eq!(
        h.introspect(&key, token).await["active"],
        true,
        "idle for 3 days, still signed in"
    );
    h.clock.advance_secs(4 * 86_400);
    assert_eq!(h.introspect(&key, token).await["active"], false);

    // When the policy forbids remember-me, the box is ignored.
    h.auth()
        .set_policy(
            &org.id,
            Policy {
                remember_me_allowed: false,
                ..policy
            },
            "test",
        )
        .await
        .unwrap();
    let (_, body) = h
        .post_json(
            "/v1/auth/login",
            &json!({"org":"acme","username":"ann","password":PASSWORD,"remember_me":true}),
            &[],
        )
        .await;
    assert_eq!(body["session"]["remember_me"], false);
}

#[tokio::test]
async fn a_stricter_policy_applies_to_existing_sessions() {
    let h = Harness::start().await;
    let org = h
        .org(
            "acme",
            Policy {
                idle_timeout_s: Some(8 * 3600),
                ..Policy::default()
            },
        )
        .await;
    h.user(&org, "ann", Role::Member).await;
    let key = h.api_key(&org).await;
    let token = h.login("acme", "ann").await;
    h.clock.advance_secs(1800);
    assert_eq!(h.introspect(&key, &token).await["active"], true);
    h.auth()
        .set_policy(
            &org.id,
            Policy {
                idle_timeout_s: Some(900),
                ..Policy::default()
            },
            "test",
        )
        .await
        .unwrap();
    h.clock.advance_secs(900);
    assert_eq!(h.introspect(&key, &token).await["active"], false);
}

#[tokio::test]
async fn the_sweeper_ends_expired_sessions_nobody_asks_about() {
    let h = Harness::start().await;
    let org = h
        .org(
            "acme",
            Policy {
                idle_timeout_s: Some(600),
                ..Policy::default()
            },
        )
        .await;
    let ann = h.user(&org, "ann", Role::Member).await;
    for _ in 0..3 {
        h.login("acme", "ann").await;
    }
    h.clock.advance_secs(599);
    assert_eq!(h.auth().sweep().await.unwrap(), 0);
    h.clock.advance_secs(1);
    assert_eq!(h.auth().sweep().await.unwrap(), 3);
    assert_eq!(h.active_count(&ann.id).await, 0);
    let ok = h.store().verify_audit(&org.id).await.unwrap();
    assert!(ok.ok, "{ok:?}");
}

#[tokio::test]
async fn a_timed_out_session_takes_no_slot_and_is_not_revoked_by_the_user() {
    let h = Harness::start().await;
    let policy = Policy {
        idle_timeout_s: Some(600),
        ..limit(1, OnLimit::Deny)
    };
    let org = h.org("acme", policy).await;
    let ann = h.user(&org, "ann", Role::Member).await;
    h.login("acme", "ann").await;
    // Idle past its deadline, and no sweep has run: the limit still has room.
    h.clock.advance_secs(601);
    let (status, body) = h.login_from("acme", "ann", PASSWORD, "8.8.8.8").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let reasons: Vec<String> = sqlx::query_scalar(
        "SELECT end_reason FROM sessions WHERE user_id = ? AND status = 'ended'",
    )
    .bind(&ann.id)
    .fetch_all(&h.db().await)
    .await
    .unwrap();
    assert_eq!(reasons, ["idle_timeout"]);
}

#[tokio::test]
async fn end_the_others_leaves_timed_out_sessions_timed_out() {
    let h = Harness::start().await;
    let policy = Policy {
        idle_timeout_s: Some(600),
        ..Policy::default()
    };
    let org = h.org("acme", policy).await;
    let ann = h.user(&org, "ann", Role::Member).await;
    h.login("acme", "ann").await;
    h.clock.advance_secs(500);
    let laptop = h.login("acme", "ann").await;
    h.clock.advance_secs(200);
    let res = h
        .http
        .post(format!("{}/v1/auth/sessions/revoke-others", h.url))
        .bearer_auth(&laptop)
        .send()
        .await
        .unwrap();
    let r: serde_json::Value = res.json().await.unwrap();
    assert_eq!(r["ended"], 0, "{r}");
    let reasons: Vec<String> = sqlx::query_scalar(
        "SELECT end_reason FROM sessions WHERE user_id = ? AND status = 'ended'",
    )
    .bind(&ann.id)
    .fetch_all(&h.db().await)
    .await
    .unwrap();
    assert_eq!(reasons, ["idle_timeout"]);
}
