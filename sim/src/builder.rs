//! [`SimClusterBuilder`]: the shape and settings of a simulated cluster.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use ringbolt_driver::protocol::DEFAULT_MAX_FRAME_LENGTH;
use tokio::net::TcpListener;

use crate::backend::Backend;
use crate::cluster::SimCluster;
use crate::error::SimError;
use crate::shared::{Credentials, Shared};
use crate::tls::TlsSettings;
use crate::topology::{
    self, ClusterSnapshot, SimNode, CLUSTER_NAME, DEFAULT_RACK, DEFAULT_SEED, RELEASE_VERSION,
};

/// The default native-protocol port.
pub const DEFAULT_PORT: u16 = 9042;
/// The default number of tokens per node.
pub const DEFAULT_VNODES: usize = 16;
/// The largest vnode count accepted.
pub const MAX_VNODES: usize = 1024;

/// Configures and starts a [`SimCluster`].
///
/// ```no_run
/// # async fn demo() -> Result<(), ringbolt_sim::SimError> {
/// use ringbolt_sim::SimCluster;
/// let cluster = SimCluster::builder()
///     .datacenter("dc1", 3)
///     .datacenter("dc2", 2)
///     .port(0)
///     .start()
///     .await?;
/// println!("{:?}", cluster.contact_points());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SimClusterBuilder {
    pub(crate) datacenters: Vec<(String, usize)>,
    pub(crate) base_address: IpAddr,
    pub(crate) port: u16,
    pub(crate) vnodes: usize,
    pub(crate) racks: usize,
    pub(crate) seed: u64,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) tls: Option<TlsSettings>,
    pub(crate) max_frame_length: usize,
    pub(crate) backend: Option<Arc<dyn Backend>>,
}

impl std::fmt::Debug for SimClusterBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimClusterBuilder")
            .field("datacenters", &self.datacenters)
            .field("base_address", &self.base_address)
            .field("port", &self.port)
            .field("vnodes", &self.vnodes)
            .field("racks", &self.racks)
            .field("seed", &self.seed)
            .field("credentials", &self.credentials)
            .field("tls", &self.tls)
            .field("max_frame_length", &self.max_frame_length)
            .finish_non_exhaustive()
    }
}

impl Default for SimClusterBuilder {
    fn default() -> Self {
        SimClusterBuilder {
            datacenters: Vec::new(),
            base_address: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            vnodes: DEFAULT_VNODES,
            racks: 1,
            seed: DEFAULT_SEED,
            credentials: None,
            tls: None,
            max_frame_length: DEFAULT_MAX_FRAME_LENGTH,
            backend: None,
        }
    }
}

impl SimClusterBuilder {
    /// Adds `nodes` nodes in datacenter `name` (nodes are numbered in the order added).
    pub fn datacenter(mut self, name: impl Into<String>, nodes: usize) -> Self {
        self.datacenters.push((name.into(), nodes));
        self
    }

    /// A single datacenter `dc1` with `n` nodes (replaces datacenters added before).
    pub fn nodes(mut self, n: usize) -> Self {
        self.datacenters = vec![("dc1".to_string(), n)];
        self
    }

    /// The address of node 0; node `i` listens on this address plus `i` (default 127.0.0.1).
    pub fn base_address(mut self, address: IpAddr) -> Self {
        self.base_address = address;
        self
    }

    /// The port every node listens on (default 9042). 0 picks a free port for node 0 and uses
    /// the same number for the other nodes.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Tokens per node (default 16).
    pub fn vnodes(mut self, n: usize) -> Self {
        self.vnodes = n;
        self
    }

    /// Spreads each datacenter's nodes over `n` racks (`rack1`..`rackN`, round robin); default 1.
    pub fn racks(mut self, n: usize) -> Self {
        self.racks = n.max(1);
        self
    }

