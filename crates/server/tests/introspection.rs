//! The hot path and the caller's own sessions against a real authority and SQLite file:
//! introspection, revocation on the very next call, coalesced activity, secrets at rest,
//! and the audit chain.

mod common;

use base64::Engine;
use common::*;
use reqwest::StatusCode;
use sessiondesk_protocol::{Policy, Role};

#[tokio::test]
async fn introspection_needs_an_api_key_and_answers_rfc7662() {
    let h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    let ann = h.user(&org, "ann", Role::Member).await;
    let key = h.api_key(&org).await;
    let token = h.login("acme", "ann").await;

    let res = h
        .http
        .post(format!("{}/oauth2/introspect", h.url))
        .form(&[("token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let res = h
        .http
        .post(format!("{}/oauth2/introspect", h.url))
        .bearer_auth("sdk_wrong")
        .form(&[("token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let i = h.introspect(&key, &token).await;
    assert_eq!(i["active"], true);
    assert_eq!(i["sub"], ann.id.as_str());
    assert_eq!(i["org"], org.id.as_str());
    assert_eq!(i["username"], "ann");
    assert!(i["sid"].as_str().unwrap().starts_with("ses_"));
    assert_eq!(i["iat"], T0 / 1000);
    assert_eq!(
        i["exp"],
        T0 / 1000 + 8 * 3600,
        "the idle deadline is the nearer one"
    );

    let inactive = h.introspect(&key, "sds_not-a-token").await;
    assert_eq!(
        inactive,
        serde_json::json!({"active": false}),
        "nothing else for inactive tokens"
    );
}

#[tokio::test]
async fn another_orgs_resource_server_sees_nothing() {
    let h = Harness::start().await;
    let acme = h.org("acme", Policy::default()).await;
    let globex = h.org("globex", Policy::default()).await;
    h.user(&acme, "ann", Role::Member).await;
    let globex_key = h.api_key(&globex).await;
    let token = h.login("acme", "ann").await;
    for _ in 0..3 {
        assert_eq!(h.introspect(&globex_key, &token).await["active"], false);
    }
    h.auth().flush().await.unwrap();
    let requests: i64 = sqlx::query_scalar("SELECT requests FROM sessions")
        .fetch_one(&h.db().await)
        .await
        .unwrap();
    assert_eq!(requests, 0, "a use another org cannot see does not count");
    let res = h
        .http
        .post(format!("{}/oauth2/revoke", h.url))
        .bearer_auth(&globex_key)
        .form(&[("token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let acme_key = h.api_key(&acme).await;
    assert_eq!(
        h.introspect(&acme_key, &token).await["active"],
        true,
        "a foreign revoke does nothing"
    );
}

#[tokio::test]
async fn revoked_tokens_are_inactive_on_the_very_next_call() {
    let h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    h.user(&org, "ann", Role::Member).await;
    let key = h.api_key(&org).await;

    // RFC 7009
    let token = h.login("acme", "ann").await;
    assert_eq!(h.introspect(&key, &token).await["active"], true);
    let res = h
        .http
        .post(format!("{}/oauth2/revoke", h.url))
        .bearer_auth(&key)
        .form(&[("token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(h.introspect(&key, &token).await["active"], false);

    // logout
    let token = h.login("acme", "ann").await;
    assert_eq!(h.introspect(&key, &token).await["active"], true);
    let res = h
        .http
        .post(format!("{}/v1/auth/logout", h.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(h.introspect(&key, &token).await["active"], false);
    let (status, _) = h.get("/v1/auth/session", &token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn own_sessions_list_mark_current_and_revoke() {
    let h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    h.user(&org, "ann", Role::Member).await;
    h.user(&org, "bob", Role::Member).await;
    let key = h.api_key(&org).await;
    let phone = h.login("acme", "ann").await;
    h.clock.advance_secs(1);
    let laptop = h.login("acme", "ann").await;
    h.clock.advance_secs(1);
    let tablet = h.login("acme", "ann").await;
    let bob = h.login("acme", "bob").await;

    let (status, me) = h.get("/v1/auth/session", &laptop).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["current"], true);
    let (_, list) = h.get("/v1/auth/sessions", &laptop).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "bob's session is not listed");
    assert_eq!(list["total"], 3);
    assert!(list["next_cursor"].is_null(), "{list}");
    let current: Vec<_> = items.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["id"], me["id"]);

    // Ending someone else's session is 404, not 403.
    let (_, bob_me) = h.get("/v1/auth/session", &bob).await;
    let res = h
        .http
        .delete(format!(
            "{}/v1/auth/sessions/{}",
            h.url,
            bob_me["id"].as_str().unwrap()
        ))
        .bearer_auth(&laptop)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let (_, phone_me) = h.get("/v1/auth/session", &phone).await;
    let res = h
        .http
        .delete(format!(
            "{}/v1/auth/sessions/{}",
            h.url,
            phone_me["id"].as_str().unwrap()
        ))
        .bearer_auth(&laptop)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let receipt: serde_json::Value = res.json().await.unwrap();
    assert_eq!(receipt["session_id"], phone_me["id"]);
    assert!(receipt["revoked_at"].is_string());
    assert_eq!(h.introspect(&key, &phone).await["active"], false);

    let res = h
        .http
        .post(format!("{}/v1/auth/sessions/revoke-others", h.url))
        .bearer_auth(&laptop)
        .send()
        .await
        .unwrap();
    let r: serde_json::Value = res.json().await.unwrap();
    assert_eq!(r["ended"], 1);
    assert_eq!(h.introspect(&key, &tablet).await["active"], false);
    assert_eq!(h.introspect(&key, &laptop).await["active"], true);
    assert_eq!(h.introspect(&key, &bob).await["active"], true);
}

#[tokio::test]
async fn activity_is_coalesced_and_flushed_on_shutdown() {
    let mut h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    h.user(&org, "ann", Role::Member).await;
    let key = h.api_key(&org).await;
    let token = h.login("acme", "ann").await;
    assert_eq!(
        h.auth().config.flush_interval,
        std::time::Duration::from_secs(60),
        "one write per session per minute by default"
    );
    let db = h.db().await;
    let read = || async {
        sqlx::query_as::<_, (i64, i64)>("SELECT requests, last_seen_at FROM sessions")
            .fetch_one(&db)
            .await
            .unwrap()
    };
    for _ in 0..50 {
        h.clock.advance_secs(1);
        assert_eq!(h.introspect(&key, &token).await["active"], true);
    }
    assert_eq!(read().await, (0, T0), "no database write per call");
    assert_eq!(
        h.auth().flush().await.unwrap(),
        1,
        "fifty calls, one row written"
    );
    assert_eq!(read().await, (50, T0 + 50_000));
    for _ in 0..7 {
        h.clock.advance_secs(1);
        h.introspect(&key, &token).await;
    }
    // The session list shows activity the database does not have yet.
    let (_, me) = h.get("/v1/auth/session", &token).await;
    assert_eq!(me["activity"]["requests"], 58);
    assert_eq!(me["activity"]["last_path"], serde_json::Value::Null);
    h.stop().await;
    assert_eq!(read().await, (58, T0 + 57_000), "flushed on shutdown");
    let path: Option<String> = sqlx::query_scalar("SELECT last_path FROM sessions")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(path.as_deref(), Some("/v1/auth/session"));
}

#[tokio::test]
async fn a_restarted_authority_still_knows_every_session() {
    let mut h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    h.user(&org, "ann", Role::Member).await;
    let key = h.api_key(&org).await;
    let token = h.login("acme", "ann").await;
    let ended = h.login("acme", "ann").await;
    h.http
        .post(format!("{}/v1/auth/logout", h.url))
        .bearer_auth(&ended)
        .send()
        .await
        .unwrap();
    h.stop().await;
    let mut config = sessiondesk_server::config::Config::new(
        format!("sqlite:{}", h.db_path.display()),
        ([127, 0, 0, 1], 0).into(),
    );
    config.data_dir = Some(data_dir());
    let again = sessiondesk_server::app::start_with(config, h.clock.clone(), cheap())
        .await
        .unwrap();
    h.url = again.url();
    h.running = Some(again);
    assert_eq!(h.introspect(&key, &token).await["active"], true);
    assert_eq!(h.introspect(&key, &ended).await["active"], false);
}

#[tokio::test]
async fn the_database_file_never_holds_a_token() {
    let mut h = Harness::start().await;
    let org = h
        .org(
            "acme",
            Policy {
                max_sessions: Some(1),
                ..Policy::default()
            },
        )
        .await;
    h.user(&org, "ann", Role::Member).await;
    let key = h.api_key(&org).await;
    let mut secrets = vec![key.clone()];
    for _ in 0..5 {
        let t = h.login("acme", "ann").await;
        h.introspect(&key, &t).await;
        secrets.push(t);
        let (_, p) = h.login_from("acme", "ann", PASSWORD, "8.8.8.8").await;
        secrets.push(p["login_ticket"].as_str().unwrap().to_string());
        h.http
            .post(format!("{}/v1/auth/logout", h.url))
            .bearer_auth(secrets[secrets.len() - 2].clone())
            .send()
            .await
            .unwrap();
    }
    h.stop().await;
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        if let Ok(b) = std::fs::read(format!("{}{suffix}", h.db_path.display())) {
            bytes.extend(b);
        }
    }
    assert!(bytes.len() > 10_000);
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    for s in &secrets {
        assert!(!contains(s.as_bytes()), "secret text found in the database");
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&s[4..])
            .unwrap();
        assert_eq!(raw.len(), 32);
        assert!(!contains(&raw), "secret bytes found in the database");
        assert!(
            !contains(&raw[..12]),
            "part of a secret found in the database"
        );
    }
    assert!(!contains(PASSWORD.as_bytes()), "a password in the database");
}

#[tokio::test]
async fn the_audit_chain_verifies_and_finds_the_first_edited_event() {
    let h = Harness::start().await;
    let org = h.org("acme", Policy::default()).await;
    h.user(&org, "ann", Role::Member).await;
    let key = h.api_key(&org).await;
    for _ in 0..3 {
        let t = h.login("acme", "ann").await;
        h.http
            .post(format!("{}/oauth2/revoke", h.url))
            .bearer_auth(&key)
            .form(&[("token", &t)])
            .send()
            .await
            .unwrap();
    }
    let v = h.store().verify_audit(&org.id).await.unwrap();
    assert!(v.ok, "{v:?}");
    // org.created, policy.updated, user.created, api_key.created, 3 x (session.created, session.ended)
    assert_eq!(v.count, 10);
    // The state change and its event are in the same transaction: every ended session has one.
    let db = h.db().await;
    let orphans: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sessions s WHERE s.status = 'ended' AND NOT EXISTS \
         (SELECT 1 FROM audit_events e WHERE e.action = 'session.ended' AND e.target = s.id)",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(orphans, 0);
    let victim: String =
        sqlx::query_scalar("SELECT id FROM audit_events WHERE org_id = ? AND seq = 6")
            .bind(&org.id)
            .fetch_one(&db)
            .await
            .unwrap();
    let edit = "UPDATE audit_events SET actor = 'someone-else' WHERE id = ?";
    let refused = sqlx::query(edit).bind(&victim).execute(&db).await;
    assert!(refused.is_err(), "the database refuses to edit an event");
    // Someone with the file can drop the guard; the chain still shows the edit.
    sqlx::query("DROP TRIGGER audit_no_update")
        .execute(&db)
        .await
        .unwrap();
    sqlx::query(edit).bind(&victim).execute(&db).await.unwrap();
    let v = h.store().verify_audit(&org.id).await.unwrap();
    assert!(!v.ok);
    assert_eq!(v.first_bad.as_deref(), Some(victim.as_str()));
}

#[tokio::test]
async fn a_flush_writes_every_used_session_once_in_chunks() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().unwrap();
    let (tokens, key) = (dir.path().join("tokens"), dir.path().join("key"));
    // Sessions this authority has not cached: every validation below takes the miss path.
    sessiondesk_server::seed::bench(&**h.store(), 12_000, &tokens, &key, h.now())
        .await
        .unwrap();
    let tokens = std::fs::read_to_string(&tokens).unwrap();
    let db = h.db().await;
    let counts = || async {
        sqlx::query_as::<_, (Vec<u8>, i64)>("SELECT token_hash, requests FROM sessions")
            .fetch_all(&db)
            .await
            .unwrap()
            .into_iter()
            .collect::<std::collections::HashMap<_, _>>()
    };
    let before = counts().await;
    for (i, t) in tokens.lines().enumerate() {
        let uses = if i % 3 == 0 { 2 } else { 1 };
        for _ in 0..uses {
            assert!(h.auth().validate(t, None, None).await.unwrap().is_some());
        }
    }
    h.clock.advance_secs(5);
    assert_eq!(h.auth().flush().await.unwrap(), 12_000);
    let after = counts().await;
    for (i, t) in tokens.lines().enumerate() {
        let h = sessiondesk_server::token::hash(t).to_vec();
        let want = if i % 3 == 0 { 2 } else { 1 };
        assert_eq!(after[&h] - before[&h], want, "session {i}");
    }
    assert_eq!(
        h.auth().flush().await.unwrap(),
        0,
        "nothing new, nothing written"
    );
}

#[tokio::test]
async fn the_sweeper_ends_sessions_it_never_cached() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().unwrap();
    let (tokens, key) = (dir.path().join("tokens"), dir.path().join("key"));
    sessiondesk_server::seed::bench(&**h.store(), 50, &tokens, &key, h.now())
        .await
        .unwrap();
    let org = h.store().org_by_slug("bench").await.unwrap().unwrap();
    h.auth()
        .set_policy(
            &org.id,
            Policy {
                idle_timeout_s: None,
                absolute_timeout_s: Some(86_400),
                ..Policy::default()
            },
            "test",
        )
        .await
        .unwrap();
    assert_eq!(h.auth().live.len(), 0);
    h.clock.advance_secs(2 * 86_400);
    assert_eq!(h.auth().sweep().await.unwrap(), 50);
    let reasons: Vec<String> = sqlx::query_scalar("SELECT DISTINCT end_reason FROM sessions")
        .fetch_all(&h.db().await)
        .await
        .unwrap();
    assert_eq!(reasons, ["absolute_timeout"]);
}
