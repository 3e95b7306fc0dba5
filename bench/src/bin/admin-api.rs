//! The admin API's read paths over the benchmark data: the first page of the sessions list
//! for five filter mixes (each request varies its values), then a full export of the
//! change feed. One keep-alive connection, requests one after another, as a console does.
//! Prints one JSON line: `{mixes: [{name, requests, p50_ms, p95_ms, max_ms}], feed: {rows,
//! pages, secs, rows_per_sec}}`.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use clap::Parser;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use sessiondesk_bench::{bench_username, login_body, mix_summary, XorShift};
use tokio::net::TcpStream;

#[derive(Parser, Debug)]
#[command(about = "Admin API benchmark: sessions list first pages and change-feed export")]
struct Args {
    /// Base URL of the server, e.g. http://127.0.0.1:8710
    #[arg(long)]
    url: String,
    /// Organisation slug and the owner's credentials (the bench seed's user0000).
    #[arg(long, default_value = "bench")]
    org: String,
    #[arg(long, default_value = "bench-password")]
    password: String,
    /// Recorded requests per mix (after 5 not recorded).
    #[arg(long, default_value_t = 100)]
    requests: usize,
    /// Change-feed page size.
    #[arg(long, default_value_t = 10_000)]
    feed_page: u32,
    /// Print to stderr every list request slower than this many milliseconds.
    #[arg(long)]
    show_slow: Option<f64>,
}

struct Client {
    send: SendRequest<Full<Bytes>>,
    host: HeaderValue,
    bearer: Option<HeaderValue>,
}

impl Client {
    async fn connect(url: &str) -> Result<Self> {
        let authority = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let stream = TcpStream::connect(&authority).await?;
        stream.set_nodelay(true)?;
        let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        Ok(Client {
            send,
            host: HeaderValue::from_str(&authority)?,
            bearer: None,
        })
    }

    async fn call(&mut self, method: Method, path: &str, body: Option<String>) -> Result<Bytes> {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, self.host.clone());
        if let Some(b) = &self.bearer {
            req = req.header(AUTHORIZATION, b.clone());
        }
        if body.is_some() {
            req = req.header(CONTENT_TYPE, "application/json");
        }
        let req = req.body(Full::new(Bytes::from(body.unwrap_or_default())))?;
        self.send.ready().await?;
        let res = self.send.send_request(req).await?;
        let status = res.status();
        let bytes = res.into_body().collect().await?.to_bytes();
        if !status.is_success() {
            bail!("{path}: {status}: {}", String::from_utf8_lossy(&bytes));
        }
        Ok(bytes)
    }
}

