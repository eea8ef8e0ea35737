//! CQL types as the engine sees them: parsing type text, printing it as `system_schema` does, and a
//! byte-comparable encoding of values so that storage can order keys with plain byte comparison
//! exactly as Cassandra's comparators order them.

use ringbolt_driver::protocol::{ColumnType, UdtType};
use std::cmp::Ordering;
use std::sync::Arc;

/// A column's type: the protocol type plus whether the top level is frozen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CqlType {
    /// The type.
    pub typ: ColumnType,
    /// Whether a top-level collection or UDT is frozen (nested ones always are).
    pub frozen: bool,
}

impl CqlType {
    /// A non-frozen type.
    pub fn plain(typ: ColumnType) -> CqlType {
        CqlType { typ, frozen: false }
    }

    /// Whether this column stores one cell per element (a non-frozen collection or UDT).
    pub fn is_multi_cell(&self) -> bool {
        !self.frozen
            && matches!(
                self.typ,
                ColumnType::List(_)
                    | ColumnType::Set(_)
                    | ColumnType::Map(_, _)
                    | ColumnType::Udt(_)
            )
    }

    /// The text `system_schema.columns.type` shows.
    pub fn to_cql(&self) -> String {
        let inner = type_text(&self.typ);
        if self.frozen && is_freezable(&self.typ) {
            format!("frozen<{inner}>")
        } else {
            inner
        }
    }
}

fn is_freezable(t: &ColumnType) -> bool {
    matches!(
        t,
        ColumnType::List(_)
            | ColumnType::Set(_)
            | ColumnType::Map(_, _)
            | ColumnType::Udt(_)
            | ColumnType::Tuple(_)
    )
}

fn nested_text(t: &ColumnType) -> String {
    if is_freezable(t) {
        format!("frozen<{}>", type_text(t))
    } else {
        type_text(t)
    }
}

/// The CQL name of a type, with nested collections and UDTs shown frozen.
pub fn type_text(t: &ColumnType) -> String {
    match t {
        ColumnType::Custom(c) => format!("'{c}'"),
        ColumnType::Ascii => "ascii".into(),
        ColumnType::Bigint => "bigint".into(),
        ColumnType::Blob => "blob".into(),
        ColumnType::Boolean => "boolean".into(),
        ColumnType::Counter => "counter".into(),
        ColumnType::Decimal => "decimal".into(),
        ColumnType::Double => "double".into(),
        ColumnType::Float => "float".into(),
        ColumnType::Int => "int".into(),
        ColumnType::Timestamp => "timestamp".into(),
        ColumnType::Uuid => "uuid".into(),
        ColumnType::Text => "text".into(),
        ColumnType::Varint => "varint".into(),
        ColumnType::Timeuuid => "timeuuid".into(),
        ColumnType::Inet => "inet".into(),
        ColumnType::Date => "date".into(),
        ColumnType::Time => "time".into(),
        ColumnType::Smallint => "smallint".into(),
        ColumnType::Tinyint => "tinyint".into(),
        ColumnType::Duration => "duration".into(),
        ColumnType::List(e) => format!("list<{}>", nested_text(e)),
        ColumnType::Set(e) => format!("set<{}>", nested_text(e)),
        ColumnType::Map(k, v) => format!("map<{}, {}>", nested_text(k), nested_text(v)),
        ColumnType::Udt(u) => quote_ident(&u.name),
        ColumnType::Tuple(ts) => {
            let parts: Vec<String> = ts.iter().map(nested_text).collect();
            format!("tuple<{}>", parts.join(", "))
        }
        ColumnType::Vector(e, n) => format!("vector<{}, {n}>", nested_text(e)),
    }
}

/// Quotes an identifier when CQL needs it (upper case or non-identifier characters).
pub fn quote_ident(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// Why a type text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TypeError {
    /// The text is not a CQL type.
    #[error("Unknown type {0}")]
    Unknown(String),
    /// A collection was declared with the wrong number of parameters.
    #[error("Invalid collection type {0}")]
    BadCollection(String),
}

