//! Stream ids: a slab of slots with a free list, so allocating and routing are O(1) without a map.
//!
//! A slot is free, holds the waiter of an in-flight request, or is orphaned: its caller gave up
//! (dropped its future or timed out) before the answer came. An orphaned id is not reused until
//! the late answer arrives, because reusing it would hand that answer to the wrong request.

/// The largest number of streams a v4/v5 connection can have in flight (ids 0..=32767).
pub const MAX_STREAMS: usize = 32_768;

enum Slot<T> {
    Free,
    Waiting { generation: u32, waiter: T },
    Orphaned,
}

/// What became of a stream whose answer arrived.
pub(crate) enum Completion<T> {
    /// A caller waits: here is its waiter; the id is free again.
    Waiting(T),
    /// The caller had given up; the id is free again.
    Orphaned,
    /// No request used this id: the server answered something never asked.
    Unknown,
}

/// Allocates stream ids and remembers who waits on each.
pub(crate) struct StreamTable<T> {
    slots: Vec<Slot<T>>,
    free: Vec<i16>,
    max: usize,
    in_flight: usize,
    orphaned: usize,
    next_generation: u32,
}

/// An allocated stream: the id and a generation that tells this use of the id from later ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StreamTicket {
    pub(crate) id: i16,
    generation: u32,
}

impl<T> StreamTable<T> {
    /// A table of at most `max` ids (capped at [`MAX_STREAMS`]).
    pub(crate) fn new(max: usize) -> Self {
        StreamTable {
            slots: Vec::new(),
            free: Vec::new(),
            max: max.clamp(1, MAX_STREAMS),
            in_flight: 0,
            orphaned: 0,
            next_generation: 0,
        }
    }

    /// Takes a free id for `waiter`; `None` when all ids are in flight or orphaned.
    pub(crate) fn allocate(&mut self, waiter: T) -> Option<StreamTicket> {
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
        *slot = Slot::Waiting { generation, waiter };
        self.in_flight += 1;
        Some(StreamTicket { id, generation })
    }

    fn slot_mut(&mut self, id: i16) -> Option<&mut Slot<T>> {
        let index = usize::try_from(id).ok()?;
        self.slots.get_mut(index)
    }

    /// The answer for `id` arrived: frees the id and returns who waited.
    pub(crate) fn complete(&mut self, id: i16) -> Completion<T> {
        let Some(slot) = self.slot_mut(id) else {
            return Completion::Unknown;
        };
        match std::mem::replace(slot, Slot::Free) {
            Slot::Free => Completion::Unknown,
            Slot::Waiting { waiter, .. } => {
                self.in_flight -= 1;
                self.free.push(id);
                Completion::Waiting(waiter)
            }
            Slot::Orphaned => {
                self.in_flight -= 1;
                self.orphaned -= 1;
                self.free.push(id);
                Completion::Orphaned
            }
        }
    }

    /// The caller of `ticket` gave up: the id stays taken until its answer arrives.
    /// Does nothing if that request was already answered.
    pub(crate) fn orphan(&mut self, ticket: StreamTicket) {
        let Some(slot) = self.slot_mut(ticket.id) else {
            return;
        };
        if matches!(slot, Slot::Waiting { generation, .. } if *generation == ticket.generation) {
            *slot = Slot::Orphaned;
            self.orphaned += 1;
        }
    }

    /// The request of `ticket` was never sent: frees the id at once.
    pub(crate) fn release(&mut self, ticket: StreamTicket) {
        let Some(slot) = self.slot_mut(ticket.id) else {
            return;
        };
        if matches!(slot, Slot::Waiting { generation, .. } if *generation == ticket.generation) {
            *slot = Slot::Free;
            self.in_flight -= 1;
            self.free.push(ticket.id);
        }
    }

    /// The connection ended: returns every waiter and forgets all streams.
    pub(crate) fn drain(&mut self) -> Vec<T> {
        let waiters = self
            .slots
            .drain(..)
            .filter_map(|slot| match slot {
                Slot::Waiting { waiter, .. } => Some(waiter),
                Slot::Free | Slot::Orphaned => None,
            })
            .collect();
        self.free.clear();
        self.in_flight = 0;
        self.orphaned = 0;
        // No id may be handed out after the connection ended.
        self.max = 0;
        waiters
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
    use super::*;

    #[test]
    fn allocates_reuses_and_exhausts() {
        let mut t = StreamTable::new(3);
        let a = t.allocate('a').unwrap();
        let b = t.allocate('b').unwrap();
        let c = t.allocate('c').unwrap();
        assert_eq!((a.id, b.id, c.id), (0, 1, 2));
        assert!(t.allocate('d').is_none());
        assert!(matches!(t.complete(1), Completion::Waiting('b')));
        assert_eq!(t.allocate('e').unwrap().id, 1);
        assert_eq!(t.in_flight(), 3);
    }

    #[test]
    fn orphaned_id_is_freed_only_by_its_answer() {
        let mut t = StreamTable::new(2);
        let a = t.allocate(1).unwrap();
        t.orphan(a);
        assert_eq!(t.orphaned(), 1);
        let b = t.allocate(2).unwrap();
        assert_ne!(a.id, b.id);
        assert!(t.allocate(3).is_none());
        assert!(matches!(t.complete(a.id), Completion::Orphaned));
        assert_eq!(t.orphaned(), 0);
        assert_eq!(t.allocate(4).unwrap().id, a.id);
    }

    #[test]
    fn stale_ticket_does_not_touch_a_reused_id() {
        let mut t = StreamTable::new(1);
        let a = t.allocate(1).unwrap();
        assert!(matches!(t.complete(a.id), Completion::Waiting(1)));
        let b = t.allocate(2).unwrap();
        assert_eq!(a.id, b.id);
        t.orphan(a);
        t.release(a);
        assert_eq!(t.orphaned(), 0);
        assert!(matches!(t.complete(b.id), Completion::Waiting(2)));
    }

    #[test]
    fn unknown_and_negative_ids() {
        let mut t: StreamTable<()> = StreamTable::new(4);
        assert!(matches!(t.complete(0), Completion::Unknown));
        assert!(matches!(t.complete(-1), Completion::Unknown));
        assert!(matches!(t.complete(i16::MAX), Completion::Unknown));
    }

    #[test]
    fn drain_returns_waiters_and_refuses_new_ids() {
        let mut t = StreamTable::new(8);
        t.allocate(1).unwrap();
        let b = t.allocate(2).unwrap();
        t.orphan(b);
        assert_eq!(t.drain(), vec![1]);
        assert!(t.allocate(3).is_none());
    }

    #[test]
    fn full_range_of_ids() {
        let mut t = StreamTable::new(MAX_STREAMS);
        for expected in 0..MAX_STREAMS {
            let ticket = t.allocate(()).unwrap();
            assert_eq!(usize::try_from(ticket.id).unwrap(), expected);
        }
        assert!(t.allocate(()).is_none());
    }
}
