//! The admin sessions list over the demo data, checked against an oracle: every filter,
//! alone and mixed, every sort in both orders paged through cursors, and the capped total.

mod common;

use std::collections::{BTreeSet, HashMap};

use common::*;
use reqwest::StatusCode;
use sessiondesk_protocol::countries;
use sessiondesk_protocol::{AdminUser, Page, Session, SessionStatus};

struct Data {
    h: Harness,
    token: String,
    all: Vec<Session>,
    emails: HashMap<String, String>,
}

async fn demo() -> Data {
    let h = Harness::start_demo().await;
    let (status, body) = h
        .post_json(
            "/v1/auth/login",
            &serde_json::json!({"org": "acme", "username": "owner", "password": DEMO_PASSWORD}),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let token = body["token"].as_str().unwrap().to_string();
    let all = pages::<Session>(&h, &token, "/v1/admin/sessions?status=all&limit=1000").await;
    let users = pages::<AdminUser>(&h, &token, "/v1/admin/users?limit=1000").await;
    let emails = users
        .into_iter()
        .map(|u| (u.id, u.email.unwrap_or_default()))
        .collect();
    Data {
        h,
        token,
        all,
        emails,
    }
}

/// Every item of a list, following `next_cursor`.
async fn pages<T: serde::de::DeserializeOwned>(h: &Harness, token: &str, path: &str) -> Vec<T> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}&cursor={c}"),
            None => path.to_string(),
        };
        let (status, body) = h.get(&url, token).await;
        assert_eq!(status, StatusCode::OK, "{url}: {body}");
        let page: Page<T> = serde_json::from_value(body).unwrap();
        out.extend(page.items);
        cursor = page.next_cursor;
        if cursor.is_none() {
            return out;
        }
    }
}

fn has(field: &Option<String>, needle: &str) -> bool {
    field
        .as_deref()
        .is_some_and(|f| f.to_lowercase().contains(needle))
}

/// What `q` means, written out over the API's own objects.
fn text_matches(s: &Session, email: &str, q: &str) -> bool {
    let n = q.to_lowercase();
    let country_name = s
        .location
        .country_code
        .as_deref()
        .and_then(countries::name)
        .map(|c| c.to_lowercase());
    s.user.name.to_lowercase().contains(&n)
        || s.user.username.to_lowercase().contains(&n)
        || email.to_lowercase().contains(&n)
        || has(&s.ip, &n)
        || has(&s.location.city, &n)
        || has(&s.location.region, &n)
        || has(&s.location.country_code, &n)
        || has(&s.device.browser, &n)
        || has(&s.device.os, &n)
        || has(&s.device.model, &n)
        || has(&s.device.name, &n)
        || has(&s.app.name, &n)
        || (n.len() >= 3 && country_name.is_some_and(|c| c.contains(&n)))
}

type Pred<'a> = Box<dyn Fn(&Session) -> bool + 'a>;

fn enc(s: &str) -> String {
    s.replace('%', "%25")
        .replace(' ', "%20")
        .replace('&', "%26")
        .replace('+', "%2B")
}

