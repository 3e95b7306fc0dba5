//! Assembling and running the authority: store, indexes, HTTP server, maintenance task.

use std::net::SocketAddr;
use std::sync::Arc;

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
    stop_maintenance: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    maintenance: JoinHandle<()>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, finishes in-flight requests, and flushes activity.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.server.await;
        // Only after the last request: the final flush must see all of their activity.
        let _ = self.stop_maintenance.send(true);
        let _ = self.maintenance.await;
    }
}

/// Starts the authority on `config.listen` with the given clock and password hasher.
pub async fn start_with(
    config: Config,
    clock: Arc<dyn Clock>,
    passwords: Passwords,
) -> Result<Running> {
    let store = open_store(&config.db).await?;
    let enricher = load_enricher(&config)?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| Error::Internal(format!("cannot listen on {}: {e}", config.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Internal(e.to_string()))?;
    let authority = Arc::new(Authority::new(store, clock, config, passwords, enricher).await?);
    let (stop, stop_rx) = watch::channel(false);
    let app = crate::api::router(authority.clone());
    let mut server_stop = stop_rx;
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = server_stop.changed().await;
        })
        .await
    });
    let (stop_maintenance, maint_rx) = watch::channel(false);
    let maint_auth = authority.clone();
    let maintenance = tokio::spawn(async move { maint_auth.run_maintenance(maint_rx).await });
    Ok(Running {
        addr,
        authority,
        stop,
        stop_maintenance,
        server,
        maintenance,
    })
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
