//! `sessiondesk-server`: run, migrate and administer the session authority.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use sessiondesk_protocol::{Policy, Role, Secret};
use sessiondesk_server::clock::{Clock, SystemClock};
use sessiondesk_server::config::Config;
use sessiondesk_server::enrich::client_ip::TrustedProxies;
use sessiondesk_server::password::Passwords;
use sessiondesk_server::store::{ApiKey, Org, Store, User};
use sessiondesk_server::{app, ids, seed, token};

/// glibc's allocator spent a quarter of the request threads' time in sign-in bursts
/// (consolidating fragmented bins); mimalloc keeps per-thread heaps.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "sessiondesk-server",
    version,
    about = "The Sessiondesk session authority"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArg {
    /// Database URL, e.g. sqlite:/var/lib/sessiondesk/sessiondesk.db
    #[arg(long, env = "SESSIONDESK_DB", default_value = "sqlite:sessiondesk.db")]
    db: String,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API.
    Serve {
        #[command(flatten)]
        db: DbArg,
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, env = "SESSIONDESK_LISTEN", default_value = "127.0.0.1:8710")]
        listen: SocketAddr,
        /// Folder holding node_modules with the GeoIP and user-agent data.
        #[arg(long, env = "SESSIONDESK_DATA_DIR")]
        data_dir: Option<PathBuf>,
        /// Proxies whose X-Forwarded-For is trusted: IPs or CIDRs, comma-separated.
        #[arg(long, env = "SESSIONDESK_TRUSTED_PROXIES", default_value = "")]
        trusted_proxies: String,
        /// Seconds between writes of coalesced activity (at most one write per session).
        #[arg(long, env = "SESSIONDESK_FLUSH_INTERVAL_S", default_value_t = 60)]
        flush_interval_s: u64,
        /// Seconds between sweeps that end expired sessions.
        #[arg(long, env = "SESSIONDESK_SWEEP_INTERVAL_S", default_value_t = 30)]
        sweep_interval_s: u64,
        /// Sign-in attempts allowed per client IP and minute (burst is a third of it, min 5).
        #[arg(long, env = "SESSIONDESK_LOGIN_RATE_PER_MIN", default_value_t = 60)]
        login_rate_per_min: u32,
        /// Threads serving requests (default: one fewer than the cores, at least one).
        /// Password hashing, SQLite and feed exports run on threads of their own; leaving
        /// them a core keeps introspection's tail short while they work.
        #[arg(long, env = "SESSIONDESK_WORKERS")]
        workers: Option<usize>,
    },
    /// Apply database migrations.
    Migrate {
        #[command(flatten)]
        db: DbArg,
    },
    /// Load demo or benchmark data.
    Seed(SeedArgs),
    /// Manage organisations.
    #[command(subcommand)]
    Org(OrgCmd),
    /// Manage users.
    #[command(subcommand)]
    User(UserCmd),
    /// Manage resource-server API keys.
    #[command(name = "api-key", subcommand)]
    ApiKey(ApiKeyCmd),
    /// Print the OpenAPI 3.1 description of the HTTP API (the committed copy is
    /// `crates/server/openapi.json`).
    Openapi,
}

