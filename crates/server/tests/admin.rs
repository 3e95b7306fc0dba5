//! The admin API against a real authority: roles, tenant isolation, actions and their
//! receipts, Idempotency-Key, policy preview, lists and cursors.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sessiondesk_protocol::{OnLimit, Policy, Role};
use sessiondesk_server::store::{Org, User};

/// An org with an admin of each role signed in, a member with two sessions, and an API key.
struct World {
    h: Harness,
    org: Org,
    tokens: Vec<(Role, String)>,
    target: User,
    target_sessions: Vec<String>,
    key_id: String,
}

async fn world(policy: Policy) -> World {
    let h = Harness::start().await;
    let org = h.org("acme", policy).await;
    let mut tokens = Vec::new();
    for role in Role::ALL {
        h.user(&org, role.as_str(), role).await;
        tokens.push((role, h.login("acme", role.as_str()).await));
    }
    let target = h.user(&org, "ann", Role::Member).await;
    let mut target_sessions = Vec::new();
    for _ in 0..2 {
        let t = h.login("acme", "ann").await;
        let (_, me) = h.get("/v1/auth/session", &t).await;
        target_sessions.push(me["id"].as_str().unwrap().to_string());
    }
    let (key, _) = h
        .auth()
        .create_api_key(&org.id, "shop", "test")
        .await
        .unwrap();
    World {
        h,
        org,
        tokens,
        target,
        target_sessions,
        key_id: key.id,
    }
}

impl World {
    fn token(&self, role: Role) -> &str {
        &self.tokens.iter().find(|(r, _)| *r == role).unwrap().1
    }
}

/// Every admin endpoint: method, path, body, and whether each role may call it
/// (owner, admin, helpdesk, auditor, member). Destructive calls come last.
fn endpoints(w: &World) -> Vec<(&'static str, String, Option<Value>, [bool; 5])> {
    let read = [true, true, true, true, false];
    let act = [true, true, true, false, false];
    let owner = [true, false, false, false, false];
    let s0 = &w.target_sessions[0];
    let u = &w.target.id;
    let reason = Some(json!({"reason": "test"}));
    vec![
        ("GET", "/v1/admin/sessions".into(), None, read),
        ("GET", format!("/v1/admin/sessions/{s0}"), None, read),
        ("GET", "/v1/admin/users".into(), None, read),
        ("GET", format!("/v1/admin/users/{u}"), None, read),
        ("GET", "/v1/admin/logins".into(), None, read),
        ("GET", "/v1/admin/audit".into(), None, read),
        ("GET", "/v1/admin/audit/verify".into(), None, read),
        ("GET", "/v1/admin/policy".into(), None, read),
        ("GET", "/v1/admin/changes?after=0".into(), None, read),
        ("GET", "/v1/admin/api-keys".into(), None, owner),
        (
            "POST",
            "/v1/admin/policy/preview".into(),
            Some(serde_json::to_value(Policy::default()).unwrap()),
            owner,
        ),
        (
            "PUT",
            "/v1/admin/policy".into(),
            Some(serde_json::to_value(Policy::default()).unwrap()),
            owner,
        ),
        (
            "POST",
            "/v1/admin/api-keys".into(),
            Some(json!({"name": "billing"})),
            owner,
        ),
        (
            "DELETE",
            format!("/v1/admin/api-keys/{}", w.key_id),
            None,
            owner,
        ),
        (
            "POST",
            format!("/v1/admin/sessions/{s0}/revoke"),
            reason.clone(),
            act,
        ),
        (
            "POST",
            format!("/v1/admin/users/{u}/revoke-sessions"),
            reason.clone(),
            act,
        ),
        (
            "POST",
            format!("/v1/admin/users/{u}/lock"),
            reason.clone(),
            act,
        ),
        (
            "POST",
            format!("/v1/admin/users/{u}/unlock"),
            reason.clone(),
            act,
        ),
        (
            "POST",
            "/v1/admin/sessions/revoke-all".into(),
            reason,
            [true, true, false, false, false],
        ),
    ]
}

