//! State shared by a connection's handle and its tasks, and the request path: allocate a stream,
//! encode straight into the connection's outgoing buffer, wake the writer, await the answer
//! routed back by the reader into the stream's slot.
//!
//! The outgoing buffer is double-buffered with the writer: requests append their frames to
//! `outbox` while the writer writes the previous batch from its own buffer, then the two swap.
//! The answer waits in the stream table's slot until the request's task takes it, so sending a
//! request allocates nothing at all: no frame buffer, no channel.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::sync::{broadcast, watch, Notify};
use tokio::time::Instant;

use super::error::ConnectionError;
use super::stream_ids::{Answer, Completion, StreamTable, StreamTicket};
use crate::protocol::frame::{encode_request_parts, FrameHeader, RequestEnvelope};
use crate::protocol::request::Request;
use crate::protocol::response::Event;
use crate::protocol::ProtocolVersion;

/// An answer as it came off the wire: its header and undecoded body. The request's own task
/// decodes it (with what it knows of the statement), not the reader.
#[derive(Debug, Clone)]
pub(crate) struct RawResponse {
    pub(crate) header: FrameHeader,
    pub(crate) body: Bytes,
}

/// When the connection last read or wrote, for heartbeats.
pub(crate) struct Activity {
    start: Instant,
    last_ms: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Activity {
            start: Instant::now(),
            last_ms: AtomicU64::new(0),
        }
    }

    pub(crate) fn touch(&self) {
        let now = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(now, Ordering::Relaxed);
    }

    pub(crate) fn idle(&self) -> std::time::Duration {
        let last = std::time::Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
        self.start.elapsed().saturating_sub(last)
    }
}

/// Everything the handle and the reader, writer and heartbeat tasks share.
pub(crate) struct Shared {
    pub(crate) version: ProtocolVersion,
    streams: Mutex<StreamTable<RawResponse>>,
    /// The stream table's counts, readable without its lock (pools read them to pick the
    /// least busy connection).
    in_flight: AtomicUsize,
    orphaned: AtomicUsize,
    /// Encoded frames waiting for the writer.
    outbox: Mutex<Vec<u8>>,
    /// Woken when `outbox` stops being empty.
    pub(crate) writer_wake: Notify,
    pub(crate) events: broadcast::Sender<Event>,
    /// Set once `closed` holds a reason: the hot path checks this flag, not the lock.
    is_closed: AtomicBool,
    closed: Mutex<Option<ConnectionError>>,
    shutdown: watch::Sender<bool>,
    pub(crate) activity: Activity,
    /// How many write calls the writer made (each carries one or more frames).
    pub(crate) write_calls: AtomicU64,
    /// Wakes the deadline task when a request with a deadline starts while it is idle.
    pub(crate) deadline_wake: Notify,
    /// Set by the deadline task while it waits for requests (no sweeps while none is in flight).
    pub(crate) deadline_idle: AtomicBool,
}

/// Why a send brought no answer.
#[derive(Debug)]
pub(crate) enum SendError {
    /// The connection failed, or the request could not be sent.
    Connection(ConnectionError),
    /// The request's deadline passed first; its stream id stays orphaned until the late answer.
    DeadlineReached,
}

impl From<ConnectionError> for SendError {
    fn from(e: ConnectionError) -> Self {
        SendError::Connection(e)
    }
}

impl Shared {
    pub(crate) fn new(version: ProtocolVersion, max_streams: usize) -> Self {
        let (events, _) = broadcast::channel(256);
        let (shutdown, _) = watch::channel(false);
        Shared {
            version,
            streams: Mutex::new(StreamTable::new(max_streams)),
            in_flight: AtomicUsize::new(0),
            orphaned: AtomicUsize::new(0),
            outbox: Mutex::new(Vec::new()),
            writer_wake: Notify::new(),
            events,
            is_closed: AtomicBool::new(false),
            closed: Mutex::new(None),
            shutdown,
            activity: Activity::new(),
            write_calls: AtomicU64::new(0),
            deadline_wake: Notify::new(),
            deadline_idle: AtomicBool::new(false),
        }
    }

