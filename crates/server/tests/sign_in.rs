//! Sign-in against a real authority: credentials, enrichment, history, locks, risk, bad input.

mod common;

use std::sync::Arc;

use argon2::Params;
use common::*;
use reqwest::StatusCode;
use serde_json::json;
use sessiondesk_protocol::{Policy, Role};
use sessiondesk_server::auth::Because;
use sessiondesk_server::password::Passwords;
use sessiondesk_server::store::{LockChange, Org};

#[tokio::test]
async fn login_answers_token_and_an_enriched_session() {
    let h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    h.user(&org, "ann", Role::Member).await;
    let (status, body) = h.login_from("acme", "ann", PASSWORD, "81.2.69.142").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let token = body["token"].as_str().unwrap();
    assert!(
        token.starts_with("sds_") && token.len() >= 4 + 43,
        "256-bit token: {token}"
    );
    let s = &body["session"];
    assert!(s["id"].as_str().unwrap().starts_with("ses_"));
    assert_eq!(s["user"]["username"], "ann");
    assert_eq!(s["status"], "active");
    assert_eq!(s["kind"], "browser");
    assert_eq!(s["device"]["browser"], "Chrome");
    assert_eq!(s["device"]["os"], "Windows");
    assert_eq!(
        s["ip"], "81.2.69.142",
        "client IP from the trusted proxy's X-Forwarded-For"
    );
    assert_eq!(s["location"]["country_code"], "GB");
    assert!(s["location"]["lat"].is_number());
    assert_eq!(
        s["expires_at"], "2026-12-01T00:00:00Z",
        "absolute timeout 30 days"
    );
}

