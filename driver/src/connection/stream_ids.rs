//! Stream ids: a slab of slots with a free list, so allocating and routing are O(1) without a map,
//! and the answer to a request waits in its own slot (no channel per request).
//!
//! A slot is free, waits for an answer (holding the waker of the request's task and, for
//! requests with a deadline, that deadline), holds the answer until the request takes it, holds a
//! failure (the connection ended), or is orphaned: its caller gave up (dropped its future, or its
//! deadline passed) before the answer came. An id is reused only once its slot is free: an
//! orphaned id waits for the late answer, because reusing it would hand that answer to the wrong
//! request.
//!
//! Deadlines are enforced by sweeps ([`StreamTable::expire`], run by the connection's deadline
//! task every few milliseconds while requests are in flight), so a request with a deadline
//! registers no timer of its own.

use std::task::{Poll, Waker};

use tokio::time::Instant;

/// The largest number of streams a v4/v5 connection can have in flight (ids 0..=32767).
pub const MAX_STREAMS: usize = 32_768;

enum Slot<A> {
    Free,
    Waiting {
        generation: u32,
        waker: Option<Waker>,
        deadline: Option<Instant>,
    },
    Answered {
        generation: u32,
        answer: A,
    },
    Failed {
        generation: u32,
    },
    /// The caller gave up; `expired` holds its generation while it has not yet learnt that its
    /// deadline passed (a sweep expired it and woke it).
    Orphaned {
        expired: Option<u32>,
    },
}

/// What became of a stream whose answer arrived.
#[derive(Debug)]
pub(crate) enum Completion {
    /// A caller waits: its answer is in the slot; wake this waker (outside the lock).
    Delivered(Option<Waker>),
    /// The caller had given up; the id is free again.
    Orphaned,
    /// No request waits on this id: the server answered something never asked.
    Unknown,
}

/// What a request finds in its slot.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Answer<A> {
    /// The answer; the id is free again.
    Arrived(A),
    /// The connection ended before the answer came (or the ticket is not this table's).
    Failed,
    /// The request's deadline passed first; the id stays taken until the late answer comes.
    Expired,
}

/// Allocates stream ids and holds each request's answer until it is taken.
pub(crate) struct StreamTable<A> {
    slots: Vec<Slot<A>>,
    free: Vec<i16>,
    max: usize,
    in_flight: usize,
    orphaned: usize,
    next_generation: u32,
    /// Set when the connection ended: no id is handed out again.
    ended: bool,
}

/// An allocated stream: the id and a generation that tells this use of the id from later ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StreamTicket {
    pub(crate) id: i16,
    generation: u32,
}

impl<A> StreamTable<A> {
    /// A table of at most `max` ids (capped at [`MAX_STREAMS`]).
    pub(crate) fn new(max: usize) -> Self {
        StreamTable {
            slots: Vec::new(),
            free: Vec::new(),
            max: max.clamp(1, MAX_STREAMS),
            in_flight: 0,
            orphaned: 0,
            next_generation: 0,
            ended: false,
        }
    }

    /// Takes a free id for a request whose task `waker` wakes and that gives up at `deadline`
    /// (see [`expire`](Self::expire)); `None` when every id is taken (in flight, orphaned, or
    /// answered and not yet collected) or the connection ended.
    pub(crate) fn allocate(
        &mut self,
        waker: Waker,
        deadline: Option<Instant>,
    ) -> Option<StreamTicket> {
        if self.ended {
            return None;
        }
        let id = match self.free.pop() {
            Some(id) => id,
            None if self.slots.len() < self.max => {
                let id = i16::try_from(self.slots.len()).ok()?;
                self.slots.push(Slot::Free);
                id
            }
            None => return None,
        };
        let generation = self.next_generation;
        self.next_generation = self.next_generation.wrapping_add(1);
        let slot = self.slots.get_mut(usize::try_from(id).ok()?)?;
        *slot = Slot::Waiting {
            generation,
            waker: Some(waker),
            deadline,
        };
        self.in_flight += 1;
        Some(StreamTicket { id, generation })
    }

