//! Big-endian helpers for value bodies: `[value]` length prefixes, `[bytes]` elements,
//! `[int]` counts and (unsigned) vints, all bounds-checked.
//!
//! These are local to `types` so value codecs do not depend on the frame codec.

use super::{DeserializeError, SerializeError};

/// The deepest nesting of collections, tuples and UDTs read or written as a [`super::CqlValue`].
pub const MAX_NESTING_DEPTH: usize = 64;

/// Appends a `[value]` length prefix of -1 (null).
pub(crate) fn write_null(out: &mut Vec<u8>) {
    out.extend_from_slice(&(-1i32).to_be_bytes());
}

/// Appends a complete `[value]` holding `bytes`.
pub(crate) fn write_bytes(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), SerializeError> {
    let len = i32::try_from(bytes.len()).map_err(|_| SerializeError::TooLarge(bytes.len()))?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
    Ok(())
}

/// Appends a `[value]` whose body `body` writes, patching the length prefix afterwards.
pub(crate) fn write_with_len(
    out: &mut Vec<u8>,
    body: impl FnOnce(&mut Vec<u8>) -> Result<(), SerializeError>,
) -> Result<(), SerializeError> {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    if let Err(e) = body(out) {
        out.truncate(start);
        return Err(e);
    }
    let body_len = out.len() - start - 4;
    let len = match i32::try_from(body_len) {
        Ok(len) => len,
        Err(_) => {
            out.truncate(start);
            return Err(SerializeError::TooLarge(body_len));
        }
    };
    out[start..start + 4].copy_from_slice(&len.to_be_bytes());
    Ok(())
}

/// Appends an `[int]` element count.
pub(crate) fn write_count(out: &mut Vec<u8>, count: usize) -> Result<(), SerializeError> {
    let n = i32::try_from(count).map_err(|_| SerializeError::TooLarge(count))?;
    out.extend_from_slice(&n.to_be_bytes());
    Ok(())
}

/// Appends an unsigned vint (section 3 of the v5 spec).
pub(crate) fn write_unsigned_vint(out: &mut Vec<u8>, v: u64) {
    // Number of significant bits, at least 1.
    let bits = 64 - (v | 1).leading_zeros() as usize;
    // Each extra byte adds 8 bits but costs one bit of the first byte: n extra bytes hold 7n + 7 bits,
    // except 8 extra bytes which hold the full 64 bits.
    let extra = if bits > 56 { 8 } else { (bits - 1) / 7 };
    if extra == 8 {
        out.push(0xff);
        out.extend_from_slice(&v.to_be_bytes());
        return;
    }
    let bytes = v.to_be_bytes();
    let first_index = 8 - (extra + 1);
    // Leading `extra` one bits, then a zero, then the high bits of the value.
    let prefix: u8 = !(0xffu8 >> extra);
    out.push(prefix | bytes[first_index]);
    out.extend_from_slice(&bytes[first_index + 1..]);
}

/// Appends a signed, zig-zag encoded vint.
pub(crate) fn write_vint(out: &mut Vec<u8>, v: i64) {
    write_unsigned_vint(out, ((v >> 63) ^ (v << 1)) as u64);
}

/// A bounds-checked cursor over a value's bytes; errors name the CQL type being read.
#[derive(Debug, Clone)]
pub(crate) struct Cursor<'a> {
    bytes: &'a [u8],
    cql_type: &'static str,
}

impl<'a> Cursor<'a> {
    /// A cursor over `bytes`, reading a value of `cql_type`.
    pub(crate) fn new(bytes: &'a [u8], cql_type: &'static str) -> Self {
        Cursor { bytes, cql_type }
    }

    /// An error about the value being read.
    pub(crate) fn malformed(&self, reason: &'static str) -> DeserializeError {
        DeserializeError::Malformed {
            cql_type: self.cql_type,
            reason,
        }
    }

