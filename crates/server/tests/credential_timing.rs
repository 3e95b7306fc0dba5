//! Unknown user and wrong password must not be told apart, not even by the clock. This file is
//! its own test binary so that no other test competes for the CPU while it measures.

mod common;

use std::time::Instant;

use common::*;
use reqwest::StatusCode;
use sessiondesk_protocol::{Policy, Role};
use sessiondesk_server::password::Passwords;

/// Unknown user and wrong password: same status, same body, roughly the same time, with the
/// real Argon2id parameters.
#[tokio::test]
async fn unknown_user_and_wrong_password_are_indistinguishable() {
    let h = Harness::start_with(|_| {}, Passwords::new().unwrap()).await;
    let org = h
        .org(
            "acme",
            Policy {
                lockout_threshold: 0,
                ..Policy::default()
            },
        )
        .await;
    h.user(&org, "ann", Role::Member).await;
    let mut times = [Vec::new(), Vec::new()];
    let mut bodies = Vec::new();
    for round in 0..6 {
        for (i, user) in ["ann", "nobody"].into_iter().enumerate() {
            let t = Instant::now();
            let (status, body) = h
                .login_from("acme", user, "wrong password", "81.2.69.142")
                .await;
            if round > 0 {
                times[i].push(t.elapsed().as_secs_f64());
            }
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            bodies.push(body);
        }
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
    assert_eq!(bodies[0]["code"], "invalid_credentials");
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (known, unknown) = (median(&mut times[0]), median(&mut times[1]));
    let ratio = known / unknown;
    assert!(
        (0.6..1.6).contains(&ratio),
        "known {known:.4}s vs unknown {unknown:.4}s"
    );
    assert!(
        unknown > 0.005,
        "the unknown-user path must pay for a real hash: {unknown}"
    );
}
