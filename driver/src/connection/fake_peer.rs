//! A scripted CQL server over `tokio::io::duplex`, for unit tests of the connection and session
//! layers. It speaks the protocol through the real codec: handshake (with optional SASL PLAIN
//! and a maximum version), v5 segments after READY, and a per-test handler for everything else.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

use super::framing::FrameReader;
use super::transport::{BoxStream, Connector};
use crate::protocol::frame::{decode_request, encode_response, RequestFrame, ResponseFrame};
use crate::protocol::request::Request;
use crate::protocol::response::{
    AuthSuccess, Authenticate, ErrorBody, ErrorCode, Event, Response, ResultBody, Supported,
};
use crate::protocol::segment::encode_segments;
use crate::protocol::ProtocolVersion;

/// What the peer does with one request.
pub(crate) enum Action {
    /// Answer at once.
    Reply(Response),
    /// Answer with warnings, and a tracing id when the request asked for tracing.
    ReplyWithExtras(Response, Vec<String>),
    /// Answer after a delay (answers may overtake each other).
    Delayed(Duration, Response),
    /// Never answer.
    Ignore,
    /// Close the connection.
    Close,
}

type Handler = dyn Fn(&RequestFrame) -> Action + Send + Sync;

/// How the fake server behaves.
pub(crate) struct PeerConfig {
    /// The highest protocol version it speaks.
    pub(crate) max_version: u8,
    /// Close the socket instead of answering an unsupported version with an ERROR.
    pub(crate) close_on_bad_version: bool,
    /// Required credentials (user, password).
    pub(crate) credentials: Option<(String, String)>,
    /// Whether OPTIONS after the handshake (heartbeats) get answers.
    pub(crate) answer_heartbeats: bool,
    /// Everything but the handshake.
    pub(crate) handler: Box<Handler>,
}

impl PeerConfig {
    pub(crate) fn new(handler: impl Fn(&RequestFrame) -> Action + Send + Sync + 'static) -> Self {
        PeerConfig {
            max_version: 5,
            close_on_bad_version: false,
            credentials: None,
            answer_heartbeats: true,
            handler: Box::new(handler),
        }
    }
}

/// Where to push frames on one connection: its writer queue, version and framing.
type PeerWriter = (
    mpsc::UnboundedSender<Vec<u8>>,
    ProtocolVersion,
    Arc<AtomicBool>,
);

/// Observes and drives a fake server.
#[derive(Default)]
pub(crate) struct PeerControl {
    /// Connections accepted.
    pub(crate) connections: AtomicUsize,
    /// Heartbeat OPTIONS received after handshakes.
    pub(crate) heartbeats: AtomicUsize,
    /// Versions of the STARTUP requests seen.
    pub(crate) startup_versions: Mutex<Vec<u8>>,
    /// Options of the last STARTUP seen.
    pub(crate) startup_options: Mutex<Vec<(String, String)>>,
    writers: Mutex<Vec<PeerWriter>>,
}

impl PeerControl {
    /// Pushes an event (stream -1) on every connection.
    pub(crate) fn push_event(&self, event: Event) {
        let writers = self.writers.lock().unwrap();
        for (tx, version, segmented) in writers.iter() {
            let frame = ResponseFrame {
                stream: -1,
                tracing_id: None,
                warnings: Vec::new(),
                custom_payload: None,
                response: Response::Event(event.clone()),
            };
            let _ = tx.send(encode(*version, &frame, segmented.load(Ordering::SeqCst)));
        }
    }
}

fn encode(version: ProtocolVersion, frame: &ResponseFrame, segmented: bool) -> Vec<u8> {
    let mut plain = Vec::new();
    encode_response(version, frame, &mut plain).expect("the fake peer encodes its answers");
    if !segmented {
        return plain;
    }
    let mut out = Vec::new();
    encode_segments(&plain, &mut out);
    out
}

/// A connector whose every call opens a fresh in-memory connection to a fake server.
pub(crate) fn fake_cluster(config: PeerConfig) -> (Connector, Arc<PeerControl>) {
    let config = Arc::new(config);
    let control = Arc::new(PeerControl::default());
    let ctl = control.clone();
    let connector: Connector = Arc::new(move || {
        let (client, server) = tokio::io::duplex(1 << 20);
        tokio::spawn(serve(server, config.clone(), ctl.clone()));
        Box::pin(async move { Ok(Box::new(client) as BoxStream) })
    });
    (connector, control)
}

fn error(code: ErrorCode, message: &str) -> Response {
    Response::Error(ErrorBody {
        code,
        message: message.to_owned(),
    })
}

