//! One client connection: read whatever frames have arrived, answer each on its stream id, and
//! write all the answers with one `write_all`.

use std::io;
use std::sync::Arc;

use bytes::BytesMut;
use ringbolt_driver::protocol::frame::{FrameHeader, HEADER_LENGTH};
use ringbolt_driver::protocol::primitives::Reader;
use ringbolt_driver::protocol::response::{ErrorBody, ErrorCode, Response};
use ringbolt_driver::protocol::{DecodeError, FrameFlags, Opcode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::canned::{Body, Canned, INSERT_ID, SELECT_ID};

/// Frames larger than this close the connection (the benchmark's are a few hundred bytes).
const MAX_BODY: usize = 1 << 20;
/// Header flag: the body starts with a custom payload (`[bytes map]`).
const CUSTOM_PAYLOAD: u8 = 0x04;
/// QUERY/EXECUTE flag: the client already knows the result metadata.
const SKIP_METADATA: u8 = 0x02;

/// Serves one connection until the client closes it.
pub async fn serve(mut socket: TcpStream, canned: Arc<Canned>) -> io::Result<()> {
    socket.set_nodelay(true)?;
    let mut input = BytesMut::with_capacity(64 * 1024);
    let mut out = Vec::with_capacity(64 * 1024);
    loop {
        if socket.read_buf(&mut input).await? == 0 {
            return Ok(());
        }
        while let Some(head) = input.get(..HEADER_LENGTH) {
            let mut hb = [0u8; HEADER_LENGTH];
            hb.copy_from_slice(head);
            let len = u32::from_be_bytes([hb[5], hb[6], hb[7], hb[8]]) as usize;
            if len > MAX_BODY {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "frame too long"));
            }
            if input.len() < HEADER_LENGTH + len {
                break;
            }
            let frame = input.split_to(HEADER_LENGTH + len);
            answer(&canned, &hb, &frame[HEADER_LENGTH..], &mut out);
        }
        if input.capacity() - input.len() < 16 * 1024 {
            input.reserve(64 * 1024);
        }
        if !out.is_empty() {
            socket.write_all(&out).await?;
            out.clear();
        }
    }
}

fn write(out: &mut Vec<u8>, stream: i16, body: &Body) {
    let header = FrameHeader {
        version: 4,
        is_response: true,
        flags: FrameFlags(0),
        stream,
        opcode: body.opcode,
        length: body.bytes.len() as u32,
    };
    out.extend_from_slice(&header.encode());
    out.extend_from_slice(&body.bytes);
}

fn protocol_error(canned: &Canned, message: String) -> Body {
    canned.built(Response::Error(ErrorBody {
        code: ErrorCode::ProtocolError,
        message,
    }))
}

/// Appends the answer to one request frame to `out`.
fn answer(canned: &Canned, hb: &[u8; HEADER_LENGTH], body: &[u8], out: &mut Vec<u8>) {
    let stream = i16::from_be_bytes([hb[2], hb[3]]);
    let version = hb[0] & 0x7F;
    if version != 4 {
        let message = format!(
            "Invalid or unsupported protocol version ({version}); supported versions are (4/v4)"
        );
        write(out, stream, &protocol_error(canned, message));
        return;
    }
    let header = match FrameHeader::decode(hb) {
        Ok(h) => h,
        Err(e) => {
            write(out, stream, &protocol_error(canned, e.to_string()));
            return;
        }
    };
    let mut r = Reader::new(body);
    if header.flags.0 & CUSTOM_PAYLOAD != 0 {
        if let Err(e) = r.read_bytes_map() {
            write(out, stream, &protocol_error(canned, e.to_string()));
            return;
        }
    }
    match respond(canned, header.opcode, &mut r) {
        Ok(Answer::Canned(b)) => write(out, stream, b),
        Ok(Answer::Built(b)) => write(out, stream, &b),
        Err(e) => write(out, stream, &protocol_error(canned, e.to_string())),
    }
}

enum Answer<'a> {
    Canned(&'a Body),
    Built(Body),
}

