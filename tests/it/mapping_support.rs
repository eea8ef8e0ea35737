//! Shared setup of the `mapping_*` tests: a one-node in-process `ringbolt-sim` cluster, a
//! session on it, a keyspace in use and the schema a derived table generates.
//!
//! Addresses: the `mapping_*` modules use 127.0.60.x–127.0.69.x (range p5), one third octet per
//! test, so that tests run in parallel.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use ringbolt::mapping::Table;
use ringbolt::protocol::ProtocolVersion;
use ringbolt::session::Session;
use ringbolt_sim::SimCluster;

/// Every wait of these tests is bounded by this (generous: machines are noisy).
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// A running cluster and a session whose keyspace `keyspace` exists and is in use.
pub struct Fixture {
    pub session: Session,
    // Dropping the cluster stops it: kept alive for the session.
    _cluster: SimCluster,
}

/// Starts a one-node cluster on 127.0.`octet`.1, connects with `version`, creates `keyspace`
/// and makes it the session's keyspace.
pub async fn start(octet: u8, keyspace: &str, version: ProtocolVersion) -> Fixture {
    let address = IpAddr::V4(Ipv4Addr::new(127, 0, octet, 1));
    let cluster = SimCluster::builder()
        .nodes(1)
        .base_address(address)
        .port(0)
        .start()
        .await
        .expect("the sim cluster starts");
    let session = Session::builder()
        .contact_point(cluster.contact_points()[0])
        .protocol_version(version)
        .request_timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .build()
        .await
        .expect("the session connects");
    session
        .query(
            format!(
                "CREATE KEYSPACE IF NOT EXISTS {keyspace} WITH replication = \
                 {{'class': 'SimpleStrategy', 'replication_factor': 1}}"
            ),
            (),
        )
        .await
        .expect("CREATE KEYSPACE");
    session
        .query(format!("USE {keyspace}"), ())
        .await
        .expect("USE");
    Fixture {
        session,
        _cluster: cluster,
    }
}

/// Runs `T::create_types_cql()` then `T::create_table_cql()`, as an application would.
pub async fn create_schema<T: Table>(session: &Session) {
    for cql in T::create_types_cql() {
        session
            .query(cql.as_str(), ())
            .await
            .unwrap_or_else(|e| panic!("{cql}: {e:?}"));
    }
    let cql = T::create_table_cql();
    session
        .query(cql.as_str(), ())
        .await
        .unwrap_or_else(|e| panic!("{cql}: {e:?}"));
}
