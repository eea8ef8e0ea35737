//! A link shortener over HTTP, on Ringbolt.
//!
//! ```text
//! cargo run --example web_service                     # an embedded 3-node ringbolt-sim cluster
//! RINGBOLT_CONTACT_POINTS=10.0.0.5:9042 RINGBOLT_LOCAL_DC=dc1 cargo run --example web_service
//! PORT=0 cargo run --example web_service              # any free port (printed)
//! ```
//!
//! Settings: `RINGBOLT_CONTACT_POINTS`, `RINGBOLT_LOCAL_DC`, `RINGBOLT_USERNAME` /
//! `RINGBOLT_PASSWORD`, `RINGBOLT_CA_CERT` / `RINGBOLT_CLIENT_CERT` / `RINGBOLT_CLIENT_KEY`,
//! `RINGBOLT_CONSISTENCY` (default `LOCAL_QUORUM`), `RINGBOLT_REPLICATION_FACTOR` (default 3, used
//! when the keyspace is created), `PORT` (default 8080).

mod service;

use std::sync::Arc;

use service::app::{self, AppState};
use service::config::{self, Config};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", service::store::chain(e.as_ref()));
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_env()?;
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| config::ConfigError(format!("PORT={p:?} is not a port number")))?,
        Err(_) => 8080,
    };
    let connected = config::connect(&config).await?;
    if let Some(cluster) = &connected.embedded {
        println!(
            "embedded ringbolt-sim cluster: {:?}",
            cluster.contact_points()
        );
    }
    let session = connected.store.session().clone();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let url = format!("http://{}", listener.local_addr()?);
    println!("link shortener listening on {url}");
    println!("try:");
    println!(
        "  curl -i -X POST {url}/links -H 'content-type: application/json' \
         -d '{{\"slug\": \"docs\", \"url\": \"https://example.com/docs\", \"user\": \"ada\"}}'"
    );
    println!("  curl -i {url}/l/docs");
    println!("  curl -s {url}/links/docs");
    println!("  curl -s '{url}/users/ada/links?limit=10'");
    println!("  curl -i -X DELETE {url}/links/docs");
    println!("  curl -s {url}/health");
    let state = Arc::new(AppState {
        store: connected.store,
    });
    app::serve(listener, state, async {
        // Ctrl-C: stop accepting, finish the requests in flight.
        let _ = tokio::signal::ctrl_c().await;
        println!("shutting down");
    })
    .await?;
    session.close().await;
    if let Some(cluster) = connected.embedded {
        cluster.shutdown().await;
    }
    Ok(())
}