#[tokio::test]
async fn every_endpoint_under_every_role() {
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let w = world(Policy::default()).await;
        for (method, path, body, allowed) in endpoints(&w) {
            let (status, res) =
                w.h.call(method, &path, w.token(role), body.as_ref(), &[])
                    .await;
            if allowed[i] {
                assert!(
                    status.is_success(),
                    "{role:?} may {method} {path}: {status} {res}"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{role:?} may not {method} {path}: {res}"
                );
                assert_eq!(res["code"], "forbidden");
            }
        }
    }
}

#[tokio::test]
async fn another_orgs_ids_are_404_and_change_nothing() {
    let w = world(Policy::default()).await;
    let h = &w.h;
    let globex = h.org("globex", Policy::default()).await;
    let gus = h.user(&globex, "gus", Role::Member).await;
    let gus_token = h.login("globex", "gus").await;
    let (_, gs) = h.get("/v1/auth/session", &gus_token).await;
    let gs = gs["id"].as_str().unwrap().to_string();
    let (gkey, _) = h
        .auth()
        .create_api_key(&globex.id, "globex shop", "test")
        .await
        .unwrap();
    let owner = w.token(Role::Owner);
    let before = h.dump().await;
    let r = Some(json!({"reason": "test"}));
    let calls: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", format!("/v1/admin/sessions/{gs}"), None),
        ("POST", format!("/v1/admin/sessions/{gs}/revoke"), r.clone()),
        ("GET", format!("/v1/admin/users/{}", gus.id), None),
        (
            "POST",
            format!("/v1/admin/users/{}/revoke-sessions", gus.id),
            r.clone(),
        ),
        (
            "POST",
            format!("/v1/admin/users/{}/lock", gus.id),
            r.clone(),
        ),
        ("POST", format!("/v1/admin/users/{}/unlock", gus.id), r),
        ("DELETE", format!("/v1/admin/api-keys/{}", gkey.id), None),
    ];
    for (method, path, body) in &calls {
        let (status, res) = h.call(method, path, owner, body.as_ref(), &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {res}");
        assert_eq!(res["code"], "not_found");
    }
    assert_eq!(before, h.dump().await, "the database is unchanged");
    for path in [
        "/v1/admin/sessions?status=all",
        "/v1/admin/users",
        "/v1/admin/logins",
        "/v1/admin/audit",
        "/v1/admin/api-keys",
    ] {
        let (status, res) = h.get(path, owner).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let text = res.to_string();
        assert!(
            !text.contains(&globex.id) && !text.contains("gus"),
            "{path} shows nothing of another org"
        );
    }
    let (_, feed) = h.get("/v1/admin/changes?after=0&limit=10000", owner).await;
    let text = feed.to_string();
    assert!(!text.contains(&globex.id) && !text.contains("\"gus\""));
    assert!(feed["changes"].as_array().unwrap().len() > 10);
}

#[tokio::test]
async fn actions_answer_receipts_and_keep_reason_and_ticket() {
    let w = world(Policy {
        require_reason: true,
        ..Policy::default()
    })
    .await;
    let h = &w.h;
    let admin = w.token(Role::Admin);
    let s0 = &w.target_sessions[0];
    let path = format!("/v1/admin/sessions/{s0}/revoke");
    let (status, res) = h.call("POST", &path, admin, Some(&json!({})), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(res["code"], "reason_required");
    let body = json!({"reason": "phone lost", "ticket": "HD-7"});
    let (status, res) = h.call("POST", &path, admin, Some(&body), &[]).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["ended"], 1);
    assert_eq!(res["receipts"][0]["session_id"], *s0);
    assert!(res["receipts"][0]["revoked_at"].is_string());
    let (_, s) = h.get(&format!("/v1/admin/sessions/{s0}"), admin).await;
    assert_eq!(s["status"], "ended");
    assert_eq!(s["end_reason"], "revoked");
    assert_eq!(s["reason"], "phone lost");
    assert_eq!(s["ticket"], "HD-7");
    let (_, audit) = h.get("/v1/admin/audit?action=session.ended", admin).await;
    let e = &audit["items"][0];
    assert_eq!(e["target"], *s0);
    assert_eq!(e["reason"], "phone lost");
    assert_eq!(e["ticket"], "HD-7");

    // Revoke-all spares the caller's session and says how many ended.
    let (_, before) = h.get("/v1/admin/sessions", admin).await;
    let active = before["total"].as_i64().unwrap();
    let (status, res) = h
        .call(
            "POST",
            "/v1/admin/sessions/revoke-all",
            admin,
            Some(&json!({"reason": "breach drill"})),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["ended"].as_i64().unwrap(), active - 1);
    let (status, after) = h.get("/v1/admin/sessions", admin).await;
    assert_eq!(status, StatusCode::OK, "the caller is still signed in");
    assert_eq!(after["total"], 1);
    assert_eq!(after["items"][0]["current"], true);
}

