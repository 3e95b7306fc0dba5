//! Assembling and running the authority: store, indexes, HTTP server, maintenance task.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::auth::Authority;
use crate::clock::Clock;
use crate::config::Config;
use crate::enrich::Enricher;
use crate::error::{Error, Result};
use crate::password::Passwords;
use crate::store::{SqliteStore, Store};

/// Opens the store named by a database URL and migrates it.
pub async fn open_store(url: &str) -> Result<Arc<dyn Store>> {
    let store: Arc<dyn Store> = if url.starts_with("sqlite:") {
        Arc::new(SqliteStore::open(url).await?)
    } else {
        return Err(Error::BadRequest(format!(
            "unsupported database URL {url:?}: expected sqlite:PATH"
        )));
    };
    store.migrate().await?;
    Ok(store)
}

/// Loads the enrichment data from the configured folder or finds it.
pub fn load_enricher(config: &Config) -> Result<Arc<Enricher>> {
    let e = match &config.data_dir {
        Some(dir) => Enricher::load(dir),
        None => Enricher::discover(),
    };
    e.map(Arc::new)
        .map_err(|e| Error::Internal(format!("enrichment data: {e}")))
}

/// A running authority.
pub struct Running {
    pub addr: SocketAddr,
    pub authority: Arc<Authority>,
    stop: watch::Sender<bool>,
    server: JoinHandle<Result<()>>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, finishes in-flight requests, and flushes activity.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.server.await;
    }
}

/// An authority bound to its address and loaded, not yet serving.
pub struct Ready {
    pub addr: SocketAddr,
    pub authority: Arc<Authority>,
    listener: TcpListener,
}

/// Opens the store, loads the indexes and binds `config.listen`.
pub async fn prepare(config: Config, clock: Arc<dyn Clock>, passwords: Passwords) -> Result<Ready> {
    let store = open_store(&config.db).await?;
    let enricher = load_enricher(&config)?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| Error::Internal(format!("cannot listen on {}: {e}", config.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Internal(e.to_string()))?;
    let authority = Arc::new(Authority::new(store, clock, config, passwords, enricher).await?);
    Ok(Ready {
        addr,
        authority,
        listener,
    })
}

impl Ready {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Serves on the calling task until `shutdown` resolves, then finishes in-flight requests
    /// and flushes activity (the binary runs this on its main task).
    pub async fn serve_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<()> {
        let (stop_maintenance, maint_rx) = watch::channel(false);
        let maint_auth = self.authority.clone();
        let maintenance = tokio::spawn(async move { maint_auth.run_maintenance(maint_rx).await });
        let app = crate::api::router(self.authority.clone());
        // Answers are small and latency-bound: send them at once, no Nagle delay.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::warn!(error = %e, "TCP_NODELAY could not be set");
            }
        });
        let auth = self.authority.clone();
        let shutdown = async move {
            shutdown.await;
            // Streams never finish by themselves; graceful shutdown waits for them.
            auth.stopping.send_replace(true);
        };
        let served = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        // Only after the last request: the final flush must see all of their activity.
        let _ = stop_maintenance.send(true);
        let _ = maintenance.await;
        served.map_err(|e| Error::Internal(format!("server: {e}")))
    }

    /// Serves on a spawned task (tests and embedding).
    pub fn spawn(self) -> Running {
        let (stop, mut stop_rx) = watch::channel(false);
        let addr = self.addr;
        let authority = self.authority.clone();
        let server = tokio::spawn(self.serve_until(async move {
            let _ = stop_rx.changed().await;
        }));
        Running {
            addr,
            authority,
            stop,
            server,
        }
    }
}

/// Starts the authority on `config.listen` with the given clock and password hasher.
pub async fn start_with(
    config: Config,
    clock: Arc<dyn Clock>,
    passwords: Passwords,
) -> Result<Running> {
    Ok(prepare(config, clock, passwords).await?.spawn())
}

/// Starts the authority with the wall clock and OWASP Argon2id parameters.
pub async fn start(config: Config) -> Result<Running> {
    start_with(
        config,
        Arc::new(crate::clock::SystemClock),
        Passwords::new()?,
    )
    .await
}
