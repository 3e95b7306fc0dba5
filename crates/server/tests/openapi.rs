//! The OpenAPI description: served, equal to the committed copy, and complete.

mod common;

use std::collections::BTreeSet;

use common::Harness;
use serde_json::Value;

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");

/// Every endpoint of the v1 contract in DESIGN.md.
const CONTRACT: &[(&str, &str)] = &[
    ("post", "/v1/auth/login"),
    ("post", "/v1/auth/login/resume"),
    ("get", "/v1/auth/session"),
    ("post", "/v1/auth/logout"),
    ("get", "/v1/auth/sessions"),
    ("delete", "/v1/auth/sessions/{id}"),
    ("post", "/v1/auth/sessions/revoke-others"),
    ("post", "/oauth2/introspect"),
    ("post", "/oauth2/revoke"),
    ("get", "/v1/admin/sessions"),
    ("get", "/v1/admin/sessions/{id}"),
    ("post", "/v1/admin/sessions/{id}/revoke"),
    ("post", "/v1/admin/users/{id}/revoke-sessions"),
    ("post", "/v1/admin/users/{id}/lock"),
    ("post", "/v1/admin/users/{id}/unlock"),
    ("post", "/v1/admin/sessions/revoke-all"),
    ("get", "/v1/admin/users"),
    ("get", "/v1/admin/users/{id}"),
    ("get", "/v1/admin/logins"),
    ("get", "/v1/admin/audit"),
    ("get", "/v1/admin/audit/verify"),
    ("get", "/v1/admin/policy"),
    ("put", "/v1/admin/policy"),
    ("post", "/v1/admin/policy/preview"),
    ("get", "/v1/admin/api-keys"),
    ("post", "/v1/admin/api-keys"),
    ("delete", "/v1/admin/api-keys/{id}"),
    ("get", "/v1/admin/changes"),
    ("get", "/v1/admin/events"),
    ("get", "/openapi.json"),
    ("get", "/healthz"),
    ("get", "/metrics"),
];

fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|m| ["get", "post", "put", "delete", "patch"].contains(&m.as_str()))
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect()
}

#[tokio::test]
async fn the_served_description_equals_the_committed_copy() {
    let mut h = Harness::start().await;
    let res = h
        .http
        .get(format!("{}/openapi.json", h.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let served = res.text().await.unwrap();
    h.stop().await;
    if std::env::var_os("SESSIONDESK_BLESS").is_some() {
        std::fs::write(COMMITTED, &served).unwrap();
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        served == committed,
        "crates/server/openapi.json is out of date: run \
         `SESSIONDESK_BLESS=1 cargo test -p sessiondesk-server --test openapi` and commit it"
    );
}

#[test]
fn it_is_openapi_3_1_and_covers_the_whole_contract() {
    let doc = serde_json::to_value(sessiondesk_server::api::openapi()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let have = operations(&doc);
    let want: BTreeSet<(String, String)> = CONTRACT
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let missing: Vec<_> = want.difference(&have).collect();
    let extra: Vec<_> = have.difference(&want).collect();
    assert!(missing.is_empty(), "not described: {missing:?}");
    assert!(
        extra.is_empty(),
        "described but not in the contract: {extra:?}"
    );
}

/// Every `$ref` in the document names a schema it defines.
#[test]
fn every_reference_resolves() {
    fn walk(v: &Value, refs: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref") {
                    refs.push(r.clone());
                }
                o.values().for_each(|v| walk(v, refs));
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, refs)),
            _ => {}
        }
    }
    let doc = serde_json::to_value(sessiondesk_server::api::openapi()).unwrap();
    let mut refs = Vec::new();
    walk(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        let name = r.strip_prefix("#/components/schemas/").expect(&r);
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "{r} is not defined"
        );
    }
}

#[test]
fn every_error_answer_is_problem_json() {
    let doc = serde_json::to_value(sessiondesk_server::api::openapi()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.contains_key("default"),
                "{method} {path} has no default error answer"
            );
            for (status, r) in responses {
                if status == "default" || status.starts_with('4') || status.starts_with('5') {
                    let content = r["content"].as_object().unwrap();
                    let keys: Vec<_> = content.keys().collect();
                    assert_eq!(
                        keys,
                        ["application/problem+json"],
                        "{method} {path} {status}"
                    );
                    assert_eq!(
                        content["application/problem+json"]["schema"]["$ref"],
                        "#/components/schemas/Problem"
                    );
                }
            }
            // Mutating admin calls take an Idempotency-Key.
            if path.starts_with("/v1/admin/")
                && ["post", "put", "delete"].contains(&method.as_str())
                && !path.ends_with("/preview")
            {
                let params = op["parameters"].as_array().cloned().unwrap_or_default();
                assert!(
                    params.iter().any(|p| p["name"] == "Idempotency-Key"),
                    "{method} {path} does not take an Idempotency-Key"
                );
            }
        }
    }
}

#[tokio::test]
async fn metrics_count_sign_ins_and_introspections() {
    let mut h = Harness::start().await;
    let org = h.org("acme", Default::default()).await;
    h.user(&org, "ana", sessiondesk_protocol::Role::Member)
        .await;
    let key = h.api_key(&org).await;
    let token = h.login("acme", "ana").await;
    h.introspect(&key, &token).await;
    h.introspect(&key, "not-a-token").await;
    let text = h
        .http
        .get(format!("{}/metrics", h.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    h.stop().await;
    assert!(
        text.contains("sessiondesk_logins_total{result=\"success\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains("sessiondesk_introspections_total{active=\"true\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains("sessiondesk_introspections_total{active=\"false\"} 1\n"),
        "{text}"
    );
    assert!(text.contains("sessiondesk_live_sessions 1\n"), "{text}");
}