#[tokio::test]
async fn every_filter_alone_and_mixed_matches_the_oracle() {
    let d = demo().await;
    let all = &d.all;
    assert!(all.len() > 600, "the demo has {} sessions", all.len());
    let active = |s: &Session| s.status == SessionStatus::Active;
    let distinct = |f: &dyn Fn(&Session) -> Option<String>| -> Vec<String> {
        all.iter()
            .filter_map(f)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let kinds = distinct(&|s| Some(s.kind.as_str().to_string()));
    let apps = distinct(&|s| s.app.name.clone());
    let countries_seen = distinct(&|s| s.location.country_code.clone());
    let all_flags: BTreeSet<String> = all
        .iter()
        .flat_map(|s| s.risk.flags.iter().map(|f| f.kind.clone()))
        .collect();
    assert!(kinds.len() >= 4 && apps.len() >= 3 && countries_seen.len() >= 10);
    for f in ["impossible_travel", "new_country", "new_device", "stale"] {
        assert!(
            all_flags.contains(f),
            "the demo has no {f} flag: {all_flags:?}"
        );
    }
    let mut times: Vec<i64> = all.iter().map(|s| s.created_at.millis()).collect();
    times.sort();
    let (t1, t2) = (times[times.len() / 4], times[times.len() * 3 / 4]);
    let mut seen: Vec<i64> = all.iter().map(|s| s.last_seen_at.millis()).collect();
    seen.sort();
    let (a1, a2) = (seen[seen.len() / 3], seen[seen.len() * 2 / 3]);
    let ts = |ms: i64| {
        serde_json::to_value(sessiondesk_protocol::Timestamp::from_millis(ms))
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    };
    let users: Vec<String> = all
        .iter()
        .map(|s| s.user.id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .step_by(7)
        .take(5)
        .collect();
    let pick = |i: usize| all[i * 37 % all.len()].clone();
    let (s1, s2) = (pick(3), pick(11));
    let s2 = &s2;
    let city = s1.location.city.clone().unwrap();
    let ip_prefix: String = s2.ip.clone().unwrap().chars().take(6).collect();
    let model = all
        .iter()
        .find_map(|s| s.device.model.clone())
        .expect("a device model");
    let name_part: String = s1.user.name.split(' ').next_back().unwrap().to_string();
    let country_name = countries::name(&countries_seen[0])
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();

    let mut cases: Vec<(String, Pred)> = vec![
        ("".into(), Box::new(active)),
        ("status=active".into(), Box::new(active)),
        (
            "status=ended".into(),
            Box::new(|s: &Session| s.status == SessionStatus::Ended),
        ),
        ("status=all".into(), Box::new(|_: &Session| true)),
        (
            format!(
                "status=all&{}&user_id=usr_nobody",
                users
                    .iter()
                    .map(|u| format!("user_id={u}"))
                    .collect::<Vec<_>>()
                    .join("&")
            ),
            Box::new(|s: &Session| users.contains(&s.user.id)),
        ),
        (
            format!("status=all&login_from={}&login_to={}", ts(t1), ts(t2)),
            Box::new(move |s: &Session| (t1..=t2).contains(&s.created_at.millis())),
        ),
        (
            format!("status=all&active_from={}&active_to={}", ts(a1), ts(a2)),
            Box::new(move |s: &Session| (a1..=a2).contains(&s.last_seen_at.millis())),
        ),
        (
            format!("login_from={}", ts(t2)),
            Box::new(move |s: &Session| active(s) && s.created_at.millis() >= t2),
        ),
    ];
    for k in &kinds {
        let k2 = k.clone();
        cases.push((
            format!("status=all&kind={k}"),
            Box::new(move |s: &Session| s.kind.as_str() == k2),
        ));
    }
    for a in &apps {
        let a2 = a.clone();
        cases.push((
            format!("status=all&app={}", enc(a)),
            Box::new(move |s: &Session| s.app.name.as_deref() == Some(a2.as_str())),
        ));
    }
    for c in &countries_seen {
        let c2 = c.clone();
        // Lower case is accepted too.
        cases.push((
            format!("status=all&country={}", c.to_lowercase()),
            Box::new(move |s: &Session| s.location.country_code.as_deref() == Some(c2.as_str())),
        ));
    }
    for f in &all_flags {
        let f2 = f.clone();
        cases.push((
            format!("risk={f}"),
            Box::new(move |s: &Session| active(s) && s.risk.flags.iter().any(|x| x.kind == f2)),
        ));
    }
    let emails = &d.emails;
    for q in [
        city.to_lowercase(),
        ip_prefix,
        model.clone(),
        s1.user.username.clone(),
        name_part,
        country_name.to_lowercase(),
        "ch".into(),
        "50%".into(),
        "zzzz-nothing".into(),
    ] {
        let q2 = q.clone();
        cases.push((
            format!("status=all&q={}", enc(&q)),
            Box::new(move |s: &Session| {
                text_matches(s, emails.get(&s.user.id).map_or("", |e| e), &q2)
            }),
        ));
    }
    // Mixes.
    let c0 = s2.location.country_code.clone().unwrap();
    let k0 = s2.kind.as_str();
    let from = t1.min(s2.created_at.millis());
    cases.push((
        format!("status=all&country={c0}&kind={k0}&login_from={}", ts(from)),
        Box::new(move |s: &Session| {
            s.location.country_code.as_deref() == Some(c0.as_str())
                && s.kind.as_str() == k0
                && s.created_at.millis() >= from
        }),
    ));
    let city2 = city.clone();
    let users2 = users.clone();
    cases.push((
        format!(
            "q={}&user_id={}&user_id={}",
            enc(&city),
            users[0],
            s1.user.id
        ),
        Box::new(move |s: &Session| {
            active(s)
                && (s.user.id == users2[0] || s.user.id == s1.user.id)
                && text_matches(s, emails.get(&s.user.id).map_or("", |e| e), &city2)
        }),
    ));

    let mut empty = Vec::new();
    for (query, pred) in &cases {
        let path = format!("/v1/admin/sessions?limit=1000&{query}");
        let got: BTreeSet<String> = pages::<Session>(&d.h, &d.token, &path)
            .await
            .into_iter()
            .map(|s| s.id)
            .collect();
        let want: BTreeSet<String> = all
            .iter()
            .filter(|s| pred(s))
            .map(|s| s.id.clone())
            .collect();
        assert_eq!(got, want, "{query}");
        let (_, first) =
            d.h.get(&format!("/v1/admin/sessions?limit=5&{query}"), &d.token)
                .await;
        assert_eq!(first["total"], want.len(), "total of {query}");
        assert_eq!(first["total_exact"], true);
        if want.is_empty() {
            empty.push(query.clone());
        }
    }
    // The cases are not vacuous: only the searches meant to find nothing find nothing.
    assert_eq!(empty, ["status=all&q=50%25", "status=all&q=zzzz-nothing"]);
}

#[tokio::test]
async fn every_sort_in_both_orders_pages_through_cursors_like_the_oracle() {
    let d = demo().await;
    for sort in ["login_at", "last_seen_at", "user", "country"] {
        for order in ["asc", "desc"] {
            let path = format!("/v1/admin/sessions?status=all&sort={sort}&order={order}&limit=37");
            let got: Vec<String> = pages::<Session>(&d.h, &d.token, &path)
                .await
                .into_iter()
                .map(|s| s.id)
                .collect();
            let mut want = d.all.clone();
            want.sort_by(|a, b| {
                let key = |s: &Session| match sort {
                    "login_at" => format!("{:020}", s.created_at.millis()),
                    "last_seen_at" => format!("{:020}", s.last_seen_at.millis()),
                    "user" => s.user.username.clone(),
                    _ => s.location.country_code.clone().unwrap_or_default(),
                };
                key(a).cmp(&key(b)).then(a.id.cmp(&b.id))
            });
            if order == "desc" {
                want.reverse();
            }
            let want: Vec<String> = want.into_iter().map(|s| s.id).collect();
            assert_eq!(got, want, "sort={sort}&order={order}");
        }
    }
}

#[tokio::test]
async fn past_a_thousand_the_total_says_so_and_pages_walk_in_order() {
    let (_dir, store) = bench_store(1_050).await;
    let org = store.org_by_slug("bench").await.unwrap().unwrap();
    let page = store
        .list_sessions(&org.id, &Default::default(), T0)
        .await
        .unwrap();
    assert_eq!(page.total, 1_000);
    assert!(!page.total_exact);
    assert_eq!(page.items.len(), 100);
    // Past the cap a page walks an index in list order, sorts a login window inside its
    // index, or sorts the matches of a lookup that gives few candidates (`q=user` names
    // every user's sessions, fewer than ten thousand). Each, for every sort the walks
    // serve, both orders and two statuses, pages through all rows once and in order.
    use sessiondesk_protocol::{Order, SessionQuery, SessionSort, StatusFilter, Timestamp};
    let all = store
        .list_sessions(
            &org.id,
            &SessionQuery {
                status: Some(StatusFilter::All),
                limit: Some(1_000),
                order: Some(Order::Asc),
                ..Default::default()
            },
            T0,
        )
        .await
        .unwrap();
    let first = all.items[0].created_at;
    let last = store
        .list_sessions(
            &org.id,
            &SessionQuery {
                status: Some(StatusFilter::All),
                ..Default::default()
            },
            T0,
        )
        .await
        .unwrap()
        .items[0]
        .created_at;
    let window = SessionQuery {
        login_from: Some(Timestamp::from_millis(first)),
        login_to: Some(Timestamp::from_millis(last)),
        ..Default::default()
    };
    let text = SessionQuery {
        q: Some("user".into()),
        ..Default::default()
    };
    for (what, base) in [
        ("no filter", SessionQuery::default()),
        ("login window", window),
        ("q=user", text),
    ] {
        for sort in [SessionSort::LoginAt, SessionSort::LastSeenAt] {
            for order in [Order::Asc, Order::Desc] {
                for status in [StatusFilter::All, StatusFilter::Active] {
                    let mut q = SessionQuery {
                        sort: Some(sort),
                        order: Some(order),
                        status: Some(status),
                        limit: Some(300),
                        ..base.clone()
                    };
                    let mut keys = Vec::new();
                    loop {
                        let page = store.list_sessions(&org.id, &q, T0).await.unwrap();
                        assert_eq!(page.total, 1_000, "{what}");
                        keys.extend(page.items.iter().map(|r| {
                            let k = match sort {
                                SessionSort::LoginAt => r.created_at,
                                _ => r.last_seen_at,
                            };
                            (k, r.id.clone())
                        }));
                        match page.next_cursor {
                            Some(c) => q.cursor = Some(c),
                            None => break,
                        }
                    }
                    let mut want = keys.clone();
                    want.sort();
                    if order == Order::Desc {
                        want.reverse();
                    }
                    let case = format!("{what} {sort:?} {order:?} {status:?}");
                    assert_eq!(keys.len(), 1_050, "{case}");
                    assert_eq!(keys, want, "{case}");
                }
            }
        }
    }
    // A window of more than the cap that leaves rows out: only the window's rows.
    let middle = all.items[20].created_at;
    let mut q = SessionQuery {
        login_from: Some(Timestamp::from_millis(middle)),
        status: Some(StatusFilter::All),
        sort: Some(SessionSort::LastSeenAt),
        limit: Some(1_000),
        ..Default::default()
    };
    let mut seen = 0;
    loop {
        let page = store.list_sessions(&org.id, &q, T0).await.unwrap();
        assert!(page.items.iter().all(|r| r.created_at >= middle));
        seen += page.items.len();
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => break,
        }
    }
    let want = all.items.iter().filter(|r| r.created_at >= middle).count() + 50;
    assert_eq!(seen, want);
    let one_user = SessionQuery {
        q: Some("user0007".into()),
        status: Some(StatusFilter::All),
        ..Default::default()
    };
    let page = store.list_sessions(&org.id, &one_user, T0).await.unwrap();
    assert!(page.total_exact);
    assert!((1..=3).contains(&page.total), "{}", page.total);
    assert_eq!(page.items.len() as u64, page.total);
}

/// New sessions reach the text index in batches; a text search adds the waiting ones before
/// it reads, so a session opened a moment ago is found by its IP (every demo session has a
/// public address; the tests' sign-ins come from 127.0.0.1).
#[tokio::test]
async fn a_text_search_finds_a_session_opened_a_moment_ago() {
    let d = demo().await;
    let mut opened = Vec::new();
    for _ in 0..3 {
        let (status, body) =
            d.h.post_json(
                "/v1/auth/login",
                &serde_json::json!({"org": "acme", "username": "owner", "password": DEMO_PASSWORD}),
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        opened.push(body["session"]["id"].as_str().unwrap().to_string());
        let found =
            pages::<Session>(&d.h, &d.token, "/v1/admin/sessions?status=all&q=127.0.0.1").await;
        let ids: BTreeSet<&str> = found.iter().map(|s| s.id.as_str()).collect();
        for id in &opened {
            assert!(ids.contains(id.as_str()), "{id} not found among {ids:?}");
        }
        assert!(found.iter().all(|s| s.ip.as_deref() == Some("127.0.0.1")));
    }
}
