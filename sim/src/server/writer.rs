//! The one writer of a connection: takes encoded frames from a channel, coalesces what is
//! queued into one write, and wraps frames in v5 segments once the handshake switched to them.

use ringbolt_driver::protocol::segment::{encode_segments, MAX_SEGMENT_PAYLOAD};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

/// What the rest of the connection asks the writer to do, in order.
#[derive(Debug)]
pub(crate) enum Outgoing {
    /// One encoded frame (header and body).
    Frame(Vec<u8>),
    /// From now on, wrap frames in v5 segments.
    StartSegments,
    /// Write what came before, then close the connection.
    Close,
}

/// How many queued messages one write may coalesce.
const MAX_BATCH: usize = 128;

/// Runs until the channel closes, a `Close` arrives or the socket fails.
pub(crate) async fn run<W: AsyncWrite + Unpin>(mut socket: W, mut rx: mpsc::Receiver<Outgoing>) {
    let mut segments = false;
    let mut out: Vec<u8> = Vec::new();
    let mut pending: Vec<u8> = Vec::new();
    while let Some(first) = rx.recv().await {
        let mut close = false;
        let mut next = Some(first);
        let mut taken = 0;
        while let Some(message) = next.take() {
            taken += 1;
            match message {
                Outgoing::Frame(frame) if segments => {
                    if !pending.is_empty() && pending.len() + frame.len() > MAX_SEGMENT_PAYLOAD {
                        encode_segments(&pending, &mut out);
                        pending.clear();
                    }
                    pending.extend_from_slice(&frame);
                }
                Outgoing::Frame(frame) => out.extend_from_slice(&frame),
                Outgoing::StartSegments => segments = true,
                Outgoing::Close => {
                    close = true;
                    break;
                }
            }
            if taken < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
        if !pending.is_empty() {
            encode_segments(&pending, &mut out);
            pending.clear();
        }
        if !out.is_empty() {
            if socket.write_all(&out).await.is_err() || socket.flush().await.is_err() {
                return;
            }
            out.clear();
        }
        if close {
            let _ = socket.shutdown().await;
            return;
        }
    }
}
