//! CQL type descriptors: the `[option]` of section 4.2.5.2 of the spec.

use std::sync::Arc;

/// The type of a column, a bind marker or a nested element, as the protocol describes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// 0x0000: a custom type, named by its Java class.
    Custom(Arc<str>),
    /// 0x0001
    Ascii,
    /// 0x0002
    Bigint,
    /// 0x0003
    Blob,
    /// 0x0004
    Boolean,
    /// 0x0005
    Counter,
    /// 0x0006
    Decimal,
    /// 0x0007
    Double,
    /// 0x0008
    Float,
    /// 0x0009
    Int,
    /// 0x000B
    Timestamp,
    /// 0x000C
    Uuid,
    /// 0x000D: `text` and `varchar`.
    Text,
    /// 0x000E
    Varint,
    /// 0x000F
    Timeuuid,
    /// 0x0010
    Inet,
    /// 0x0011
    Date,
    /// 0x0012
    Time,
    /// 0x0013
    Smallint,
    /// 0x0014
    Tinyint,
    /// 0x0015
    Duration,
    /// 0x0020
    List(Box<ColumnType>),
    /// 0x0021
    Map(Box<ColumnType>, Box<ColumnType>),
    /// 0x0022
    Set(Box<ColumnType>),
    /// 0x0030
    Udt(Arc<UdtType>),
    /// 0x0031
    Tuple(Vec<ColumnType>),
    /// A vector of `dimensions` elements. On the wire it is the custom type
    /// `org.apache.cassandra.db.marshal.VectorType(<element class>, <dimensions>)`.
    Vector(Box<ColumnType>, u32),
}

/// A user-defined type: where it lives and its fields in order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UdtType {
    /// The keyspace the type belongs to.
    pub keyspace: String,
    /// The type's name.
    pub name: String,
    /// Field names and types, in declaration order.
    pub fields: Vec<(String, ColumnType)>,
}

use super::primitives::{short_len, write_short, write_string, Reader};
use super::{DecodeError, EncodeError};

/// How deeply types may nest (collections, tuples, UDTs, vectors) before decoding gives up with
/// [`DecodeError::TooDeep`]. Real schemas stay far below it.
pub const MAX_TYPE_DEPTH: usize = 64;

/// The Java package of Cassandra's marshal classes.
const MARSHAL: &str = "org.apache.cassandra.db.marshal.";

/// Native types: option id and marshal class name (without the package).
const NATIVE: &[(u16, &str, ColumnType)] = &[
    (0x0001, "AsciiType", ColumnType::Ascii),
    (0x0002, "LongType", ColumnType::Bigint),
    (0x0003, "BytesType", ColumnType::Blob),
    (0x0004, "BooleanType", ColumnType::Boolean),
    (0x0005, "CounterColumnType", ColumnType::Counter),
    (0x0006, "DecimalType", ColumnType::Decimal),
    (0x0007, "DoubleType", ColumnType::Double),
    (0x0008, "FloatType", ColumnType::Float),
    (0x0009, "Int32Type", ColumnType::Int),
    (0x000B, "TimestampType", ColumnType::Timestamp),
    (0x000C, "UUIDType", ColumnType::Uuid),
    (0x000D, "UTF8Type", ColumnType::Text),
    (0x000E, "IntegerType", ColumnType::Varint),
    (0x000F, "TimeUUIDType", ColumnType::Timeuuid),
    (0x0010, "InetAddressType", ColumnType::Inet),
    (0x0011, "SimpleDateType", ColumnType::Date),
    (0x0012, "TimeType", ColumnType::Time),
    (0x0013, "ShortType", ColumnType::Smallint),
    (0x0014, "ByteType", ColumnType::Tinyint),
    (0x0015, "DurationType", ColumnType::Duration),
];