fn rfc3339(ms: i64) -> String {
    // Days from the civil calendar (Howard Hinnant's algorithm), to stay dependency-free.
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

const CITIES: &[&str] = &[
    "berlin", "madrid", "sydney", "toronto", "dublin", "zurich", "lagos", "seattle",
];
const COUNTRIES: &[&str] = &["DE", "US", "GB", "FR", "ES", "JP", "CA", "AU", "IT", "IN"];

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args = Args::parse();
    let mut c = Client::connect(&args.url).await?;
    let login = c
        .call(
            Method::POST,
            "/v1/auth/login",
            Some(login_body(&args.org, &bench_username(0), &args.password)),
        )
        .await
        .context("signing in as the bench owner")?;
    let v: serde_json::Value = serde_json::from_slice(&login)?;
    let token = v["token"].as_str().context("no token")?;
    c.bearer = Some(HeaderValue::from_str(&format!("Bearer {token}"))?);
    let users: serde_json::Value = serde_json::from_slice(
        &c.call(Method::GET, "/v1/admin/users?limit=1000", None)
            .await?,
    )?;
    let user_ids: Vec<String> = users["items"]
        .as_array()
        .context("no users")?
        .iter()
        .filter_map(|u| u["id"].as_str().map(str::to_string))
        .collect();
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() as i64;
    let mut rng = XorShift::new(7);

    type Mix = (&'static str, Box<dyn Fn(&mut XorShift) -> String>);
    let ids = user_ids.clone();
    let mixes: Vec<Mix> = vec![
        (
            "active sessions, newest first",
            Box::new(|r: &mut XorShift| {
                let order = if r.next_u64().is_multiple_of(2) {
                    "desc"
                } else {
                    "asc"
                };
                format!("/v1/admin/sessions?order={order}")
            }),
        ),
        (
            "text search (a username or a city)",
            Box::new(|r: &mut XorShift| {
                if r.next_u64().is_multiple_of(2) {
                    format!(
                        "/v1/admin/sessions?q={}",
                        bench_username((r.next_u64() % 1000) as u32)
                    )
                } else {
                    format!(
                        "/v1/admin/sessions?q={}",
                        CITIES[(r.next_u64() % CITIES.len() as u64) as usize]
                    )
                }
            }),
        ),
        (
            "country + status",
            Box::new(|r: &mut XorShift| {
                let c = COUNTRIES[(r.next_u64() % COUNTRIES.len() as u64) as usize];
                let s = if r.next_u64().is_multiple_of(2) {
                    "active"
                } else {
                    "all"
                };
                format!("/v1/admin/sessions?country={c}&status={s}")
            }),
        ),
        (
            "a set of 50 users",
            Box::new(move |r: &mut XorShift| {
                let mut q = String::from("/v1/admin/sessions?status=all");
                for _ in 0..50 {
                    q.push_str("&user_id=");
                    q.push_str(&ids[(r.next_u64() % ids.len() as u64) as usize]);
                }
                q
            }),
        ),
        (
            "login date range + sort by last active",
            Box::new(move |r: &mut XorShift| {
                let from = now - 23 * 3_600_000 + (r.next_u64() % 20) as i64 * 3_600_000;
                format!(
                    "/v1/admin/sessions?status=all&login_from={}&login_to={}&sort=last_seen_at",
                    rfc3339(from),
                    rfc3339(from + 2 * 3_600_000)
                )
            }),
        ),
    ];

    let mut out = Vec::new();
    for (name, make) in &mixes {
        let mut times = Vec::with_capacity(args.requests);
        for i in 0..args.requests + 5 {
            let path = make(&mut rng);
            let started = Instant::now();
            let body = c.call(Method::GET, &path, None).await?;
            let took = started.elapsed();
            if args
                .show_slow
                .is_some_and(|ms| took.as_secs_f64() * 1000.0 > ms)
            {
                let shown: String = path.chars().take(160).collect();
                eprintln!("slow: {:.1} ms {shown}", took.as_secs_f64() * 1000.0);
            }
            if i == 0 && !body.starts_with(b"{\"items\":[{") {
                bail!(
                    "{name}: {path} found nothing: {}",
                    String::from_utf8_lossy(&body)
                );
            }
            if i >= 5 {
                times.push(took);
            }
        }
        out.push(mix_summary(name, times));
    }

    #[derive(serde::Deserialize)]
    struct FeedPage {
        changes: Vec<serde::de::IgnoredAny>,
        next: i64,
        has_more: bool,
    }
    let started = Instant::now();
    let (mut after, mut rows, mut pages) = (0_i64, 0_u64, 0_u64);
    loop {
        let body = c
            .call(
                Method::GET,
                &format!("/v1/admin/changes?after={after}&limit={}", args.feed_page),
                None,
            )
            .await?;
        let page: FeedPage = serde_json::from_slice(&body)?;
        rows += page.changes.len() as u64;
        pages += 1;
        after = page.next;
        if !page.has_more {
            break;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "mixes": out,
            "feed": {"rows": rows, "pages": pages, "secs": secs, "rows_per_sec": rows as f64 / secs},
        })
    );
    Ok(())
}
