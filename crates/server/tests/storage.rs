//! The SQLite file's upkeep: a checkpoint empties the write-ahead log.

mod common;

use common::{bench_store, T0};

#[tokio::test]
async fn a_checkpoint_empties_the_write_ahead_log() {
    let (dir, store) = bench_store(5_000).await;
    let wal = dir.path().join("authority.db-wal");
    let before = std::fs::metadata(&wal).unwrap().len();
    assert!(before > 1_000_000, "the seed left {before} bytes of log");
    store.checkpoint().await.unwrap();
    assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0);
    // The data is all there, now in the database file.
    let org = store.org_by_slug("bench").await.unwrap().unwrap();
    let page = store
        .list_sessions(&org.id, &Default::default(), T0)
        .await
        .unwrap();
    assert_eq!(page.total, 1_000, "capped count of 5,000 active sessions");
}

/// Sign-in reads a summary of the user's recent sessions (the latest of each country,
/// device and status) instead of every row: every demo user, signing in from a known place
/// and from a far one, gets exactly the flags that all of their rows would give.
#[tokio::test]
async fn the_risk_summary_flags_like_every_session_would() {
    use sessiondesk_protocol::{DeviceInfo, Location};
    use sessiondesk_server::risk::{self, Prior};
    use sqlx::Row;

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("authority.db").display());
    let store = sessiondesk_server::app::open_store(&url).await.unwrap();
    let mut config =
        sessiondesk_server::config::Config::new(url.clone(), ([127, 0, 0, 1], 0).into());
    config.data_dir = Some(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data"));
    let enricher = sessiondesk_server::app::load_enricher(&config).unwrap();
    sessiondesk_server::seed::demo(&*store, &enricher, 1, T0)
        .await
        .unwrap();
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let users: Vec<String> = sqlx::query_scalar("SELECT DISTINCT user_id FROM sessions")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(users.len() > 200, "{} users with sessions", users.len());
    let singapore = Location {
        city: Some("Singapore".into()),
        country_code: Some("SG".into()),
        lat: Some(1.29),
        lon: Some(103.85),
        ..Location::default()
    };
    let phone = DeviceInfo {
        browser: Some("Mobile Safari".into()),
        os: Some("iOS".into()),
        model: Some("iPhone".into()),
        ..DeviceInfo::default()
    };
    let (mut flagged, mut kinds) = (0, std::collections::BTreeSet::new());
    for user in &users {
        let rows = sqlx::query(
            "SELECT created_at, status, city, region, country_code, lat, lon, timezone, \
             browser, os, device_model FROM sessions WHERE user_id = ? \
             ORDER BY created_at DESC LIMIT 50",
        )
        .bind(user)
        .fetch_all(&pool)
        .await
        .unwrap();
        let every: Vec<Prior> = rows
            .iter()
            .map(|r| {
                let location = Location {
                    city: r.get("city"),
                    region: r.get("region"),
                    country_code: r.get("country_code"),
                    lat: r.get("lat"),
                    lon: r.get("lon"),
                    timezone: r.get("timezone"),
                };
                let device = DeviceInfo {
                    browser: r.get("browser"),
                    os: r.get("os"),
                    model: r.get("device_model"),
                    ..DeviceInfo::default()
                };
                Prior {
                    created_at: r.get("created_at"),
                    active: r.get::<String, _>("status") == "active",
                    location,
                    device_key: risk::device_key(&device),
                }
            })
            .collect();
        let summary = store.risk_history(user, 50).await.unwrap();
        assert!(summary.len() <= every.len());
        let latest = every.iter().map(|p| p.created_at).max().unwrap();
        for (location, device) in [
            (&singapore, &phone),
            (&every[0].location, &DeviceInfo::default()),
        ] {
            // Within the hour after their latest session, so that travel is judged.
            let login = risk::Login {
                at: latest + 30 * 60_000,
                location,
                device,
            };
            let want = risk::assess(login, &every);
            assert_eq!(risk::assess(login, &summary), want, "user {user}");
            flagged += usize::from(!want.is_empty());
            kinds.extend(want.into_iter().map(|f| f.kind));
        }
    }
    assert!(flagged > 100, "only {flagged} sign-ins flagged");
    for kind in [
        "impossible_travel",
        "new_country",
        "new_device",
        "multi_country",
    ] {
        assert!(kinds.contains(kind), "no {kind} among {kinds:?}");
    }
}

