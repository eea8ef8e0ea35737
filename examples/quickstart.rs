//! Quick start: connect, read `release_version` from `system.local`.
//!
//! ```text
//! cargo run --example quickstart                      # an embedded ringbolt-sim cluster
//! cargo run --example quickstart -- 10.0.0.5:9042 dc1  # a real cluster (host:port, local DC)
//! ```

use ringbolt::session::Session;
use ringbolt_sim::SimCluster;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    // Without an address, start a one-node cluster in this process on a free port.
    let (_embedded, contact_point, local_dc) = match args.next() {
        Some(address) => {
            let dc = args.next().unwrap_or_else(|| "datacenter1".to_string());
            (None, address, dc)
        }
        None => {
            let cluster = SimCluster::builder().nodes(1).port(0).start().await?;
            let address = cluster.contact_points()[0].to_string();
            (Some(cluster), address, "dc1".to_string())
        }
    };

    let session = Session::builder()
        .contact_point(contact_point.as_str())
        .local_datacenter(local_dc)
        .build()
        .await?;

    let result = session
        .query("SELECT release_version FROM system.local", ())
        .await?;
    let (version,): (String,) = result.first_row()?;
    println!("Cassandra version: {version}");
    if let Some(protocol) = session.protocol_version() {
        println!("Protocol version: v{}", protocol as u8);
    }
    session.close().await;
    Ok(())
}
