//! A bare protocol client for the server's tests: frames in, frames out, nothing clever.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::BytesMut;
use ringbolt_driver::protocol::frame::{
    decode_response, encode_request, FrameDecoder, RequestFrame, ResponseFrame,
};
use ringbolt_driver::protocol::request::{AuthResponse, Query, Request, Startup};
use ringbolt_driver::protocol::response::Response;
use ringbolt_driver::protocol::segment::{encode_segments, SegmentDecoder};
use ringbolt_driver::protocol::{FrameHeader, ProtocolVersion};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

pub(crate) struct TestClient {
    socket: Box<dyn Io>,
    pub(crate) version: ProtocolVersion,
    segments: bool,
    buf: BytesMut,
    inner: BytesMut,
    frames: FrameDecoder,
    segment_decoder: SegmentDecoder,
}

const WAIT: Duration = Duration::from_secs(5);

impl TestClient {
    pub(crate) async fn connect(addr: SocketAddr, version: ProtocolVersion) -> TestClient {
        let socket = TcpStream::connect(addr).await.expect("connect");
        TestClient::over(Box::new(socket), version)
    }

    pub(crate) fn over(socket: Box<dyn Io>, version: ProtocolVersion) -> TestClient {
        TestClient {
            socket,
            version,
            segments: false,
            buf: BytesMut::new(),
            inner: BytesMut::new(),
            frames: FrameDecoder::new(1 << 24),
            segment_decoder: SegmentDecoder::new(),
        }
    }

    pub(crate) async fn send_raw(&mut self, bytes: &[u8]) {
        self.socket.write_all(bytes).await.expect("write");
    }

    /// Sends one whole frame's bytes, wrapped in a segment once v5 framing has switched.
    pub(crate) async fn send_frame_bytes(&mut self, frame: &[u8]) {
        if self.segments {
            let mut seg = Vec::new();
            encode_segments(frame, &mut seg);
            self.send_raw(&seg).await;
        } else {
            self.send_raw(frame).await;
        }
    }

    /// Closes the write half: the server sees end of stream.
    pub(crate) async fn shutdown_write(&mut self) {
        let _ = self.socket.shutdown().await;
    }

    pub(crate) async fn send_traced(&mut self, stream: i16, request: Request, tracing: bool) {
        let frame = RequestFrame {
            stream,
            tracing,
            custom_payload: None,
            request,
        };
        let mut out = Vec::new();
        encode_request(self.version, &frame, &mut out).expect("encode");
        if self.segments {
            let mut seg = Vec::new();
            encode_segments(&out, &mut seg);
            out = seg;
        }
        self.send_raw(&out).await;
    }

    pub(crate) async fn send(&mut self, stream: i16, request: Request) {
        self.send_traced(stream, request, false).await;
    }

    /// The next frame with its header, or `None` when the server closed the connection.
    pub(crate) async fn recv_frame(&mut self) -> Option<(FrameHeader, ResponseFrame)> {
        tokio::time::timeout(WAIT, self.recv_inner())
            .await
            .expect("timed out waiting for a response")
    }

    async fn recv_inner(&mut self) -> Option<(FrameHeader, ResponseFrame)> {
        loop {
            let decoded = if self.segments {
                loop {
                    if let Some(f) = self.frames.decode(&mut self.inner).expect("frame") {
                        break Some(f);
                    }
                    match self.segment_decoder.decode(&mut self.buf).expect("segment") {
                        Some(s) => self.inner.extend_from_slice(&s.payload),
                        None => break None,
                    }
                }
            } else {
                self.frames.decode(&mut self.buf).expect("frame")
            };
            if let Some((h, body)) = decoded {
                let frame = decode_response(&h, body).expect("response");
                return Some((h, frame));
            }
            match self.socket.read_buf(&mut self.buf).await {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }

    pub(crate) async fn recv(&mut self) -> ResponseFrame {
        self.recv_frame().await.expect("connection closed").1
    }

    /// Whether the server closes the connection before `wait` passes.
    pub(crate) async fn closed_within(&mut self, wait: Duration) -> bool {
        match tokio::time::timeout(wait, self.recv_inner()).await {
            Ok(None) => true,
            Ok(Some(_)) | Err(_) => false,
        }
    }

    /// Nothing arrives within `wait`.
    pub(crate) async fn silent_for(&mut self, wait: Duration) -> bool {
        tokio::time::timeout(wait, self.recv_inner()).await.is_err()
    }

    pub(crate) async fn startup(&mut self) -> Response {
        let startup = Startup {
            options: vec![("CQL_VERSION".to_string(), "3.0.0".to_string())],
        };
        self.send(0, Request::Startup(startup)).await;
        let response = self.recv().await.response;
        let switches = matches!(response, Response::Ready | Response::Authenticate(_));
        if switches && self.version == ProtocolVersion::V5 {
            self.segments = true;
        }
        response
    }

    pub(crate) async fn login(&mut self, user: &str, password: &str) -> Response {
        let mut token = vec![0u8];
        token.extend_from_slice(user.as_bytes());
        token.push(0);
        token.extend_from_slice(password.as_bytes());
        let auth = AuthResponse { token: Some(token) };
        self.send(1, Request::AuthResponse(auth)).await;
        self.recv().await.response
    }

    pub(crate) async fn query(&mut self, stream: i16, text: &str) -> ResponseFrame {
        self.send(stream, query(text)).await;
        self.recv().await
    }
}

pub(crate) fn query(text: &str) -> Request {
    Request::Query(Query {
        query: text.to_string(),
        params: Default::default(),
    })
}
