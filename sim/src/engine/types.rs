//! CQL types as the engine sees them: parsing type text and printing it as `system_schema` does.
//! The value helpers of [`super::compare`] are re-exported here.

use ringbolt_driver::protocol::{ColumnType, UdtType};
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

    /// A non-frozen UDT: stored as one cell per field (Cassandra 4.0), each with its own
    /// timestamp and TTL.
    pub fn is_field_cells(&self) -> bool {
        !self.frozen && matches!(self.typ, ColumnType::Udt(_))
    }

    /// Whether this column stores one cell per element (a non-frozen collection).
    pub fn is_multi_cell(&self) -> bool {
        !self.frozen
            && matches!(
                self.typ,
                ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(_, _)
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

pub use super::compare::{
    build_collection, collection_items, compare_values, encode_comparable, take_value,
    validate_value,
};

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
}
