//! Connection setup: OPTIONS, STARTUP, then SASL authentication when the server asks for it.
//! Runs on the bare stream with plain frames, before the connection's tasks start.

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::config::{ConnectionConfig, DRIVER_NAME, DRIVER_VERSION};
use super::error::ConnectionError;
use super::framing::{FrameReader, FrameWriter};
use super::transport::BoxStream;
use crate::protocol::frame::{decode_response, encode_request, RequestFrame};
use crate::protocol::request::{AuthResponse, Options, Request, Startup};
use crate::protocol::response::{ErrorCode, Response, Supported};
use crate::protocol::{DecodeError, ProtocolVersion};

/// Why a handshake did not finish.
pub(crate) enum HandshakeFailure {
    /// The server does not speak this protocol version; try an older one.
    VersionRejected(String),
    /// Anything else.
    Failed(ConnectionError),
}

impl From<ConnectionError> for HandshakeFailure {
    fn from(e: ConnectionError) -> Self {
        HandshakeFailure::Failed(e)
    }
}

/// A finished handshake: what the server supports and the bytes it sent past the handshake.
pub(crate) struct Handshaken {
    pub(crate) supported: Supported,
    pub(crate) reader: FrameReader,
    pub(crate) leftover: BytesMut,
}

/// The name of a response's opcode, for error messages.
pub(crate) fn response_name(response: &Response) -> &'static str {
    match response {
        Response::Error(_) => "ERROR",
        Response::Ready => "READY",
        Response::Authenticate(_) => "AUTHENTICATE",
        Response::Supported(_) => "SUPPORTED",
        Response::Result(_) => "RESULT",
        Response::Event(_) => "EVENT",
        Response::AuthChallenge(_) => "AUTH_CHALLENGE",
        Response::AuthSuccess(_) => "AUTH_SUCCESS",
    }
}

struct PlainIo<'a> {
    stream: &'a mut BoxStream,
    version: ProtocolVersion,
    reader: FrameReader,
    writer: FrameWriter,
    input: BytesMut,
    out: Vec<u8>,
}

impl PlainIo<'_> {
    async fn round_trip(&mut self, request: Request) -> Result<Response, ConnectionError> {
        self.out.clear();
        let frame = RequestFrame {
            stream: 0,
            tracing: false,
            custom_payload: None,
            request,
        };
        encode_request(self.version, &frame, &mut self.out).map_err(ConnectionError::Encode)?;
        self.writer.clear();
        self.writer.push_frame(&self.out);
        let bytes = self.writer.finish();
        self.stream
            .write_all(bytes)
            .await
            .map_err(ConnectionError::io)?;
        self.stream.flush().await.map_err(ConnectionError::io)?;
        loop {
            if let Some((header, body)) = self
                .reader
                .next_frame(&mut self.input)
                .map_err(ConnectionError::Protocol)?
            {
                let frame = decode_response(&header, body).map_err(ConnectionError::Protocol)?;
                return Ok(frame.response);
            }
            let read = self
                .stream
                .read_buf(&mut self.input)
                .await
                .map_err(ConnectionError::io)?;
            if read == 0 {
                return Err(ConnectionError::closed(
                    "the server closed the connection during the handshake",
                ));
            }
        }
    }
}