    fn slot_mut(&mut self, id: i16) -> Option<&mut Slot<A>> {
        let index = usize::try_from(id).ok()?;
        self.slots.get_mut(index)
    }

    fn free_slot(&mut self, id: i16) {
        if let Some(slot) = self.slot_mut(id) {
            *slot = Slot::Free;
            self.free.push(id);
        }
    }

    /// The answer for `id` arrived: stores it for its request, or frees an orphaned id.
    pub(crate) fn complete(&mut self, id: i16, answer: A) -> Completion {
        let Some(slot) = self.slot_mut(id) else {
            return Completion::Unknown;
        };
        match slot {
            Slot::Waiting {
                generation, waker, ..
            } => {
                let waker = waker.take();
                *slot = Slot::Answered {
                    generation: *generation,
                    answer,
                };
                self.in_flight -= 1;
                Completion::Delivered(waker)
            }
            // Expired, but its request has not looked yet (it was woken): the answer is in
            // time after all.
            Slot::Orphaned {
                expired: Some(generation),
            } => {
                *slot = Slot::Answered {
                    generation: *generation,
                    answer,
                };
                self.in_flight -= 1;
                self.orphaned -= 1;
                Completion::Delivered(None)
            }
            Slot::Orphaned { expired: None } => {
                self.in_flight -= 1;
                self.orphaned -= 1;
                self.free_slot(id);
                Completion::Orphaned
            }
            // A second answer on one id, or one on an id never used.
            Slot::Free | Slot::Answered { .. } | Slot::Failed { .. } => Completion::Unknown,
        }
    }

    /// The request of `ticket` looks for its answer: takes it (freeing the id) when it is there;
    /// otherwise remembers `waker` (the task to wake when it comes) and returns `Pending`.
    pub(crate) fn poll_answer(&mut self, ticket: StreamTicket, waker: &Waker) -> Poll<Answer<A>> {
        let Some(slot) = self.slot_mut(ticket.id) else {
            return Poll::Ready(Answer::Failed);
        };
        match slot {
            Slot::Waiting {
                generation,
                waker: stored,
                ..
            } if *generation == ticket.generation => {
                if !stored.as_ref().is_some_and(|w| w.will_wake(waker)) {
                    *stored = Some(waker.clone());
                }
                Poll::Pending
            }
            Slot::Answered { generation, .. } if *generation == ticket.generation => {
                let Slot::Answered { answer, .. } = std::mem::replace(slot, Slot::Free) else {
                    return Poll::Ready(Answer::Failed);
                };
                self.free.push(ticket.id);
                Poll::Ready(Answer::Arrived(answer))
            }
            Slot::Failed { generation } if *generation == ticket.generation => {
                *slot = Slot::Free;
                Poll::Ready(Answer::Failed)
            }
            Slot::Orphaned { expired } if *expired == Some(ticket.generation) => {
                *expired = None;
                Poll::Ready(Answer::Expired)
            }
            // The id moved on without this request: only possible if the table was reset.
            _ => Poll::Ready(Answer::Failed),
        }
    }

    /// The caller of `ticket` gave up. A request still waiting leaves its id orphaned until
    /// the answer arrives; an answer that came but was not taken is dropped and the id freed.
    pub(crate) fn cancel(&mut self, ticket: StreamTicket) {
        let Some(slot) = self.slot_mut(ticket.id) else {
            return;
        };
        match slot {
            Slot::Waiting { generation, .. } if *generation == ticket.generation => {
                *slot = Slot::Orphaned { expired: None };
                self.orphaned += 1;
            }
            Slot::Orphaned { expired } if *expired == Some(ticket.generation) => {
                *expired = None;
            }
            Slot::Answered { generation, .. } if *generation == ticket.generation => {
                self.free_slot(ticket.id);
            }
            Slot::Failed { generation } if *generation == ticket.generation => {
                *slot = Slot::Free;
            }
            _ => {}
        }
    }