    /// The seed of tokens and host ids (the same seed gives the same cluster).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Requires PasswordAuthenticator logins with this user and password.
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some(Credentials {
            username: username.into(),
            password: password.into(),
        });
        self
    }

    /// Serves TLS only, with this certificate and key (PEM). With `client_ca_pem`, clients must
    /// present a certificate signed by that CA.
    pub fn tls(
        mut self,
        cert_pem: impl Into<String>,
        key_pem: impl Into<String>,
        client_ca_pem: Option<String>,
    ) -> Self {
        self.tls = Some(TlsSettings {
            cert_pem: cert_pem.into(),
            key_pem: key_pem.into(),
            client_ca_pem,
        });
        self
    }

    /// The largest frame body accepted (default 256 MiB); longer frames close the connection.
    pub fn max_frame_length(mut self, bytes: usize) -> Self {
        self.max_frame_length = bytes;
        self
    }

    /// Serves CQL requests with `backend` instead of the built-in engine.
    pub fn backend(mut self, backend: Arc<dyn Backend>) -> Self {
        self.backend = Some(backend);
        self
    }

    /// Builds the nodes, binds every listener and starts serving.
    pub async fn start(self) -> Result<SimCluster, SimError> {
        if !(1..=MAX_VNODES).contains(&self.vnodes) {
            return Err(SimError::InvalidVnodes(self.vnodes));
        }
        let total: usize = self.datacenters.iter().map(|(_, n)| *n).sum();
        if total == 0 {
            return Err(SimError::NoNodes);
        }
        let tls = match &self.tls {
            Some(settings) => Some(crate::tls::acceptor(settings)?),
            None => None,
        };
        let mut taken = HashSet::new();
        let mut nodes = Vec::with_capacity(total);
        for (dc, count) in &self.datacenters {
            for j in 0..*count {
                let index = nodes.len();
                nodes.push(self.make_node(index, dc, j, self.port, &mut taken)?);
            }
        }
        // With port 0, the port picked for node 0 may be taken on another node's address:
        // then start over with a new pick, a few times.
        let attempts = if self.port == 0 { 5 } else { 1 };
        let mut attempt = 0;
        let (listeners, port) = loop {
            attempt += 1;
            match bind_all(&mut nodes, self.port) {
                Ok(bound) => break bound,
                Err(SimError::Bind { source, .. })
                    if attempt < attempts && source.kind() == std::io::ErrorKind::AddrInUse =>
                {
                    continue
                }
                Err(e) => return Err(e),
            }
        };
        let snapshot = ClusterSnapshot {
            cluster_name: CLUSTER_NAME.to_string(),
            nodes,
        };
        let backend = match self.backend.clone() {
            Some(backend) => backend,
            None => crate::cluster::default_backend(),
        };
        let shared = Arc::new(Shared::new(
            backend,
            self.credentials.clone(),
            tls,
            self.max_frame_length,
            snapshot,
        ));
        Ok(SimCluster::from_listeners(
            shared, self, port, taken, listeners,
        ))
    }

    /// Node number `index`, the `position`-th of datacenter `dc`.
    pub(crate) fn make_node(
        &self,
        index: usize,
        dc: &str,
        position: usize,
        port: u16,
        taken: &mut HashSet<i64>,
    ) -> Result<SimNode, SimError> {
        let address = topology::node_address(self.base_address, index)
            .ok_or(SimError::AddressOverflow { index })?;
        let rack = if self.racks <= 1 {
            DEFAULT_RACK.to_string()
        } else {
            format!("rack{}", position % self.racks + 1)
        };
        Ok(SimNode {
            index,
            address,
            port,
            datacenter: dc.to_string(),
            rack,
            host_id: topology::host_id(self.seed, index),
            tokens: topology::generate_tokens(self.seed, index, self.vnodes, taken),
            up: true,
            release_version: RELEASE_VERSION.to_string(),
        })
    }
}

/// Binds every node on `port` (0: the port the system picks for node 0) and sets their ports.
fn bind_all(nodes: &mut [SimNode], port: u16) -> Result<(Vec<TcpListener>, u16), SimError> {
    let mut listeners = Vec::with_capacity(nodes.len());
    let mut port = port;
    for node in nodes.iter_mut() {
        let address = SocketAddr::new(node.address, port);
        let bind_error = |source| SimError::Bind {
            index: node.index,
            address,
            source,
        };
        let listener = crate::server::bind(address).map_err(bind_error)?;
        if port == 0 {
            port = listener.local_addr().map_err(bind_error)?.port();
        }
        listeners.push(listener);
    }
    for node in nodes.iter_mut() {
        node.port = port;
    }
    Ok((listeners, port))
}
