//! The console core over the benchmark data: a first sync of the whole org from a local
//! authority into a fresh cache, then four query mixes over the cache (each request with
//! other values). Prints one JSON line: `{sync: {rows, secs, rows_per_sec, cache_bytes},
//! mixes: [{name, requests, p50_ms, p95_ms, max_ms}]}`.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use clap::Parser;
use sessiondesk_bench::{bench_username, mix_summary, XorShift};
use sessiondesk_client::protocol::{
    LoginRequest, Secret, SessionQuery, SessionSort, StatusFilter, Timestamp,
};
use sessiondesk_client::{Client, Options};
use sessiondesk_console::cache::Cache;
use sessiondesk_console::sync::Syncer;

#[derive(Parser, Debug)]
#[command(about = "Console benchmark: first sync and cache queries")]
struct Args {
    /// Base URL of the authority, e.g. http://127.0.0.1:8710
    #[arg(long)]
    url: String,
    #[arg(long, default_value = "bench")]
    org: String,
    #[arg(long, default_value = "bench-password")]
    password: String,
    /// Recorded queries per mix (after 5 not recorded).
    #[arg(long, default_value_t = 100)]
    requests: usize,
    /// Folder for the cache file (a temporary folder inside it).
    #[arg(long)]
    work: Option<std::path::PathBuf>,
    /// Keep the cache in this file instead; when it is already synced, the sync only catches
    /// up (for working on the queries, not for the recorded sync rate).
    #[arg(long)]
    cache: Option<std::path::PathBuf>,
}

const CITIES: &[&str] = &[
    "berlin", "madrid", "sydney", "toronto", "dublin", "zurich", "lagos", "seattle",
];
const COUNTRIES: &[&str] = &["DE", "US", "GB", "FR", "ES", "JP", "CA", "AU", "IT", "IN"];

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let anon = Client::new(&args.url, Options::default())?;
    let login = anon
        .login(&LoginRequest {
            org: args.org.clone(),
            username: bench_username(0),
            password: Secret::new(args.password.clone()),
            remember_me: false,
            device: None,
        })
        .await
        .context("signing in as the bench owner")?;
    let client = anon.with_token(login.token);
    let dir = match &args.work {
        Some(w) => tempfile::tempdir_in(w)?,
        None => tempfile::tempdir()?,
    };
    let path = args
        .cache
        .clone()
        .unwrap_or_else(|| dir.path().join("cache.db"));
    let cache = Cache::open(&path).await?;

    let started = Instant::now();
    let rows = Syncer::new(client.clone(), cache.clone())
        .catch_up()
        .await?;
    let secs = started.elapsed().as_secs_f64();
    let cache_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);

    let users: Vec<String> = sqlx::query_scalar("SELECT id FROM users")
        .fetch_all(cache.pool())
        .await?;
    let newest: i64 = sqlx::query_scalar("SELECT MAX(created_at) FROM sessions")
        .fetch_one(cache.pool())
        .await?;
    let mut rng = XorShift::new(11);
    type Mix = (&'static str, Box<dyn Fn(&mut XorShift) -> SessionQuery>);
    let mixes: Vec<Mix> = vec![
        (
            "text search (a username or a city)",
            Box::new(|r: &mut XorShift| SessionQuery {
                q: Some(if r.next_u64().is_multiple_of(2) {
                    bench_username((r.next_u64() % 1000) as u32)
                } else {
                    CITIES[(r.next_u64() % CITIES.len() as u64) as usize].to_string()
                }),
                ..Default::default()
            }),
        ),
        (
            "country + status",
            Box::new(|r: &mut XorShift| SessionQuery {
                country: Some(COUNTRIES[(r.next_u64() % COUNTRIES.len() as u64) as usize].into()),
                status: Some(if r.next_u64().is_multiple_of(2) {
                    StatusFilter::Active
                } else {
                    StatusFilter::All
                }),
                ..Default::default()
            }),
        ),
        (
            "a set of 50 users",
            Box::new(move |r: &mut XorShift| SessionQuery {
                status: Some(StatusFilter::All),
                user_id: (0..50)
                    .map(|_| users[(r.next_u64() % users.len() as u64) as usize].clone())
                    .collect(),
                ..Default::default()
            }),
        ),
        (
            "login date range + sort by last active",
            Box::new(move |r: &mut XorShift| {
                let from = newest - 23 * 3_600_000 + (r.next_u64() % 20) as i64 * 3_600_000;
                SessionQuery {
                    status: Some(StatusFilter::All),
                    login_from: Some(Timestamp::from_millis(from)),
                    login_to: Some(Timestamp::from_millis(from + 2 * 3_600_000)),
                    sort: Some(SessionSort::LastSeenAt),
                    ..Default::default()
                }
            }),
        ),
    ];
    let mut out = Vec::new();
    for (name, make) in &mixes {
        let mut times = Vec::with_capacity(args.requests);
        for i in 0..args.requests + 5 {
            let q = make(&mut rng);
            let started = Instant::now();
            let page = cache.sessions(&q, 0, now()).await?;
            let took = started.elapsed();
            if i == 0 && page.items.is_empty() {
                anyhow::bail!("{name}: {q:?} found nothing in the cache");
            }
            if i >= 5 {
                times.push(took);
            }
        }
        out.push(mix_summary(name, times));
    }
    println!(
        "{}",
        serde_json::json!({
            "sync": {"rows": rows, "secs": secs, "rows_per_sec": rows as f64 / secs, "cache_bytes": cache_bytes},
            "mixes": out,
        })
    );
    Ok(())
}