/// A sign-in without a session limit is written in one call on a connection of its own; one
/// under a limit through the sqlx transaction. Both write the same session row, history row
/// and audit event, and the chain holds across the two connections.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_ways_of_opening_a_session_write_the_same_rows() {
    use sessiondesk_protocol::{
        AppInfo, DeviceInfo, Location, LoginQuery, OnLimit, Risk, RiskFlag, SessionKind,
    };
    use sessiondesk_server::store::{Attempt, NewSession, OpenOutcome, OpenPlan};

    let (_dir, store) = bench_store(100).await;
    let org = store.org_by_slug("bench").await.unwrap().unwrap();
    let user = store.find_user(&org.id, "user0000").await.unwrap().unwrap();
    let plan = |n: u8, max_sessions: Option<u32>| {
        let at = T0 + 60_000 * i64::from(n);
        let session = NewSession {
            id: format!("ses_both{n}"),
            org_id: org.id.clone(),
            user_id: user.id.clone(),
            token_hash: [n; 32],
            kind: SessionKind::Mobile,
            login_method: "password".into(),
            app: AppInfo {
                name: Some("Mail".into()),
                version: Some("4.2".into()),
            },
            device: DeviceInfo {
                browser: Some("Mobile Safari".into()),
                browser_version: Some("18.1".into()),
                os: Some("iOS".into()),
                os_version: Some("18.1".into()),
                model: Some("iPhone 15".into()),
                kind: Some("mobile".into()),
                name: Some("Ada's phone".into()),
            },
            language: Some("en-GB".into()),
            ip: Some("203.0.113.7".into()),
            location: Location {
                city: Some("Madrid".into()),
                region: Some("Madrid".into()),
                country_code: Some("ES".into()),
                lat: Some(40.4),
                lon: Some(-3.7),
                timezone: Some("Europe/Madrid".into()),
            },
            created_at: at,
            remember_me: true,
            risk: Risk {
                flags: vec![RiskFlag {
                    kind: "new_device".into(),
                    detail: "First sign-in from iPhone 15".into(),
                    evidence: serde_json::json!({"device": "x"}),
                }],
            },
        };
        OpenPlan {
            attempt: Attempt {
                id: format!("att_both{n}"),
                org_id: org.id.clone(),
                user_id: Some(user.id.clone()),
                username: user.username.clone(),
                at,
                success: true,
                failure_reason: None,
                session_id: Some(session.id.clone()),
                ip: session.ip.clone(),
                location: session.location.clone(),
                device: session.device.clone(),
                app: session.app.clone(),
            },
            session,
            max_sessions,
            on_limit: OnLimit::EvictOldest,
            end_first: Vec::new(),
            actor: user.id.clone(),
        }
    };
    for (n, max) in [(1, None), (2, Some(1000))] {
        let outcome = store.open_session(&plan(n, max)).await.unwrap();
        assert!(matches!(outcome, OpenOutcome::Opened { .. }), "{outcome:?}");
    }
    let one = store.session("ses_both1").await.unwrap().unwrap();
    let two = store.session("ses_both2").await.unwrap().unwrap();
    let same = |s: &sessiondesk_server::store::SessionRow| {
        format!("{s:?}")
            .replace("ses_both1", "ID")
            .replace("ses_both2", "ID")
            .replace(&format!("{:?}", [1u8; 32]), "HASH")
            .replace(&format!("{:?}", [2u8; 32]), "HASH")
            .replace(&(T0 + 60_000).to_string(), "AT")
            .replace(&(T0 + 120_000).to_string(), "AT")
    };
    assert_eq!(same(&one), same(&two));
    let logins = store
        .list_logins(
            &org.id,
            &LoginQuery {
                user_id: vec![user.id.clone()],
                ..LoginQuery::default()
            },
        )
        .await
        .unwrap();
    let ours: Vec<_> = logins
        .items
        .iter()
        .filter(|l| l.id.starts_with("att_both"))
        .collect();
    assert_eq!(ours.len(), 2);
    let strip = |l: &sessiondesk_protocol::LoginAttempt| {
        let mut v = serde_json::to_value(l).unwrap();
        for k in ["id", "at", "session_id"] {
            v[k] = serde_json::Value::Null;
        }
        v
    };
    assert_eq!(strip(ours[0]), strip(ours[1]));
    let check = store.verify_audit(&org.id).await.unwrap();
    assert!(check.ok, "{check:?}");
}
