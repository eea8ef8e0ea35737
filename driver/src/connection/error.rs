//! What can go wrong on one connection.

use std::sync::Arc;
use std::time::Duration;

use crate::protocol::response::ErrorBody;
use crate::protocol::{DecodeError, EncodeError, ProtocolVersion};

/// A connection could not be opened, or failed while in use.
///
/// The type is cheap to clone (I/O errors are shared), so one failure can be reported to every
/// request that was waiting on the connection.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectionError {
    /// Reading from or writing to the socket failed; check that the node is up and reachable.
    #[error("I/O error on the connection; check that the node is up and reachable")]
    Io(#[source] Arc<std::io::Error>),
    /// TLS could not be set up or the TLS handshake failed.
    #[error("TLS failure: {0}")]
    Tls(#[source] TlsError),
    /// The server sent bytes that do not follow the native protocol.
    #[error("the server sent a message that does not follow the native protocol")]
    Protocol(#[source] DecodeError),
    /// A request could not be encoded.
    #[error("the request could not be encoded")]
    Encode(#[source] EncodeError),
    /// The server answered with a message the request does not allow.
    #[error(
        "unexpected {got} response to {request}; the server may not speak the CQL native protocol"
    )]
    UnexpectedResponse {
        /// The request sent.
        request: &'static str,
        /// The opcode received.
        got: &'static str,
    },
    /// The server refused a step of the connection setup (STARTUP, REGISTER, USE keyspace).
    #[error("the server refused {step}: {}; check the connection settings", .error.message)]
    SetupRefused {
        /// The step that failed.
        step: &'static str,
        /// The server's error.
        error: ErrorBody,
    },
    /// The server requires authentication but no credentials were configured.
    #[error("the server requires authentication ({authenticator}); configure credentials (user and password)")]
    AuthenticationRequired {
        /// The server's authenticator class.
        authenticator: String,
    },
    /// Authentication was refused.
    #[error("authentication failed: {message}; check the user name and password, and that the role may log in")]
    AuthenticationFailed {
        /// What the server (or the authenticator) said.
        message: String,
    },
    /// No protocol version both sides speak could be agreed on.
    #[error("no common protocol version (tried {tried:?}): {message}; pin a version the server supports")]
    VersionNegotiation {
        /// The versions tried, in order.
        tried: Vec<ProtocolVersion>,
        /// The server's last answer.
        message: String,
    },
    /// The connection is closed (by `close()`, by the peer, or after an earlier failure).
    #[error("the connection is closed: {reason}")]
    Closed {
        /// Why it closed.
        reason: Arc<str>,
    },
    /// An operation on the connection did not finish in time.
    #[error("{what} did not finish within {after:?}")]
    Timeout {
        /// What timed out (connect, handshake, heartbeat).
        what: &'static str,
        /// The limit.
        after: Duration,
    },
    /// A heartbeat (OPTIONS sent after an idle period) failed, so the connection was closed.
    #[error("the connection failed its heartbeat; check the node's health and the network")]
    HeartbeatFailed(#[source] Box<ConnectionError>),
    /// All 32768 stream ids are in use; spread load over more connections.
    #[error("all stream ids of the connection are in use; open more connections per node")]
    StreamIdsExhausted,
}

impl ConnectionError {
    /// An I/O failure; one that carries a TLS error (the node refused the session after the
    /// handshake, as TLS 1.3 nodes do for a missing client certificate) becomes a TLS failure.
    pub(crate) fn io(e: std::io::Error) -> Self {
        let tls = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            .map(|inner| inner.to_string());
        match tls {
            Some(reason) => ConnectionError::Tls(TlsError::Refused {
                reason,
                source: Arc::new(e),
            }),
            None => ConnectionError::Io(Arc::new(e)),
        }
    }

    pub(crate) fn closed(reason: impl Into<Arc<str>>) -> Self {
        ConnectionError::Closed {
            reason: reason.into(),
        }
    }
}

/// TLS could not be configured or negotiated.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// The CA certificates are not valid PEM or contain no certificate.
    #[error("invalid CA certificate PEM: {reason}; pass the PEM text of the CA that signed the nodes' certificates")]
    InvalidCa {
        /// What is wrong.
        reason: String,
    },
    /// The client certificate or private key is not valid PEM.
    #[error("invalid client certificate or key PEM: {reason}")]
    InvalidClientIdentity {
        /// What is wrong.
        reason: String,
    },
    /// The server name is not a valid DNS name or IP address.
    #[error(
        "invalid TLS server name {name:?}; set the name the node's certificate was issued for"
    )]
    InvalidServerName {
        /// The name.
        name: String,
    },
    /// rustls refused the configuration.
    #[error("the TLS configuration was refused")]
    Config(#[source] rustls::Error),
    /// The TLS handshake failed (certificate not trusted, name mismatch, ...).
    #[error("the TLS handshake failed; check the CA certificate and the server name")]
    Handshake(#[source] Arc<std::io::Error>),
    /// The TLS session failed after the handshake, typically because the node refused the
    /// client certificate (or its absence).
    #[error("the node ended the TLS session ({reason}); if it requires client certificates, configure one signed by a CA it trusts (TlsConfig::client_cert)")]
    Refused {
        /// The TLS error, as rustls words it.
        reason: String,
        /// The I/O error carrying it.
        #[source]
        source: Arc<std::io::Error>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_error_carrying_a_tls_alert_is_a_tls_failure() {
        let alert = rustls::Error::AlertReceived(rustls::AlertDescription::CertificateRequired);
        let err = ConnectionError::io(std::io::Error::new(std::io::ErrorKind::InvalidData, alert));
        assert!(
            matches!(&err, ConnectionError::Tls(TlsError::Refused { reason, .. }) if reason.contains("CertificateRequired")),
            "{err:?}"
        );
        assert!(err.to_string().contains("client certificate"), "{err}");

        let plain = ConnectionError::io(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        assert!(matches!(plain, ConnectionError::Io(_)), "{plain:?}");
    }
}
