//! The network side of a node: its listener and its connections.

mod connection;
mod handshake;
mod writer;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket};
use tokio::task::JoinSet;

use crate::shared::Shared;

/// Listens on `address` (address reuse on, so a stopped node can listen again at once).
pub(crate) fn bind(address: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if address.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(1024)
}

/// Accepts connections for node `node` until the task is aborted; aborting it drops the
/// listener and every connection of the node.
pub(crate) async fn accept_loop(shared: Arc<Shared>, node: usize, listener: TcpListener) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((socket, _peer)) => {
                    connections.spawn(connection::serve_socket(shared.clone(), node, socket));
                }
                Err(e) => {
                    tracing::warn!(node, error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

#[cfg(test)]
mod engine_tests;
#[cfg(test)]
mod robustness_tests;
#[cfg(test)]
mod test_client;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tls_tests;
