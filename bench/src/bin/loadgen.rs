//! HTTP/1.1 keep-alive load generator.
//!
//! Each of the `--concurrency` workers owns one connection and sends requests back to back for
//! `--warmup-secs` (not recorded) then `--duration-secs` (recorded). Latencies go into one HDR
//! histogram per worker, merged at the end. Prints one JSON line:
//! `{requests, rps, p50_us, p99_us, max_us, errors, non_2xx, active_fraction, ...}`.
//!
//! The client is kept cheap because it shares the machine's cores with the server under test:
//! bodies are built once and cloned as `Bytes`, header values are shared, no TLS, no pool.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use clap::{Parser, ValueEnum};
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST, USER_AGENT};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use sessiondesk_bench::{bench_username, introspect_body, is_active, login_body, XorShift};
use tokio::net::TcpStream;
use tokio::time::Instant;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Mode {
    /// `POST /oauth2/introspect`, form `token=<random token>`, API key as Bearer.
    Introspect,
    /// `POST /v1/auth/login`, JSON `{org, username, password}` for a random bench user.
    Login,
}

#[derive(Parser, Debug)]
#[command(about = "HTTP/1.1 keep-alive load generator for the Sessiondesk benchmarks")]
struct Args {
    /// Base URL of the server, e.g. http://127.0.0.1:8710
    #[arg(long)]
    url: String,
    #[arg(long, value_enum, default_value = "introspect")]
    mode: Mode,
    /// Number of workers, each with its own keep-alive connection.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Seconds recorded.
    #[arg(long, default_value_t = 10.0)]
    duration_secs: f64,
    /// Seconds of load before recording starts.
    #[arg(long, default_value_t = 1.0)]
    warmup_secs: f64,
    /// Introspect: file with one session token per line.
    #[arg(long)]
    tokens: Option<PathBuf>,
    /// Introspect: file holding the API key secret sent as Bearer.
    #[arg(long)]
    api_key: Option<PathBuf>,
    /// Login: organisation slug.
    #[arg(long, default_value = "bench")]
    org: String,
    /// Login: number of users (`user0000` …).
    #[arg(long, default_value_t = 1000)]
    users: u32,
    /// Login: the users' password.
    #[arg(long, default_value = "bench-password")]
    password: String,
    /// Give up on a request after this many seconds (counted as an error).
    #[arg(long, default_value_t = 10.0)]
    request_timeout_secs: f64,
}

/// Everything a worker needs to build a request, built once.
struct Plan {
    addr: SocketAddr,
    path: Uri,
    host: HeaderValue,
    authorization: Option<HeaderValue>,
    content_type: HeaderValue,
    user_agent: HeaderValue,
    bodies: Vec<Bytes>,
    request_timeout: Duration,
}

struct Stats {
    hist: Histogram<u64>,
    requests: u64,
    ok: u64,
    active: u64,
    errors: u64,
    non_2xx: u64,
}

impl Stats {
    fn new() -> Self {
        Stats {
            hist: Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds"),
            requests: 0,
            ok: 0,
            active: 0,
            errors: 0,
            non_2xx: 0,
        }
    }

