//! One client connection: a reader that splits the byte stream into frames and runs the
//! handshake, one task per request after the handshake (answers may leave out of order), and
//! one writer.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use ringbolt_driver::protocol::frame::{
    decode_request, encode_response, FrameDecoder, RequestFrame, ResponseFrame,
};
use ringbolt_driver::protocol::request::{BatchType, EventType, Register, Request};
use ringbolt_driver::protocol::response::{
    AuthSuccess, Authenticate, ErrorBody, ErrorCode, Event, Response, ResultBody, WriteType,
};
use ringbolt_driver::protocol::segment::SegmentDecoder;
use ringbolt_driver::protocol::{Consistency, DecodeError, FrameHeader, ProtocolVersion};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinSet;

use super::handshake::{self, HandshakeState};
use super::writer::{self, Outgoing};
use crate::backend::{Outcome, RequestContext};
use crate::fault::{errors, FaultAction};
use crate::shared::{Shared, SimEvent};

const EVENT_TOPOLOGY: u8 = 1;
const EVENT_STATUS: u8 = 2;
const EVENT_SCHEMA: u8 = 4;

/// How long a TLS handshake may take before the connection is dropped.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Encoded frames waiting for the writer; when full, senders wait (a client that stops
/// reading stops being read from, instead of making the server buffer without limit).
const OUTGOING_QUEUE: usize = 256;

/// Requests of one connection running at once; the reader waits for one to finish beyond this.
const MAX_IN_FLIGHT: usize = 2048;

/// Serves one accepted socket until it closes or its node stops (the task is then aborted).
pub(crate) async fn serve_socket(shared: Arc<Shared>, node: usize, socket: TcpStream) {
    let _ = socket.set_nodelay(true);
    match shared.tls.clone() {
        Some(acceptor) => {
            if let Ok(Ok(stream)) =
                tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(socket)).await
            {
                serve(shared, node, stream).await;
            }
        }
        None => serve(shared, node, socket).await,
    }
}

async fn serve<S>(shared: Arc<Shared>, node: usize, stream: S)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (rd, wr) = tokio::io::split(stream);
    let (tx, rx) = mpsc::channel(OUTGOING_QUEUE);
    let conn = Arc::new(Conn {
        shared,
        node,
        tx,
        keyspace: Mutex::new(None),
        events_mask: AtomicU8::new(0),
        subscribed: AtomicBool::new(false),
    });
    let writer = writer::run(wr, rx);
    let reader = read_loop(conn.clone(), rd);
    tokio::pin!(writer);
    tokio::pin!(reader);
    tokio::select! {
        _ = &mut writer => {}
        _ = &mut reader => {
            // The writer is not polled here, so waiting for queue space could wait forever:
            // when the queue is full the timeout below ends the connection instead.
            let _ = conn.tx.try_send(Outgoing::Close);
            drop(conn);
            let _ = tokio::time::timeout(Duration::from_secs(5), writer).await;
        }
    }
}

/// What the reader took off the byte stream.
enum Input {
    Frame(FrameHeader, Bytes),
    /// A header with a version this server does not speak, and the stream id to answer on.
    BadVersion {
        version: u8,
        stream: i16,
    },
}

/// Whether the reader goes on after a frame.
enum Flow {
    Continue,
    Close,
}

