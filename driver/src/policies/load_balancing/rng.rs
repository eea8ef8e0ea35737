//! Lock-free counters for rotation and shuffling, so policies stay `Sync` without a mutex and
//! are reproducible from a seed in tests.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// A round-robin starting offset: 0, 1, 2, ... per call.
#[derive(Debug, Default)]
pub(super) struct Rotation(AtomicUsize);

impl Rotation {
    pub(super) fn next(&self) -> usize {
        self.0.fetch_add(1, Ordering::Relaxed)
    }
}

/// A source of shuffles: each call draws a fresh SplitMix64 stream from an atomic counter.
#[derive(Debug)]
pub(super) struct Shuffler(AtomicU64);

impl Shuffler {
    pub(super) fn new(seed: u64) -> Shuffler {
        Shuffler(AtomicU64::new(seed))
    }

    pub(super) fn from_entropy() -> Shuffler {
        Shuffler::new(rand::random())
    }

    /// Shuffles `items` in place (Fisher-Yates).
    pub(super) fn shuffle<T>(&self, items: &mut [T]) {
        let mut state = self.0.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed);
        for i in (1..items.len()).rev() {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            // `i + 1` fits in u64; the remainder is at most `i`.
            let j = (z % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_is_a_permutation_and_varies() {
        let s = Shuffler::new(1);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..50 {
            let mut v = [0, 1, 2, 3];
            s.shuffle(&mut v);
            let mut sorted = v;
            sorted.sort_unstable();
            assert_eq!(sorted, [0, 1, 2, 3]);
            seen.insert(v);
        }
        assert!(seen.len() > 10, "only {} orders in 50 shuffles", seen.len());
    }

    #[test]
    fn rotation_counts_up() {
        let r = Rotation::default();
        assert_eq!((r.next(), r.next()), (0, 1));
    }
}
