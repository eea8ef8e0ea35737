//! The tasks behind a connection: a reader that routes answers by stream id, a writer that
//! coalesces queued frames into few write calls, and a heartbeat.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::sync::watch;
use tokio::time::Instant;

use super::error::ConnectionError;
use super::framing::{FrameReader, FrameWriter};
use super::shared::{RawResponse, SendError, Shared};
use super::transport::BoxStream;
use crate::protocol::frame::{decode_response, FrameHeader, ResponseFrame};
use crate::protocol::request::{Options, Request};
use crate::protocol::response::Response;

/// The writer's buffer keeps at most this much capacity after a large write.
const KEEP_WRITE_BUFFER: usize = 1 << 20;

/// Reads frames until the socket ends or the connection closes, then fails all waiters.
pub(crate) async fn run_reader(
    shared: Arc<Shared>,
    mut read: ReadHalf<BoxStream>,
    mut frames: FrameReader,
    mut input: BytesMut,
    done: watch::Sender<bool>,
) {
    let mut shutdown = shared.shutdown_signal();
    let reason = 'read: loop {
        loop {
            match frames.next_frame(&mut input) {
                Ok(Some((header, body))) => dispatch(&shared, header, body),
                Ok(None) => break,
                Err(e) => break 'read ConnectionError::Protocol(e),
            }
        }
        if input.capacity() - input.len() < 4096 {
            input.reserve(16 * 1024);
        }
        tokio::select! {
            read = read.read_buf(&mut input) => match read {
                Ok(0) => break ConnectionError::closed("the server closed the connection"),
                Ok(_) => shared.activity.touch(),
                Err(e) => break ConnectionError::io(e),
            },
            _ = shutdown.wait_for(|closing| *closing) => {
                break ConnectionError::closed("the connection was closed");
            }
        }
    };
    shared.close_with(reason);
    shared.fail_waiters();
    done.send_replace(true);
}

/// Routes one frame: an event (negative stream id) is decoded and broadcast; an answer goes,
/// undecoded, to the slot of the request waiting on its stream.
fn dispatch(shared: &Shared, header: FrameHeader, body: Bytes) {
    if header.stream < 0 {
        match decode_response(&header, body) {
            Ok(ResponseFrame {
                response: Response::Event(event),
                ..
            }) => {
                // No subscriber is fine: events are best effort.
                let _ = shared.events.send(event);
            }
            Ok(_) => {
                tracing::debug!(opcode = ?header.opcode, "a non-event message on a negative stream id; ignored")
            }
            Err(error) => tracing::warn!(%error, "an undecodable event; ignored"),
        }
        return;
    }
    shared.deliver(header.stream, RawResponse { header, body });
}

/// Writes the frames requests queue in the outbox, everything queued so far in one write call,
/// until the connection closes.
pub(crate) async fn run_writer(
    shared: Arc<Shared>,
    mut write: WriteHalf<BoxStream>,
    mut framer: FrameWriter,
) {
    let mut shutdown = shared.shutdown_signal();
    let mut batch = Vec::new();
    loop {
        tokio::select! {
            () = shared.writer_wake.notified() => {}
            _ = shutdown.wait_for(|closing| *closing) => break,
        }
        shared.take_outbox(&mut batch);
        if batch.is_empty() {
            // A wake-up left over from frames an earlier batch already took.
            continue;
        }
        let written = async {
            write.write_all(framer.frames(&batch)).await?;
            write.flush().await
        }
        .await;
        if let Err(e) = written {
            shared.close_with(ConnectionError::io(e));
            break;
        }
        shared.write_calls.fetch_add(1, Ordering::Relaxed);
        shared.activity.touch();
        framer.clear();
        batch.clear();
        if batch.capacity() > KEEP_WRITE_BUFFER {
            batch.shrink_to(KEEP_WRITE_BUFFER);
        }
    }
    let _ = write.shutdown().await;
}

/// Sends OPTIONS whenever the connection was idle for `interval`; closes it when one goes
/// unanswered for `timeout`.
pub(crate) async fn run_heartbeat(shared: Arc<Shared>, interval: Duration, timeout: Duration) {
    let mut shutdown = shared.shutdown_signal();
    loop {
        let idle = shared.activity.idle();
        if idle < interval {
            tokio::select! {
                _ = tokio::time::sleep(interval - idle) => continue,
                _ = shutdown.wait_for(|closing| *closing) => return,
            }
        }
        let beat = tokio::time::timeout(
            timeout,
            shared.send(&Request::Options(Options), false, None),
        )
        .await;
        match beat {
            Ok(Ok(_)) => shared.activity.touch(),
            Ok(Err(SendError::Connection(e))) => {
                shared.close_with(ConnectionError::HeartbeatFailed(Box::new(e)));
                return;
            }
            Ok(Err(SendError::DeadlineReached)) | Err(_) => {
                let timed_out = ConnectionError::Timeout {
                    what: "heartbeat",
                    after: timeout,
                };
                shared.close_with(ConnectionError::HeartbeatFailed(Box::new(timed_out)));
                return;
            }
        }
    }
}

/// How often the deadline task sweeps while requests are in flight: requests with a deadline
/// end at most this much after it.
pub(crate) const DEADLINE_TICK: Duration = Duration::from_millis(5);

/// Ends the requests whose deadline passed: every [`DEADLINE_TICK`] while any request waits
/// for its answer (orphans do not count), a sweep of the stream table (see [`StreamTable::expire`]); idle otherwise, until a
/// request with a deadline starts. One task per connection replaces a timer per request.
///
/// [`StreamTable::expire`]: super::stream_ids::StreamTable::expire
pub(crate) async fn run_deadlines(shared: Arc<Shared>) {
    let mut shutdown = shared.shutdown_signal();
    let mut wakers = Vec::new();
    loop {
        if shared.waiting() == 0 {
            shared.deadline_idle.store(true, Ordering::SeqCst);
            if shared.waiting() == 0 {
                tokio::select! {
                    () = shared.deadline_wake.notified() => {}
                    _ = shutdown.wait_for(|closing| *closing) => return,
                }
            }
            shared.deadline_idle.store(false, Ordering::SeqCst);
            continue;
        }
        tokio::select! {
            () = tokio::time::sleep(DEADLINE_TICK) => {}
            _ = shutdown.wait_for(|closing| *closing) => return,
        }
        shared.expire_due(Instant::now(), &mut wakers);
    }
}
