//! The token ring: every node's tokens, sorted, each with the index of the node that owns it.
//!
//! A token `t` belongs to the range `(previous ring token, t']`, so a partition whose token is
//! `t` is first owned by the node holding the first ring token `>= t`, wrapping round to the
//! smallest ring token past the largest.
//!
//! ```
//! use ringbolt_driver::cluster::ring::TokenRing;
//! use ringbolt_driver::cluster::token::Token;
//! use ringbolt_driver::cluster::topology::NodeInfo;
//!
//! let node = |i: u8, tokens: Vec<i64>| {
//!     NodeInfo::new(uuid::Uuid::from_u128(i.into()), ([127, 0, 0, i], 9042).into(), "dc1", "r1")
//!         .with_tokens(tokens)
//! };
//! let ring = TokenRing::new(&[node(1, vec![0, 200]), node(2, vec![100])]);
//! assert_eq!(ring.primary_owner(Token(50)), Some(1));   // first token >= 50 is 100
//! assert_eq!(ring.primary_owner(Token(150)), Some(0));  // 200
//! assert_eq!(ring.primary_owner(Token(250)), Some(0));  // wraps to 0
//! ```

use super::token::Token;
use super::topology::NodeInfo;

/// All ring tokens in ascending order, each with the index (into the node list the ring was
/// built from) of its owner.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenRing {
    entries: Vec<(Token, usize)>,
}

impl TokenRing {
    /// Builds the ring from the nodes' tokens. When two nodes claim the same token (a node
    /// being replaced, stale peers rows), the node listed first keeps it.
    ///
    /// ```
    /// # use ringbolt_driver::cluster::{ring::TokenRing, topology::NodeInfo};
    /// let n = NodeInfo::new(uuid::Uuid::nil(), "127.0.0.1:9042".parse().unwrap(), "dc1", "r1")
    ///     .with_tokens(vec![5, -5]);
    /// assert_eq!(TokenRing::new(&[n]).len(), 2);
    /// ```
    pub fn new(nodes: &[NodeInfo]) -> TokenRing {
        let mut entries: Vec<(Token, usize)> = nodes
            .iter()
            .enumerate()
            .flat_map(|(i, n)| n.tokens.iter().map(move |&t| (Token(t), i)))
            .collect();
        entries.sort_unstable();
        entries.dedup_by_key(|e| e.0);
        TokenRing { entries }
    }

    /// How many tokens the ring holds.
    ///
    /// ```
    /// # use ringbolt_driver::cluster::ring::TokenRing;
    /// assert_eq!(TokenRing::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no node owns any token (token-aware routing is then impossible).
    ///
    /// ```
    /// # use ringbolt_driver::cluster::ring::TokenRing;
    /// assert!(TokenRing::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The ring's `(token, owner index)` entries in ascending token order.
    ///
    /// ```
    /// # use ringbolt_driver::cluster::{ring::TokenRing, token::Token, topology::NodeInfo};
    /// let n = NodeInfo::new(uuid::Uuid::nil(), "127.0.0.1:9042".parse().unwrap(), "dc1", "r1")
    ///     .with_tokens(vec![5, -5]);
    /// assert_eq!(TokenRing::new(&[n]).entries(), [(Token(-5), 0), (Token(5), 0)]);
    /// ```
    pub fn entries(&self) -> &[(Token, usize)] {
        &self.entries
    }

    /// The position in [`entries`](Self::entries) of the first ring token `>= token`, wrapping
    /// to 0 past the last one; `None` for an empty ring.
    ///
    /// ```
    /// # use ringbolt_driver::cluster::{ring::TokenRing, token::Token, topology::NodeInfo};
    /// let n = NodeInfo::new(uuid::Uuid::nil(), "127.0.0.1:9042".parse().unwrap(), "dc1", "r1")
    ///     .with_tokens(vec![0, 10]);
    /// let ring = TokenRing::new(&[n]);
    /// assert_eq!(ring.position(Token(10)), Some(1));
    /// assert_eq!(ring.position(Token(11)), Some(0));
    /// ```
    pub fn position(&self, token: Token) -> Option<usize> {
        if self.entries.is_empty() {
            return None;
        }
        let p = self.entries.partition_point(|e| e.0 < token);
        Some(if p == self.entries.len() { 0 } else { p })
    }

    /// The node owning the range `token` falls in (its first replica under any strategy that
    /// walks the ring).
    ///
    /// ```
    /// # use ringbolt_driver::cluster::{ring::TokenRing, token::Token};
    /// assert_eq!(TokenRing::default().primary_owner(Token(1)), None);
    /// ```
    pub fn primary_owner(&self, token: Token) -> Option<usize> {
        let p = self.position(token)?;
        self.entries.get(p).map(|e| e.1)
    }

    /// Every ring entry once, starting at `position` and wrapping round (Cassandra's ring
    /// iterator). An out-of-range position yields nothing.
    ///
    /// ```
    /// # use ringbolt_driver::cluster::{ring::TokenRing, token::Token, topology::NodeInfo};
    /// let n = NodeInfo::new(uuid::Uuid::nil(), "127.0.0.1:9042".parse().unwrap(), "dc1", "r1")
    ///     .with_tokens(vec![1, 2, 3]);
    /// let ring = TokenRing::new(&[n]);
    /// let walk: Vec<_> = ring.walk_from(1).map(|(t, _)| t.0).collect();
    /// assert_eq!(walk, [2, 3, 1]);
    /// ```
    pub fn walk_from(&self, position: usize) -> impl Iterator<Item = (Token, usize)> + '_ {
        let (before, after) = if position < self.entries.len() {
            self.entries.split_at(position)
        } else {
            (&[][..], &[][..])
        };
        after.iter().chain(before.iter()).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(i: u8, tokens: Vec<i64>) -> NodeInfo {
        NodeInfo::new(
            uuid::Uuid::from_u128(i.into()),
            ([127, 0, 0, i], 9042).into(),
            "dc1",
            "r1",
        )
        .with_tokens(tokens)
    }

    #[test]
    fn sorted_with_owners_and_duplicates_kept_by_first_node() {
        let ring = TokenRing::new(&[node(1, vec![30, -10]), node(2, vec![20, 30])]);
        assert_eq!(
            ring.entries(),
            [(Token(-10), 0), (Token(20), 1), (Token(30), 0)]
        );
    }

    #[test]
    fn ownership_is_first_token_at_or_after() {
        let ring = TokenRing::new(&[node(1, vec![-100, 100]), node(2, vec![0])]);
        assert_eq!(ring.primary_owner(Token(i64::MIN)), Some(0));
        assert_eq!(ring.primary_owner(Token(-100)), Some(0));
        assert_eq!(ring.primary_owner(Token(-99)), Some(1));
        assert_eq!(ring.primary_owner(Token(0)), Some(1));
        assert_eq!(ring.primary_owner(Token(1)), Some(0));
        assert_eq!(ring.primary_owner(Token(101)), Some(0));
        assert_eq!(ring.primary_owner(Token(i64::MAX)), Some(0));
    }

    #[test]
    fn walk_wraps_and_visits_each_entry_once() {
        let ring = TokenRing::new(&[node(1, vec![1, 3]), node(2, vec![2])]);
        let walk: Vec<_> = ring.walk_from(2).collect();
        assert_eq!(walk, [(Token(3), 0), (Token(1), 0), (Token(2), 1)]);
        assert_eq!(ring.walk_from(3).count(), 0);
        assert_eq!(TokenRing::default().walk_from(0).count(), 0);
    }
}