#[derive(Args)]
struct SeedArgs {
    #[command(flatten)]
    db: DbArg,
    /// Load the demo organisations, users and sessions.
    #[arg(long)]
    demo: bool,
    /// Random seed for the demo data (same seed, same data).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Load this many active sessions for benchmarks (org `bench`).
    #[arg(long)]
    bench_sessions: Option<usize>,
    /// Where to write the benchmark sessions' tokens, one per line.
    #[arg(long, requires = "bench_sessions")]
    tokens_out: Option<PathBuf>,
    /// Where to write the benchmark API key.
    #[arg(long, requires = "bench_sessions")]
    api_key_out: Option<PathBuf>,
    #[arg(long, env = "SESSIONDESK_DATA_DIR")]
    data_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum OrgCmd {
    /// Create an organisation with the default policy.
    Create {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create a user; the password comes from SESSIONDESK_PASSWORD or standard input.
    Create {
        #[command(flatten)]
        db: DbArg,
        /// Organisation slug or id.
        #[arg(long)]
        org: String,
        #[arg(long)]
        username: String,
        /// owner | admin | helpdesk | auditor | member
        #[arg(long, default_value = "member")]
        role: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
    /// Set a user's password (from SESSIONDESK_PASSWORD or standard input); clears a reset
    /// an admin required when locking the account.
    SetPassword {
        #[command(flatten)]
        db: DbArg,
        /// Organisation slug or id.
        #[arg(long)]
        org: String,
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
enum ApiKeyCmd {
    /// Create an API key and print its secret (shown only this once).
    Create {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        org: String,
        #[arg(long)]
        name: String,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Command::Serve { workers, .. } = &cli.command {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        runtime.worker_threads(workers.unwrap_or(cores - 1).max(1));
    }
    runtime.enable_all().build()?.block_on(run(cli))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SESSIONDESK_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Serve {
            db,
            listen,
            data_dir,
            trusted_proxies,
            flush_interval_s,
            sweep_interval_s,
            login_rate_per_min,
            workers: _,
        } => {
            let mut config = Config::new(db.db, listen);
            config.data_dir = data_dir;
            config.trusted_proxies =
                TrustedProxies::parse_list(&trusted_proxies).context("--trusted-proxies")?;
            config.flush_interval = std::time::Duration::from_secs(flush_interval_s.max(1));
            config.sweep_interval = std::time::Duration::from_secs(sweep_interval_s.max(1));
            config.login_quota.per_minute = login_rate_per_min;
            config.login_quota.burst = (login_rate_per_min / 3).max(5);
            serve(config).await
        }
        Command::Migrate { db } => {
            app::open_store(&db.db).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Seed(args) => seed_cmd(args).await,
        Command::Openapi => {
            print!("{}", sessiondesk_server::api::openapi_text());
            Ok(())
        }
        Command::Org(OrgCmd::Create { db, slug, name }) => {
            let store = app::open_store(&db.db).await?;
            let now = SystemClock.now_ms();
            let org = Org {
                id: ids::new_id(ids::ORG, now),
                name: name.unwrap_or_else(|| slug.clone()),
                slug,
                created_at: now,
            };
            store.create_org(&org, &Policy::default(), "cli").await?;
            println!("{}", org.id);
            Ok(())
        }
        Command::User(UserCmd::Create {
            db,
            org,
            username,
            role,
            name,
            email,
        }) => {
            let role = Role::parse(&role).with_context(|| {
                format!("unknown role {role:?}: owner, admin, helpdesk, auditor or member")
            })?;
            let password = read_password()?;
            let store = app::open_store(&db.db).await?;
            let org = find_org(&*store, &org).await?;
            let now = SystemClock.now_ms();
            let user = User {
                id: ids::new_id(ids::USER, now),
                org_id: org.id,
                name: name.unwrap_or_else(|| username.clone()),
                username,
                email,
                role,
                password_hash: Passwords::new()?.hash(&password).await?,
                locked: false,
                locked_until: None,
                lock_reason: None,
                password_reset_required: false,
                created_at: now,
            };
            store.create_user(&user, "cli").await?;
            println!("{}", user.id);
            Ok(())
        }
        Command::User(UserCmd::SetPassword { db, org, username }) => {
            let password = read_password()?;
            let store = app::open_store(&db.db).await?;
            let org = find_org(&*store, &org).await?;
            let user = store
                .find_user(&org.id, &username)
                .await?
                .with_context(|| format!("no user {username:?} in {}", org.slug))?;
            let hash = Passwords::new()?.hash(&password).await?;
            store
                .set_password(&org.id, &user.id, &hash, "cli", SystemClock.now_ms())
                .await?;
            println!("password of {username} changed");
            Ok(())
        }
        Command::ApiKey(ApiKeyCmd::Create { db, org, name }) => {
            let store = app::open_store(&db.db).await?;
            let org = find_org(&*store, &org).await?;
            let now = SystemClock.now_ms();
            let secret = token::generate(token::API_KEY_PREFIX);
            let key = ApiKey {
                id: ids::new_id(ids::API_KEY, now),
                org_id: org.id,
                name,
                key_hash: token::hash(secret.expose()),
                created_at: now,
                created_by: Some("cli".into()),
                last_used_at: None,
            };
            store.create_api_key(&key, "cli").await?;
            eprintln!(
                "API key {} created; the secret below is shown only once:",
                key.id
            );
            println!("{}", secret.expose());
            Ok(())
        }
    }
}

/// An org by id (`org_...`) or slug; slugs never contain `_`, so the two cannot collide.
async fn find_org(store: &dyn Store, key: &str) -> anyhow::Result<Org> {
    let org = if key.starts_with("org_") {
        store.org(key).await?
    } else {
        store.org_by_slug(key).await?
    };
    org.with_context(|| format!("no organisation {key:?}"))
}

/// The password from SESSIONDESK_PASSWORD, or the first line of standard input.
fn read_password() -> anyhow::Result<Secret> {
    if let Ok(pw) = std::env::var("SESSIONDESK_PASSWORD") {
        if !pw.is_empty() {
            return Ok(Secret::new(pw));
        }
    }
    let mut buf = String::new();
    std::io::stdin()
        .read_to_string(&mut buf)
        .context("reading the password from standard input")?;
    let pw = buf.lines().next().unwrap_or("").to_string();
    if pw.is_empty() {
        bail!("no password: set SESSIONDESK_PASSWORD or pipe it on standard input");
    }
    Ok(Secret::new(pw))
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let ready = app::prepare(config, std::sync::Arc::new(SystemClock), Passwords::new()?).await?;
    // Scripts (and `cargo xtask`) read the bound address from this line.
    println!("listening on {}", ready.url());
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    ready
        .serve_until(async move {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            tracing::info!("shutting down");
        })
        .await?;
    Ok(())
}

async fn seed_cmd(args: SeedArgs) -> anyhow::Result<()> {
    let store = app::open_store(&args.db.db).await?;
    let now = SystemClock.now_ms();
    if args.demo {
        let mut config = Config::new(args.db.db.clone(), ([127, 0, 0, 1], 0).into());
        config.data_dir = args.data_dir.clone();
        let enricher = app::load_enricher(&config)?;
        let summary = seed::demo(&*store, &enricher, args.seed, now).await?;
        println!("{summary}");
    }
    if let Some(n) = args.bench_sessions {
        let tokens = args.tokens_out.context("--tokens-out is required")?;
        let key = args.api_key_out.context("--api-key-out is required")?;
        seed::bench(&*store, n, &tokens, &key, now).await?;
        println!(
            "{n} benchmark sessions loaded; tokens in {}",
            tokens.display()
        );
    }
    if !args.demo && args.bench_sessions.is_none() {
        bail!("nothing to seed: pass --demo or --bench-sessions N");
    }
    Ok(())
}