#[tokio::test]
async fn a_mobile_apps_device_claim_wins_over_the_user_agent() {
    let h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    h.user(&org, "ann", Role::Member).await;
    let (status, body) = h
        .post_json(
            "/v1/auth/login",
            &json!({"org": "acme", "username": "ann", "password": PASSWORD,
                    "device": {"app_name": "Acme Field", "app_version": "4.2.1", "device_model": "Pixel 8",
                               "device_name": "Ann's phone", "os": "Android", "os_version": "15", "language": "de-DE"}}),
            &[("user-agent", "okhttp/4.12.0"), ("x-forwarded-for", "8.8.8.8")],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let s = &body["session"];
    assert_eq!(s["kind"], "mobile");
    assert_eq!(s["app"]["name"], "Acme Field");
    assert_eq!(s["app"]["version"], "4.2.1");
    assert_eq!(s["device"]["model"], "Pixel 8");
    assert_eq!(s["device"]["os_version"], "15");
    assert_eq!(s["language"], "de-DE");
    assert_eq!(s["location"]["country_code"], "US");
}

#[tokio::test]
async fn untrusted_peers_cannot_choose_their_ip() {
    let h = Harness::start_with(|c| c.trusted_proxies = Default::default(), cheap()).await;
    let org = h.org("acme", Policy::default()).await;
    h.user(&org, "ann", Role::Member).await;
    let (_, body) = h.login_from("acme", "ann", PASSWORD, "8.8.8.8").await;
    assert_eq!(body["session"]["ip"], "127.0.0.1");
}

/// username, success, failure_reason, ip, country_code, browser
type AttemptRow = (
    String,
    bool,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

#[tokio::test]
async fn every_attempt_is_in_the_login_history() {
    let h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    let ann = h.user(&org, "ann", Role::Member).await;
    h.login("acme", "ann").await;
    h.login_from("acme", "ann", "nope", "8.8.8.8").await;
    h.login_from("acme", "ghost", "nope", "8.8.8.8").await;
    h.auth()
        .lock_user(
            &org.id,
            &ann.id,
            false,
            &Because {
                actor: "test".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (status, _) = h.login_from("acme", "ann", PASSWORD, "8.8.8.8").await;
    assert_eq!(status, StatusCode::LOCKED);
    let db = h.db().await;
    let rows: Vec<AttemptRow> = sqlx::query_as(
        "SELECT username, success, failure_reason, ip, country_code, browser FROM login_attempts ORDER BY at, id",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let got: Vec<(&str, bool, Option<&str>)> = rows
        .iter()
        .map(|r| (r.0.as_str(), r.1, r.2.as_deref()))
        .collect();
    assert_eq!(got.len(), 4, "{rows:?}");
    assert!(got.contains(&("ann", true, None)));
    assert!(got.contains(&("ann", false, Some("invalid_credentials"))));
    assert!(got.contains(&("ghost", false, Some("invalid_credentials"))));
    assert!(got.contains(&("ann", false, Some("account_locked"))));
    for r in &rows {
        assert!(
            r.3.is_some() && r.4.is_some() && r.5.is_some(),
            "ip, place and device on every row: {r:?}"
        );
    }
}

#[tokio::test]
async fn an_account_lock_ends_every_session_and_blocks_login() {
    let h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    let ann = h.user(&org, "ann", Role::Member).await;
    let key = h.api_key(&org).await;
    let t1 = h.login("acme", "ann").await;
    let t2 = h.login("acme", "ann").await;
    let by = Because {
        actor: "usr_admin".into(),
        reason: Some("laptop stolen".into()),
        ticket: Some("HD-1".into()),
    };
    let receipts = h
        .auth()
        .lock_user(&org.id, &ann.id, false, &by)
        .await
        .unwrap();
    assert_eq!(receipts.len(), 2);
    for t in [&t1, &t2] {
        assert_eq!(h.introspect(&key, t).await["active"], false);
    }
    let ends: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT end_reason, reason FROM sessions WHERE user_id = ?")
            .bind(&ann.id)
            .fetch_all(&h.db().await)
            .await
            .unwrap();
    assert!(
        ends.iter()
            .all(|e| e.0 == "account_locked" && e.1.as_deref() == Some("laptop stolen")),
        "{ends:?}"
    );
    let (status, body) = h.login_from("acme", "ann", PASSWORD, "8.8.8.8").await;
    assert_eq!(status, StatusCode::LOCKED);
    assert_eq!(body["code"], "account_locked");
    h.auth().unlock_user(&org.id, &ann.id, &by).await.unwrap();
    h.login("acme", "ann").await;
}

#[tokio::test]
async fn five_failures_in_fifteen_minutes_lock_for_fifteen_minutes() {
    let h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    h.user(&org, "ann", Role::Member).await;
    let token = h.login("acme", "ann").await;
    for _ in 0..5 {
        h.clock.advance_secs(60);
        let (status, _) = h.login_from("acme", "ann", "guess", "8.8.8.8").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = h.login_from("acme", "ann", PASSWORD, "81.2.69.142").await;
    assert_eq!(status, StatusCode::LOCKED, "{body}");
    assert!(body["locked_until"].is_string());
    // The temporary lock keeps the real user's existing session alive.
    let (status, _) = h.get("/v1/auth/session", &token).await;
    assert_eq!(status, StatusCode::OK);
    h.clock.advance_secs(15 * 60);
    h.login("acme", "ann").await;
}

#[tokio::test]
async fn a_locked_account_answers_423_whatever_the_password() {
    let h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    let ann = h.user(&org, "ann", Role::Member).await;
    for _ in 0..5 {
        h.login_from("acme", "ann", "guess", "8.8.8.8").await;
    }
    // During the temporary lock a guess learns nothing: right or wrong, the answer is 423.
    for pw in ["guess", PASSWORD] {
        let (status, body) = h.login_from("acme", "ann", pw, "8.8.8.8").await;
        assert_eq!(status, StatusCode::LOCKED, "{pw}: {body}");
    }
    let by = Because {
        actor: "usr_admin".into(),
        ..Default::default()
    };
    h.auth()
        .lock_user(&org.id, &ann.id, false, &by)
        .await
        .unwrap();
    let (status, body) = h.login_from("acme", "ann", "guess", "8.8.8.8").await;
    assert_eq!(status, StatusCode::LOCKED, "{body}");
    assert!(body["locked_until"].is_null(), "an admin lock has no end");
}

#[tokio::test]
async fn a_temporary_lock_never_replaces_an_admin_lock() {
    let h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    let ann = h.user(&org, "ann", Role::Member).await;
    let by = Because {
        actor: "usr_admin".into(),
        reason: Some("left the company".into()),
        ..Default::default()
    };
    h.auth()
        .lock_user(&org.id, &ann.id, false, &by)
        .await
        .unwrap();
    let ended = h
        .store()
        .set_lock(&LockChange {
            org_id: org.id.clone(),
            user_id: ann.id.clone(),
            lock: true,
            until: Some(h.now() + 60_000),
            require_password_reset: false,
            actor: "system".into(),
            reason: Some("5 failed sign-ins".into()),
            ticket: None,
            at: h.now(),
        })
        .await
        .unwrap();
    assert!(ended.is_empty());
    let row: (bool, Option<i64>, Option<String>) =
        sqlx::query_as("SELECT locked, locked_until, lock_reason FROM users WHERE id = ?")
            .bind(&ann.id)
            .fetch_one(&h.db().await)
            .await
            .unwrap();
    assert_eq!(row, (true, None, Some("left the company".into())));
    h.clock.advance_secs(120);
    let (status, _) = h.login_from("acme", "ann", PASSWORD, "8.8.8.8").await;
    assert_eq!(status, StatusCode::LOCKED, "still locked after the minute");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_made_while_the_password_is_checked_wins() {
    // Slow hashing (about a second in a debug build) leaves time to lock the account while
    // the sign-in is checking the password it read the account for.
    let slow = Passwords::with_params(Params::new(64 * 1024, 24, 1, None).unwrap(), 2).unwrap();
    let h = Arc::new(Harness::start_with(|_| {}, slow).await);
    let org = h.org("acme", Policy::default()).await;
    let ann = h.user(&org, "ann", Role::Member).await;
    let login = {
        let h = h.clone();
        tokio::spawn(async move { h.login_from("acme", "ann", PASSWORD, "8.8.8.8").await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    assert!(!login.is_finished(), "the hash outlasts the wait");
    let by = Because {
        actor: "usr_admin".into(),
        ..Default::default()
    };
    h.auth()
        .lock_user(&org.id, &ann.id, false, &by)
        .await
        .unwrap();
    let (status, body) = login.await.unwrap();
    assert_eq!(status, StatusCode::LOCKED, "{body}");
    assert_eq!(h.active_count(&ann.id).await, 0);
}

#[tokio::test]
async fn an_org_is_named_by_its_slug_only() {
    let h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    h.user(&org, "ann", Role::Member).await;
    let (status, _) = h.login_from(&org.id, "ann", PASSWORD, "8.8.8.8").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "an org id is not a slug");
    for bad in ["org_01", "Acme", "-acme", "", "a b"] {
        let org = Org {
            id: format!("org_{bad}"),
            slug: bad.into(),
            name: bad.into(),
            created_at: h.now(),
        };
        let res = h.store().create_org(&org, &Policy::default(), "test").await;
        assert!(res.is_err(), "{bad:?} is refused");
    }
}

#[tokio::test]
async fn failures_spread_beyond_the_window_do_not_lock() {
    let h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    h.user(&org, "ann", Role::Member).await;
    for _ in 0..8 {
        h.login_from("acme", "ann", "guess", "8.8.8.8").await;
        h.clock.advance_secs(4 * 60);
    }
    h.login("acme", "ann").await;
}

#[tokio::test]
async fn risk_flags_carry_their_evidence() {
    let h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    h.user(&org, "ann", Role::Member).await;
    let (_, first) = h.login_from("acme", "ann", PASSWORD, "81.2.69.142").await;
    assert_eq!(
        first["session"]["risk"]["flags"],
        json!([]),
        "no history, no flags"
    );
    h.clock.advance_secs(40 * 60);
    let (status, body) = h
        .post_json(
            "/v1/auth/login",
            &json!({"org": "acme", "username": "ann", "password": PASSWORD}),
            &[
                ("x-forwarded-for", "8.8.8.8"),
                ("user-agent", SAFARI_IPHONE),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let flags = body["session"]["risk"]["flags"].as_array().unwrap();
    let kinds: Vec<&str> = flags.iter().map(|f| f["kind"].as_str().unwrap()).collect();
    for k in [
        "impossible_travel",
        "new_country",
        "new_device",
        "multi_country",
    ] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
    let travel = flags
        .iter()
        .find(|f| f["kind"] == "impossible_travel")
        .unwrap();
    assert_eq!(travel["evidence"]["minutes"], 40.0);
    let km = travel["evidence"]["distance_km"].as_f64().unwrap();
    assert!(km > 5000.0, "{km}");
    assert!(travel["evidence"]["speed_kmh"].as_f64().unwrap() > 1000.0);
    assert!(travel["detail"].as_str().unwrap().contains("in 40 minutes"));
}

#[tokio::test]
async fn stale_sessions_are_flagged_after_thirty_days() {
    let h = Harness::start().await;
    let org = h
        .org(
            "acme",
            Policy {
                idle_timeout_s: None,
                absolute_timeout_s: Some(90 * 86_400),
                ..Policy::default()
            },
        )
        .await;
    h.user(&org, "ann", Role::Member).await;
    let token = h.login("acme", "ann").await;
    h.clock.advance_secs(31 * 86_400);
    let (_, s) = h.get("/v1/auth/session", &token).await;
    let kinds: Vec<&str> = s["risk"]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["stale"]);
}

#[tokio::test]
async fn bad_input_gets_4xx_problem_json_never_5xx() {
    let h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    h.user(&org, "ann", Role::Member).await;
    let url = format!("{}/v1/auth/login", h.url);
    let big = format!(
        "{{\"org\":\"acme\",\"username\":\"{}\",\"password\":\"x\"}}",
        "a".repeat(70 * 1024)
    );
    let cases: Vec<(&str, &str, String, u16)> = vec![
        ("malformed", "application/json", "{\"org\": ".into(), 400),
        (
            "wrong type",
            "application/json",
            r#"{"org":"acme","username":42,"password":"x"}"#.into(),
            422,
        ),
        (
            "missing field",
            "application/json",
            r#"{"org":"acme"}"#.into(),
            422,
        ),
        (
            "unknown field",
            "application/json",
            r#"{"org":"acme","username":"a","password":"x","admin":true}"#.into(),
            422,
        ),
        ("not json", "text/plain", "hello".into(), 415),
        ("over 64 KiB", "application/json", big, 413),
        (
            "empty username",
            "application/json",
            r#"{"org":"acme","username":"","password":"x"}"#.into(),
            422,
        ),
        ("array", "application/json", "[]".into(), 422),
    ];
    for (name, ctype, body, want) in cases {
        let res = h
            .http
            .post(&url)
            .header("content-type", ctype)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), want, "{name}");
        assert_eq!(
            res.headers()["content-type"],
            "application/problem+json",
            "{name}"
        );
        let p: serde_json::Value = res.json().await.unwrap();
        assert_eq!(p["status"], want, "{name}");
        assert!(
            p["code"].is_string() && p["title"].is_string(),
            "{name}: {p}"
        );
    }
    let res = h
        .http
        .post(format!("{}/oauth2/introspect", h.url))
        .bearer_auth("sdk_nope")
        .form(&[("nottoken", "x")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error());
    let res = h
        .http
        .get(format!("{}/v1/nothing-here", h.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let res = h.http.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn a_burst_of_logins_from_one_client_is_rate_limited() {
    let h = Harness::start_with(
        |c| {
            c.login_quota.burst = 3;
            c.login_quota.per_minute = 6
        },
        cheap(),
    )
    .await;
    let org = h.org("acme", Policy::default()).await;
    h.user(&org, "ann", Role::Member).await;
    for _ in 0..3 {
        h.login_from("acme", "ann", "nope", "203.0.113.9").await;
    }
    let res = h
        .http
        .post(format!("{}/v1/auth/login", h.url))
        .header("x-forwarded-for", "203.0.113.9")
        .json(&json!({"org":"acme","username":"ann","password":PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.headers()["retry-after"], "10");
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["code"], "rate_limited");
    h.clock.advance_secs(10);
    assert_eq!(
        h.login_from("acme", "ann", PASSWORD, "203.0.113.9").await.0,
        StatusCode::CREATED
    );
}
