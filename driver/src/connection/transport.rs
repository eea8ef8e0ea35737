//! Opening the byte stream under a connection: TCP, TLS over TCP, or anything a test provides.

use std::net::SocketAddr;
use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::io::{AsyncRead, AsyncWrite};

use super::error::{ConnectionError, TlsError};
use super::tls::TlsConfig;

/// A bidirectional byte stream a connection can run on.
pub trait AsyncStream: AsyncRead + AsyncWrite + Send + Unpin + 'static {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> AsyncStream for T {}

/// A boxed stream.
pub(crate) type BoxStream = Box<dyn AsyncStream>;

/// Opens a fresh stream each time it is called (protocol negotiation may need a second one).
pub(crate) type Connector =
    Arc<dyn Fn() -> BoxFuture<'static, Result<BoxStream, ConnectionError>> + Send + Sync>;

/// A connector for `address`, over TLS when `tls` is set; `host` is the name the node was
/// configured by (used for TLS server-name verification unless the config sets one).
pub(crate) fn tcp_connector(
    address: SocketAddr,
    host: String,
    tls: Option<&TlsConfig>,
) -> Result<Connector, ConnectionError> {
    let tls = match tls {
        Some(tls) => {
            let config = tls.client_config().map_err(ConnectionError::Tls)?;
            let name = tls.server_name_for(&host).map_err(ConnectionError::Tls)?;
            Some((tokio_rustls::TlsConnector::from(config), name))
        }
        None => None,
    };
    Ok(Arc::new(move || {
        let tls = tls.clone();
        Box::pin(async move {
            let tcp = tokio::net::TcpStream::connect(address)
                .await
                .map_err(ConnectionError::io)?;
            // Requests are coalesced by the writer already; do not delay them further.
            tcp.set_nodelay(true).map_err(ConnectionError::io)?;
            match tls {
                None => Ok(Box::new(tcp) as BoxStream),
                Some((connector, name)) => {
                    let stream = connector
                        .connect(name, tcp)
                        .await
                        .map_err(|e| ConnectionError::Tls(TlsError::Handshake(Arc::new(e))))?;
                    Ok(Box::new(stream) as BoxStream)
                }
            }
        })
    }))
}
