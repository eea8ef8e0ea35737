//! Settings of one connection.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::auth::Authenticator;
use super::tls::TlsConfig;
use crate::protocol::{ProtocolVersion, DEFAULT_MAX_FRAME_LENGTH};

/// The `DRIVER_NAME` sent in STARTUP.
pub const DRIVER_NAME: &str = "Ringbolt";
/// The `DRIVER_VERSION` sent in STARTUP.
pub const DRIVER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// How to open and keep one connection.
///
/// ```
/// use std::time::Duration;
/// use ringbolt_driver::connection::ConnectionConfig;
/// let config = ConnectionConfig::default();
/// assert_eq!(config.heartbeat_interval, Some(Duration::from_secs(30)));
/// ```
#[derive(Clone)]
pub struct ConnectionConfig {
    /// Use exactly this protocol version; `None` tries v5 and falls back to v4.
    pub protocol_version: Option<ProtocolVersion>,
    /// Answers the server's AUTHENTICATE; `None` when the cluster needs no authentication.
    pub authenticator: Option<Arc<dyn Authenticator>>,
    /// TLS settings; `None` for plain TCP.
    pub tls: Option<TlsConfig>,
    /// `USE` this keyspace once connected.
    pub keyspace: Option<String>,
    /// Send OPTIONS after this long without traffic; `None` turns heartbeats off.
    pub heartbeat_interval: Option<Duration>,
    /// How long a heartbeat may wait for its answer before the connection counts as broken.
    pub heartbeat_timeout: Duration,
    /// Limit for TCP connect plus TLS plus the protocol handshake.
    pub connect_timeout: Duration,
    /// Frames with a longer body are refused.
    pub max_frame_length: usize,
    /// Concurrent requests allowed on the connection (at most 32768).
    pub max_streams: usize,
}

impl Default for ConnectionConfig {
    fn default() -> Self {
        ConnectionConfig {
            protocol_version: None,
            authenticator: None,
            tls: None,
            keyspace: None,
            heartbeat_interval: Some(Duration::from_secs(30)),
            heartbeat_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_frame_length: DEFAULT_MAX_FRAME_LENGTH,
            max_streams: super::stream_ids::MAX_STREAMS,
        }
    }
}

impl fmt::Debug for ConnectionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionConfig")
            .field("protocol_version", &self.protocol_version)
            .field("authenticator", &self.authenticator)
            .field("tls", &self.tls)
            .field("keyspace", &self.keyspace)
            .field("heartbeat_interval", &self.heartbeat_interval)
            .field("heartbeat_timeout", &self.heartbeat_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_frame_length", &self.max_frame_length)
            .field("max_streams", &self.max_streams)
            .finish()
    }
}

/// Quotes a keyspace name for `USE`: double quotes, inner quotes doubled.
pub(crate) fn quote_identifier(name: &str) -> String {
    let mut quoted = String::with_capacity(name.len() + 2);
    quoted.push('"');
    for c in name.chars() {
        if c == '"' {
            quoted.push('"');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_identifier("ks"), "\"ks\"");
        assert_eq!(quote_identifier("My\"Ks"), "\"My\"\"Ks\"");
    }

    #[test]
    fn debug_does_not_leak_password() {
        let config = ConnectionConfig {
            authenticator: Some(Arc::new(super::super::PasswordAuthenticator::new(
                "u", "hunter2",
            ))),
            ..ConnectionConfig::default()
        };
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