#[tokio::test]
async fn a_lock_can_require_a_password_reset() {
    let w = world(Policy::default()).await;
    let h = &w.h;
    let helpdesk = w.token(Role::Helpdesk);
    let path = format!("/v1/admin/users/{}/lock", w.target.id);
    let body = json!({"reason": "compromised", "require_password_reset": true});
    let (status, res) = h.call("POST", &path, helpdesk, Some(&body), &[]).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["ended"], 2);
    let path = format!("/v1/admin/users/{}/unlock", w.target.id);
    let (status, _) = h
        .call(
            "POST",
            &path,
            helpdesk,
            Some(&json!({"reason": "verified"})),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, res) = h.login_from("acme", "ann", PASSWORD, "8.8.8.8").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{res}");
    assert_eq!(res["code"], "password_reset_required");
    let hash = h
        .auth()
        .passwords
        .hash(&sessiondesk_protocol::Secret::new("a brand new passphrase"))
        .await
        .unwrap();
    h.store()
        .set_password(&w.org.id, &w.target.id, &hash, "test", h.now())
        .await
        .unwrap();
    let (status, res) = h
        .login_from("acme", "ann", "a brand new passphrase", "8.8.8.8")
        .await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
}

#[tokio::test]
async fn an_idempotency_key_runs_the_action_once() {
    let w = world(Policy::default()).await;
    let h = &w.h;
    let admin = w.token(Role::Admin);
    let path = format!("/v1/admin/users/{}/lock", w.target.id);
    let body = json!({"reason": "left"});
    let key = [("idempotency-key", "c0ffee-1")];
    let (s1, r1) = h.call("POST", &path, admin, Some(&body), &key).await;
    let (s2, r2) = h.call("POST", &path, admin, Some(&body), &key).await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(r1, r2, "the first answer is replayed");
    let (_, audit) = h.get("/v1/admin/audit?action=user.locked", admin).await;
    assert_eq!(audit["total"], 1, "one lock, one event");
    let other = json!({"reason": "something else"});
    let (status, res) = h.call("POST", &path, admin, Some(&other), &key).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res["code"], "idempotency_key_reused");
}