    /// Runs `f` on the stream table under its lock, then publishes the table's counts.
    fn with_streams<R>(&self, f: impl FnOnce(&mut StreamTable<RawResponse>) -> R) -> R {
        // The table stays consistent even if a holder panicked: every update is one statement.
        let mut streams = self.streams.lock().unwrap_or_else(PoisonError::into_inner);
        let result = f(&mut streams);
        self.in_flight.store(streams.in_flight(), Ordering::Relaxed);
        self.orphaned.store(streams.orphaned(), Ordering::Relaxed);
        result
    }

    /// Requests sent and not yet answered, orphaned ones included.
    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }

    /// Requests waiting for their answer (in flight and not orphaned), read under the stream
    /// table's lock: the deadline task decides to go idle on it, and a request that starts
    /// after the read finds the task's idle flag set (see `start`).
    pub(crate) fn waiting(&self) -> usize {
        let streams = self.streams.lock().unwrap_or_else(PoisonError::into_inner);
        streams.in_flight().saturating_sub(streams.orphaned())
    }

    /// Requests whose caller gave up before the answer came.
    pub(crate) fn orphaned(&self) -> usize {
        self.orphaned.load(Ordering::Relaxed)
    }

    /// Hands the answer on `stream` to the request waiting for it (the reader calls this).
    pub(crate) fn deliver(&self, stream: i16, answer: RawResponse) {
        match self.with_streams(|streams| streams.complete(stream, answer)) {
            Completion::Delivered(waker) => {
                if let Some(waker) = waker {
                    waker.wake();
                }
            }
            Completion::Orphaned => {}
            Completion::Unknown => {
                tracing::warn!(stream, "answer on a stream id no request waits on; ignored");
            }
        }
    }

    /// Expires the requests whose deadline is `now` or earlier and wakes them (the deadline
    /// task calls this); `wakers` is scratch space kept across sweeps.
    pub(crate) fn expire_due(&self, now: Instant, wakers: &mut Vec<std::task::Waker>) {
        let expired = self.with_streams(|streams| streams.expire(now, wakers));
        if expired > 0 {
            tracing::debug!(expired, "requests reached their deadline");
        }
        for waker in wakers.drain(..) {
            waker.wake();
        }
    }

    /// Swaps the frames waiting in the outbox with `batch` (which must be empty): the writer
    /// takes everything queued so far and leaves its emptied buffer for the next requests.
    pub(crate) fn take_outbox(&self, batch: &mut Vec<u8>) {
        let mut outbox = self.outbox.lock().unwrap_or_else(PoisonError::into_inner);
        std::mem::swap(&mut *outbox, batch);
    }

    /// A receiver that sees `true` once the connection is closing.
    pub(crate) fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Whether the connection closed.
    pub(crate) fn is_closed(&self) -> bool {
        self.is_closed.load(Ordering::Acquire)
    }

    /// Why the connection closed, if it did.
    pub(crate) fn closed_reason(&self) -> Option<ConnectionError> {
        if !self.is_closed() {
            return None;
        }
        self.closed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Closes the connection for `reason` (the first reason wins) and stops the tasks.
    pub(crate) fn close_with(&self, reason: ConnectionError) {
        {
            let mut closed = self.closed.lock().unwrap_or_else(PoisonError::into_inner);
            if closed.is_none() {
                *closed = Some(reason);
            }
        }
        self.is_closed.store(true, Ordering::Release);
        self.shutdown.send_replace(true);
    }

    /// Fails every waiting request with the close reason; called by the reader as it ends.
    pub(crate) fn fail_waiters(&self) {
        let wakers = self.with_streams(StreamTable::fail_all);
        for waker in wakers {
            waker.wake();
        }
    }

    fn closed_error(&self) -> ConnectionError {
        self.closed_reason()
            .unwrap_or_else(|| ConnectionError::closed("the connection ended"))
    }

    /// Sends `request` and waits for its answer, until `deadline` if given (then the future
    /// ends with [`SendError::DeadlineReached`], a few milliseconds late at most: deadlines are
    /// swept, not timed one by one). Dropping the returned future before it finishes orphans the
    /// stream id; it is freed when the late answer arrives.
    pub(crate) fn send<'a>(
        &'a self,
        request: &'a Request,
        tracing: bool,
        deadline: Option<Instant>,
    ) -> Send<'a> {
        Send {
            shared: self,
            state: SendState::Start {
                request,
                tracing,
                deadline,
            },
        }
    }

    /// Allocates a stream whose answer wakes `cx`'s task and encodes the request into the
    /// outbox.
    fn start(
        &self,
        request: &Request,
        tracing: bool,
        deadline: Option<Instant>,
        cx: &Context<'_>,
    ) -> Result<StreamTicket, ConnectionError> {
        if let Some(reason) = self.closed_reason() {
            return Err(reason);
        }
        let allocated = self.with_streams(|streams| streams.allocate(cx.waker().clone(), deadline));
        let Some(ticket) = allocated else {
            return Err(self
                .closed_reason()
                .unwrap_or(ConnectionError::StreamIdsExhausted));
        };
        // In flight is published (by `with_streams`) before the flag is read, and the deadline
        // task sets the flag before it reads in flight: one of the two sees the other.
        if deadline.is_some()
            && self.deadline_idle.load(Ordering::SeqCst)
            && self.deadline_idle.swap(false, Ordering::SeqCst)
        {
            self.deadline_wake.notify_one();
        }
        let envelope = RequestEnvelope {
            stream: ticket.id,
            tracing,
            custom_payload: None,
        };
        let encoded = {
            let mut outbox = self.outbox.lock().unwrap_or_else(PoisonError::into_inner);
            let was_empty = outbox.is_empty();
            encode_request_parts(self.version, envelope, request, &mut outbox).map(|()| was_empty)
        };
        match encoded {
            // The writer is woken once per batch; later frames join the batch.
            Ok(true) => self.writer_wake.notify_one(),
            Ok(false) => {}
            Err(e) => {
                self.with_streams(|streams| streams.release(ticket));
                return Err(ConnectionError::Encode(e));
            }
        }
        Ok(ticket)
    }
}

