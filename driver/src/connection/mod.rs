//! One connection to one node: a cheap-to-clone [`Connection`] handle in front of tasks that own
//! the socket.
//!
//! Opening a connection runs the handshake (OPTIONS, STARTUP, SASL authentication through an
//! [`Authenticator`]) and negotiates the protocol version: v5 first (unless a version is
//! pinned), v4 when the server refuses v5. In v5, frames travel in CRC-protected segments once
//! the handshake ends.
//!
//! Afterwards, requests share the socket: each takes a stream id (up to 32768 in flight), a
//! writer task gathers queued frames into few write calls, and a reader task routes each answer
//! to its caller by stream id. Server events go to [`Connection::subscribe_events`] receivers.
//! A caller that gives up (drops its future, or times out) orphans its stream id, which is
//! reused only after the late answer arrives; see [`Connection::orphaned_streams`]. After an idle
//! period the connection sends OPTIONS as a heartbeat and closes itself if no answer comes.
//!
//! Routing and retries are not decided here: see the session and the policies.

mod auth;
mod config;
mod error;
mod framing;
mod handshake;
mod shared;
pub mod stream_ids;
mod tasks;
mod tls;
mod transport;

#[cfg(test)]
pub(crate) mod fake_peer;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tls_tests;

pub use auth::{AuthError, Authenticator, PasswordAuthenticator, SaslExchange};
pub use config::{ConnectionConfig, DRIVER_NAME, DRIVER_VERSION};
pub use error::{ConnectionError, TlsError};
pub use tls::TlsConfig;
pub use transport::AsyncStream;

pub(crate) use transport::{tcp_connector, BoxStream, Connector};

use std::borrow::Borrow;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use tokio::sync::{broadcast, watch};

use crate::protocol::frame::{decode_response_with, ResponseFrame};
use crate::protocol::request::{EventType, Query, QueryParameters, Register, Request};
use crate::protocol::response::{ColumnSpec, Event, Response, ResultBody, Supported};
use crate::protocol::ProtocolVersion;
use framing::FrameWriter;
pub(crate) use handshake::response_name;
use handshake::{handshake, HandshakeFailure, Handshaken};
pub(crate) use shared::SendError;
use shared::Shared;

/// A handle to one open connection. Clones share the connection; it closes when the last
/// clone is dropped or [`Connection::close`] is called.
#[derive(Clone)]
pub struct Connection {
    inner: Arc<Handle>,
}