/// Takes the next frame off `buf` (plain frames) or off the segments in `buf` (v5).
fn next_input(
    buf: &mut BytesMut,
    inner: &mut BytesMut,
    frames: &mut FrameDecoder,
    segments: &mut Option<SegmentDecoder>,
) -> Result<Option<Input>, DecodeError> {
    match segments {
        Some(seg) => loop {
            if let Some((h, body)) = frames.decode(inner)? {
                return Ok(Some(Input::Frame(h, body)));
            }
            match seg.decode(buf)? {
                Some(segment) => inner.extend_from_slice(&segment.payload),
                None => return Ok(None),
            }
        },
        None => {
            let Some(&first) = buf.first() else {
                return Ok(None);
            };
            let version = first & 0x7F;
            if version == 4 || version == 5 {
                return Ok(frames.decode(buf)?.map(|(h, body)| Input::Frame(h, body)));
            }
            // v3+ headers carry a two-byte stream id, v1/v2 a one-byte one.
            let stream = if version >= 3 {
                match (buf.get(2), buf.get(3)) {
                    (Some(&a), Some(&b)) => i16::from_be_bytes([a, b]),
                    _ => return Ok(None),
                }
            } else {
                match buf.get(2) {
                    Some(&a) => i16::from(a as i8),
                    None => return Ok(None),
                }
            };
            Ok(Some(Input::BadVersion { version, stream }))
        }
    }
}

