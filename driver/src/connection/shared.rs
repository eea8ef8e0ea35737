//! State shared by a connection's handle and its tasks, and the request path: allocate a stream,
//! encode straight into the connection's outgoing buffer, wake the writer, await the answer
//! routed back by the reader.
//!
//! The outgoing buffer is double-buffered with the writer: requests append their frames to
//! `outbox` while the writer writes the previous batch from its own buffer, then the two swap.
//! Sending a request allocates nothing but its answer's channel.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio::sync::{broadcast, oneshot, watch, Notify};
use tokio::time::Instant;

use super::error::ConnectionError;
use super::stream_ids::{StreamTable, StreamTicket};
use crate::protocol::frame::{encode_request_parts, RequestEnvelope, ResponseFrame};
use crate::protocol::request::Request;
use crate::protocol::response::Event;
use crate::protocol::ProtocolVersion;

/// Where the reader delivers one answer.
pub(crate) type Waiter = oneshot::Sender<Result<ResponseFrame, ConnectionError>>;

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
    streams: Mutex<StreamTable<Waiter>>,
    /// Encoded frames waiting for the writer.
    outbox: Mutex<Vec<u8>>,
    /// Woken when `outbox` stops being empty.
    pub(crate) writer_wake: Notify,
    pub(crate) events: broadcast::Sender<Event>,
    closed: Mutex<Option<ConnectionError>>,
    shutdown: watch::Sender<bool>,
    pub(crate) activity: Activity,
    /// How many write calls the writer made (each carries one or more frames).
    pub(crate) write_calls: AtomicU64,
}

impl Shared {
    pub(crate) fn new(version: ProtocolVersion, max_streams: usize) -> Self {
        let (events, _) = broadcast::channel(256);
        let (shutdown, _) = watch::channel(false);
        Shared {
            version,
            streams: Mutex::new(StreamTable::new(max_streams)),
            outbox: Mutex::new(Vec::new()),
            writer_wake: Notify::new(),
            events,
            closed: Mutex::new(None),
            shutdown,
            activity: Activity::new(),
            write_calls: AtomicU64::new(0),
        }
    }

    pub(crate) fn streams(&self) -> MutexGuard<'_, StreamTable<Waiter>> {
        // The table stays consistent even if a holder panicked: every update is one statement.
        self.streams.lock().unwrap_or_else(PoisonError::into_inner)
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

    /// Why the connection closed, if it did.
    pub(crate) fn closed_reason(&self) -> Option<ConnectionError> {
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
        self.shutdown.send_replace(true);
    }

    /// Fails every waiting request with the close reason; called by the reader as it ends.
    pub(crate) fn fail_waiters(&self) {
        let reason = self
            .closed_reason()
            .unwrap_or_else(|| ConnectionError::closed("the connection ended"));
        let waiters = self.streams().drain();
        for waiter in waiters {
            let _ = waiter.send(Err(reason.clone()));
        }
    }

    fn closed_error(&self) -> ConnectionError {
        self.closed_reason()
            .unwrap_or_else(|| ConnectionError::closed("the connection ended"))
    }

    /// Sends `request` and waits for its answer. Dropping the returned future before it
    /// finishes orphans the stream id; it is freed when the late answer arrives.
    pub(crate) async fn send(
        &self,
        request: &Request,
        tracing: bool,
    ) -> Result<ResponseFrame, ConnectionError> {
        if let Some(reason) = self.closed_reason() {
            return Err(reason);
        }
        let (tx, rx) = oneshot::channel();
        let ticket = match self.streams().allocate(tx) {
            Some(ticket) => ticket,
            None => {
                return Err(self
                    .closed_reason()
                    .unwrap_or(ConnectionError::StreamIdsExhausted))
            }
        };
        let mut in_flight = InFlight {
            shared: self,
            ticket,
            answered: false,
        };
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
                in_flight.release();
                return Err(ConnectionError::Encode(e));
            }
        }
        let answer = rx.await;
        in_flight.answered = true;
        match answer {
            Ok(result) => result,
            Err(_) => Err(self.closed_error()),
        }
    }
}

/// A request waiting for its answer; orphans its stream id if dropped early.
struct InFlight<'a> {
    shared: &'a Shared,
    ticket: StreamTicket,
    answered: bool,
}

impl InFlight<'_> {
    fn release(&mut self) {
        self.shared.streams().release(self.ticket);
        self.answered = true;
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if !self.answered {
            self.shared.streams().orphan(self.ticket);
        }
    }
}
