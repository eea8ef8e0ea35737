//! Shared by the small examples: connect to the cluster named on the command line
//! (`host:port [local_dc]`), or start a one-node ringbolt-sim cluster in this process; then
//! create the `examples` keyspace.

use ringbolt::session::Session;
use ringbolt_sim::SimCluster;

/// A session, the embedded cluster behind it (if one was started) and the local datacenter.
pub struct Connected {
    /// The session.
    pub session: Session,
    /// Kept alive for as long as the example runs.
    pub embedded: Option<SimCluster>,
}

/// Connects as the command line says and creates the `examples` keyspace (replication 1 in
/// the local datacenter).
pub async fn connect() -> Result<Connected, Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (embedded, contact_point, local_dc) = match args.next() {
        Some(address) => {
            let dc = args.next().unwrap_or_else(|| "datacenter1".to_owned());
            (None, address, dc)
        }
        None => {
            let cluster = SimCluster::builder().nodes(1).port(0).start().await?;
            let address = cluster
                .contact_points()
                .first()
                .map(ToString::to_string)
                .ok_or("the embedded cluster has no nodes")?;
            (Some(cluster), address, "dc1".to_owned())
        }
    };
    let session = Session::builder()
        .contact_point(contact_point.as_str())
        .local_datacenter(local_dc.as_str())
        .build()
        .await?;
    session
        .query(
            format!(
                "CREATE KEYSPACE IF NOT EXISTS examples WITH replication = \
                 {{'class': 'NetworkTopologyStrategy', '{}': 1}}",
                local_dc.replace('\'', "''")
            ),
            (),
        )
        .await?;
    Ok(Connected { session, embedded })
}