/// Runs OPTIONS, STARTUP and authentication with `version`.
pub(crate) async fn handshake(
    stream: &mut BoxStream,
    version: ProtocolVersion,
    config: &ConnectionConfig,
) -> Result<Handshaken, HandshakeFailure> {
    let mut io = PlainIo {
        stream,
        version,
        reader: FrameReader::new(config.max_frame_length),
        writer: FrameWriter::new(),
        input: BytesMut::with_capacity(4096),
        out: Vec::new(),
    };
    let supported = match io.round_trip(Request::Options(Options)).await {
        Ok(Response::Supported(supported)) => supported,
        Ok(Response::Error(e)) if e.code == ErrorCode::ProtocolError => {
            return Err(HandshakeFailure::VersionRejected(e.message))
        }
        Ok(Response::Error(error)) => {
            return Err(HandshakeFailure::Failed(ConnectionError::SetupRefused {
                step: "OPTIONS",
                error,
            }))
        }
        Ok(other) => {
            return Err(HandshakeFailure::Failed(
                ConnectionError::UnexpectedResponse {
                    request: "OPTIONS",
                    got: response_name(&other),
                },
            ))
        }
        // Some servers close the socket, or answer in a version we cannot read, when they do
        // not speak the version asked for.
        Err(ConnectionError::Closed { reason }) => {
            return Err(HandshakeFailure::VersionRejected(reason.to_string()))
        }
        Err(ConnectionError::Protocol(e @ DecodeError::UnsupportedVersion(_))) => {
            return Err(HandshakeFailure::VersionRejected(e.to_string()))
        }
        Err(e) => return Err(e.into()),
    };
    let startup = Startup {
        options: vec![
            ("CQL_VERSION".to_owned(), "3.0.0".to_owned()),
            ("DRIVER_NAME".to_owned(), DRIVER_NAME.to_owned()),
            ("DRIVER_VERSION".to_owned(), DRIVER_VERSION.to_owned()),
        ],
    };
    match io.round_trip(Request::Startup(startup)).await? {
        Response::Ready => {}
        Response::Authenticate(auth) => authenticate(&mut io, &auth.authenticator, config).await?,
        Response::Error(e) if e.code == ErrorCode::ProtocolError => {
            return Err(HandshakeFailure::VersionRejected(e.message))
        }
        Response::Error(error) => {
            return Err(ConnectionError::SetupRefused {
                step: "STARTUP",
                error,
            }
            .into())
        }
        other => {
            return Err(ConnectionError::UnexpectedResponse {
                request: "STARTUP",
                got: response_name(&other),
            }
            .into())
        }
    }
    Ok(Handshaken {
        supported,
        reader: io.reader,
        leftover: io.input,
    })
}

/// Upper bound on challenge rounds, so a misbehaving server cannot keep us forever.
const MAX_SASL_ROUNDS: usize = 16;

async fn authenticate(
    io: &mut PlainIo<'_>,
    class: &str,
    config: &ConnectionConfig,
) -> Result<(), ConnectionError> {
    let Some(authenticator) = &config.authenticator else {
        return Err(ConnectionError::AuthenticationRequired {
            authenticator: class.to_owned(),
        });
    };
    // v5, section 2: framing switches to segments right after the READY or AUTHENTICATE that
    // answers STARTUP, so the SASL exchange already travels in segments.
    if io.version == ProtocolVersion::V5 {
        io.reader.use_segments();
        io.writer.use_segments();
    }
    let failed =
        |e: super::auth::AuthError| ConnectionError::AuthenticationFailed { message: e.message };
    let mut exchange = authenticator.start(class).map_err(failed)?;
    let mut token = exchange.initial_response().map_err(failed)?;
    for _ in 0..MAX_SASL_ROUNDS {
        let request = Request::AuthResponse(AuthResponse { token: Some(token) });
        match io.round_trip(request).await? {
            Response::AuthSuccess(success) => {
                return exchange.success(success.token.as_deref()).map_err(failed);
            }
            Response::AuthChallenge(challenge) => {
                token = exchange
                    .evaluate_challenge(challenge.token.as_deref())
                    .map_err(failed)?;
            }
            Response::Error(e) => {
                return Err(ConnectionError::AuthenticationFailed { message: e.message });
            }
            other => {
                return Err(ConnectionError::UnexpectedResponse {
                    request: "AUTH_RESPONSE",
                    got: response_name(&other),
                })
            }
        }
    }
    Err(ConnectionError::AuthenticationFailed {
        message: format!("the server sent more than {MAX_SASL_ROUNDS} SASL challenges"),
    })
}
