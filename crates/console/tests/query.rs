//! The cache's query engine answers like the server: random mixes of every filter, every
//! sort and both orders, run against the authority and against a synced cache of the same
//! data, give the same rows in the same order.

use std::collections::BTreeSet;

use common::now;
use sessiondesk_client::protocol::{
    Order, Session, SessionKind, SessionQuery, SessionSort, StatusFilter, Timestamp,
};
use sessiondesk_client::Client;
use sessiondesk_console::cache::Cache;
use sessiondesk_console::sync::Syncer;

mod common;

/// A small deterministic generator: a failing case is reproduced by its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn chance(&mut self, in_4: u64) -> bool {
        self.next() % 4 < in_4
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[(self.next() % v.len() as u64) as usize]
    }
}

async fn server_ids(c: &Client, f: &SessionQuery) -> Vec<String> {
    let mut q = SessionQuery {
        limit: Some(1000),
        ..f.clone()
    };
    let mut ids = Vec::new();
    loop {
        let page = c.sessions(&q).await.unwrap();
        ids.extend(page.items.into_iter().map(|s| s.id));
        match page.next_cursor {
            Some(cur) => q.cursor = Some(cur),
            None => return ids,
        }
    }
}

#[tokio::test]
async fn random_filter_mixes_give_the_server_s_rows_in_its_order() {
    let dir = tempfile::tempdir().unwrap();
    let running = common::demo(&dir.path().join("authority.db")).await;
    let c = common::owner(&running.url()).await;
    let cache = Cache::open(&dir.path().join("cache.db")).await.unwrap();
    // Pages smaller than the org: the first sync loads in bulk and builds its indexes
    // (the text index included) at the end, so the queries below check that build too.
    Syncer::new(c.clone(), cache.clone())
        .with_page(300)
        .catch_up()
        .await
        .unwrap();
    let bulk: Option<i64> = sqlx::query_scalar("SELECT value FROM sync_state WHERE key = 'bulk'")
        .fetch_optional(cache.pool())
        .await
        .unwrap();
    assert_eq!(bulk, Some(0), "the first sync went through the bulk load");

    // Values to draw from, taken from the data itself.
    let all: Vec<Session> = cache
        .sessions(
            &SessionQuery {
                status: Some(StatusFilter::All),
                limit: Some(10_000),
                ..Default::default()
            },
            0,
            now(),
        )
        .await
        .unwrap()
        .items;
    assert!(all.len() > 500, "{}", all.len());
    let set = |f: &dyn Fn(&Session) -> Option<String>| -> Vec<String> {
        all.iter()
            .filter_map(f)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let users = set(&|s| Some(s.user.id.clone()));
    let apps = set(&|s| s.app.name.clone());
    let countries = set(&|s| s.location.country_code.clone());
    let mut flags = set(&|s| s.risk.flags.first().map(|f| f.kind.clone()));
    flags.push("stale".into());
    let mut texts = set(&|s| s.location.city.clone());
    texts.extend(set(&|s| s.device.model.clone()).into_iter().take(8));
    texts.extend(set(&|s| Some(s.user.username.clone())).into_iter().take(8));
    texts.extend(
        set(&|s| s.ip.as_ref().map(|ip| ip[..ip.len().min(5)].to_string()))
            .into_iter()
            .take(6),
    );
    texts.extend(
        [
            "de", "an", "x", "germ", "united", "50%", "zzzz", "iPh", "Chr",
        ]
        .map(String::from),
    );
    let times: Vec<i64> = all.iter().map(|s| s.created_at.millis()).collect();
    let (first, last) = (*times.iter().min().unwrap(), *times.iter().max().unwrap());
    let kinds = [
        SessionKind::Browser,
        SessionKind::Mobile,
        SessionKind::Desktop,
        SessionKind::Api,
    ];

    let mut rng = Rng(0x5e55_10de_5c0e_2026);
    let mut nonempty = 0;
    for case in 0..150 {
        let mut f = SessionQuery {
            status: Some(*rng.pick(&[
                StatusFilter::Active,
                StatusFilter::Ended,
                StatusFilter::All,
            ])),
            sort: Some(*rng.pick(&[
                SessionSort::LoginAt,
                SessionSort::LastSeenAt,
                SessionSort::User,
                SessionSort::Country,
            ])),
            order: Some(*rng.pick(&[Order::Asc, Order::Desc])),
            ..Default::default()
        };
        if rng.chance(1) {
            f.user_id = (0..1 + rng.next() % 20)
                .map(|_| rng.pick(&users).clone())
                .collect();
        }
        if rng.chance(1) {
            f.kind = Some(*rng.pick(&kinds));
        }
        if rng.chance(1) {
            f.app = Some(rng.pick(&apps).clone());
        }
        if rng.chance(1) {
            let c = rng.pick(&countries);
            f.country = Some(if rng.chance(2) {
                c.to_lowercase()
            } else {
                c.clone()
            });
        }
        if rng.chance(1) {
            f.risk = Some(rng.pick(&flags).clone());
        }
        if rng.chance(2) {
            f.q = Some(rng.pick(&texts).clone());
        }
        if rng.chance(1) {
            let a = first + (rng.next() % (last - first + 1) as u64) as i64;
            f.login_from = Some(Timestamp::from_millis(a));
            if rng.chance(2) {
                f.login_to = Some(Timestamp::from_millis(
                    a + (rng.next() % 20_000_000_000) as i64,
                ));
            }
        }
        if rng.chance(1) {
            let a = first + (rng.next() % (last - first + 1) as u64) as i64;
            f.active_from = Some(Timestamp::from_millis(a));
        }
        let want = server_ids(&c, &f).await;
        // Half the time a small window, so that a text search may also take the plan that
        // walks the sort's index instead of looking up every match.
        let (offset, limit) = if rng.chance(2) {
            (rng.next() % 20, 5 + rng.next() % 30)
        } else {
            (0, 10_000)
        };
        let got: Vec<String> = cache
            .sessions(
                &SessionQuery {
                    limit: Some(limit as u32),
                    ..f.clone()
                },
                offset,
                now(),
            )
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|s| s.id)
            .collect();
        let window: Vec<String> = want
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .cloned()
            .collect();
        assert_eq!(got, window, "case {case} ({offset}, {limit}): {f:?}");
        assert_eq!(
            cache.count_sessions(&f, now()).await.unwrap(),
            want.len() as u64,
            "case {case}"
        );
        nonempty += usize::from(!want.is_empty());
    }
    assert!(nonempty > 40, "only {nonempty} mixes matched anything");

    // Common words in small windows: a text search that matches a large share of the org
    // walks the sort's index rather than looking up every match; same rows either way.
    let common_city = {
        let mut counts = std::collections::BTreeMap::<String, usize>::new();
        for s in &all {
            if let Some(c) = &s.location.city {
                *counts.entry(c.clone()).or_default() += 1;
            }
        }
        counts.into_iter().max_by_key(|(_, n)| *n).unwrap().0
    };
    for text in ["an", "de", "Windows", "Acme", common_city.as_str()] {
        for sort in [
            SessionSort::LoginAt,
            SessionSort::User,
            SessionSort::LastSeenAt,
        ] {
            let f = SessionQuery {
                q: Some(text.to_string()),
                status: Some(StatusFilter::All),
                sort: Some(sort),
                ..Default::default()
            };
            let want = server_ids(&c, &f).await;
            assert!(want.len() > 20, "{text}: {}", want.len());
            for (offset, limit) in [(0u64, 5u32), (7, 10), (0, 30)] {
                let got: Vec<String> = cache
                    .sessions(
                        &SessionQuery {
                            limit: Some(limit),
                            ..f.clone()
                        },
                        offset,
                        now(),
                    )
                    .await
                    .unwrap()
                    .items
                    .into_iter()
                    .map(|s| s.id)
                    .collect();
                let window: Vec<String> = want
                    .iter()
                    .skip(offset as usize)
                    .take(limit as usize)
                    .cloned()
                    .collect();
                assert_eq!(got, window, "{text} {sort:?} ({offset}, {limit})");
            }
        }
    }

    // Windows page through the same order; groups add up to the total.
    let f = SessionQuery {
        status: Some(StatusFilter::All),
        sort: Some(SessionSort::User),
        limit: Some(37),
        ..Default::default()
    };
    let mut paged = Vec::new();
    let mut offset = 0;
    loop {
        let rows = cache.sessions(&f, offset, now()).await.unwrap();
        assert_eq!(rows.total, all.len() as u64);
        assert!(rows.synced_at.is_some());
        if rows.items.is_empty() {
            break;
        }
        offset += rows.items.len() as u64;
        paged.extend(rows.items.into_iter().map(|s| s.id));
    }
    assert_eq!(paged, server_ids(&c, &f).await);
    let groups = cache.sessions_by_user(&f, now()).await.unwrap();
    assert_eq!(
        groups.iter().map(|g| g.sessions).sum::<i64>(),
        all.len() as i64
    );
    let top = &groups[0];
    assert_eq!(
        top.sessions as usize,
        all.iter().filter(|s| s.user.id == top.user_id).count()
    );
    running.shutdown().await;
}
