//! The notation of section 3 of the spec: readers and writers for [int], [string], [value] and the rest.
//!
//! [`Reader`] is a cursor over a borrowed body. Every read checks the bytes that remain before it
//! touches or allocates anything, so a hostile length can never cause a panic or a large allocation.
//! The `write_*` functions append to a `Vec<u8>`; those whose input can exceed the length prefix
//! return an [`EncodeError`].
//!
//! ```
//! use ringbolt_driver::protocol::primitives::{write_string, Reader};
//! let mut out = Vec::new();
//! write_string(&mut out, "hi").unwrap();
//! assert_eq!(out, [0, 2, b'h', b'i']);
//! let mut r = Reader::new(&out);
//! assert_eq!(r.read_string().unwrap(), "hi");
//! assert!(r.is_empty());
//! ```

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::request::RawValue;
use super::{Consistency, DecodeError, EncodeError, SerialConsistency};

/// A bounds-checked cursor over protocol bytes.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `buf`.
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    /// Whether everything was read.
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// How many bytes were read so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The bytes not read yet, without consuming them.
    pub fn rest(&self) -> &'a [u8] {
        self.buf.get(self.pos..).unwrap_or(&[])
    }

    /// Fails with [`DecodeError::TrailingBytes`] unless everything was read.
    pub fn expect_end(&self, what: &'static str) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            count => Err(DecodeError::TrailingBytes { what, count }),
        }
    }

    /// Takes exactly `n` bytes.
    pub fn read_raw(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let rest = self.rest();
        match rest.get(..n) {
            Some(bytes) => {
                self.pos += n;
                Ok(bytes)
            }
            None => Err(DecodeError::UnexpectedEof {
                what,
                needed: n - rest.len(),
            }),
        }
    }

    fn read_array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], DecodeError> {
        let bytes = self.read_raw(N, what)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// `[byte]`
    pub fn read_byte(&mut self) -> Result<u8, DecodeError> {
        Ok(self.read_array::<1>("[byte]")?[0])
    }

    /// `[short]` (unsigned).
    pub fn read_short(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.read_array("[short]")?))
    }

    /// `[int]`
    pub fn read_int(&mut self) -> Result<i32, DecodeError> {
        Ok(i32::from_be_bytes(self.read_array("[int]")?))
    }

    /// `[long]`
    pub fn read_long(&mut self) -> Result<i64, DecodeError> {
        Ok(i64::from_be_bytes(self.read_array("[long]")?))
    }

    fn utf8(bytes: &'a [u8], what: &'static str) -> Result<&'a str, DecodeError> {
        std::str::from_utf8(bytes).map_err(|_| DecodeError::InvalidUtf8 { what })
    }

    /// `[string]`, borrowed.
    pub fn read_str(&mut self) -> Result<&'a str, DecodeError> {
        let n = self.read_short()?;
        let bytes = self.read_raw(usize::from(n), "[string]")?;
        Self::utf8(bytes, "[string]")
    }

    /// `[string]`
    pub fn read_string(&mut self) -> Result<String, DecodeError> {
        self.read_str().map(str::to_owned)
    }

    /// Checks an `[int]` length against the remaining bytes.
    fn checked_len(&self, n: i32, what: &'static str) -> Result<usize, DecodeError> {
        let len = usize::try_from(n).map_err(|_| DecodeError::InvalidLength {
            what,
            length: i64::from(n),
        })?;
        if len > self.remaining() {
            return Err(DecodeError::UnexpectedEof {
                what,
                needed: len - self.remaining(),
            });
        }
        Ok(len)
    }

    /// `[long string]`, borrowed.
    pub fn read_long_str(&mut self) -> Result<&'a str, DecodeError> {
        let n = self.read_int()?;
        let len = self.checked_len(n, "[long string]")?;
        let bytes = self.read_raw(len, "[long string]")?;
        Self::utf8(bytes, "[long string]")
    }

    /// `[long string]`
    pub fn read_long_string(&mut self) -> Result<String, DecodeError> {
        self.read_long_str().map(str::to_owned)
    }

    /// `[uuid]`
    pub fn read_uuid(&mut self) -> Result<uuid::Uuid, DecodeError> {
        Ok(uuid::Uuid::from_bytes(self.read_array("[uuid]")?))
    }

    /// A count as a `[short]`, checked against the remaining bytes given the smallest size of
    /// one element, so the capacity reserved for it is justified by the input.
    fn read_count(&mut self, min_elem: usize, what: &'static str) -> Result<usize, DecodeError> {
        let n = usize::from(self.read_short()?);
        self.check_count(n, min_elem, what)
    }

    /// Checks that `n` elements of at least `min_elem` bytes each can fit in what remains.
    pub fn check_count(
        &self,
        n: usize,
        min_elem: usize,
        what: &'static str,
    ) -> Result<usize, DecodeError> {
        match n.checked_mul(min_elem) {
            Some(total) if total <= self.remaining() => Ok(n),
            _ => Err(DecodeError::InvalidLength {
                what,
                length: n as i64,
            }),
        }
    }

    /// `[string list]`
    pub fn read_string_list(&mut self) -> Result<Vec<String>, DecodeError> {
        let n = self.read_count(2, "[string list]")?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(self.read_string()?);
        }
        Ok(out)
    }

    /// `[bytes]`: `None` is null (any negative length).
    pub fn read_bytes(&mut self) -> Result<Option<&'a [u8]>, DecodeError> {
        let n = self.read_int()?;
        if n < 0 {
            return Ok(None);
        }
        let len = self.checked_len(n, "[bytes]")?;
        self.read_raw(len, "[bytes]").map(Some)
    }

    /// `[value]`: null (-1), not set (-2) or bytes; other negative lengths are errors.
    pub fn read_value(&mut self) -> Result<RawValue<'a>, DecodeError> {
        let n = self.read_int()?;
        match n {
            -1 => Ok(RawValue::Null),
            -2 => Ok(RawValue::Unset),
            n if n < 0 => Err(DecodeError::InvalidLength {
                what: "[value]",
                length: i64::from(n),
            }),
            n => {
                let len = self.checked_len(n, "[value]")?;
                self.read_raw(len, "[value]").map(RawValue::Bytes)
            }
        }
    }

    /// `[short bytes]`
    pub fn read_short_bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let n = self.read_short()?;
        self.read_raw(usize::from(n), "[short bytes]")
    }

    /// `[unsigned vint]`, as in section 3 (at most 9 bytes).
    pub fn read_unsigned_vint(&mut self) -> Result<u64, DecodeError> {
        let first = self.read_byte()?;
        let extra = first.leading_ones() as usize;
        let mut value = u64::from(first) & (0xFFu64 >> (extra + 1).min(8));
        for b in self.read_raw(extra, "[unsigned vint]")? {
            value = (value << 8) | u64::from(*b);
        }
        Ok(value)
    }

    /// `[vint]`: a zig-zag encoded signed integer.
    pub fn read_vint(&mut self) -> Result<i64, DecodeError> {
        let n = self.read_unsigned_vint()?;
        Ok(((n >> 1) as i64) ^ -((n & 1) as i64))
    }

    /// `[inetaddr]`: an IPv4 or IPv6 address.
    pub fn read_inetaddr(&mut self) -> Result<IpAddr, DecodeError> {
        match self.read_byte()? {
            4 => Ok(IpAddr::V4(Ipv4Addr::from(
                self.read_array::<4>("[inetaddr]")?,
            ))),
            16 => Ok(IpAddr::V6(Ipv6Addr::from(
                self.read_array::<16>("[inetaddr]")?,
            ))),
            n => Err(DecodeError::InvalidLength {
                what: "[inetaddr] size",
                length: i64::from(n),
            }),
        }
    }

    /// `[inet]`: an address and an `[int]` port.
    pub fn read_inet(&mut self) -> Result<SocketAddr, DecodeError> {
        let ip = self.read_inetaddr()?;
        let port = self.read_int()?;
        let port = u16::try_from(port).map_err(|_| DecodeError::Malformed {
            what: "[inet]",
            reason: "port out of range 0..=65535",
        })?;
        Ok(SocketAddr::new(ip, port))
    }

    /// `[consistency]`
    pub fn read_consistency(&mut self) -> Result<Consistency, DecodeError> {
        let code = self.read_short()?;
        Consistency::from_code(code).ok_or(DecodeError::UnknownCode {
            what: "consistency",
            code: u32::from(code),
        })
    }

    /// A `[consistency]` that must be SERIAL or LOCAL_SERIAL.
    pub fn read_serial_consistency(&mut self) -> Result<SerialConsistency, DecodeError> {
        let code = self.read_short()?;
        SerialConsistency::from_code(code).ok_or(DecodeError::UnknownCode {
            what: "serial consistency",
            code: u32::from(code),
        })
    }

    /// `[string map]`, order kept.
    pub fn read_string_map(&mut self) -> Result<Vec<(String, String)>, DecodeError> {
        let n = self.read_count(4, "[string map]")?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let k = self.read_string()?;
            let v = self.read_string()?;
            out.push((k, v));
        }
        Ok(out)
    }

    /// `[string multimap]`, order kept.
    pub fn read_string_multimap(&mut self) -> Result<Vec<(String, Vec<String>)>, DecodeError> {
        let n = self.read_count(4, "[string multimap]")?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let k = self.read_string()?;
            let v = self.read_string_list()?;
            out.push((k, v));
        }
        Ok(out)
    }

    /// `[bytes map]`, order kept. A null value is refused: Ringbolt has no use for one.
    pub fn read_bytes_map(&mut self) -> Result<Vec<(String, Vec<u8>)>, DecodeError> {
        let n = self.read_count(6, "[bytes map]")?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let k = self.read_string()?;
            let v = self.read_bytes()?.ok_or(DecodeError::Malformed {
                what: "[bytes map]",
                reason: "null value",
            })?;
            out.push((k, v.to_vec()));
        }
        Ok(out)
    }
}

