//! State shared by a connection's handle and its tasks, and the request path: allocate a stream,
//! encode, queue for the writer, await the answer routed back by the reader.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::time::Instant;

use super::error::ConnectionError;
use super::stream_ids::{StreamTable, StreamTicket};
use crate::protocol::frame::{encode_request, RequestFrame, ResponseFrame};
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
    writer: mpsc::UnboundedSender<Vec<u8>>,
    pub(crate) events: broadcast::Sender<Event>,
    closed: Mutex<Option<ConnectionError>>,
    shutdown: watch::Sender<bool>,
    pub(crate) activity: Activity,
    /// How many write calls the writer made (each carries one or more frames).
    pub(crate) write_calls: AtomicU64,
}

impl Shared {
    pub(crate) fn new(
        version: ProtocolVersion,
        max_streams: usize,
        writer: mpsc::UnboundedSender<Vec<u8>>,
    ) -> Self {
        let (events, _) = broadcast::channel(256);
        let (shutdown, _) = watch::channel(false);
        Shared {
            version,
            streams: Mutex::new(StreamTable::new(max_streams)),
            writer,
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
        request: Request,
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
        let frame = RequestFrame {
            stream: ticket.id,
            tracing,
            custom_payload: None,
            request,
        };
        let mut bytes = Vec::new();
        if let Err(e) = encode_request(self.version, &frame, &mut bytes) {
            in_flight.release();
            return Err(ConnectionError::Encode(e));
        }
        if self.writer.send(bytes).is_err() {
            in_flight.release();
            return Err(self.closed_error());
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
