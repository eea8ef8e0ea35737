//! Hostile clients against the server with the real engine behind it: random bytes, garbage
//! bodies for every opcode, truncated and oversized frames, requests before STARTUP. The server
//! answers as Cassandra does (PROTOCOL_ERROR, or the request's own error) or closes, never
//! panics, and keeps serving the other connections.
//!
//! Addresses: 127.0.24.x and 127.0.25.x.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use ringbolt_driver::protocol::response::{ErrorCode, Response, ResultBody};
use ringbolt_driver::protocol::ProtocolVersion;

use super::test_client::TestClient;
use crate::SimCluster;

/// Every opcode byte the protocol defines (requests and responses), plus unknown ones.
const OPCODES: [u8; 19] = [
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
    0x10, 0x11, 0x7F,
];
const STARTUP: u8 = 0x01;
const OPTIONS: u8 = 0x05;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = (self.next() as usize) % (max + 1);
        (0..len).map(|_| self.next() as u8).collect()
    }
}

fn frame(version: u8, stream: i16, opcode: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![version, 0];
    out.extend_from_slice(&stream.to_be_bytes());
    out.push(opcode);
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(body);
    out
}

async fn start(octet: u8) -> SimCluster {
    SimCluster::builder()
        .nodes(1)
        .base_address(IpAddr::V4(Ipv4Addr::new(127, 0, octet, 1)))
        .port(0)
        .max_frame_length(64 * 1024)
        .start()
        .await
        .expect("start")
}

async fn ready(addr: SocketAddr, v: ProtocolVersion) -> TestClient {
    let mut c = TestClient::connect(addr, v).await;
    assert_eq!(c.startup().await, Response::Ready);
    c
}

/// A full handshake and a query on a fresh connection: the server still serves.
async fn still_serves(addr: SocketAddr) {
    for v in [ProtocolVersion::V4, ProtocolVersion::V5] {
        let mut c = ready(addr, v).await;
        let answer = c.query(3, "SELECT release_version FROM system.local").await;
        assert_eq!(answer.stream, 3);
        assert!(
            matches!(answer.response, Response::Result(ResultBody::Rows(_))),
            "{:?}",
            answer.response
        );
    }
}

fn protocol_error(response: &Response) -> bool {
    matches!(response, Response::Error(e) if e.code == ErrorCode::ProtocolError)
}

#[tokio::test]
async fn garbage_bodies_for_every_opcode_before_and_after_startup() {
    let cluster = start(24).await;
    let addr = cluster.contact_points()[0];
    // A well-behaved connection held open through the whole test.
    let mut bystander = ready(addr, ProtocolVersion::V4).await;
    let mut rng = Rng(0x5EED_0001);
    let mut frames_sent = 0usize;
    for v in [ProtocolVersion::V4, ProtocolVersion::V5] {
        for handshaken in [false, true] {
            let mut c = TestClient::connect(addr, v).await;
            if handshaken {
                assert_eq!(c.startup().await, Response::Ready);
            }
            for opcode in OPCODES {
                for round in 0..8i16 {
                    let stream = 100 + round;
                    let body = rng.bytes(48);
                    c.send_frame_bytes(&frame(v as u8, stream, opcode, &body))
                        .await;
                    frames_sent += 1;
                    let Some((_, answer)) = c.recv_frame().await else {
                        // Closed: allowed; carry on with a fresh connection in the same state.
                        c = TestClient::connect(addr, v).await;
                        if handshaken {
                            assert_eq!(c.startup().await, Response::Ready);
                        }
                        continue;
                    };
                    assert_eq!(answer.stream, stream, "opcode {opcode:#04x}");
                    let response = &answer.response;
                    if !handshaken {
                        match opcode {
                            OPTIONS => assert!(
                                body.is_empty() && matches!(response, Response::Supported(_))
                                    || protocol_error(response),
                                "{response:?}"
                            ),
                            // A STARTUP body that happens to decode is refused for its options.
                            _ => assert!(protocol_error(response), "{opcode:#04x}: {response:?}"),
                        }
                    } else if opcode == STARTUP || !(0x05..=0x0F).contains(&opcode) {
                        assert!(protocol_error(response), "{opcode:#04x}: {response:?}");
                    } else {
                        // A body that decodes gets its request's own answer or error.
                        assert!(
                            !matches!(response, Response::Event(_)),
                            "{opcode:#04x}: {response:?}"
                        );
                    }
                }
            }
        }
    }
    assert_eq!(frames_sent, 2 * 2 * OPCODES.len() * 8);
    let answer = bystander.query(9, "SELECT key FROM system.local").await;
    assert_eq!(answer.stream, 9);
    still_serves(addr).await;
    cluster.shutdown().await;
}