fn respond<'a>(
    canned: &'a Canned,
    opcode: Opcode,
    r: &mut Reader<'_>,
) -> Result<Answer<'a>, DecodeError> {
    Ok(match opcode {
        Opcode::Options => Answer::Canned(&canned.supported),
        Opcode::Startup | Opcode::Register => Answer::Canned(&canned.ready),
        Opcode::Batch => Answer::Canned(&canned.void),
        Opcode::Query => Answer::Built(canned.query(r.read_long_str()?)),
        Opcode::Prepare => match canned.prepare(r.read_long_str()?) {
            Ok(b) => Answer::Canned(b),
            Err(b) => Answer::Built(b),
        },
        Opcode::Execute => {
            let id = r.read_short_bytes()?;
            let _consistency = r.read_short()?;
            let flags = r.read_byte()?;
            if id == INSERT_ID {
                Answer::Canned(&canned.void)
            } else if id == SELECT_ID {
                if flags & SKIP_METADATA != 0 {
                    Answer::Canned(&canned.row_no_metadata)
                } else {
                    Answer::Canned(&canned.row)
                }
            } else {
                Answer::Built(canned.built(Response::Error(ErrorBody {
                    code: ErrorCode::Unprepared { id: id.to_vec() },
                    message: "unknown prepared id".to_owned(),
                })))
            }
        }
        other => Answer::Built(protocol_error(
            canned,
            format!("{other:?} is not a request the benchmark server answers"),
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use ringbolt_driver::protocol::frame::{decode_response, encode_request, RequestFrame};
    use ringbolt_driver::protocol::request::{
        Execute, Options, Prepare, QueryParameters, Request, SerializedValues,
    };
    use ringbolt_driver::protocol::response::ResultBody;
    use ringbolt_driver::protocol::{Consistency, ProtocolVersion};
    use tokio::net::TcpListener;

    async fn server() -> TcpStream {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let canned = Arc::new(Canned::new(addr.port()).unwrap());
        tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            serve(socket, canned).await
        });
        TcpStream::connect(addr).await.unwrap()
    }

    async fn read_frame(socket: &mut TcpStream) -> (FrameHeader, Response) {
        let mut head = [0u8; HEADER_LENGTH];
        socket.read_exact(&mut head).await.unwrap();
        let header = FrameHeader::decode(&head).unwrap();
        let mut body = vec![0u8; header.length as usize];
        socket.read_exact(&mut body).await.unwrap();
        let frame = decode_response(&header, Bytes::from(body)).unwrap();
        (header, frame.response)
    }

    fn execute(id: &[u8], skip_metadata: bool) -> Request {
        Request::Execute(Execute {
            id: Bytes::copy_from_slice(id),
            result_metadata_id: None,
            params: QueryParameters {
                consistency: Consistency::One,
                values: SerializedValues::default(),
                skip_metadata,
                ..QueryParameters::default()
            },
        })
    }

    #[tokio::test]
    async fn answers_pipelined_requests_on_their_stream_ids() {
        let mut socket = server().await;
        let mut out = Vec::new();
        let requests = [
            (7, Request::Options(Options)),
            (
                3,
                Request::Prepare(Prepare {
                    query: "SELECT k, v FROM bench.kv WHERE k = ?".to_owned(),
                    keyspace: None,
                }),
            ),
            (900, execute(&SELECT_ID, true)),
            (11, execute(&INSERT_ID, false)),
            (12, execute(b"unknown", false)),
        ];
        for (stream, request) in requests {
            let frame = RequestFrame::new(stream, request);
            encode_request(ProtocolVersion::V4, &frame, &mut out).unwrap();
        }
        // All frames in one write; the server answers each in order, on its own stream.
        socket.write_all(&out).await.unwrap();
        let (h, r) = read_frame(&mut socket).await;
        assert_eq!(h.stream, 7);
        assert!(matches!(r, Response::Supported(_)));
        let (h, r) = read_frame(&mut socket).await;
        assert_eq!(h.stream, 3);
        let Response::Result(ResultBody::Prepared(p)) = r else {
            panic!("expected Prepared, got {r:?}")
        };
        assert_eq!(p.id, SELECT_ID.to_vec());
        assert_eq!(p.result_metadata.columns.len(), 2);
        let (h, r) = read_frame(&mut socket).await;
        assert_eq!(h.stream, 900);
        let Response::Result(ResultBody::Rows(rows)) = r else {
            panic!("expected Rows, got {r:?}")
        };
        assert_eq!(rows.rows_count, 1);
        assert!(
            rows.metadata.columns.is_empty(),
            "Skip_metadata was asked for"
        );
        let (h, r) = read_frame(&mut socket).await;
        assert_eq!(h.stream, 11);
        assert!(matches!(r, Response::Result(ResultBody::Void)));
        let (h, r) = read_frame(&mut socket).await;
        assert_eq!(h.stream, 12);
        assert!(matches!(
            r,
            Response::Error(ErrorBody {
                code: ErrorCode::Unprepared { .. },
                ..
            })
        ));
    }

    #[tokio::test]
    async fn other_protocol_versions_get_a_protocol_error_in_v4() {
        let mut socket = server().await;
        let mut out = Vec::new();
        let frame = RequestFrame::new(5, Request::Options(Options));
        encode_request(ProtocolVersion::V5, &frame, &mut out).unwrap();
        socket.write_all(&out).await.unwrap();
        let (h, r) = read_frame(&mut socket).await;
        assert_eq!((h.version, h.stream), (4, 5));
        let Response::Error(e) = r else {
            panic!("expected an error, got {r:?}")
        };
        assert_eq!(e.code, ErrorCode::ProtocolError);
        assert!(e.message.contains("(4/v4)"), "{}", e.message);
    }

    #[tokio::test]
    async fn a_frame_over_the_limit_closes_the_connection() {
        let mut socket = server().await;
        let mut head = [4u8, 0, 0, 1, 0x05, 0, 0, 0, 0];
        head[5..9].copy_from_slice(&(MAX_BODY as u32 + 1).to_be_bytes());
        socket.write_all(&head).await.unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(socket.read(&mut buf).await.unwrap_or(0), 0);
    }
}
