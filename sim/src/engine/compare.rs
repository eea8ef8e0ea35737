//! Serialized values: a byte-comparable encoding that orders them exactly as Cassandra's
//! comparators do, collection (de)serialization helpers, and validation of bind values.

use ringbolt_driver::protocol::ColumnType;
use std::cmp::Ordering;

/// Compares two serialized values of a type as Cassandra orders them.
pub fn compare_values(t: &ColumnType, a: &[u8], b: &[u8]) -> Ordering {
    let mut ea = Vec::new();
    let mut eb = Vec::new();
    encode_comparable(t, a, &mut ea);
    encode_comparable(t, b, &mut eb);
    ea.cmp(&eb)
}

/// Appends a prefix-free, byte-comparable form of one serialized value: comparing two outputs
/// byte by byte orders them as Cassandra's comparator for `t` does. An empty value sorts first.
pub fn encode_comparable(t: &ColumnType, v: &[u8], out: &mut Vec<u8>) {
    if v.is_empty() && !matches!(t, ColumnType::Text | ColumnType::Ascii | ColumnType::Blob) {
        out.push(0x01);
        return;
    }
    out.push(0x02);
    match t {
        ColumnType::Int
        | ColumnType::Bigint
        | ColumnType::Smallint
        | ColumnType::Tinyint
        | ColumnType::Timestamp
        | ColumnType::Time
        | ColumnType::Counter => {
            for (i, b) in v.iter().enumerate() {
                out.push(if i == 0 { b ^ 0x80 } else { *b });
            }
            // Fixed width per type; a malformed width still gets a terminator to stay prefix-free.
            out.push(v.len() as u8);
        }
        ColumnType::Float | ColumnType::Double => {
            let negative = v.first().is_some_and(|b| b & 0x80 != 0);
            for (i, b) in v.iter().enumerate() {
                out.push(if negative {
                    !b
                } else if i == 0 {
                    b ^ 0x80
                } else {
                    *b
                });
            }
            out.push(v.len() as u8);
        }
        ColumnType::Uuid | ColumnType::Timeuuid if v.len() == 16 => {
            let msb = u64::from_be_bytes(v[..8].try_into().unwrap_or([0; 8]));
            let version = ((msb >> 12) & 0xf) as u8;
            if matches!(t, ColumnType::Uuid) {
                out.push(version);
            }
            if version == 1 || matches!(t, ColumnType::Timeuuid) {
                let ts = ((msb & 0x0fff) << 48) | (((msb >> 16) & 0xffff) << 32) | (msb >> 32);
                out.extend_from_slice(&ts.to_be_bytes());
            } else {
                out.extend_from_slice(&msb.to_be_bytes());
            }
            // UUIDType compares the low half unsigned, TimeUUIDType byte by signed byte.
            let flip = if matches!(t, ColumnType::Timeuuid) {
                0x80
            } else {
                0
            };
            out.extend(v[8..].iter().map(|b| b ^ flip));
        }
        ColumnType::Varint => encode_varint(v, out),
        ColumnType::Decimal if v.len() >= 4 => {
            // BigDecimal.compareTo: 1.0 and 1.00 are equal, as in Cassandra's DecimalType.
            encode_decimal(v, out);
        }
        ColumnType::List(e) | ColumnType::Set(e) => {
            for item in collection_items(v) {
                out.push(0x02);
                encode_comparable(e, item, out);
            }
            out.push(0x00);
        }
        ColumnType::Map(k, val) => {
            let items = collection_items(v);
            for pair in items.chunks(2) {
                if let [key, value] = pair {
                    out.push(0x02);
                    encode_comparable(k, key, out);
                    encode_comparable(val, value, out);
                }
            }
            out.push(0x00);
        }
        ColumnType::Tuple(ts) => encode_fields(ts.iter(), v, out),
        ColumnType::Udt(u) => encode_fields(u.fields.iter().map(|(_, t)| t), v, out),
        _ => escape_bytes(v, out),
    }
}

