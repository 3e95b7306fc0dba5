//! `seed --bench-sessions N`: an org with many active sessions for load tests.
//!
//! Org `bench`, users `user0000` … `user0999` (password [`BENCH_PASSWORD`], `user0000` is the
//! owner), N active sessions spread round-robin over them, created within the last day and seen
//! minutes ago, under a policy that lets them live 30 days. The i-th session's token is
//! [`bench_token`]`(i)`, written one per line to the tokens file in that order; a fresh API key
//! for introspection goes to its own file. Both files are created readable by their owner only.
//! Device and place fields vary but are not looked up (no enricher needed).

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use serde_json::json;
use sessiondesk_protocol::{
    AppInfo, DeviceInfo, Location, OnLimit, Policy, Risk, Role, Secret, SessionKind,
};

use super::places::PLACES;
use crate::audit;
use crate::error::{Error, Result};
use crate::ids;
use crate::password::Passwords;
use crate::store::{ApiKey, BulkBatch, BulkSession, NewSession, Org, Store, User};
use crate::token;

/// The benchmark org.
pub const BENCH_ORG: &str = "bench";
/// How many benchmark users there are.
pub const BENCH_USERS: usize = 1000;
/// The password of every benchmark user.
pub const BENCH_PASSWORD: &str = "bench-password";

/// Sessions per `bulk_insert` call.
const CHUNK: usize = 10_000;
/// Progress on stderr every this many sessions.
const PROGRESS_EVERY: usize = 100_000;
const DAY: i64 = 24 * 3600 * 1000;

/// The username of the `i`-th benchmark user.
pub fn bench_username(i: usize) -> String {
    format!("user{i:04}")
}

/// The token of the `i`-th benchmark session (deterministic, benchmark data only).
pub fn bench_token(i: usize) -> Secret {
    let mut seed = [0u8; 14];
    seed[..6].copy_from_slice(b"bench:");
    seed[6..].copy_from_slice(&(i as u64).to_le_bytes());
    token::from_seed(token::SESSION_PREFIX, &seed)
}

/// The benchmark org's policy: no session limit, 30-day timeouts, no reason required.
pub fn bench_policy() -> Policy {
    Policy {
        max_sessions: None,
        on_limit: OnLimit::Ask,
        idle_timeout_s: Some(30 * 86_400),
        absolute_timeout_s: Some(30 * 86_400),
        remember_me_allowed: true,
        remember_me_timeout_s: Some(30 * 86_400),
        require_reason: false,
        ..Policy::default()
    }
}

/// What benchmark sessions run on: kind, browser, OS, model, device type, app.
type Client = (
    SessionKind,
    Option<&'static str>,
    &'static str,
    Option<&'static str>,
    &'static str,
    Option<(&'static str, &'static str)>,
);

const CLIENTS: &[Client] = &[
    (
        SessionKind::Browser,
        Some("Chrome"),
        "Windows",
        None,
        "desktop",
        None,
    ),
    (
        SessionKind::Browser,
        Some("Edge"),
        "Windows",
        None,
        "desktop",
        None,
    ),
    (
        SessionKind::Browser,
        Some("Safari"),
        "macOS",
        None,
        "desktop",
        None,
    ),
    (
        SessionKind::Browser,
        Some("Firefox"),
        "Ubuntu",
        None,
        "desktop",
        None,
    ),
    (
        SessionKind::Browser,
        Some("Mobile Safari"),
        "iOS",
        Some("iPhone"),
        "phone",
        None,
    ),
    (
        SessionKind::Mobile,
        None,
        "Android",
        Some("Galaxy S23"),
        "phone",
        Some(("Acme Field", "4.2.1")),
    ),
    (
        SessionKind::Mobile,
        None,
        "iPadOS",
        Some("iPad Air (5th generation)"),
        "tablet",
        Some(("Acme Field", "4.2.1")),
    ),
    (
        SessionKind::Desktop,
        Some("Electron"),
        "Windows",
        Some("Latitude 5440"),
        "desktop",
        Some(("Acme Dispatch", "2.8.0")),
    ),
    (
        SessionKind::Api,
        Some("Python Requests"),
        "",
        None,
        "other",
        Some(("Billing Sync", "1.8.0")),
    ),
];

const LANGUAGES: &[&str] = &[
    "en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "it-IT", "nl-NL", "ja-JP",
];

