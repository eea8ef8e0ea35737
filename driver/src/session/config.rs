//! [`SessionConfig`]: everything a session is built from, with the defaults drivers use.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use crate::connection::{Authenticator, ConnectionConfig, TlsConfig};
use crate::policies::load_balancing::DefaultLoadBalancingPolicy;
use crate::policies::reconnection::{ExponentialReconnectionPolicy, ReconnectionPolicy};
use crate::policies::LoadBalancingPolicy;
use crate::protocol::{Consistency, ProtocolVersion, SerialConsistency};

/// The CQL native transport's default port.
pub const DEFAULT_PORT: u16 = 9042;

/// A node to connect to first: `host`, `host:port`, `[v6]:port`, or a socket address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactPoint {
    /// A host name or address, optionally with a port, as text.
    Host(String),
    /// A socket address.
    Address(SocketAddr),
}

impl From<&str> for ContactPoint {
    fn from(s: &str) -> Self {
        ContactPoint::Host(s.to_owned())
    }
}

impl From<String> for ContactPoint {
    fn from(s: String) -> Self {
        ContactPoint::Host(s)
    }
}

impl From<SocketAddr> for ContactPoint {
    fn from(a: SocketAddr) -> Self {
        ContactPoint::Address(a)
    }
}

impl From<IpAddr> for ContactPoint {
    fn from(ip: IpAddr) -> Self {
        ContactPoint::Host(ip.to_string())
    }
}

impl ContactPoint {
    /// The host and port to resolve, `default_port` when none is given.
    pub(crate) fn host_port(&self, default_port: u16) -> Result<(String, u16), &'static str> {
        let text = match self {
            ContactPoint::Address(a) => return Ok((a.ip().to_string(), a.port())),
            ContactPoint::Host(text) => text.trim(),
        };
        if text.is_empty() {
            return Err("it is empty");
        }
        if let Ok(addr) = text.parse::<SocketAddr>() {
            return Ok((addr.ip().to_string(), addr.port()));
        }
        if let Ok(ip) = text.parse::<IpAddr>() {
            return Ok((ip.to_string(), default_port));
        }
        if let Some(v6) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            return match v6.parse::<IpAddr>() {
                Ok(ip) => Ok((ip.to_string(), default_port)),
                Err(_) => Err("the bracketed part is not an IPv6 address"),
            };
        }
        match text.rsplit_once(':') {
            Some((host, port)) => {
                let port = port
                    .parse::<u16>()
                    .map_err(|_| "the port is not a number from 0 to 65535")?;
                if host.is_empty() || host.contains(':') {
                    return Err("expected host:port");
                }
                Ok((host.to_owned(), port))
            }
            None => Ok((text.to_owned(), default_port)),
        }
    }
}

/// Everything a session is built from. Build it with [`SessionBuilder`](super::SessionBuilder).
#[derive(Clone)]
pub struct SessionConfig {
    /// Nodes to connect to first.
    pub contact_points: Vec<ContactPoint>,
    /// Port for contact points given without one (9042).
    pub port: u16,
    /// The datacenter the application runs in; load balancing prefers its nodes.
    pub local_datacenter: Option<String>,
    /// The keyspace to `USE` on every connection.
    pub keyspace: Option<String>,
    /// Authentication.
    pub authenticator: Option<Arc<dyn Authenticator>>,
    /// TLS.
    pub tls: Option<TlsConfig>,
    /// Consistency when a statement sets none (LOCAL_ONE).
    pub default_consistency: Consistency,
    /// Serial consistency when a statement sets none (the server's default when `None`).
    pub default_serial_consistency: Option<SerialConsistency>,
    /// Rows per page when a statement sets none (5000).
    pub default_page_size: i32,
    /// Time a request may take, retries included, when a statement sets none (12 s).
    pub request_timeout: Duration,
    /// Time to open one connection (TCP, TLS, handshake).
    pub connect_timeout: Duration,
    /// Use exactly this protocol version; `None` negotiates (v5, else v4).
    pub protocol_version: Option<ProtocolVersion>,
    /// Heartbeat after this long idle; `None` turns heartbeats off.
    pub heartbeat_interval: Option<Duration>,
    // --- Load balancing, pools and topology (cluster layer) ---
    /// The load-balancing policy; `None` uses a [`DefaultLoadBalancingPolicy`] for the local
    /// datacenter.
    pub load_balancing_policy: Option<Arc<dyn LoadBalancingPolicy>>,
    /// Connections per node of the local datacenter (1).
    pub pool_size_local: usize,
    /// Connections per node of remote datacenters the policy may use (1).
    pub pool_size_remote: usize,
    /// Requests in flight on one connection before the next node of the plan is used (1024).
    pub max_requests_per_connection: usize,
    /// Waits between reconnection attempts to a node (exponential, 1 s to 60 s, jittered).
    pub reconnection_policy: Arc<dyn ReconnectionPolicy>,
    /// Wait after a topology or schema event before refreshing metadata (1 s).
    pub topology_debounce: Duration,
    /// Refresh topology and schema at least this often (60 s).
    pub topology_refresh_interval: Duration,
    /// Retry and speculative-execution policies, per-attempt timeout, throttling.
    pub execution: super::attempts::ExecutionOptions,
}