fn encode_fields<'t>(types: impl Iterator<Item = &'t ColumnType>, v: &[u8], out: &mut Vec<u8>) {
    let mut rest = v;
    for t in types {
        match take_value(&mut rest) {
            Some(Some(field)) => {
                out.push(0x02);
                encode_comparable(t, field, out);
            }
            Some(None) => out.push(0x01),
            None => break,
        }
    }
    out.push(0x00);
}

fn escape_bytes(v: &[u8], out: &mut Vec<u8>) {
    for &b in v {
        out.push(b);
        if b == 0 {
            out.push(0xff);
        }
    }
    out.extend_from_slice(&[0, 0]);
}

/// An exact, byte-comparable form of a decimal (`[int scale][varint unscaled]`, at least four
/// bytes): a sign class, then for non-zero values the decimal exponent `e` of `0.d1d2.. × 10^e`
/// and the significant digits (trailing zeros dropped) ending in a terminator; all of it
/// inverted for negative values so larger magnitudes sort first.
fn encode_decimal(v: &[u8], out: &mut Vec<u8>) {
    let (head, unscaled) = v.split_at(4);
    let scale = i32::from_be_bytes([head[0], head[1], head[2], head[3]]);
    let n = num_bigint::BigInt::from_signed_bytes_be(unscaled);
    let negative = match n.sign() {
        num_bigint::Sign::NoSign => {
            out.push(0x01);
            return;
        }
        num_bigint::Sign::Minus => true,
        num_bigint::Sign::Plus => false,
    };
    out.push(if negative { 0x00 } else { 0x02 });
    let digits = n.magnitude().to_string();
    let significant = digits.trim_end_matches('0');
    // digits.len() is bounded by the input's length, so this cannot overflow an i64.
    let exponent = digits.len() as i64 - i64::from(scale);
    let exponent = (exponent as u64) ^ (1 << 63);
    let invert = |b: u8| if negative { !b } else { b };
    out.extend(exponent.to_be_bytes().map(invert));
    // Digits 0..9 become 1..10 so the terminator 0 sorts before any digit.
    out.extend(significant.bytes().map(|d| invert(d - b'0' + 1)));
    out.push(invert(0));
}

fn encode_varint(v: &[u8], out: &mut Vec<u8>) {
    let n = num_bigint::BigInt::from_signed_bytes_be(v);
    let bytes = n.to_signed_bytes_be();
    let len = bytes.len() as u32;
    if n.sign() == num_bigint::Sign::Minus {
        out.push(0x7f);
        out.extend_from_slice(&(!len).to_be_bytes());
    } else {
        out.push(0x80);
        out.extend_from_slice(&len.to_be_bytes());
    }
    out.extend_from_slice(&bytes);
}

/// Reads one `[bytes]` (int length, negative = null) from the front of `rest`.
/// `None` when truncated; `Some(None)` for null.
pub fn take_value<'a>(rest: &mut &'a [u8]) -> Option<Option<&'a [u8]>> {
    let head: [u8; 4] = rest.get(..4)?.try_into().ok()?;
    let len = i32::from_be_bytes(head);
    let body = rest.get(4..)?;
    if len < 0 {
        *rest = body;
        return Some(None);
    }
    let len = len as usize;
    let value = body.get(..len)?;
    *rest = body.get(len..)?;
    Some(Some(value))
}

/// The elements of a serialized collection (for maps: keys and values alternating).
/// Malformed input yields the elements read before the fault.
pub fn collection_items(v: &[u8]) -> Vec<&[u8]> {
    let mut rest = v;
    let Some(count) = rest.get(..4).and_then(|h| <[u8; 4]>::try_from(h).ok()) else {
        return Vec::new();
    };
    rest = rest.get(4..).unwrap_or_default();
    let count = i32::from_be_bytes(count).max(0) as usize;
    let mut out = Vec::with_capacity(count.min(rest.len() / 4));
    while let Some(Some(item)) = take_value(&mut rest) {
        out.push(item);
    }
    out
}

