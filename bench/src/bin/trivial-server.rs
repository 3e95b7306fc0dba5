//! The baseline for the introspection benchmark: an axum server on a multi-threaded tokio
//! runtime (like `sessiondesk-server`) whose `POST /oauth2/introspect` reads the body and answers
//! a constant `{"active":false}`. Whatever the real server costs on top of this is its own work.

use anyhow::Result;
use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::post;
use axum::serve::ListenerExt;
use axum::Router;
use clap::Parser;
use sessiondesk_bench::listening_line;

#[derive(Parser, Debug)]
#[command(about = "Constant-answer introspection server, the benchmark's baseline")]
struct Args {
    /// Address to listen on (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: String,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let app = Router::new().route("/oauth2/introspect", post(introspect));
    let listener = tokio::net::TcpListener::bind(&args.listen).await?;
    println!("{}", listening_line(listener.local_addr()?));
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
}

async fn introspect(_form: Bytes) -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], r#"{"active":false}"#)
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
