//! Shared set-up for the protocol-core integration tests (`core_*` modules): an in-process
//! `ringbolt-sim` cluster on a loopback address of the p3 range (127.0.40.x–127.0.49.x) and a
//! session pinned to one protocol version.

use std::net::IpAddr;
use std::time::Duration;

use ringbolt::protocol::ProtocolVersion;
use ringbolt::session::{Session, SessionBuilder};
use ringbolt_sim::{SimCluster, SimClusterBuilder};

/// Both versions every test runs on.
pub const VERSIONS: [ProtocolVersion; 2] = [ProtocolVersion::V4, ProtocolVersion::V5];

/// Generous bound on every wait: a hang fails the test instead of blocking the run.
pub const WAIT: Duration = Duration::from_secs(60);

/// A one-node sim builder on `address` (unique per test), port picked by the system.
pub fn sim(address: &str) -> SimClusterBuilder {
    let ip: IpAddr = address.parse().expect("test address");
    SimCluster::builder().nodes(1).base_address(ip).port(0)
}

/// Starts `builder`, bounded by [`WAIT`].
pub async fn start(builder: SimClusterBuilder) -> SimCluster {
    tokio::time::timeout(WAIT, builder.start())
        .await
        .expect("sim start timed out")
        .expect("sim start")
}

/// A session builder for node 0 of `cluster`, pinned to `version`.
pub fn session_builder(cluster: &SimCluster, version: ProtocolVersion) -> SessionBuilder {
    Session::builder()
        .contact_point(cluster.contact_points()[0])
        .local_datacenter("dc1")
        .protocol_version(version)
        .request_timeout(Duration::from_secs(30))
}

/// Connects `builder`, bounded by [`WAIT`].
pub async fn connect(builder: SessionBuilder) -> Session {
    tokio::time::timeout(WAIT, builder.build())
        .await
        .expect("connect timed out")
        .expect("connect")
}

/// A session on `cluster` with keyspace `ks` created (replication 1) and in use.
pub async fn session_with_keyspace(
    cluster: &SimCluster,
    version: ProtocolVersion,
    ks: &str,
) -> Session {
    let session = connect(session_builder(cluster, version)).await;
    session
        .query(
            format!(
                "CREATE KEYSPACE {ks} WITH replication = \
                 {{'class': 'SimpleStrategy', 'replication_factor': 1}}"
            ),
            (),
        )
        .await
        .expect("create keyspace");
    session
        .query(format!("USE {ks}"), ())
        .await
        .expect("use keyspace");
    session
}
