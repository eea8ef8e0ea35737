//! Tokens and routing keys: Cassandra's `Murmur3Partitioner`, bit for bit.
//!
//! A partition key is hashed into a signed 64-bit [`Token`]; the node owning the first ring token
//! at or after it (wrapping round) is the partition's first replica. The hash is the first half
//! (`h1`) of MurmurHash3 x64_128 with seed 0, **as Cassandra implements it**: the trailing
//! `len % 16` bytes are read as signed Java bytes, so a tail byte `>= 0x80` is sign-extended
//! before it is shifted into place. That differs from the textbook hash, and a driver that uses
//! the textbook version routes some keys to the wrong nodes. Cassandra also never produces the
//! minimum token: `i64::MIN` becomes `i64::MAX`.
//!
//! A partition key of several columns is hashed over its `CompositeType` encoding, built by
//! [`composite_routing_key`].
//!
//! ```
//! use ringbolt_driver::cluster::token::{composite_routing_key, murmur3_token, Token};
//!
//! // An `int` partition key with value 1 (4 bytes, big endian).
//! assert_eq!(murmur3_token(&1i32.to_be_bytes()), -4069959284402364209);
//! // A two-column partition key (int 1, text 'abc').
//! let key = composite_routing_key(&[&1i32.to_be_bytes(), b"abc"]);
//! assert_eq!(Token::of(&key), Token(8771735466527499816));
//! ```

use std::fmt;

/// A position on the token ring (a `Murmur3Partitioner` token).
///
/// ```
/// use ringbolt_driver::cluster::token::Token;
/// assert!(Token(-5) < Token(3));
/// assert_eq!(Token::of(b"").value(), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Token(pub i64);

impl Token {
    /// The token of a serialized partition key (see [`murmur3_token`]).
    ///
    /// ```
    /// # use ringbolt_driver::cluster::token::Token;
    /// assert_eq!(Token::of(b"hello"), Token(-3758069500696749310));
    /// ```
    pub fn of(routing_key: &[u8]) -> Token {
        Token(murmur3_token(routing_key))
    }