#[tokio::test]
async fn a_new_api_keys_secret_is_never_replayed_or_stored() {
    let w = world(Policy::default()).await;
    let h = &w.h;
    let owner = w.token(Role::Owner);
    let key = [("idempotency-key", "k-1")];
    let body = json!({"name": "billing"});
    let (status, first) = h
        .call("POST", "/v1/admin/api-keys", owner, Some(&body), &key)
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let secret = first["secret"].as_str().unwrap().to_string();
    let (_, again) = h
        .call("POST", "/v1/admin/api-keys", owner, Some(&body), &key)
        .await;
    assert!(again["secret"].is_null());
    assert_eq!(again["key"]["id"], first["key"]["id"]);
    assert!(!h.dump().await.iter().any(|r| r.contains(&secret)));
    // A revoked key is refused at once.
    let id = first["key"]["id"].as_str().unwrap();
    let t = &w.tokens[0].1;
    assert_eq!(h.introspect(&secret, t).await["active"], true);
    let (status, _) = h
        .call(
            "DELETE",
            &format!("/v1/admin/api-keys/{id}"),
            owner,
            None,
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let res = h
        .http
        .post(format!("{}/oauth2/introspect", h.url))
        .bearer_auth(&secret)
        .form(&[("token", t)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn policy_preview_counts_what_saving_then_ends() {
    let w = world(Policy::default()).await;
    let h = &w.h;
    let owner = w.token(Role::Owner);
    // Ann's first session goes quiet; everything else stays in use.
    h.clock.advance_secs(3000);
    for (_, t) in &w.tokens {
        h.get("/v1/auth/session", t).await;
    }
    let strict = Policy {
        idle_timeout_s: Some(1800),
        max_sessions: Some(1),
        on_limit: OnLimit::Deny,
        ..Policy::default()
    };
    let body = serde_json::to_value(&strict).unwrap();
    let (status, p) = h
        .call("POST", "/v1/admin/policy/preview", owner, Some(&body), &[])
        .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(p["would_end_idle"], 2, "ann's two idle sessions: {p}");
    assert_eq!(p["would_end_absolute"], 0);
    let (status, _) = h
        .call("PUT", "/v1/admin/policy", owner, Some(&body), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    let ended = h.auth().sweep().await.unwrap();
    assert_eq!(ended as i64, p["would_end_idle"].as_i64().unwrap());
    let (_, list) = h.get("/v1/admin/sessions", owner).await;
    assert_eq!(list["total"], p["active"]);
}

#[tokio::test]
async fn the_sessions_list_filters_sorts_and_pages_stably() {
    let w = world(Policy::default()).await;
    let h = &w.h;
    let auditor = w.token(Role::Auditor);
    for i in 0..12 {
        h.clock.advance_secs(1);
        let ip = if i % 2 == 0 { "8.8.8.8" } else { "81.2.69.142" };
        let (status, _) = h.login_from("acme", "ann", PASSWORD, ip).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (_, us) = h
        .get("/v1/admin/sessions?country=US&status=all", auditor)
        .await;
    assert_eq!(us["total"], 6);
    let (_, q) = h.get("/v1/admin/sessions?q=ann", auditor).await;
    assert_eq!(q["total"], 14, "{q}");
    let two = format!(
        "/v1/admin/sessions?user_id={}&user_id=nobody&limit=5",
        w.target.id
    );
    let (_, first) = h.get(&two, auditor).await;
    assert_eq!(first["total"], 14);
    assert_eq!(first["items"].as_array().unwrap().len(), 5);
    // New sign-ins between pages neither repeat nor skip rows of the first listing.
    for _ in 0..3 {
        h.clock.advance_secs(1);
        h.login("acme", "ann").await;
    }
    let mut seen: Vec<String> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    let mut cursor = first["next_cursor"].as_str().map(str::to_string);
    while let Some(c) = cursor {
        let (status, page) = h.get(&format!("{two}&cursor={c}"), auditor).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for s in page["items"].as_array().unwrap() {
            seen.push(s["id"].as_str().unwrap().to_string());
        }
        cursor = page["next_cursor"].as_str().map(str::to_string);
    }
    assert_eq!(seen.len(), 14, "{seen:?}");
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 14, "no repeats");
    let (status, res) = h
        .get("/v1/admin/sessions?cursor=not-a-cursor", auditor)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{res}");
    let (status, _) = h.get("/v1/admin/sessions?limit=0", auditor).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = h.get("/v1/admin/sessions?sort=bogus", auditor).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn audit_verify_finds_an_edited_event() {
    let w = world(Policy::default()).await;
    let h = &w.h;
    let auditor = w.token(Role::Auditor);
    let (status, v) = h.get("/v1/admin/audit/verify", auditor).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["ok"], true, "{v}");
    assert!(v["count"].as_i64().unwrap() > 5);
    let db = h.db().await;
    let victim: String =
        sqlx::query_scalar("SELECT id FROM audit_events WHERE org_id = ? AND seq = 3")
            .bind(&w.org.id)
            .fetch_one(&db)
            .await
            .unwrap();
    sqlx::query("DROP TRIGGER audit_no_update")
        .execute(&db)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_events SET reason = 'nothing to see' WHERE id = ?")
        .bind(&victim)
        .execute(&db)
        .await
        .unwrap();
    let (_, v) = h.get("/v1/admin/audit/verify", auditor).await;
    assert_eq!(v["ok"], false);
    assert_eq!(v["first_bad"], victim);
}