/// Loads the benchmark org with `sessions` active sessions; writes their tokens to
/// `tokens_out` and an API key's secret to `api_key_out`.
pub async fn bench(
    store: &dyn Store,
    sessions: usize,
    tokens_out: &Path,
    api_key_out: &Path,
    now: i64,
) -> Result<()> {
    if store.org_by_slug(BENCH_ORG).await?.is_some() {
        return Err(Error::Conflict(format!(
            "this database already holds an org `{BENCH_ORG}`; load benchmark data into a new database"
        )));
    }
    let started = Instant::now();
    let org = Org {
        id: ids::new_id(ids::ORG, now - 2 * DAY),
        slug: BENCH_ORG.into(),
        name: "Benchmark".into(),
        created_at: now - 2 * DAY,
    };
    store.create_org(&org, &bench_policy(), "seed").await?;

    // Benchmark data only: one Argon2id hash (OWASP parameters) shared by every bench user.
    let password_hash = Passwords::new()?.hash(&Secret::new(BENCH_PASSWORD)).await?;
    let mut users = Vec::with_capacity(BENCH_USERS);
    for i in 0..BENCH_USERS {
        let created_at = org.created_at + i as i64;
        let user = User {
            id: ids::id_from_parts(ids::USER, created_at, i as u128),
            org_id: org.id.clone(),
            username: bench_username(i),
            name: format!("Bench User {i:04}"),
            email: None,
            role: if i == 0 { Role::Owner } else { Role::Member },
            password_hash: password_hash.clone(),
            locked: false,
            locked_until: None,
            lock_reason: None,
            password_reset_required: false,
            created_at,
        };
        store.create_user(&user, "seed").await?;
        users.push(user.id);
    }
    let users_done = started.elapsed();

    let key = token::generate(token::API_KEY_PREFIX);
    store
        .create_api_key(
            &ApiKey {
                id: ids::new_id(ids::API_KEY, now),
                org_id: org.id.clone(),
                name: "bench".into(),
                key_hash: token::hash(key.expose()),
                created_at: now,
                created_by: Some(users[0].clone()),
                last_used_at: None,
            },
            &users[0],
        )
        .await?;
    let mut key_file = private_file(api_key_out)?;
    writeln!(key_file, "{}", key.expose()).map_err(|e| io_error(api_key_out, e))?;

    let places: Vec<(String, Location)> = PLACES
        .iter()
        .filter(|p| !p.hosting)
        .map(|p| {
            let location = Location {
                city: Some(p.city.into()),
                country_code: Some(p.country.into()),
                ..Default::default()
            };
            (p.ip.to_string(), location)
        })
        .collect();

    // The tokens, in session order: line i is session i's.
    let mut tokens = BufWriter::with_capacity(1 << 20, private_file(tokens_out)?);
    for i in 0..sessions {
        writeln!(tokens, "{}", bench_token(i).expose()).map_err(|e| io_error(tokens_out, e))?;
    }
    tokens
        .into_inner()
        .map_err(|e| io_error(tokens_out, e.into_error()))?
        .sync_all()
        .map_err(|e| io_error(tokens_out, e))?;

    // Session i belongs to user i % 1000 (round-robin), but rows are inserted user by user
    // with created_at rising in insertion order: then the id, org and user indexes are all
    // appended to at their ends, and only the token digest index is written at random places.
    // (Measured: about 13% faster than inserting in session order.)
    let user_count = users.len();
    let inserting = Instant::now();
    let step = (DAY - 60_000) / sessions.max(1) as i64;
    let mut batch = BulkBatch::default();
    for j in 0..sessions {
        let i = user_major(j, sessions, user_count);
        let created_at = now - DAY + 30_000 + j as i64 * step;
        let last_seen_at = (now - (i % 600) as i64 * 1000).max(created_at);
        let token = bench_token(i);
        let (kind, browser, os, model, device_type, app) = CLIENTS[i % CLIENTS.len()];
        let (ip, location) = &places[i % places.len()];
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        batch.sessions.push(BulkSession {
            session: NewSession {
                id: ids::id_from_parts(ids::SESSION, created_at, i as u128),
                org_id: org.id.clone(),
                user_id: users[i % user_count].clone(),
                token_hash: token::hash(token.expose()),
                kind,
                login_method: if kind == SessionKind::Api {
                    "api_key"
                } else {
                    "password"
                }
                .into(),
                app: AppInfo {
                    name: app.map(|a| a.0.to_string()),
                    version: app.map(|a| a.1.to_string()),
                },
                device: DeviceInfo {
                    browser: browser.map(str::to_string),
                    os: some(os),
                    model: model.map(str::to_string),
                    kind: Some(device_type.to_string()),
                    ..Default::default()
                },
                language: (kind != SessionKind::Api)
                    .then(|| LANGUAGES[i % LANGUAGES.len()].to_string()),
                ip: Some(ip.clone()),
                location: location.clone(),
                created_at,
                remember_me: false,
                risk: Risk::default(),
            },
            last_seen_at,
            requests: (i % 50) as i64,
            last_path: None,
            end: None,
        });
        if batch.sessions.len() == CHUNK || j + 1 == sessions {
            store.bulk_insert(&batch).await?;
            batch.sessions.clear();
        }
        let done = j + 1;
        if done % PROGRESS_EVERY == 0 {
            let rate = done as f64 / inserting.elapsed().as_secs_f64().max(1e-9);
            eprintln!("bench: {done}/{sessions} sessions ({rate:.0} sessions/s)");
        }
    }

    let secs = inserting.elapsed().as_secs_f64();
    store
        .append_audit(
            &audit::Draft::new(&org.id, now, "seed", "seed.loaded").data(json!({
                "users": BENCH_USERS,
                "sessions": sessions,
                "active_sessions": sessions,
            })),
        )
        .await?;
    // The text index, so that a server started on this file has nothing left to add.
    let indexing = Instant::now();
    store.index_search().await?;
    eprintln!(
        "bench: text index in {:.1} s",
        indexing.elapsed().as_secs_f64()
    );
    eprintln!(
        "bench: {BENCH_USERS} users in {:.1} s, {sessions} sessions in {secs:.1} s ({:.0} sessions/s), {:.1} s in all",
        users_done.as_secs_f64(),
        sessions as f64 / secs.max(1e-9),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The session index of the `j`-th row when `sessions` sessions, assigned round-robin to
/// `users` users (session i to user i % users), are listed user by user.
fn user_major(j: usize, sessions: usize, users: usize) -> usize {
    let (base, extra) = (sessions / users, sessions % users);
    // The first `extra` users have one session more.
    let big = extra * (base + 1);
    let (user, k) = if j < big {
        (j / (base + 1), j % (base + 1))
    } else {
        let rest = j - big;
        (extra + rest / base.max(1), rest % base.max(1))
    };
    k * users + user
}

/// Creates (or truncates) a file for secrets, readable by its owner only.
fn private_file(path: &Path) -> Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(|e| io_error(path, e))
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::Internal(format!("could not write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SqliteStore;

    const NOW: i64 = 1_777_896_000_000;

    #[test]
    fn user_major_order_visits_every_session_once() {
        for (sessions, users) in [(2000, 1000), (2500, 1000), (7, 3), (999, 1000), (1, 1000)] {
            let order: Vec<usize> = (0..sessions)
                .map(|j| user_major(j, sessions, users))
                .collect();
            let mut seen = order.clone();
            seen.sort_unstable();
            assert_eq!(
                seen,
                (0..sessions).collect::<Vec<_>>(),
                "{sessions} over {users}"
            );
            // User by user: the user of consecutive rows never goes down.
            assert!(
                order.windows(2).all(|w| w[0] % users <= w[1] % users),
                "{order:?}"
            );
        }
    }

    #[tokio::test]
    async fn bench_sessions_are_live_and_their_tokens_are_on_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&format!("sqlite:{}", dir.path().join("b.db").display()))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let (tokens, key) = (dir.path().join("tokens.txt"), dir.path().join("key.txt"));
        bench(&store, 2000, &tokens, &key, NOW).await.unwrap();

        let org = store.org_by_slug(BENCH_ORG).await.unwrap().unwrap();
        let text = std::fs::read_to_string(&tokens).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2000);
        let distinct: std::collections::BTreeSet<&str> = lines.iter().copied().collect();
        assert_eq!(distinct.len(), 2000);
        let policy = bench_policy();
        for (i, t) in lines.iter().enumerate() {
            assert_eq!(*t, bench_token(i).expose());
            let live = store
                .live_by_token(&token::hash(t))
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("token {i} is not live"));
            assert_eq!(live.org_id, org.id);
            assert_eq!(live.username, bench_username(i % BENCH_USERS));
            assert!(live.created_at > NOW - DAY && live.last_seen_at <= NOW);
            let d = crate::expiry::deadlines(
                &policy,
                live.created_at,
                live.last_seen_at,
                live.remember_me,
            );
            assert_eq!(d.expired(NOW), None);
        }
        assert_eq!(store.for_each_live(&mut |_| {}).await.unwrap(), 2000);

        let owner = store.find_user(&org.id, "user0000").await.unwrap().unwrap();
        assert_eq!(owner.role, Role::Owner);
        let last = store.find_user(&org.id, "user0999").await.unwrap().unwrap();
        assert_eq!(last.role, Role::Member);
        assert!(store
            .find_user(&org.id, "user1000")
            .await
            .unwrap()
            .is_none());
        let pw = Passwords::with_params(argon2::Params::default(), 1).unwrap();
        assert!(pw
            .verify(&Secret::new(BENCH_PASSWORD), Some(&last.password_hash))
            .await
            .unwrap());

        let secret = std::fs::read_to_string(&key).unwrap();
        let secret = secret.trim();
        assert!(secret.starts_with(token::API_KEY_PREFIX), "{secret}");
        let keys = store.active_api_keys().await.unwrap();
        assert!(keys
            .iter()
            .any(|k| k.org_id == org.id && k.key_hash == token::hash(secret)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for f in [&tokens, &key] {
                let mode = std::fs::metadata(f).unwrap().permissions().mode();
                assert_eq!(mode & 0o077, 0, "{} is readable by others", f.display());
            }
        }
        assert!(store.verify_audit(&org.id).await.unwrap().ok);

        let again = bench(&store, 10, &tokens, &key, NOW).await.unwrap_err();
        assert!(matches!(again, Error::Conflict(_)), "{again}");
    }
}