struct Handle {
    shared: Arc<Shared>,
    address: Option<SocketAddr>,
    supported: Supported,
    done: watch::Receiver<bool>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shared.close_with(ConnectionError::closed(
            "every handle to the connection was dropped",
        ));
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("address", &self.inner.address)
            .field("protocol_version", &self.inner.shared.version)
            .field("in_flight", &self.in_flight())
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl Connection {
    /// Opens a connection to `address` (TCP, or TLS when `config.tls` is set; the TLS server
    /// name defaults to the IP address).
    pub async fn connect(
        address: SocketAddr,
        config: &ConnectionConfig,
    ) -> Result<Connection, ConnectionError> {
        Connection::connect_named(address, &address.ip().to_string(), config).await
    }

    /// Like [`Connection::connect`], with `host` as the TLS server name to verify (unless the
    /// TLS configuration sets one).
    pub async fn connect_named(
        address: SocketAddr,
        host: &str,
        config: &ConnectionConfig,
    ) -> Result<Connection, ConnectionError> {
        let connector = tcp_connector(address, host.to_owned(), config.tls.as_ref())?;
        Connection::open(connector, Some(address), config).await
    }

    /// Opens a connection over streams made by `connector` (used by tests and custom transports).
    pub(crate) async fn open(
        connector: Connector,
        address: Option<SocketAddr>,
        config: &ConnectionConfig,
    ) -> Result<Connection, ConnectionError> {
        let limit = config.connect_timeout;
        tokio::time::timeout(
            limit,
            Connection::open_unbounded(connector, address, config),
        )
        .await
        .map_err(|_| ConnectionError::Timeout {
            what: "connecting (TCP, TLS and handshake)",
            after: limit,
        })?
    }

    async fn open_unbounded(
        connector: Connector,
        address: Option<SocketAddr>,
        config: &ConnectionConfig,
    ) -> Result<Connection, ConnectionError> {
        let versions = match config.protocol_version {
            Some(pinned) => vec![pinned],
            None => vec![ProtocolVersion::V5, ProtocolVersion::V4],
        };
        let mut tried = Vec::with_capacity(versions.len());
        let mut message = String::new();
        for version in versions {
            tried.push(version);
            let mut stream = connector().await?;
            match handshake(&mut stream, version, config).await {
                Ok(done) => {
                    let connection = Connection::start(stream, version, done, address, config);
                    if let Some(keyspace) = &config.keyspace {
                        if let Err(e) = connection.use_keyspace(keyspace).await {
                            connection.close().await;
                            return Err(e);
                        }
                    }
                    return Ok(connection);
                }
                Err(HandshakeFailure::VersionRejected(why)) => {
                    tracing::debug!(?version, %why, "protocol version refused; trying an older one");
                    message = why;
                }
                Err(HandshakeFailure::Failed(e)) => return Err(e),
            }
        }
        Err(ConnectionError::VersionNegotiation { tried, message })
    }

    fn start(
        stream: BoxStream,
        version: ProtocolVersion,
        done: Handshaken,
        address: Option<SocketAddr>,
        config: &ConnectionConfig,
    ) -> Connection {
        let Handshaken {
            supported,
            mut reader,
            leftover,
        } = done;
        let mut framer = FrameWriter::new();
        if version == ProtocolVersion::V5 {
            reader.use_segments();
            framer.use_segments();
        }
        let shared = Arc::new(Shared::new(version, config.max_streams));
        let (read, write) = tokio::io::split(stream);
        let (done_tx, done_rx) = watch::channel(false);
        tokio::spawn(tasks::run_reader(
            shared.clone(),
            read,
            reader,
            leftover,
            done_tx,
        ));
        tokio::spawn(tasks::run_writer(shared.clone(), write, framer));
        tokio::spawn(tasks::run_deadlines(shared.clone()));
        if let Some(interval) = config.heartbeat_interval {
            tokio::spawn(tasks::run_heartbeat(
                shared.clone(),
                interval,
                config.heartbeat_timeout,
            ));
        }
        Connection {
            inner: Arc::new(Handle {
                shared,
                address,
                supported,
                done: done_rx,
            }),
        }
    }

    /// Sends `request` (owned or borrowed: it is encoded, never copied) and waits for its
    /// answer (an ERROR answer is `Ok` too: the caller interprets it). Dropping the future
    /// early orphans the stream id until the answer comes.
    pub async fn send(
        &self,
        request: impl Borrow<Request>,
    ) -> Result<ResponseFrame, ConnectionError> {
        self.send_traced(request, false).await
    }

    /// Like [`Connection::send`], optionally asking the server to trace the request.
    pub async fn send_traced(
        &self,
        request: impl Borrow<Request>,
        tracing: bool,
    ) -> Result<ResponseFrame, ConnectionError> {
        self.send_until(request.borrow(), tracing, None, None)
            .await
            .map_err(|e| match e {
                SendError::Connection(e) => e,
                // Without a deadline the request never expires; kept total all the same.
                SendError::DeadlineReached => ConnectionError::Timeout {
                    what: "the answer",
                    after: std::time::Duration::ZERO,
                },
            })
    }

    /// Like [`Connection::send_traced`], for a request whose result columns may be
    /// `known_columns` (an EXECUTE of a prepared statement: the answer's rows share them rather
    /// than decoding a copy, see [`decode_response_with`]), giving up at `deadline` if given
    /// ([`SendError::DeadlineReached`], at most a few milliseconds late: the connection sweeps
    /// deadlines rather than arming a timer per request). The stream id of an expired request
    /// stays orphaned until its late answer comes.
    pub(crate) async fn send_until(
        &self,
        request: &Request,
        tracing: bool,
        known_columns: Option<&Arc<[ColumnSpec]>>,
        deadline: Option<tokio::time::Instant>,
    ) -> Result<ResponseFrame, SendError> {
        let raw = self.inner.shared.send(request, tracing, deadline).await?;
        decode_response_with(&raw.header, raw.body, known_columns)
            .map_err(|e| SendError::Connection(ConnectionError::Protocol(e)))
    }

    /// Runs `USE <keyspace>` on this connection.
    pub async fn use_keyspace(&self, keyspace: &str) -> Result<(), ConnectionError> {
        let query = Query {
            query: format!("USE {}", config::quote_identifier(keyspace)),
            params: QueryParameters::default(),
        };
        let frame = self.send(Request::Query(query)).await?;
        match frame.response {
            Response::Result(ResultBody::SetKeyspace(_)) => Ok(()),
            Response::Error(error) => Err(ConnectionError::SetupRefused {
                step: "USE keyspace",
                error,
            }),
            other => Err(ConnectionError::UnexpectedResponse {
                request: "QUERY (USE)",
                got: response_name(&other),
            }),
        }
    }

    /// Asks the server to push `events` on this connection; they arrive through
    /// [`Connection::subscribe_events`].
    pub async fn register(&self, events: Vec<EventType>) -> Result<(), ConnectionError> {
        let frame = self.send(Request::Register(Register { events })).await?;
        match frame.response {
            Response::Ready => Ok(()),
            Response::Error(error) => Err(ConnectionError::SetupRefused {
                step: "REGISTER",
                error,
            }),
            other => Err(ConnectionError::UnexpectedResponse {
                request: "REGISTER",
                got: response_name(&other),
            }),
        }
    }

    /// A receiver of the server events pushed on this connection (after [`Connection::register`]).
    pub fn subscribe_events(&self) -> broadcast::Receiver<Event> {
        self.inner.shared.events.subscribe()
    }

    /// The negotiated protocol version.
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.inner.shared.version
    }