    /// The request of `ticket` was never sent: frees the id at once.
    pub(crate) fn release(&mut self, ticket: StreamTicket) {
        let Some(slot) = self.slot_mut(ticket.id) else {
            return;
        };
        if matches!(slot, Slot::Waiting { generation, .. } if *generation == ticket.generation) {
            self.in_flight -= 1;
            self.free_slot(ticket.id);
        }
    }

    /// The connection ended: every waiting request fails, orphaned ids are forgotten and no
    /// id is handed out again. Returns the wakers of the failed requests.
    pub(crate) fn fail_all(&mut self) -> Vec<Waker> {
        let mut wakers = Vec::new();
        for slot in &mut self.slots {
            match slot {
                Slot::Waiting {
                    generation, waker, ..
                } => {
                    wakers.extend(waker.take());
                    *slot = Slot::Failed {
                        generation: *generation,
                    };
                }
                // Expired and woken, not yet seen: it learns of the end instead.
                Slot::Orphaned {
                    expired: Some(generation),
                } => {
                    *slot = Slot::Failed {
                        generation: *generation,
                    }
                }
                Slot::Orphaned { expired: None } => *slot = Slot::Free,
                Slot::Free | Slot::Answered { .. } | Slot::Failed { .. } => {}
            }
        }
        self.free.clear();
        self.in_flight = 0;
        self.orphaned = 0;
        self.ended = true;
        wakers
    }

    /// Expires every waiting request whose deadline is `now` or earlier: its id becomes
    /// orphaned (taken until the late answer comes), and its waker goes to `wakers` (to wake
    /// outside the lock; the request then finds [`Answer::Expired`]). Returns how many expired.
    pub(crate) fn expire(&mut self, now: Instant, wakers: &mut Vec<Waker>) -> usize {
        let mut expired = 0;
        for slot in &mut self.slots {
            if let Slot::Waiting {
                generation,
                waker,
                deadline: Some(deadline),
            } = slot
            {
                if *deadline <= now {
                    wakers.extend(waker.take());
                    *slot = Slot::Orphaned {
                        expired: Some(*generation),
                    };
                    expired += 1;
                }
            }
        }
        self.orphaned += expired;
        expired
    }