    fn merge(&mut self, other: &Stats) {
        self.hist.add(&other.hist).expect("histograms share bounds");
        self.requests += other.requests;
        self.ok += other.ok;
        self.active += other.active;
        self.errors += other.errors;
        self.non_2xx += other.non_2xx;
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.concurrency == 0 || args.duration_secs <= 0.0 || args.warmup_secs < 0.0 {
        bail!("--concurrency and --duration-secs must be positive, --warmup-secs not negative");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(args))
}

async fn run(args: Args) -> Result<()> {
    let plan = Arc::new(plan(&args).await?);

    // Fail fast when nothing listens there.
    connect(plan.addr)
        .await
        .with_context(|| format!("cannot connect to {}", args.url))?;

    let start = Instant::now();
    let warm_end = start + Duration::from_secs_f64(args.warmup_secs);
    let end = warm_end + Duration::from_secs_f64(args.duration_secs);
    let workers: Vec<_> = (0..args.concurrency)
        .map(|i| tokio::spawn(worker(i as u64, plan.clone(), warm_end, end)))
        .collect();
    let mut total = Stats::new();
    for w in workers {
        total.merge(&w.await?);
    }

    let h = &total.hist;
    let active_fraction = if total.ok == 0 {
        0.0
    } else {
        total.active as f64 / total.ok as f64
    };
    let line = serde_json::json!({
        "mode": format!("{:?}", args.mode).to_lowercase(),
        "concurrency": args.concurrency,
        "duration_secs": args.duration_secs,
        "requests": total.requests,
        "rps": total.requests as f64 / args.duration_secs,
        "p50_us": h.value_at_quantile(0.50),
        "p90_us": h.value_at_quantile(0.90),
        "p99_us": h.value_at_quantile(0.99),
        "p999_us": h.value_at_quantile(0.999),
        "max_us": h.max(),
        "mean_us": (h.mean() * 10.0).round() / 10.0,
        "errors": total.errors,
        "non_2xx": total.non_2xx,
        "active_fraction": active_fraction,
    });
    println!("{line}");
    Ok(())
}

async fn plan(args: &Args) -> Result<Plan> {
    let base: Uri = args.url.parse().context("--url is not a URL")?;
    if base.scheme_str() != Some("http") {
        bail!("--url must be http://HOST:PORT (no TLS)");
    }
    let authority = base.authority().context("--url has no host")?.clone();
    let addr = tokio::net::lookup_host(authority.as_str())
        .await
        .with_context(|| format!("cannot resolve {authority}"))?
        .next()
        .with_context(|| format!("{authority} resolves to nothing"))?;
    let prefix = base.path().trim_end_matches('/');

    let (path, content_type, authorization, bodies) = match args.mode {
        Mode::Introspect => {
            let tokens = args.tokens.as_ref().context("--tokens FILE is required")?;
            let text = std::fs::read_to_string(tokens)
                .with_context(|| format!("cannot read {}", tokens.display()))?;
            let bodies: Vec<Bytes> = text
                .lines()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| Bytes::from(introspect_body(t)))
                .collect();
            if bodies.is_empty() {
                bail!("{} holds no tokens", tokens.display());
            }
            let key_file = args
                .api_key
                .as_ref()
                .context("--api-key FILE is required")?;
            let key = std::fs::read_to_string(key_file)
                .with_context(|| format!("cannot read {}", key_file.display()))?;
            let auth = HeaderValue::try_from(format!("Bearer {}", key.trim()))
                .context("the API key is not a valid header value")?;
            (
                "/oauth2/introspect",
                "application/x-www-form-urlencoded",
                Some(auth),
                bodies,
            )
        }
        Mode::Login => {
            if args.users == 0 {
                bail!("--users must be positive");
            }
            let bodies = (0..args.users)
                .map(|i| Bytes::from(login_body(&args.org, &bench_username(i), &args.password)))
                .collect();
            ("/v1/auth/login", "application/json", None, bodies)
        }
    };
    Ok(Plan {
        addr,
        path: format!("{prefix}{path}").parse()?,
        host: HeaderValue::from_str(authority.as_str())?,
        authorization,
        content_type: HeaderValue::from_static(content_type),
        user_agent: HeaderValue::from_static("sessiondesk-loadgen/0.1"),
        bodies,
        request_timeout: Duration::from_secs_f64(args.request_timeout_secs),
    })
}

async fn connect(addr: SocketAddr) -> Result<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

async fn worker(id: u64, plan: Arc<Plan>, warm_end: Instant, end: Instant) -> Stats {
    let mut stats = Stats::new();
    let mut rng = XorShift::new(id + 1);
    'connection: while Instant::now() < end {
        let mut sender = match connect(plan.addr).await {
            Ok(sender) => sender,
            Err(_) => {
                if Instant::now() >= warm_end {
                    stats.errors += 1;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        loop {
            let started = Instant::now();
            if started >= end {
                break 'connection;
            }
            if sender.is_closed() {
                continue 'connection;
            }
            let body = plan.bodies[rng.below(plan.bodies.len())].clone();
            let mut req = Request::new(Full::new(body));
            *req.method_mut() = Method::POST;
            *req.uri_mut() = plan.path.clone();
            let headers = req.headers_mut();
            headers.insert(HOST, plan.host.clone());
            headers.insert(CONTENT_TYPE, plan.content_type.clone());
            headers.insert(USER_AGENT, plan.user_agent.clone());
            if let Some(auth) = &plan.authorization {
                headers.insert(AUTHORIZATION, auth.clone());
            }
            let exchange = async {
                sender.ready().await?;
                let resp = sender.send_request(req).await?;
                let status = resp.status();
                let body = resp.into_body().collect().await?.to_bytes();
                Ok::<_, hyper::Error>((status, body))
            };
            let result = tokio::time::timeout(plan.request_timeout, exchange).await;
            let recording = started >= warm_end;
            match result {
                Ok(Ok((status, body))) => {
                    if recording {
                        let micros = started.elapsed().as_micros().max(1) as u64;
                        stats.hist.saturating_record(micros);
                        stats.requests += 1;
                        if status.is_success() {
                            stats.ok += 1;
                            if is_active(&body) {
                                stats.active += 1;
                            }
                        } else {
                            stats.non_2xx += 1;
                        }
                    }
                }
                Ok(Err(_)) | Err(_) => {
                    if recording {
                        stats.errors += 1;
                    }
                    continue 'connection;
                }
            }
        }
    }
    stats
}