    /// The token as the number Cassandra prints (`token(pk)` in CQL, `system.local.tokens`).
    pub fn value(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

const C1: u64 = 0x87c3_7b91_1142_53d5;
const C2: u64 = 0x4cf5_ad43_2745_937f;

fn fmix(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    k
}

fn mix_k1(k1: u64) -> u64 {
    k1.wrapping_mul(C1).rotate_left(31).wrapping_mul(C2)
}

fn mix_k2(k2: u64) -> u64 {
    k2.wrapping_mul(C2).rotate_left(33).wrapping_mul(C1)
}

/// A tail byte as Cassandra reads it: a signed Java byte widened to a long (sign-extended).
fn signed(b: u8) -> u64 {
    i64::from(b as i8) as u64
}

/// Folds up to 8 tail bytes into one lane, little endian, each byte sign-extended first, the
/// way Cassandra's `MurmurHash.hash3_x64_128` does with `(long) key.get(i) << shift`.
fn tail_lane(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .enumerate()
        .fold(0u64, |k, (i, &b)| k ^ (signed(b) << (8 * i)))
}

/// The token of a serialized partition key, exactly as Cassandra's `Murmur3Partitioner`
/// computes it (see the [module documentation](self) for the signed-tail detail).
///
/// ```
/// use ringbolt_driver::cluster::token::murmur3_token;
/// assert_eq!(murmur3_token(b""), 0);
/// assert_eq!(murmur3_token(b"hello"), -3758069500696749310);
/// // a tail byte above 0x7f is sign-extended, as in Cassandra
/// assert_eq!(murmur3_token(&[0x80]), -5284281814142962636);
/// ```
pub fn murmur3_token(key: &[u8]) -> i64 {
    let mut h1: u64 = 0;
    let mut h2: u64 = 0;
    let mut blocks = key.chunks_exact(16);
    for block in blocks.by_ref() {
        let (lo, hi) = block.split_at(8);
        let mut k1 = [0u8; 8];
        let mut k2 = [0u8; 8];
        k1.copy_from_slice(lo);
        k2.copy_from_slice(hi);
        h1 ^= mix_k1(u64::from_le_bytes(k1));
        h1 = h1
            .rotate_left(27)
            .wrapping_add(h2)
            .wrapping_mul(5)
            .wrapping_add(0x52dc_e729);
        h2 ^= mix_k2(u64::from_le_bytes(k2));
        h2 = h2
            .rotate_left(31)
            .wrapping_add(h1)
            .wrapping_mul(5)
            .wrapping_add(0x3849_5ab5);
    }
    let tail = blocks.remainder();
    if tail.len() > 8 {
        h2 ^= mix_k2(tail_lane(&tail[8..]));
    }
    if !tail.is_empty() {
        h1 ^= mix_k1(tail_lane(&tail[..tail.len().min(8)]));
    }
    // `usize` always fits in `u64` on supported targets; Java uses the length as a long.
    let len = key.len() as u64;
    h1 ^= len;
    h2 ^= len;
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 = h1.wrapping_add(h2);
    normalize(h1 as i64)
}

/// Cassandra's `Murmur3Partitioner` reserves `i64::MIN` as the ring's minimum token; a hash
/// equal to it becomes `i64::MAX`.
fn normalize(hash: i64) -> i64 {
    if hash == i64::MIN {
        i64::MAX
    } else {
        hash
    }
}

/// Why a routing key could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RoutingKeyError {
    /// A partition key component is longer than `CompositeType` can encode (65,535 bytes).
    /// Cassandra refuses such keys too; shorten the value.
    #[error("partition key component {index} is {len} bytes; Cassandra allows at most 65535")]
    ComponentTooLong {
        /// Position of the component in the partition key.
        index: usize,
        /// Its length in bytes.
        len: usize,
    },
}

/// The routing key of a multi-column partition key, as Cassandra's `CompositeType` encodes it:
/// each component as a 2-byte big-endian length, its bytes, then a 0x00 end-of-component byte.
/// Errors when a component is longer than 65,535 bytes.
///
/// ```
/// use ringbolt_driver::cluster::token::try_composite_routing_key;
/// let key = try_composite_routing_key(&[&[0x2a], b"ab"]).unwrap();
/// assert_eq!(key, [0, 1, 0x2a, 0, 0, 2, b'a', b'b', 0]);
/// assert!(try_composite_routing_key(&[&vec![0u8; 70_000]]).is_err());
/// ```
pub fn try_composite_routing_key(parts: &[&[u8]]) -> Result<Vec<u8>, RoutingKeyError> {
    let total: usize = parts.iter().map(|p| p.len().saturating_add(3)).sum();
    let mut out = Vec::with_capacity(total);
    for (index, part) in parts.iter().enumerate() {
        let len = u16::try_from(part.len()).map_err(|_| RoutingKeyError::ComponentTooLong {
            index,
            len: part.len(),
        })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(part);
        out.push(0);
    }
    Ok(out)
}

/// The routing key of a multi-column partition key (see [`try_composite_routing_key`]).
///
/// A component longer than 65,535 bytes cannot be encoded, and Cassandra rejects such a key
/// whatever node receives it. This function then returns an empty key (token 0), which still
/// routes the request to some replica set so the server reports the error; use
/// [`try_composite_routing_key`] to detect the case instead.
///
/// ```
/// use ringbolt_driver::cluster::token::composite_routing_key;
/// assert_eq!(composite_routing_key(&[b"a", b""]), [0, 1, b'a', 0, 0, 0, 0]);
/// ```
pub fn composite_routing_key(parts: &[&[u8]]) -> Vec<u8> {
    try_composite_routing_key(parts).unwrap_or_default()
}

#[cfg(test)]
#[path = "token_vectors.rs"]
mod token_vectors;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_vectors_from_the_python_driver() {
        for (key, expected) in token_vectors::VECTORS {
            assert_eq!(murmur3_token(key), *expected, "key {key:02x?}");
        }
        assert!(token_vectors::VECTORS.len() > 90);
    }

    #[test]
    fn tail_bytes_are_sign_extended() {
        // Values from the Python driver (Cassandra's signed-tail hash); a textbook murmur3
        // reading the tail unsigned agrees on 0x7f but not on 0x80.
        assert_eq!(murmur3_token(&[0x80]), -5284281814142962636);
        assert_eq!(murmur3_token(&[0x7f]), 5072634478945617755);
    }

    #[test]
    fn composite_keys_match_python_driver() {
        let key = composite_routing_key(&[&1i32.to_be_bytes(), b"abc"]);
        assert_eq!(
            key,
            [0x00, 0x04, 0, 0, 0, 1, 0x00, 0x00, 0x03, b'a', b'b', b'c', 0x00]
        );
        assert_eq!(murmur3_token(&key), 8771735466527499816);

        let uuid = [
            0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17,
            0x40, 0x00,
        ];
        let key = composite_routing_key(&[&uuid, &(-1i64).to_be_bytes(), "hé".as_bytes()]);
        assert_eq!(murmur3_token(&key), -8193039383965748279);
    }

    #[test]
    fn composite_key_rejects_oversized_component() {
        let big = vec![7u8; 65_536];
        assert_eq!(
            try_composite_routing_key(&[b"x", &big]),
            Err(RoutingKeyError::ComponentTooLong {
                index: 1,
                len: 65_536
            })
        );
        assert!(composite_routing_key(&[&big]).is_empty());
        let max = vec![7u8; 65_535];
        assert_eq!(composite_routing_key(&[&max]).len(), 65_538);
    }

    #[test]
    fn minimum_token_is_never_produced() {
        assert_eq!(normalize(i64::MIN), i64::MAX);
        assert_eq!(normalize(i64::MIN + 1), i64::MIN + 1);
        assert_eq!(normalize(-1), -1);
    }

    #[test]
    fn token_display_and_order() {
        assert_eq!(Token(-12).to_string(), "-12");
        assert!(Token(i64::MIN) < Token(0));
    }
}