    /// Streams sent and not yet answered, orphaned ones included.
    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// Streams whose caller gave up and whose answer has not arrived yet.
    pub(crate) fn orphaned(&self) -> usize {
        self.orphaned
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::Wake;

    use super::*;

    fn noop() -> Waker {
        futures::task::noop_waker()
    }

    /// A waker that counts its wake-ups.
    struct Counter(AtomicUsize);
    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn take<A>(t: &mut StreamTable<A>, ticket: StreamTicket) -> Poll<Answer<A>> {
        t.poll_answer(ticket, &noop())
    }

    #[test]
    fn allocates_reuses_and_exhausts() {
        let mut t = StreamTable::new(3);
        let a = t.allocate(noop(), None).unwrap();
        let b = t.allocate(noop(), None).unwrap();
        let c = t.allocate(noop(), None).unwrap();
        assert_eq!((a.id, b.id, c.id), (0, 1, 2));
        assert!(t.allocate(noop(), None).is_none());
        assert!(matches!(t.complete(1, 'b'), Completion::Delivered(Some(_))));
        assert_eq!(t.in_flight(), 2);
        // Answered but not collected: the id is still taken.
        assert!(t.allocate(noop(), None).is_none());
        assert_eq!(take(&mut t, b), Poll::Ready(Answer::Arrived('b')));
        assert_eq!(t.allocate(noop(), None).unwrap().id, 1);
        assert_eq!(t.in_flight(), 3);
    }

    #[test]
    fn the_answer_waits_for_its_request_and_wakes_it() {
        let mut t = StreamTable::new(4);
        let counter = Arc::new(Counter(AtomicUsize::new(0)));
        let waker = Waker::from(counter.clone());
        let a = t.allocate(noop(), None).unwrap();
        assert_eq!(t.poll_answer(a, &waker), Poll::Pending);
        let Completion::Delivered(Some(to_wake)) = t.complete(a.id, 7) else {
            panic!("the request waits");
        };
        to_wake.wake();
        assert_eq!(counter.0.load(Ordering::SeqCst), 1);
        assert_eq!(t.poll_answer(a, &waker), Poll::Ready(Answer::Arrived(7)));
        // Taken once: the id is free, the ticket stale.
        assert_eq!(t.poll_answer(a, &waker), Poll::Ready(Answer::Failed));
        assert!(matches!(t.complete(a.id, 8), Completion::Unknown));
    }

    #[test]
    fn orphaned_id_is_freed_only_by_its_answer() {
        let mut t = StreamTable::new(2);
        let a = t.allocate(noop(), None).unwrap();
        t.cancel(a);
        assert_eq!(t.orphaned(), 1);
        let b = t.allocate(noop(), None).unwrap();
        assert_ne!(a.id, b.id);
        assert!(t.allocate(noop(), None).is_none());
        assert!(matches!(t.complete(a.id, 1), Completion::Orphaned));
        assert_eq!((t.orphaned(), t.in_flight()), (0, 1));
        assert_eq!(t.allocate(noop(), None).unwrap().id, a.id);
    }

    #[test]
    fn an_answer_nobody_takes_is_dropped_on_cancel() {
        let mut t = StreamTable::new(1);
        let a = t.allocate(noop(), None).unwrap();
        assert!(matches!(t.complete(a.id, 1), Completion::Delivered(_)));
        t.cancel(a);
        assert_eq!((t.orphaned(), t.in_flight()), (0, 0));
        assert_eq!(t.allocate(noop(), None).unwrap().id, a.id);
    }

    #[test]
    fn stale_ticket_does_not_touch_a_reused_id() {
        let mut t = StreamTable::new(1);
        let a = t.allocate(noop(), None).unwrap();
        assert!(matches!(t.complete(a.id, 1), Completion::Delivered(_)));
        assert_eq!(take(&mut t, a), Poll::Ready(Answer::Arrived(1)));
        let b = t.allocate(noop(), None).unwrap();
        assert_eq!(a.id, b.id);
        t.cancel(a);
        t.release(a);
        assert_eq!(take(&mut t, a), Poll::Ready(Answer::Failed));
        assert_eq!(t.orphaned(), 0);
        assert!(matches!(t.complete(b.id, 2), Completion::Delivered(_)));
        assert_eq!(take(&mut t, b), Poll::Ready(Answer::Arrived(2)));
    }

    #[test]
    fn release_frees_a_request_never_sent() {
        let mut t: StreamTable<()> = StreamTable::new(1);
        let a = t.allocate(noop(), None).unwrap();
        t.release(a);
        assert_eq!(t.in_flight(), 0);
        assert_eq!(t.allocate(noop(), None).unwrap().id, a.id);
    }

    #[test]
    fn unknown_negative_and_repeated_ids() {
        let mut t: StreamTable<()> = StreamTable::new(4);
        assert!(matches!(t.complete(0, ()), Completion::Unknown));
        assert!(matches!(t.complete(-1, ()), Completion::Unknown));
        assert!(matches!(t.complete(i16::MAX, ()), Completion::Unknown));
        let a = t.allocate(noop(), None).unwrap();
        assert!(matches!(t.complete(a.id, ()), Completion::Delivered(_)));
        assert!(matches!(t.complete(a.id, ()), Completion::Unknown));
    }

    #[test]
    fn fail_all_fails_waiters_wakes_them_and_refuses_new_ids() {
        let mut t = StreamTable::new(8);
        let counter = Arc::new(Counter(AtomicUsize::new(0)));
        let a = t.allocate(Waker::from(counter.clone()), None).unwrap();
        let b = t.allocate(noop(), None).unwrap();
        t.cancel(b);
        let c = t.allocate(noop(), None).unwrap();
        assert!(matches!(t.complete(c.id, 3), Completion::Delivered(_)));
        let wakers = t.fail_all();
        assert_eq!(wakers.len(), 1);
        wakers.into_iter().for_each(Waker::wake);
        assert_eq!(counter.0.load(Ordering::SeqCst), 1);
        assert_eq!((t.in_flight(), t.orphaned()), (0, 0));
        assert_eq!(take(&mut t, a), Poll::Ready(Answer::Failed));
        // An answer that arrived before the end is still handed over.
        assert_eq!(take(&mut t, c), Poll::Ready(Answer::Arrived(3)));
        assert!(t.allocate(noop(), None).is_none());
    }

    #[test]
    fn expired_requests_are_woken_and_keep_their_id_until_the_late_answer() {
        let mut t = StreamTable::new(4);
        let now = Instant::now();
        let counter = Arc::new(Counter(AtomicUsize::new(0)));
        let due = t.allocate(Waker::from(counter.clone()), Some(now)).unwrap();
        let later = t
            .allocate(noop(), Some(now + std::time::Duration::from_secs(60)))
            .unwrap();
        let never = t.allocate(noop(), None).unwrap();
        let mut wakers = Vec::new();
        assert_eq!(t.expire(now, &mut wakers), 1);
        assert_eq!(wakers.len(), 1);
        wakers.drain(..).for_each(Waker::wake);
        assert_eq!(counter.0.load(Ordering::SeqCst), 1);
        assert_eq!((t.in_flight(), t.orphaned()), (3, 1));
        assert_eq!(take(&mut t, due), Poll::Ready(Answer::Expired));
        // Told once; the id waits for the late answer, which frees it.
        assert_eq!(take(&mut t, due), Poll::Ready(Answer::Failed));
        t.cancel(due);
        assert_eq!(t.orphaned(), 1);
        assert!(matches!(t.complete(due.id, 1), Completion::Orphaned));
        assert_eq!((t.in_flight(), t.orphaned()), (2, 0));
        // Nothing else was due.
        assert_eq!(t.expire(now, &mut wakers), 0);
        assert_eq!(take(&mut t, later), Poll::Pending);
        assert_eq!(take(&mut t, never), Poll::Pending);
    }

    #[test]
    fn an_answer_racing_the_expiry_is_still_delivered() {
        let mut t = StreamTable::new(2);
        let now = Instant::now();
        let a = t.allocate(noop(), Some(now)).unwrap();
        let mut wakers = Vec::new();
        assert_eq!(t.expire(now, &mut wakers), 1);
        // The answer comes before the woken request looks.
        assert!(matches!(t.complete(a.id, 5), Completion::Delivered(None)));
        assert_eq!((t.in_flight(), t.orphaned()), (0, 0));
        assert_eq!(take(&mut t, a), Poll::Ready(Answer::Arrived(5)));
        // An expired request that drops without looking leaves a plain orphan.
        let b = t.allocate(noop(), Some(now)).unwrap();
        assert_eq!(t.expire(now, &mut wakers), 1);
        t.cancel(b);
        assert_eq!(t.orphaned(), 1);
        assert!(matches!(t.complete(b.id, 6), Completion::Orphaned));
        // And one the connection's end reaches first fails.
        let c = t.allocate(noop(), Some(now)).unwrap();
        assert_eq!(t.expire(now, &mut wakers), 1);
        t.fail_all();
        assert_eq!(take(&mut t, c), Poll::Ready(Answer::Failed));
    }

    #[test]
    fn full_range_of_ids() {
        let mut t: StreamTable<()> = StreamTable::new(MAX_STREAMS);
        for expected in 0..MAX_STREAMS {
            let ticket = t.allocate(noop(), None).unwrap();
            assert_eq!(usize::try_from(ticket.id).unwrap(), expected);
        }
        assert!(t.allocate(noop(), None).is_none());
    }
}