/// The future of [`Shared::send`]: encodes the request on its first poll, then waits for the
/// answer in the stream's slot.
pub(crate) struct Send<'a> {
    shared: &'a Shared,
    state: SendState<'a>,
}

enum SendState<'a> {
    Start {
        request: &'a Request,
        tracing: bool,
        deadline: Option<Instant>,
    },
    Sent(StreamTicket),
    Done,
}

impl Future for Send<'_> {
    type Output = Result<RawResponse, SendError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let shared = self.shared;
        match self.state {
            SendState::Start {
                request,
                tracing,
                deadline,
            } => match shared.start(request, tracing, deadline, cx) {
                Ok(ticket) => {
                    // The waker is in the slot: the reader wakes this task when the answer is in.
                    self.state = SendState::Sent(ticket);
                    Poll::Pending
                }
                Err(e) => {
                    self.state = SendState::Done;
                    Poll::Ready(Err(SendError::Connection(e)))
                }
            },
            SendState::Sent(ticket) => {
                let answer = shared.with_streams(|streams| streams.poll_answer(ticket, cx.waker()));
                match answer {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(answer) => {
                        self.state = SendState::Done;
                        Poll::Ready(match answer {
                            Answer::Arrived(raw) => Ok(raw),
                            Answer::Failed => Err(SendError::Connection(shared.closed_error())),
                            Answer::Expired => Err(SendError::DeadlineReached),
                        })
                    }
                }
            }
            SendState::Done => Poll::Ready(Err(SendError::Connection(ConnectionError::closed(
                "the request's future was polled after it finished",
            )))),
        }
    }
}

impl Drop for Send<'_> {
    fn drop(&mut self) {
        if let SendState::Sent(ticket) = self.state {
            self.shared.with_streams(|streams| streams.cancel(ticket));
        }
    }
}