/// Serializes items as a collection: `[int n]` then each `[bytes]`.
pub fn build_collection<'a>(count: usize, items: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&(count as i32).to_be_bytes());
    for item in items {
        out.extend_from_slice(&(item.len() as i32).to_be_bytes());
        out.extend_from_slice(item);
    }
    out
}

/// Checks that a serialized value has a shape its type allows, with Cassandra's message.
pub fn validate_value(t: &ColumnType, v: &[u8]) -> Result<(), String> {
    let fixed = |n: usize, name: &str| {
        if v.len() == n || v.is_empty() {
            Ok(())
        } else {
            Err(format!("Expected {n} or 0 byte {name} ({})", v.len()))
        }
    };
    match t {
        ColumnType::Int => fixed(4, "int"),
        ColumnType::Bigint | ColumnType::Counter => fixed(8, "long"),
        ColumnType::Timestamp => fixed(8, "long for date"),
        ColumnType::Double => fixed(8, "value for a double"),
        ColumnType::Float => fixed(4, "value for a float"),
        ColumnType::Boolean => {
            if v.len() <= 1 {
                Ok(())
            } else {
                Err(format!("Expected 1 or 0 byte value ({})", v.len()))
            }
        }
        ColumnType::Uuid | ColumnType::Timeuuid => {
            if v.len() == 16 || v.is_empty() {
                if matches!(t, ColumnType::Timeuuid) && v.len() == 16 && (v[6] >> 4) != 1 {
                    return Err("Invalid version for TimeUUID type.".into());
                }
                Ok(())
            } else {
                Err(format!("UUID should be 16 or 0 bytes ({})", v.len()))
            }
        }
        ColumnType::Smallint => {
            if v.len() == 2 || v.is_empty() {
                Ok(())
            } else {
                Err(format!("Expected 2 bytes for a smallint ({})", v.len()))
            }
        }
        ColumnType::Tinyint => {
            if v.len() == 1 || v.is_empty() {
                Ok(())
            } else {
                Err(format!("Expected 1 byte for a tinyint ({})", v.len()))
            }
        }
        ColumnType::Date => {
            if v.len() == 4 {
                Ok(())
            } else {
                Err(format!("Expected 4 byte long for date ({})", v.len()))
            }
        }
        ColumnType::Time => {
            if v.len() == 8 {
                Ok(())
            } else {
                Err(format!("Expected 8 byte long for time ({})", v.len()))
            }
        }
        ColumnType::Inet => match v.len() {
            0 | 4 | 16 => Ok(()),
            n => Err(format!("Expected 4 or 16 byte inetaddress; got {n} bytes")),
        },
        ColumnType::Ascii => {
            if v.is_ascii() {
                Ok(())
            } else {
                Err("Invalid byte for ascii".to_string())
            }
        }
        ColumnType::Text => std::str::from_utf8(v)
            .map(|_| ())
            .map_err(|_| "String didn't validate.".into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering;

    #[test]
    fn ints_order_numerically() {
        let a = (-5i32).to_be_bytes();
        let b = 3i32.to_be_bytes();
        assert_eq!(compare_values(&ColumnType::Int, &a, &b), Ordering::Less);
        let x = (-1.5f64).to_be_bytes();
        let y = (-0.5f64).to_be_bytes();
        assert_eq!(compare_values(&ColumnType::Double, &x, &y), Ordering::Less);
    }

    #[test]
    fn varints_and_text_order() {
        let v = |n: i64| num_bigint::BigInt::from(n).to_signed_bytes_be();
        assert_eq!(
            compare_values(&ColumnType::Varint, &v(-300), &v(-2)),
            Ordering::Less
        );
        assert_eq!(
            compare_values(&ColumnType::Varint, &v(127), &v(128)),
            Ordering::Less
        );
        assert_eq!(
            compare_values(&ColumnType::Text, b"a", b"ab"),
            Ordering::Less
        );
        assert_eq!(
            compare_values(&ColumnType::Text, b"a\0", b"a"),
            Ordering::Greater
        );
    }

    fn decimal(unscaled: i64, scale: i32) -> Vec<u8> {
        let mut out = scale.to_be_bytes().to_vec();
        out.extend(num_bigint::BigInt::from(unscaled).to_signed_bytes_be());
        out
    }

    #[test]
    fn decimals_order_exactly_beyond_f64_precision() {
        // Sorted ascending; several pairs are equal as f64.
        let sorted = [
            decimal(-10_000_000_000_000_001, 0),
            decimal(-10_000_000_000_000_000, 0),
            decimal(-12, 1),
            decimal(-1, 0),
            decimal(-10_000_000_000_000_001, 17),
            decimal(-1, 1),
            decimal(-1, 400),
            decimal(0, 0),
            decimal(1, 400),
            decimal(1, 2),
            decimal(1, 1),
            decimal(10_000_000_000_000_000, 16),
            decimal(10_000_000_000_000_001, 16),
            decimal(12, 1),
            decimal(1, -400),
        ];
        for (i, a) in sorted.iter().enumerate() {
            for (j, b) in sorted.iter().enumerate() {
                assert_eq!(
                    compare_values(&ColumnType::Decimal, a, b),
                    i.cmp(&j),
                    "{i} vs {j}"
                );
            }
        }
        // Same value, different scale: equal, as BigDecimal.compareTo says.
        let one = decimal(1, 0);
        let one_point_zero = decimal(10, 1);
        let two = decimal(2, 0);
        assert_eq!(
            compare_values(&ColumnType::Decimal, &one, &one_point_zero),
            Ordering::Equal
        );
        assert_eq!(
            compare_values(&ColumnType::Decimal, &decimal(0, 0), &decimal(0, 7)),
            Ordering::Equal
        );
        assert_eq!(
            compare_values(&ColumnType::Decimal, &one_point_zero, &two),
            Ordering::Less
        );
        // Zero with any scale sorts between negatives and positives.
        assert_eq!(
            compare_values(&ColumnType::Decimal, &decimal(0, 5), &decimal(1, 400)),
            Ordering::Less
        );
    }

    #[test]
    fn uuids_order_by_version_then_unsigned_bytes() {
        let a = uuid::Uuid::parse_str("00000000-0000-4000-8000-000000000000").unwrap();
        let b = uuid::Uuid::parse_str("00000000-0000-4000-0000-000000000000").unwrap();
        let v1 = uuid::Uuid::parse_str("ffffffff-0000-1000-8000-000000000000").unwrap();
        assert_eq!(
            compare_values(&ColumnType::Uuid, b.as_bytes(), a.as_bytes()),
            Ordering::Less
        );
        assert_eq!(
            compare_values(&ColumnType::Uuid, v1.as_bytes(), b.as_bytes()),
            Ordering::Less
        );
        let t1 = uuid::Uuid::parse_str("00000000-0000-1000-8000-000000000000").unwrap();
        let t2 = uuid::Uuid::parse_str("00000000-0000-1000-0000-000000000000").unwrap();
        assert_eq!(
            compare_values(&ColumnType::Timeuuid, t1.as_bytes(), t2.as_bytes()),
            Ordering::Less
        );
    }

    #[test]
    fn timeuuids_order_by_time() {
        let early = uuid::Uuid::parse_str("00000001-0000-1000-8000-000000000000").unwrap();
        let late = uuid::Uuid::parse_str("00000000-0001-1000-8000-000000000000").unwrap();
        assert_eq!(
            compare_values(&ColumnType::Timeuuid, early.as_bytes(), late.as_bytes()),
            Ordering::Less
        );
    }
}