    /// What the server answered to OPTIONS during the handshake.
    pub fn supported(&self) -> &Supported {
        &self.inner.supported
    }

    /// The node's address, when connected over TCP.
    pub fn address(&self) -> Option<SocketAddr> {
        self.inner.address
    }

    /// Requests sent and not yet answered (orphaned ones included).
    pub fn in_flight(&self) -> usize {
        self.inner.shared.in_flight()
    }

    /// Stream ids whose caller gave up before the answer came; each is freed when its late
    /// answer arrives. A count that keeps growing means the node stopped answering.
    pub fn orphaned_streams(&self) -> usize {
        self.inner.shared.orphaned()
    }

    /// Whether the connection is closed (it cannot be reopened: open a new one).
    pub fn is_closed(&self) -> bool {
        self.inner.shared.is_closed()
    }

    /// Why the connection closed, if it did.
    pub fn close_reason(&self) -> Option<ConnectionError> {
        self.inner.shared.closed_reason()
    }

    /// How many write calls the writer made so far (each may carry many frames).
    pub fn write_calls(&self) -> u64 {
        self.inner.shared.write_calls.load(Ordering::Relaxed)
    }

    /// Marks the connection closed at once (pools stop handing it out); the socket closes in
    /// the background, or with [`Connection::close`].
    pub(crate) fn start_closing(&self, reason: &str) {
        self.inner
            .shared
            .close_with(ConnectionError::closed(reason));
    }

    /// Closes the connection: waiting requests fail with [`ConnectionError::Closed`]; returns
    /// once the reader has stopped.
    pub async fn close(&self) {
        self.inner
            .shared
            .close_with(ConnectionError::closed("closed by the application"));
        let mut done = self.inner.done.clone();
        let _ = done.wait_for(|finished| *finished).await;
    }
}