impl ColumnType {
    /// Writes the type as an `[option]`. A vector is written as the custom type Cassandra uses.
    ///
    /// ```
    /// use ringbolt_driver::protocol::ColumnType;
    /// let mut out = Vec::new();
    /// ColumnType::List(Box::new(ColumnType::Int)).encode(&mut out).unwrap();
    /// assert_eq!(out, [0x00, 0x20, 0x00, 0x09]);
    /// ```
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self {
            ColumnType::Custom(class) => {
                write_short(out, 0x0000);
                write_string(out, class)?;
            }
            ColumnType::Vector(..) => {
                write_short(out, 0x0000);
                write_string(out, &self.class_name())?;
            }
            ColumnType::List(e) => {
                write_short(out, 0x0020);
                e.encode(out)?;
            }
            ColumnType::Map(k, v) => {
                write_short(out, 0x0021);
                k.encode(out)?;
                v.encode(out)?;
            }
            ColumnType::Set(e) => {
                write_short(out, 0x0022);
                e.encode(out)?;
            }
            ColumnType::Udt(udt) => {
                write_short(out, 0x0030);
                write_string(out, &udt.keyspace)?;
                write_string(out, &udt.name)?;
                write_short(out, short_len(udt.fields.len(), "UDT fields")?);
                for (name, typ) in &udt.fields {
                    write_string(out, name)?;
                    typ.encode(out)?;
                }
            }
            ColumnType::Tuple(elems) => {
                write_short(out, 0x0031);
                write_short(out, short_len(elems.len(), "tuple elements")?);
                for e in elems {
                    e.encode(out)?;
                }
            }
            native => {
                let id = NATIVE
                    .iter()
                    .find(|(_, _, t)| t == native)
                    .map(|(id, _, _)| *id)
                    .unwrap_or(0x0003);
                write_short(out, id);
            }
        }
        Ok(())
    }

    /// Reads an `[option]` type. Nesting deeper than [`MAX_TYPE_DEPTH`] is refused.
    pub fn decode(r: &mut Reader<'_>) -> Result<ColumnType, DecodeError> {
        Self::decode_at(r, 0)
    }

    fn decode_at(r: &mut Reader<'_>, depth: usize) -> Result<ColumnType, DecodeError> {
        if depth >= MAX_TYPE_DEPTH {
            return Err(DecodeError::TooDeep(MAX_TYPE_DEPTH));
        }
        let id = r.read_short()?;
        let next = depth + 1;
        Ok(match id {
            0x0000 => {
                let class = r.read_str()?;
                parse_custom(class)?
            }
            0x0020 => ColumnType::List(Box::new(Self::decode_at(r, next)?)),
            0x0021 => {
                let k = Self::decode_at(r, next)?;
                let v = Self::decode_at(r, next)?;
                ColumnType::Map(Box::new(k), Box::new(v))
            }
            0x0022 => ColumnType::Set(Box::new(Self::decode_at(r, next)?)),
            0x0030 => {
                let keyspace = r.read_string()?;
                let name = r.read_string()?;
                let n = usize::from(r.read_short()?);
                let n = r.check_count(n, 4, "UDT fields")?;
                let mut fields = Vec::with_capacity(n);
                for _ in 0..n {
                    let field = r.read_string()?;
                    fields.push((field, Self::decode_at(r, next)?));
                }
                ColumnType::Udt(Arc::new(UdtType {
                    keyspace,
                    name,
                    fields,
                }))
            }
            0x0031 => {
                let n = usize::from(r.read_short()?);
                let n = r.check_count(n, 2, "tuple elements")?;
                let mut elems = Vec::with_capacity(n);
                for _ in 0..n {
                    elems.push(Self::decode_at(r, next)?);
                }
                ColumnType::Tuple(elems)
            }
            code => NATIVE
                .iter()
                .find(|(c, _, _)| *c == code)
                .map(|(_, _, t)| t.clone())
                .ok_or(DecodeError::UnknownCode {
                    what: "column type",
                    code: u32::from(code),
                })?,
        })
    }

    /// The Cassandra marshal class name of this type, as a custom type or a vector element is
    /// spelled on the wire (for example `org.apache.cassandra.db.marshal.Int32Type`).
    pub fn class_name(&self) -> String {
        let mut s = String::new();
        self.write_class_name(&mut s);
        s
    }

    fn write_class_name(&self, s: &mut String) {
        let args = |s: &mut String, name: &str, types: &[&ColumnType]| {
            s.push_str(MARSHAL);
            s.push_str(name);
            s.push('(');
            for (i, t) in types.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                t.write_class_name(s);
            }
            s.push(')');
        };
        match self {
            ColumnType::Custom(class) => s.push_str(class),
            ColumnType::List(e) => args(s, "ListType", &[e]),
            ColumnType::Set(e) => args(s, "SetType", &[e]),
            ColumnType::Map(k, v) => args(s, "MapType", &[k, v]),
            ColumnType::Tuple(elems) => {
                let refs: Vec<&ColumnType> = elems.iter().collect();
                args(s, "TupleType", &refs);
            }
            ColumnType::Udt(udt) => {
                s.push_str(MARSHAL);
                s.push_str("UserType(");
                s.push_str(&udt.keyspace);
                s.push(',');
                s.push_str(&hex(udt.name.as_bytes()));
                for (name, typ) in &udt.fields {
                    s.push(',');
                    s.push_str(&hex(name.as_bytes()));
                    s.push(':');
                    typ.write_class_name(s);
                }
                s.push(')');
            }
            ColumnType::Vector(e, n) => {
                s.push_str(MARSHAL);
                s.push_str("VectorType(");
                e.write_class_name(s);
                s.push_str(" , ");
                s.push_str(&n.to_string());
                s.push(')');
            }
            native => {
                let name = NATIVE
                    .iter()
                    .find(|(_, _, t)| t == native)
                    .map(|(_, n, _)| *n)
                    .unwrap_or("BytesType");
                s.push_str(MARSHAL);
                s.push_str(name);
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Result<String, DecodeError> {
    let bad = DecodeError::Malformed {
        what: "custom type",
        reason: "UDT name is not hex-encoded UTF-8",
    };
    let bytes = s
        .as_bytes()
        .chunks(2)
        .map(|pair| {
            let h = std::str::from_utf8(pair).ok().filter(|h| h.len() == 2)?;
            u8::from_str_radix(h, 16).ok()
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or(bad.clone())?;
    String::from_utf8(bytes).map_err(|_| bad)
}

/// Whether a custom type's class name is a vector's, which decodes to [`ColumnType::Vector`].
fn is_vector_class(class: &str) -> bool {
    class
        .trim()
        .strip_prefix(MARSHAL)
        .is_some_and(|rest| rest.starts_with("VectorType("))
}

/// A custom type as received: vectors become [`ColumnType::Vector`], anything else stays custom.
fn parse_custom(class: &str) -> Result<ColumnType, DecodeError> {
    if is_vector_class(class) {
        let trimmed = class.trim();
        let mut p = ClassParser { s: trimmed, pos: 0 };
        let t = p.parse(0)?;
        p.skip_ws();
        if p.pos != p.s.len() {
            return Err(p.err("trailing characters after the type"));
        }
        return Ok(t);
    }
    Ok(ColumnType::Custom(Arc::from(class)))
}

/// A parser for marshal class names such as `...VectorType(...FloatType , 3)`.
struct ClassParser<'s> {
    s: &'s str,
    pos: usize,
}

impl<'s> ClassParser<'s> {
    fn err(&self, reason: &'static str) -> DecodeError {
        DecodeError::Malformed {
            what: "custom type class name",
            reason,
        }
    }

    fn rest(&self) -> &'s str {
        self.s.get(self.pos..).unwrap_or("")
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        if self.rest().starts_with(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> &'s str {
        self.skip_ws();
        let rest = self.rest();
        let end = rest
            .find(|c: char| matches!(c, '(' | ')' | ',' | ':') || c.is_whitespace())
            .unwrap_or(rest.len());
        self.pos += end;
        rest.get(..end).unwrap_or("")
    }

    /// Parses `Name` or `Name(args)`, skipping its raw text when the name is unknown.
    fn parse(&mut self, depth: usize) -> Result<ColumnType, DecodeError> {
        if depth >= MAX_TYPE_DEPTH {
            return Err(DecodeError::TooDeep(MAX_TYPE_DEPTH));
        }
        let start = self.pos;
        let name = self.ident();
        if name.is_empty() {
            return Err(self.err("expected a class name"));
        }
        let short = name.strip_prefix(MARSHAL).unwrap_or(name);
        if let Some((_, _, t)) = NATIVE.iter().find(|(_, n, _)| *n == short) {
            return Ok(t.clone());
        }
        let next = depth + 1;
        match short {
            "ListType" | "SetType" | "FrozenType" | "ReversedType" => {
                self.expect('(')?;
                let e = self.parse(next)?;
                self.expect(')')?;
                Ok(match short {
                    "ListType" => ColumnType::List(Box::new(e)),
                    "SetType" => ColumnType::Set(Box::new(e)),
                    _ => e,
                })
            }
            "MapType" => {
                self.expect('(')?;
                let k = self.parse(next)?;
                self.expect(',')?;
                let v = self.parse(next)?;
                self.expect(')')?;
                Ok(ColumnType::Map(Box::new(k), Box::new(v)))
            }
            "TupleType" => {
                self.expect('(')?;
                let mut elems = Vec::new();
                loop {
                    elems.push(self.parse(next)?);
                    if !self.eat(',') {
                        break;
                    }
                }
                self.expect(')')?;
                Ok(ColumnType::Tuple(elems))
            }
            "UserType" => {
                self.expect('(')?;
                let keyspace = self.ident().to_owned();
                self.expect(',')?;
                let name = unhex(self.ident())?;
                let mut fields = Vec::new();
                while self.eat(',') {
                    let field = unhex(self.ident())?;
                    self.expect(':')?;
                    fields.push((field, self.parse(next)?));
                }
                self.expect(')')?;
                Ok(ColumnType::Udt(Arc::new(UdtType {
                    keyspace,
                    name,
                    fields,
                })))
            }
            "VectorType" => {
                self.expect('(')?;
                let e = self.parse(next)?;
                self.expect(',')?;
                let n: u32 = self
                    .ident()
                    .parse()
                    .map_err(|_| self.err("vector dimension is not a number"))?;
                if n == 0 {
                    return Err(self.err("vector dimension must be positive"));
                }
                self.expect(')')?;
                Ok(ColumnType::Vector(Box::new(e), n))
            }
            _ => {
                // An unknown (custom) class, possibly with parameters: keep its text.
                self.skip_balanced()?;
                let text = self.s.get(start..self.pos).unwrap_or("").trim();
                Ok(ColumnType::Custom(Arc::from(text)))
            }
        }
    }

    fn expect(&mut self, c: char) -> Result<(), DecodeError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.err("unexpected character in the type's parameters"))
        }
    }

    /// Skips a parenthesised parameter list, if one follows.
    fn skip_balanced(&mut self) -> Result<(), DecodeError> {
        self.skip_ws();
        if !self.rest().starts_with('(') {
            return Ok(());
        }
        let mut depth = 0usize;
        for (i, c) in self.rest().char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += i + 1;
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        Err(self.err("unbalanced parentheses"))
    }
}

mod matching;
#[cfg(test)]
mod tests;