/// A type resolver for UDT names met while parsing type text.
pub trait UdtLookup {
    /// The UDT of that name, if it exists.
    fn udt(&self, name: &str) -> Option<Arc<UdtType>>;
}

/// No UDTs (system keyspaces).
pub struct NoUdts;

impl UdtLookup for NoUdts {
    fn udt(&self, _name: &str) -> Option<Arc<UdtType>> {
        None
    }
}

/// Reads a type written as CQL text, for example `map<text, frozen<list<int>>>`.
pub fn parse_type_text(text: &str, udts: &dyn UdtLookup) -> Result<CqlType, TypeError> {
    let mut p = TypeText {
        s: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    let (typ, frozen) = p.parse(udts)?;
    p.skip_ws();
    if p.pos != p.s.len() {
        return Err(TypeError::Unknown(text.to_string()));
    }
    Ok(CqlType { typ, frozen })
}

struct TypeText<'a> {
    s: &'a [u8],
    pos: usize,
    depth: usize,
}

impl TypeText<'_> {
    fn skip_ws(&mut self) {
        while self
            .s
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_whitespace())
        {
            self.pos += 1;
        }
    }

    fn word(&mut self) -> String {
        self.skip_ws();
        let start = self.pos;
        if self.s.get(self.pos) == Some(&b'"') {
            self.pos += 1;
            let mut out = Vec::new();
            while let Some(&c) = self.s.get(self.pos) {
                self.pos += 1;
                if c == b'"' {
                    if self.s.get(self.pos) == Some(&b'"') {
                        out.push(b'"');
                        self.pos += 1;
                        continue;
                    }
                    break;
                }
                out.push(c);
            }
            return String::from_utf8_lossy(&out).into_owned();
        }
        while self
            .s
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
        {
            self.pos += 1;
        }
        String::from_utf8_lossy(self.s.get(start..self.pos).unwrap_or_default())
            .to_ascii_lowercase()
    }

    fn eat(&mut self, c: u8) -> bool {
        self.skip_ws();
        if self.s.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn params(&mut self, udts: &dyn UdtLookup, whole: &str) -> Result<Vec<ColumnType>, TypeError> {
        if !self.eat(b'<') {
            return Err(TypeError::BadCollection(whole.to_string()));
        }
        let mut out = Vec::new();
        loop {
            let (t, _) = self.parse(udts)?;
            out.push(t);
            if self.eat(b'>') {
                return Ok(out);
            }
            if !self.eat(b',') {
                return Err(TypeError::BadCollection(whole.to_string()));
            }
        }
    }

    fn parse(&mut self, udts: &dyn UdtLookup) -> Result<(ColumnType, bool), TypeError> {
        self.depth += 1;
        if self.depth > 32 {
            return Err(TypeError::Unknown("type nested too deeply".into()));
        }
        let whole = String::from_utf8_lossy(self.s).into_owned();
        let name = self.word();
        let simple = match name.as_str() {
            "ascii" => Some(ColumnType::Ascii),
            "bigint" => Some(ColumnType::Bigint),
            "blob" => Some(ColumnType::Blob),
            "boolean" => Some(ColumnType::Boolean),
            "counter" => Some(ColumnType::Counter),
            "decimal" => Some(ColumnType::Decimal),
            "double" => Some(ColumnType::Double),
            "float" => Some(ColumnType::Float),
            "int" => Some(ColumnType::Int),
            "timestamp" => Some(ColumnType::Timestamp),
            "uuid" => Some(ColumnType::Uuid),
            "text" | "varchar" => Some(ColumnType::Text),
            "varint" => Some(ColumnType::Varint),
            "timeuuid" => Some(ColumnType::Timeuuid),
            "inet" => Some(ColumnType::Inet),
            "date" => Some(ColumnType::Date),
            "time" => Some(ColumnType::Time),
            "smallint" => Some(ColumnType::Smallint),
            "tinyint" => Some(ColumnType::Tinyint),
            "duration" => Some(ColumnType::Duration),
            _ => None,
        };
        let result = if let Some(t) = simple {
            (t, false)
        } else {
            match name.as_str() {
                "frozen" => {
                    let mut ps = self.params(udts, &whole)?;
                    match (ps.pop(), ps.is_empty()) {
                        (Some(t), true) => (t, true),
                        _ => return Err(TypeError::BadCollection(whole)),
                    }
                }
                "list" | "set" => {
                    let mut ps = self.params(udts, &whole)?;
                    let e = match (ps.pop(), ps.is_empty()) {
                        (Some(t), true) => Box::new(t),
                        _ => return Err(TypeError::BadCollection(whole)),
                    };
                    if name == "list" {
                        (ColumnType::List(e), false)
                    } else {
                        (ColumnType::Set(e), false)
                    }
                }
                "map" => {
                    let ps = self.params(udts, &whole)?;
                    match <[ColumnType; 2]>::try_from(ps) {
                        Ok([k, v]) => (ColumnType::Map(Box::new(k), Box::new(v)), false),
                        Err(_) => return Err(TypeError::BadCollection(whole)),
                    }
                }
                "tuple" => (ColumnType::Tuple(self.params(udts, &whole)?), true),
                "" => return Err(TypeError::Unknown(whole)),
                other => match udts.udt(other) {
                    Some(u) => (ColumnType::Udt(u), false),
                    None => return Err(TypeError::Unknown(other.to_string())),
                },
            }
        };
        self.depth -= 1;
        Ok(result)
    }
}

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
            out.extend(v[8..].iter().map(|b| b ^ 0x80));
        }
        ColumnType::Varint => encode_varint(v, out),
        ColumnType::Decimal if v.len() >= 4 => {
            let scale = i32::from_be_bytes([v[0], v[1], v[2], v[3]]);
            let unscaled = num_bigint::BigInt::from_signed_bytes_be(&v[4..]);
            let d = bigdecimal::BigDecimal::new(unscaled, i64::from(scale));
            let f: f64 = d.to_string().parse().unwrap_or(0.0);
            let bits = f.to_bits();
            let key = if f.is_sign_negative() {
                !bits
            } else {
                bits ^ (1 << 63)
            };
            out.extend_from_slice(&key.to_be_bytes());
            escape_bytes(v, out);
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
        ColumnType::Timestamp => fixed(8, "long"),
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
                    return Err("Unsupported UUID version (non-time-based)".into());
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
        ColumnType::Date => fixed(4, "int"),
        ColumnType::Time => fixed(8, "long"),
        ColumnType::Inet => match v.len() {
            0 | 4 | 16 => Ok(()),
            n => Err(format!("Expected 4 or 16 byte inetaddress; got {n} bytes")),
        },
        ColumnType::Ascii => {
            if v.is_ascii() {
                Ok(())
            } else {
                Err("Invalid byte for ascii".into())
            }
        }
        ColumnType::Text => std::str::from_utf8(v)
            .map(|_| ())
            .map_err(|_| "Invalid UTF-8 bytes".into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_text_round_trips() {
        for text in [
            "int",
            "map<text, frozen<list<int>>>",
            "frozen<set<uuid>>",
            "tuple<int, text>",
            "list<tuple<int, text>>",
        ] {
            let t = parse_type_text(text, &NoUdts).expect(text);
            assert_eq!(
                t.to_cql(),
                text.replace("tuple<int, text>", "frozen<tuple<int, text>>")
            );
        }
        assert_eq!(
            parse_type_text("varchar", &NoUdts).map(|t| t.to_cql()),
            Ok("text".into())
        );
        assert!(parse_type_text("map<int>", &NoUdts).is_err());
        assert!(parse_type_text("nosuch", &NoUdts).is_err());
    }

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