impl Default for SessionConfig {
    fn default() -> Self {
        let connection = ConnectionConfig::default();
        SessionConfig {
            contact_points: Vec::new(),
            port: DEFAULT_PORT,
            local_datacenter: None,
            keyspace: None,
            authenticator: None,
            tls: None,
            default_consistency: Consistency::LocalOne,
            default_serial_consistency: None,
            default_page_size: 5000,
            request_timeout: Duration::from_secs(12),
            connect_timeout: connection.connect_timeout,
            protocol_version: None,
            heartbeat_interval: connection.heartbeat_interval,
            load_balancing_policy: None,
            pool_size_local: 1,
            pool_size_remote: 1,
            max_requests_per_connection: crate::pool::DEFAULT_MAX_REQUESTS_PER_CONNECTION,
            reconnection_policy: Arc::new(ExponentialReconnectionPolicy::default()),
            topology_debounce: Duration::from_secs(1),
            topology_refresh_interval: Duration::from_secs(60),
            execution: super::attempts::ExecutionOptions::default(),
        }
    }
}

impl fmt::Debug for SessionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionConfig")
            .field("contact_points", &self.contact_points)
            .field("port", &self.port)
            .field("local_datacenter", &self.local_datacenter)
            .field("keyspace", &self.keyspace)
            .field("authenticator", &self.authenticator)
            .field("tls", &self.tls)
            .field("default_consistency", &self.default_consistency)
            .field(
                "default_serial_consistency",
                &self.default_serial_consistency,
            )
            .field("default_page_size", &self.default_page_size)
            .field("request_timeout", &self.request_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("protocol_version", &self.protocol_version)
            .field("heartbeat_interval", &self.heartbeat_interval)
            .field(
                "load_balancing_policy",
                &self.load_balancing_policy.as_ref().map(|_| "custom"),
            )
            .field("pool_size_local", &self.pool_size_local)
            .field("pool_size_remote", &self.pool_size_remote)
            .field(
                "max_requests_per_connection",
                &self.max_requests_per_connection,
            )
            .field("topology_debounce", &self.topology_debounce)
            .field("topology_refresh_interval", &self.topology_refresh_interval)
            .field("execution", &self.execution)
            .finish_non_exhaustive()
    }
}

impl SessionConfig {
    /// The settings each connection of the session uses.
    pub fn connection_config(&self) -> ConnectionConfig {
        ConnectionConfig {
            protocol_version: self.protocol_version,
            authenticator: self.authenticator.clone(),
            tls: self.tls.clone(),
            keyspace: self.keyspace.clone(),
            heartbeat_interval: self.heartbeat_interval,
            connect_timeout: self.connect_timeout,
            ..ConnectionConfig::default()
        }
    }
}

impl SessionConfig {
    /// The load-balancing policy to use: the configured one, else the default policy for the
    /// local datacenter.
    pub fn effective_load_balancing_policy(&self) -> Arc<dyn LoadBalancingPolicy> {
        match &self.load_balancing_policy {
            Some(p) => p.clone(),
            None => {
                let mut policy = DefaultLoadBalancingPolicy::new();
                if let Some(dc) = &self.local_datacenter {
                    policy = policy.local_datacenter(dc.clone());
                }
                Arc::new(policy)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hp(s: &str) -> Result<(String, u16), &'static str> {
        ContactPoint::from(s).host_port(9042)
    }

    #[test]
    fn contact_point_forms() {
        assert_eq!(hp("127.0.0.1").unwrap(), ("127.0.0.1".into(), 9042));
        assert_eq!(hp("127.0.0.2:9043").unwrap(), ("127.0.0.2".into(), 9043));
        assert_eq!(
            hp("node1.example.com").unwrap(),
            ("node1.example.com".into(), 9042)
        );
        assert_eq!(hp("node1:19042").unwrap(), ("node1".into(), 19042));
        assert_eq!(hp("::1").unwrap(), ("::1".into(), 9042));
        assert_eq!(hp("[::1]:9999").unwrap(), ("::1".into(), 9999));
        assert_eq!(hp("[::1]").unwrap(), ("::1".into(), 9042));
        assert!(hp("").is_err());
        assert!(hp("host:notaport").is_err());
        assert!(hp("host:70000").is_err());
        assert!(hp(":9042").is_err());
        let sock: SocketAddr = "10.0.0.1:1234".parse().unwrap();
        assert_eq!(
            ContactPoint::from(sock).host_port(9042).unwrap(),
            ("10.0.0.1".into(), 1234)
        );
    }

    #[test]
    fn defaults() {
        let c = SessionConfig::default();
        assert_eq!(c.default_consistency, Consistency::LocalOne);
        assert_eq!(c.default_page_size, 5000);
        assert_eq!(c.request_timeout, Duration::from_secs(12));
        assert_eq!(c.port, 9042);
    }
}