/// `[byte]`
pub fn write_byte(out: &mut Vec<u8>, v: u8) {
    out.push(v);
}

/// `[short]`
pub fn write_short(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// `[int]`
pub fn write_int(out: &mut Vec<u8>, v: i32) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// `[long]`
pub fn write_long(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// A length as a `[short]`.
pub fn short_len(len: usize, what: &'static str) -> Result<u16, EncodeError> {
    u16::try_from(len).map_err(|_| EncodeError::TooLong {
        what,
        length: len,
        max: usize::from(u16::MAX),
    })
}

/// A length as an `[int]`.
pub fn int_len(len: usize, what: &'static str) -> Result<i32, EncodeError> {
    i32::try_from(len).map_err(|_| EncodeError::TooLong {
        what,
        length: len,
        max: i32::MAX as usize,
    })
}

/// `[string]`
pub fn write_string(out: &mut Vec<u8>, s: &str) -> Result<(), EncodeError> {
    write_short(out, short_len(s.len(), "[string]")?);
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// `[long string]`
pub fn write_long_string(out: &mut Vec<u8>, s: &str) -> Result<(), EncodeError> {
    write_int(out, int_len(s.len(), "[long string]")?);
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// `[uuid]`
pub fn write_uuid(out: &mut Vec<u8>, v: &uuid::Uuid) {
    out.extend_from_slice(v.as_bytes());
}

/// `[string list]`
pub fn write_string_list<S: AsRef<str>>(out: &mut Vec<u8>, list: &[S]) -> Result<(), EncodeError> {
    write_short(out, short_len(list.len(), "[string list]")?);
    for s in list {
        write_string(out, s.as_ref())?;
    }
    Ok(())
}

/// `[bytes]`: `None` is written as null (length -1).
pub fn write_bytes(out: &mut Vec<u8>, v: Option<&[u8]>) -> Result<(), EncodeError> {
    match v {
        None => write_int(out, -1),
        Some(b) => {
            write_int(out, int_len(b.len(), "[bytes]")?);
            out.extend_from_slice(b);
        }
    }
    Ok(())
}

/// `[value]`
pub fn write_value(out: &mut Vec<u8>, v: RawValue<'_>) -> Result<(), EncodeError> {
    match v {
        RawValue::Null => write_int(out, -1),
        RawValue::Unset => write_int(out, -2),
        RawValue::Bytes(b) => {
            write_int(out, int_len(b.len(), "[value]")?);
            out.extend_from_slice(b);
        }
    }
    Ok(())
}

/// `[short bytes]`
pub fn write_short_bytes(out: &mut Vec<u8>, v: &[u8]) -> Result<(), EncodeError> {
    write_short(out, short_len(v.len(), "[short bytes]")?);
    out.extend_from_slice(v);
    Ok(())
}

/// `[unsigned vint]`
pub fn write_unsigned_vint(out: &mut Vec<u8>, v: u64) {
    // Bytes needed for the value's significant bits, then the extra-byte count that fits them:
    // n extra bytes leave 8 - (n + 1) value bits in the first byte (n = 8 leaves none).
    let bits = 64 - v.leading_zeros() as usize;
    let mut extra = 0usize;
    while extra < 8 && bits > 8 * extra + (7 - extra) {
        extra += 1;
    }
    let bytes = v.to_be_bytes();
    let mut encoded = [0u8; 9];
    let start = 9 - (extra + 1);
    encoded[1..].copy_from_slice(&bytes);
    // `extra` leading one bits (0xFF when eight extra bytes follow).
    let marker = (0xFF00u16 >> extra) as u8;
    encoded[start] |= marker;
    out.extend_from_slice(&encoded[start..]);
}

/// `[vint]` (zig-zag).
pub fn write_vint(out: &mut Vec<u8>, v: i64) {
    write_unsigned_vint(out, ((v >> 63) ^ (v << 1)) as u64);
}

/// `[inetaddr]`
pub fn write_inetaddr(out: &mut Vec<u8>, ip: &IpAddr) {
    match ip {
        IpAddr::V4(a) => {
            out.push(4);
            out.extend_from_slice(&a.octets());
        }
        IpAddr::V6(a) => {
            out.push(16);
            out.extend_from_slice(&a.octets());
        }
    }
}

/// `[inet]`
pub fn write_inet(out: &mut Vec<u8>, addr: &SocketAddr) {
    write_inetaddr(out, &addr.ip());
    write_int(out, i32::from(addr.port()));
}

/// `[consistency]`
pub fn write_consistency(out: &mut Vec<u8>, c: Consistency) {
    write_short(out, c as u16);
}

/// A `[consistency]` for the serial phase.
pub fn write_serial_consistency(out: &mut Vec<u8>, c: SerialConsistency) {
    write_short(out, c as u16);
}

/// `[string map]`
pub fn write_string_map<K: AsRef<str>, V: AsRef<str>>(
    out: &mut Vec<u8>,
    map: &[(K, V)],
) -> Result<(), EncodeError> {
    write_short(out, short_len(map.len(), "[string map]")?);
    for (k, v) in map {
        write_string(out, k.as_ref())?;
        write_string(out, v.as_ref())?;
    }
    Ok(())
}

/// `[string multimap]`
pub fn write_string_multimap<K: AsRef<str>, V: AsRef<str>>(
    out: &mut Vec<u8>,
    map: &[(K, Vec<V>)],
) -> Result<(), EncodeError> {
    write_short(out, short_len(map.len(), "[string multimap]")?);
    for (k, v) in map {
        write_string(out, k.as_ref())?;
        write_string_list(out, v)?;
    }
    Ok(())
}

/// `[bytes map]`
pub fn write_bytes_map<K: AsRef<str>, V: AsRef<[u8]>>(
    out: &mut Vec<u8>,
    map: &[(K, V)],
) -> Result<(), EncodeError> {
    write_short(out, short_len(map.len(), "[bytes map]")?);
    for (k, v) in map {
        write_string(out, k.as_ref())?;
        write_bytes(out, Some(v.as_ref()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