/// Serves one connection on `stream` (a duplex half, a TLS stream, ...).
pub(crate) async fn serve<S>(stream: S, config: Arc<PeerConfig>, control: Arc<PeerControl>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + 'static,
{
    control.connections.fetch_add(1, Ordering::SeqCst);
    let (mut read, mut write) = tokio::io::split(stream);
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
    // Dropped when `serve` returns: the writer then closes the socket.
    let (_closing, mut closed) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                bytes = rx.recv() => match bytes {
                    Some(bytes) => {
                        if write.write_all(&bytes).await.is_err() {
                            break;
                        }
                    }
                    None => break,
                },
                _ = &mut closed => break,
            }
        }
        let _ = write.shutdown().await;
    });
    let segmented = Arc::new(AtomicBool::new(false));
    let mut frames = FrameReader::new(1 << 24);
    let mut input = BytesMut::new();
    let mut ready = false;
    loop {
        let (header, body) = match frames.next_frame(&mut input) {
            Ok(Some(frame)) => frame,
            Ok(None) => match read.read_buf(&mut input).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            },
            Err(_) => return,
        };
        if header.version > config.max_version {
            if config.close_on_bad_version {
                return;
            }
            let frame = ResponseFrame {
                stream: header.stream,
                tracing_id: None,
                warnings: Vec::new(),
                custom_payload: None,
                response: error(
                    ErrorCode::ProtocolError,
                    &format!(
                        "Invalid or unsupported protocol version ({})",
                        header.version
                    ),
                ),
            };
            let _ = tx.send(encode(ProtocolVersion::V4, &frame, false));
            continue;
        }
        let Some(version) = ProtocolVersion::from_u8(header.version) else {
            return;
        };
        let Ok(request) = decode_request(&header, &body) else {
            return;
        };
        let stream = request.stream;
        let mut switch_to_segments = false;
        let mut authenticating = false;
        let action = match &request.request {
            Request::Options(_) if ready => {
                control.heartbeats.fetch_add(1, Ordering::SeqCst);
                if config.answer_heartbeats {
                    Action::Reply(Response::Supported(Supported::default()))
                } else {
                    Action::Ignore
                }
            }
            Request::Options(_) => Action::Reply(Response::Supported(Supported {
                options: vec![("CQL_VERSION".into(), vec!["3.4.5".into()])],
            })),
            Request::Startup(startup) => {
                *control.startup_options.lock().unwrap() = startup.options.clone();
                control
                    .startup_versions
                    .lock()
                    .unwrap()
                    .push(header.version);
                if config.credentials.is_some() {
                    authenticating = true;
                    Action::Reply(Response::Authenticate(Authenticate {
                        authenticator: "org.apache.cassandra.auth.PasswordAuthenticator".into(),
                    }))
                } else {
                    switch_to_segments = true;
                    Action::Reply(Response::Ready)
                }
            }
            Request::AuthResponse(auth) => {
                let expected = config.credentials.as_ref().map(|(user, password)| {
                    let mut token = vec![0];
                    token.extend_from_slice(user.as_bytes());
                    token.push(0);
                    token.extend_from_slice(password.as_bytes());
                    token
                });
                if auth.token.is_some() && auth.token == expected {
                    switch_to_segments = true;
                    Action::Reply(Response::AuthSuccess(AuthSuccess { token: None }))
                } else {
                    Action::Reply(error(
                        ErrorCode::AuthenticationError,
                        "Provided username and/or password are incorrect",
                    ))
                }
            }
            Request::Query(q) if q.query.starts_with("USE ") => {
                let keyspace = q
                    .query
                    .trim_start_matches("USE ")
                    .trim_matches('"')
                    .to_owned();
                Action::Reply(Response::Result(ResultBody::SetKeyspace(keyspace)))
            }
            _ => (config.handler)(&request),
        };
        let answer = |response: Response| ResponseFrame {
            stream,
            tracing_id: None,
            warnings: Vec::new(),
            custom_payload: None,
            response,
        };
        match action {
            Action::Reply(response) => {
                let _ = tx.send(encode(
                    version,
                    &answer(response),
                    segmented.load(Ordering::SeqCst),
                ));
            }
            Action::ReplyWithExtras(response, warnings) => {
                let frame = ResponseFrame {
                    warnings,
                    tracing_id: request
                        .tracing
                        .then(|| uuid::Uuid::from_u128(0x1234_5678_9abc_def0)),
                    ..answer(response)
                };
                let _ = tx.send(encode(version, &frame, segmented.load(Ordering::SeqCst)));
            }
            Action::Delayed(delay, response) => {
                let tx = tx.clone();
                let segmented = segmented.clone();
                let frame = answer(response);
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    let _ = tx.send(encode(version, &frame, segmented.load(Ordering::SeqCst)));
                });
            }
            Action::Ignore => {}
            Action::Close => return,
        }
        // v5, section 2: segments start after the READY or AUTHENTICATE answering STARTUP.
        if authenticating && version == ProtocolVersion::V5 {
            segmented.store(true, Ordering::SeqCst);
            frames.use_segments();
        }
        if switch_to_segments {
            ready = true;
            if version == ProtocolVersion::V5 {
                segmented.store(true, Ordering::SeqCst);
                frames.use_segments();
            }
            control
                .writers
                .lock()
                .unwrap()
                .push((tx.clone(), version, segmented.clone()));
        }
    }
}