async fn read_loop<R: AsyncRead + Unpin>(conn: Arc<Conn>, mut rd: R) {
    let mut buf = BytesMut::with_capacity(16 * 1024);
    let mut inner = BytesMut::new();
    let mut frames = FrameDecoder::new(conn.shared.max_frame_length);
    let mut segments: Option<SegmentDecoder> = None;
    let mut reader = ReaderState {
        handshake: HandshakeState::Uninitialized,
        version: None,
        framing_switched: false,
        tasks: JoinSet::new(),
    };
    loop {
        loop {
            while reader.tasks.try_join_next().is_some() {}
            match next_input(&mut buf, &mut inner, &mut frames, &mut segments) {
                Ok(Some(Input::Frame(h, body))) => {
                    if let Flow::Close = reader.handle(&conn, h, body).await {
                        conn.send(Outgoing::Close).await;
                        return;
                    }
                    if reader.framing_switched && segments.is_none() {
                        segments = Some(SegmentDecoder::new());
                    }
                }
                Ok(Some(Input::BadVersion { version, stream })) => {
                    let v = ProtocolVersion::V4;
                    conn.reply(
                        v,
                        stream,
                        Response::Error(handshake::unsupported_version(version)),
                    )
                    .await;
                    conn.send(Outgoing::Close).await;
                    return;
                }
                Ok(None) => break,
                Err(e) => {
                    let v = reader.version.unwrap_or(ProtocolVersion::V4);
                    // Answer on the stream of the offending header when it can be read.
                    let head = if segments.is_some() { &inner } else { &buf };
                    let stream = match (head.get(2), head.get(3)) {
                        (Some(&a), Some(&b)) => i16::from_be_bytes([a, b]),
                        _ => 0,
                    };
                    conn.reply(
                        v,
                        stream,
                        Response::Error(handshake::protocol_error(e.to_string())),
                    )
                    .await;
                    conn.send(Outgoing::Close).await;
                    return;
                }
            }
        }
        match rd.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

struct ReaderState {
    handshake: HandshakeState,
    version: Option<ProtocolVersion>,
    /// v5: the answer to STARTUP (READY or AUTHENTICATE) has been sent, so both directions
    /// now use segments.
    framing_switched: bool,
    tasks: JoinSet<()>,
}

impl ReaderState {
    async fn handle(&mut self, conn: &Arc<Conn>, h: FrameHeader, body: Bytes) -> Flow {
        let Some(v) = ProtocolVersion::from_u8(h.version) else {
            let v4 = ProtocolVersion::V4;
            conn.reply(
                v4,
                h.stream,
                Response::Error(handshake::unsupported_version(h.version)),
            )
            .await;
            return Flow::Close;
        };
        match self.version {
            Some(negotiated) if negotiated != v => {
                let message = format!(
                    "Invalid message version. Got {} but previous messages on this connection had version {}",
                    h.version,
                    negotiated.as_u8()
                );
                conn.reply(
                    negotiated,
                    h.stream,
                    Response::Error(handshake::protocol_error(message)),
                )
                .await;
                return Flow::Close;
            }
            Some(_) => {}
            None => self.version = Some(v),
        }
        let frame = match decode_request(&h, &body) {
            Ok(frame) => frame,
            Err(e) => {
                conn.reply(
                    v,
                    h.stream,
                    Response::Error(handshake::protocol_error(e.to_string())),
                )
                .await;
                return Flow::Continue;
            }
        };
        if let Some(error) = handshake::check_allowed(self.handshake, frame.request.opcode()) {
            conn.reply(v, frame.stream, Response::Error(error)).await;
            return Flow::Continue;
        }
        if self.handshake == HandshakeState::Ready {
            while self.tasks.len() >= MAX_IN_FLIGHT {
                let _ = self.tasks.join_next().await;
            }
            self.tasks.spawn(serve_request(conn.clone(), v, frame));
            return Flow::Continue;
        }
        // Handshake messages are handled in order, before the next frame is read, so the switch
        // to v5 segments happens exactly after the READY / AUTHENTICATE answering STARTUP.
        match conn.fault_for(&frame.request) {
            None => {}
            Some(FaultAction::Delay(d)) => tokio::time::sleep(d).await,
            Some(FaultAction::Error(e)) => {
                conn.reply(v, frame.stream, Response::Error(e)).await;
                return Flow::Continue;
            }
            Some(FaultAction::CloseConnection) => return Flow::Close,
            Some(FaultAction::NoResponse) => return Flow::Continue,
            Some(FaultAction::ApplyThenFail) => {
                conn.reply(
                    v,
                    frame.stream,
                    Response::Error(write_timeout(&frame.request)),
                )
                .await;
                return Flow::Continue;
            }
        }
        let stream = frame.stream;
        match frame.request {
            Request::Options(_) => {
                conn.reply(v, stream, Response::Supported(handshake::supported()))
                    .await;
            }
            Request::Startup(startup) => match handshake::check_startup(&startup) {
                Err(e) => conn.reply(v, stream, Response::Error(e)).await,
                Ok(()) if conn.shared.credentials.is_some() => {
                    self.handshake = HandshakeState::Authenticating;
                    let authenticator = handshake::PASSWORD_AUTHENTICATOR.to_string();
                    conn.reply(
                        v,
                        stream,
                        Response::Authenticate(Authenticate { authenticator }),
                    )
                    .await;
                    self.switch_framing(conn, v).await;
                }
                Ok(()) => {
                    self.handshake = HandshakeState::Ready;
                    conn.reply(v, stream, Response::Ready).await;
                    self.switch_framing(conn, v).await;
                }
            },
            Request::AuthResponse(response) => {
                let checked = match &conn.shared.credentials {
                    Some(expected) => handshake::check_plain(expected, &response),
                    None => Ok(()),
                };
                match checked {
                    Ok(()) => {
                        conn.reply(
                            v,
                            stream,
                            Response::AuthSuccess(AuthSuccess { token: None }),
                        )
                        .await;
                        self.handshake = HandshakeState::Ready;
                    }
                    Err(e) => conn.reply(v, stream, Response::Error(e)).await,
                }
            }
            other => {
                let message = format!(
                    "Unexpected message {} during the handshake",
                    handshake::opcode_name(other.opcode())
                );
                conn.reply(
                    v,
                    stream,
                    Response::Error(handshake::protocol_error(message)),
                )
                .await;
            }
        }
        Flow::Continue
    }

    /// v5 spec section 2: "After sending the READY or AUTHENTICATE response to a STARTUP
    /// message, the server" frames everything in segments, so the SASL exchange already uses
    /// them (as Cassandra 4.0 and the DataStax drivers do).
    async fn switch_framing(&mut self, conn: &Conn, v: ProtocolVersion) {
        if v == ProtocolVersion::V5 && !self.framing_switched {
            self.framing_switched = true;
            conn.send(Outgoing::StartSegments).await;
        }
    }
}

/// Serves one request after the handshake, in its own task.
async fn serve_request(conn: Arc<Conn>, v: ProtocolVersion, frame: RequestFrame) {
    let stream = frame.stream;
    let mut delay = None;
    match conn.fault_for(&frame.request) {
        None => {}
        // The request is served at once; only its answer is held back.
        Some(FaultAction::Delay(d)) => delay = Some(d),
        Some(FaultAction::Error(e)) => {
            conn.reply(v, stream, Response::Error(e)).await;
            return;
        }
        Some(FaultAction::CloseConnection) => {
            conn.send(Outgoing::Close).await;
            return;
        }
        Some(FaultAction::NoResponse) => return,
        Some(FaultAction::ApplyThenFail) => {
            let _ = conn.run_engine(v, &frame.request);
            conn.reply(v, stream, Response::Error(write_timeout(&frame.request)))
                .await;
            return;
        }
    }
    let answer = answer(&conn, v, &frame);
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    conn.send_frame(v, answer).await;
}

/// The answer to a request after the handshake.
fn answer(conn: &Arc<Conn>, v: ProtocolVersion, frame: &RequestFrame) -> ResponseFrame {
    let mut warnings = Vec::new();
    let mut tracing_id = None;
    let response = match &frame.request {
        Request::Options(_) => Response::Supported(handshake::supported()),
        Request::Register(register) => {
            conn.register(v, register);
            Response::Ready
        }
        Request::Query(_) | Request::Prepare(_) | Request::Execute(_) | Request::Batch(_) => {
            let outcome = conn.run_engine(v, &frame.request);
            warnings = outcome.warnings;
            tracing_id = frame.tracing.then(uuid::Uuid::new_v4);
            match outcome.result {
                Ok(result) => Response::Result(result),
                Err(error) => Response::Error(error),
            }
        }
        other => Response::Error(handshake::protocol_error(format!(
            "Unexpected message {}",
            handshake::opcode_name(other.opcode())
        ))),
    };
    ResponseFrame {
        stream: frame.stream,
        tracing_id,
        warnings,
        custom_payload: None,
        response,
    }
}

/// The WRITE_TIMEOUT an ApplyThenFail rule answers with.
fn write_timeout(request: &Request) -> ErrorBody {
    let (consistency, write_type) = match request {
        Request::Query(q) => (q.params.consistency, WriteType::Simple),
        Request::Execute(e) => (e.params.consistency, WriteType::Simple),
        Request::Batch(b) => (
            b.consistency,
            match b.batch_type {
                BatchType::Logged => WriteType::Batch,
                BatchType::Unlogged => WriteType::UnloggedBatch,
                BatchType::Counter => WriteType::Counter,
            },
        ),
        _ => (Consistency::One, WriteType::Simple),
    };
    errors::write_timeout(consistency, 0, 1, write_type)
}

/// What request tasks and the event forwarder share with the reader.
struct Conn {
    shared: Arc<Shared>,
    node: usize,
    tx: mpsc::Sender<Outgoing>,
    keyspace: Mutex<Option<String>>,
    events_mask: AtomicU8,
    subscribed: AtomicBool,
}

impl Conn {
    async fn send(&self, message: Outgoing) {
        // An error means the writer is gone: the connection is closing anyway.
        let _ = self.tx.send(message).await;
    }

    async fn reply(&self, v: ProtocolVersion, stream: i16, response: Response) {
        self.send_frame(
            v,
            ResponseFrame {
                stream,
                tracing_id: None,
                warnings: Vec::new(),
                custom_payload: None,
                response,
            },
        )
        .await;
    }

    async fn send_frame(&self, v: ProtocolVersion, frame: ResponseFrame) {
        let mut out = Vec::new();
        if let Err(e) = encode_response(v, &frame, &mut out) {
            out.clear();
            let fallback = ResponseFrame {
                stream: frame.stream,
                tracing_id: None,
                warnings: Vec::new(),
                custom_payload: None,
                response: Response::Error(ErrorBody {
                    code: ErrorCode::ServerError,
                    message: format!("the simulator could not encode its response: {e}"),
                }),
            };
            if encode_response(v, &fallback, &mut out).is_err() {
                return;
            }
        }
        self.send(Outgoing::Frame(out)).await;
    }

    /// The CQL texts fault rules look at: the statement, the prepared statement's text, or every
    /// statement of a batch.
    fn texts(&self, request: &Request) -> Vec<String> {
        use ringbolt_driver::protocol::request::BatchStatement;
        match request {
            Request::Query(q) => vec![q.query.clone()],
            Request::Prepare(p) => vec![p.query.clone()],
            Request::Execute(e) => self.shared.prepared_text(&e.id).into_iter().collect(),
            Request::Batch(b) => b
                .statements
                .iter()
                .filter_map(|s| match s {
                    BatchStatement::Query { query, .. } => Some(query.clone()),
                    BatchStatement::Prepared { id, .. } => self.shared.prepared_text(id),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn fault_for(&self, request: &Request) -> Option<FaultAction> {
        let texts = self.texts(request);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        self.shared
            .faults
            .take_match(self.node, request.opcode(), &refs)
    }

    /// Runs a QUERY, PREPARE, EXECUTE or BATCH through the engine; broadcasts schema changes.
    fn run_engine(&self, v: ProtocolVersion, request: &Request) -> Outcome {
        let view = self.shared.view();
        let mut keyspace = self
            .keyspace
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let before = keyspace.clone();
        let mut ctx = RequestContext {
            coordinator: self.node,
            cluster: &view.snapshot,
            version: v,
            keyspace: &mut keyspace,
            stats: &view.stats,
        };
        let backend = &self.shared.backend;
        let outcome = match request {
            Request::Query(q) => backend.query(&mut ctx, q),
            Request::Prepare(p) => backend.prepare(&mut ctx, p),
            Request::Execute(e) => backend.execute(&mut ctx, e),
            Request::Batch(b) => backend.batch(&mut ctx, b),
            other => crate::backend::error_outcome(handshake::protocol_error(format!(
                "Unexpected message {}",
                handshake::opcode_name(other.opcode())
            ))),
        };
        if keyspace != before {
            *self.keyspace.lock().unwrap_or_else(|e| e.into_inner()) = keyspace;
        }
        if let (Request::Prepare(p), Ok(ResultBody::Prepared(prepared))) =
            (request, &outcome.result)
        {
            self.shared.remember_prepared(&prepared.id, &p.query);
        }
        if let Some(change) = &outcome.schema_change {
            self.shared.broadcast(None, Event::Schema(change.clone()));
        }
        outcome
    }

    /// Subscribes the connection to events; the forwarder starts before READY is sent, so no
    /// event that follows READY is missed.
    fn register(self: &Arc<Self>, v: ProtocolVersion, register: &Register) {
        let mask = register.events.iter().fold(0u8, |m, e| {
            m | match e {
                EventType::TopologyChange => EVENT_TOPOLOGY,
                EventType::StatusChange => EVENT_STATUS,
                EventType::SchemaChange => EVENT_SCHEMA,
            }
        });
        self.events_mask.fetch_or(mask, Ordering::SeqCst);
        if !self.subscribed.swap(true, Ordering::SeqCst) {
            let rx = self.shared.events.subscribe();
            tokio::spawn(forward_events(self.clone(), v, rx));
        }
    }
}

async fn forward_events(
    conn: Arc<Conn>,
    v: ProtocolVersion,
    mut rx: broadcast::Receiver<SimEvent>,
) {
    loop {
        let received = tokio::select! {
            received = rx.recv() => received,
            _ = conn.tx.closed() => return,
        };
        let event = match received {
            Ok(event) => event,
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let bit = match event.event {
            Event::Topology(_) => EVENT_TOPOLOGY,
            Event::Status(_) => EVENT_STATUS,
            Event::Schema(_) => EVENT_SCHEMA,
        };
        let about_this_node = bit != EVENT_SCHEMA && event.about_node == Some(conn.node);
        if conn.events_mask.load(Ordering::SeqCst) & bit == 0 || about_this_node {
            continue;
        }
        conn.reply(v, -1, Response::Event(event.event)).await;
    }
}