    /// Bytes left.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len()
    }

    /// True when everything was read.
    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Fails unless everything was read.
    pub(crate) fn finish(&self) -> Result<(), DeserializeError> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(self.malformed("trailing bytes after the value"))
        }
    }

    /// Takes the next `n` bytes.
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], DeserializeError> {
        if n > self.bytes.len() {
            return Err(self.malformed("truncated"));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    /// Takes the next `N` bytes as an array.
    pub(crate) fn take_array<const N: usize>(&mut self) -> Result<[u8; N], DeserializeError> {
        let head = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(head);
        Ok(a)
    }

    /// Reads an `[int]`.
    pub(crate) fn read_int(&mut self) -> Result<i32, DeserializeError> {
        Ok(i32::from_be_bytes(self.take_array()?))
    }

    /// Reads an `[int]` element count, checked against the bytes left: each element needs at least
    /// `min_element_len` bytes.
    pub(crate) fn read_count(&mut self, min_element_len: usize) -> Result<usize, DeserializeError> {
        let n = self.read_int()?;
        let n = usize::try_from(n).map_err(|_| self.malformed("negative element count"))?;
        let needed = n
            .checked_mul(min_element_len)
            .ok_or_else(|| self.malformed("element count too large"))?;
        if needed > self.bytes.len() {
            return Err(self.malformed("element count exceeds the value's length"));
        }
        Ok(n)
    }

    /// Reads a `[bytes]` element; `None` is null (any negative length).
    pub(crate) fn read_bytes(&mut self) -> Result<Option<&'a [u8]>, DeserializeError> {
        let n = self.read_int()?;
        match usize::try_from(n) {
            Ok(n) => self.take(n).map(Some),
            Err(_) => Ok(None),
        }
    }

    /// Reads an unsigned vint.
    pub(crate) fn read_unsigned_vint(&mut self) -> Result<u64, DeserializeError> {
        let [first] = self.take_array::<1>()?;
        let extra = first.leading_ones() as usize;
        let rest = self.take(extra)?;
        let mut v: u64 = if extra == 8 {
            0
        } else {
            u64::from(first & (0xffu8 >> extra))
        };
        for b in rest {
            v = (v << 8) | u64::from(*b);
        }
        Ok(v)
    }

    /// Reads a signed, zig-zag encoded vint.
    pub(crate) fn read_vint(&mut self) -> Result<i64, DeserializeError> {
        let n = self.read_unsigned_vint()?;
        Ok(((n >> 1) as i64) ^ -((n & 1) as i64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uvint(v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        write_unsigned_vint(&mut out, v);
        out
    }

    #[test]
    fn unsigned_vint_golden() {
        // The spec's example: 256 000 on 3 bytes as [110]00011 11101000 00000000.
        assert_eq!(uvint(256_000), vec![0b1100_0011, 0b1110_1000, 0]);
        assert_eq!(uvint(0), vec![0]);
        assert_eq!(uvint(127), vec![0x7f]);
        assert_eq!(uvint(128), vec![0x80, 0x80]);
        assert_eq!(uvint(u64::MAX), vec![0xff; 9]);
        assert_eq!(uvint(1 << 56), vec![0xff, 1, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            uvint((1 << 56) - 1),
            vec![0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        );
    }

    #[test]
    fn vint_zigzag_golden() {
        let enc = |v: i64| {
            let mut out = Vec::new();
            write_vint(&mut out, v);
            out
        };
        assert_eq!(enc(0), vec![0]);
        assert_eq!(enc(-1), vec![1]);
        assert_eq!(enc(1), vec![2]);
        assert_eq!(enc(-2), vec![3]);
        assert_eq!(enc(i64::MIN), vec![0xff; 9]);
    }

    #[test]
    fn vint_round_trip() {
        let mut values = vec![0i64, 1, -1, 63, 64, -64, -65, i64::MAX, i64::MIN];
        for shift in 0..63 {
            values.push(1i64 << shift);
            values.push(-(1i64 << shift));
            values.push((1i64 << shift) - 1);
        }
        for v in values {
            let mut out = Vec::new();
            write_vint(&mut out, v);
            let mut c = Cursor::new(&out, "duration");
            assert_eq!(c.read_vint().unwrap(), v);
            assert!(c.is_empty());
        }
    }

    #[test]
    fn truncated_vint_is_an_error() {
        let mut c = Cursor::new(&[0xc0, 0x01], "duration");
        assert!(c.read_unsigned_vint().is_err());
        let mut c = Cursor::new(&[], "duration");
        assert!(c.read_unsigned_vint().is_err());
    }

    #[test]
    fn counts_are_checked_against_remaining_bytes() {
        let mut c = Cursor::new(&[0x7f, 0xff, 0xff, 0xff, 0, 0], "list");
        assert!(c.read_count(4).is_err());
        let mut c = Cursor::new(&[0xff, 0xff, 0xff, 0xff], "list");
        assert!(c.read_count(4).is_err());
        let mut c = Cursor::new(&[0, 0, 0, 1, 0, 0, 0, 0], "list");
        assert_eq!(c.read_count(4).unwrap(), 1);
    }

    #[test]
    fn write_with_len_patches_prefix() {
        let mut out = vec![9];
        write_with_len(&mut out, |o| {
            o.extend_from_slice(&[1, 2, 3]);
            Ok(())
        })
        .unwrap();
        assert_eq!(out, vec![9, 0, 0, 0, 3, 1, 2, 3]);
        let err = write_with_len(&mut out, |o| {
            o.push(1);
            Err(SerializeError::OutOfRange("x"))
        });
        assert!(err.is_err());
        assert_eq!(out, vec![9, 0, 0, 0, 3, 1, 2, 3]);
    }
}