#[tokio::test]
async fn requests_before_startup_get_the_startup_expected_error() {
    let cluster = start(25).await;
    let addr = cluster.contact_points()[0];
    for v in [ProtocolVersion::V4, ProtocolVersion::V5] {
        let mut c = TestClient::connect(addr, v).await;
        let answer = c.query(4, "SELECT key FROM system.local").await;
        assert_eq!(answer.stream, 4);
        let Response::Error(e) = answer.response else {
            panic!("expected an error, got {:?}", answer.response);
        };
        assert_eq!(e.code, ErrorCode::ProtocolError);
        assert_eq!(
            e.message,
            "Unexpected message QUERY, expecting STARTUP or OPTIONS"
        );
        // The connection stays usable for a proper handshake.
        assert_eq!(c.startup().await, Response::Ready);
    }
    still_serves(addr).await;
}

#[tokio::test]
async fn truncated_oversized_and_random_frames_never_stop_the_server() {
    let cluster = start(26).await;
    let addr = cluster.contact_points()[0];
    let mut bystander = ready(addr, ProtocolVersion::V5).await;

    // Truncated frames, then the client goes away: the server drops the connection.
    for cut in [1usize, 4, 8, 9, 20] {
        let mut c = TestClient::connect(addr, ProtocolVersion::V4).await;
        let whole = frame(4, 1, 0x07, &[0u8; 40]);
        c.send_raw(&whole[..cut]).await;
        c.shutdown_write().await;
        assert!(c.closed_within(Duration::from_secs(10)).await, "cut {cut}");
    }

    // Length headers beyond the maximum (and negative ones): PROTOCOL_ERROR, then a close.
    for len in [64 * 1024 + 1, 0x7FFF_FFFFu32, 0x8000_0000, 0xFFFF_FFFF] {
        for v in [4u8, 5] {
            let mut c = TestClient::connect(addr, ProtocolVersion::V4).await;
            let mut header = vec![v, 0, 0, 2, 0x07];
            header.extend_from_slice(&len.to_be_bytes());
            c.send_raw(&header).await;
            // Answered with PROTOCOL_ERROR then closed, or closed at once.
            if let Some((_, answer)) = c.recv_frame().await {
                assert!(protocol_error(&answer.response), "{len:#x}: {answer:?}");
                assert!(c.closed_within(Duration::from_secs(10)).await);
            }
        }
    }

    // Versions 3 and 6 in the header: PROTOCOL_ERROR naming the version, then a close.
    for version in [3u8, 6] {
        let mut c = TestClient::connect(addr, ProtocolVersion::V4).await;
        c.send_raw(&frame(version, 7, 0x01, &[0, 0])).await;
        let (_, answer) = c.recv_frame().await.expect("an answer");
        let Response::Error(e) = answer.response else {
            panic!("expected PROTOCOL_ERROR");
        };
        assert_eq!(e.code, ErrorCode::ProtocolError);
        assert!(
            e.message.starts_with(&format!(
                "Invalid or unsupported protocol version ({version})"
            )),
            "{}",
            e.message
        );
        assert!(c.closed_within(Duration::from_secs(10)).await);
    }

    // v5 segments with a corrupted header or payload CRC: the connection is closed (after at
    // most a PROTOCOL_ERROR), as Cassandra does on a CRC mismatch.
    for corrupt in [0usize, 3, 6, 10] {
        let mut c = ready(addr, ProtocolVersion::V5).await;
        let mut seg = Vec::new();
        ringbolt_driver::protocol::segment::encode_segments(&frame(5, 1, 0x05, &[]), &mut seg);
        if let Some(b) = seg.get_mut(corrupt) {
            *b ^= 0x5A;
        }
        c.send_raw(&seg).await;
        if let Some((_, answer)) = c.recv_frame().await {
            assert!(
                protocol_error(&answer.response),
                "byte {corrupt}: {answer:?}"
            );
            assert!(c.closed_within(Duration::from_secs(10)).await);
        }
    }

    // Random bytes, before and after a handshake, in both versions.
    let mut rng = Rng(0x5EED_0002);
    for round in 0..200 {
        let v = if round % 2 == 0 {
            ProtocolVersion::V4
        } else {
            ProtocolVersion::V5
        };
        let mut c = if round % 4 < 2 {
            TestClient::connect(addr, v).await
        } else {
            ready(addr, v).await
        };
        let bytes = rng.bytes(256);
        c.send_raw(&bytes).await;
        c.shutdown_write().await;
    }
    let answer = bystander.query(9, "SELECT key FROM system.local").await;
    assert_eq!(answer.stream, 9);
    still_serves(addr).await;
}
