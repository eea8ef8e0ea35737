//! `INSERT JSON`: a small JSON reader and the conversion of JSON values to serialized CQL values,
//! accepting what Cassandra's `fromJson` accepts for each type.

use super::compare::{build_collection, compare_values};
use super::errors::{invalid, ExecResult};
use super::schema::{ColumnKind, TableDef};
use super::values::literal;
use super::values::{eval, Val};
use ringbolt_cql::ast;
use ringbolt_cql::ast::Literal;
use ringbolt_driver::protocol::ColumnType;

/// A parsed JSON value (numbers kept as their text).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// null
    Null,
    /// true / false
    Bool(bool),
    /// a number, as written
    Num(String),
    /// a string
    Str(String),
    /// an array
    Arr(Vec<Json>),
    /// an object, in order
    Obj(Vec<(String, Json)>),
}

const MAX_DEPTH: usize = 64;

/// Parses a JSON document.
pub fn parse(text: &str) -> Result<Json, String> {
    let mut p = Parser {
        s: text.as_bytes(),
        pos: 0,
    };
    let v = p.value(0)?;
    p.ws();
    if p.pos != p.s.len() {
        return Err("Could not decode JSON string: trailing characters".into());
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self
            .s
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_whitespace())
        {
            self.pos += 1;
        }
    }

    fn bad(&self) -> String {
        format!(
            "Could not decode JSON string: unexpected input at offset {}",
            self.pos
        )
    }

    fn eat(&mut self, word: &str) -> bool {
        if self.s.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, String> {
        if depth > MAX_DEPTH {
            return Err("Could not decode JSON string: nested too deeply".into());
        }
        self.ws();
        match self.s.get(self.pos) {
            Some(b'n') if self.eat("null") => Ok(Json::Null),
            Some(b't') if self.eat("true") => Ok(Json::Bool(true)),
            Some(b'f') if self.eat("false") => Ok(Json::Bool(false)),
            Some(b'"') => self.string().map(Json::Str),
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat("]") {
                    return Ok(Json::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    if self.eat("]") {
                        return Ok(Json::Arr(items));
                    }
                    if !self.eat(",") {
                        return Err(self.bad());
                    }
                }
            }
            Some(b'{') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat("}") {
                    return Ok(Json::Obj(items));
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    self.ws();
                    if !self.eat(":") {
                        return Err(self.bad());
                    }
                    items.push((k, self.value(depth + 1)?));
                    self.ws();
                    if self.eat("}") {
                        return Ok(Json::Obj(items));
                    }
                    if !self.eat(",") {
                        return Err(self.bad());
                    }
                }
            }
            Some(c) if *c == b'-' || c.is_ascii_digit() => {
                let start = self.pos;
                while self.s.get(self.pos).is_some_and(|c| {
                    c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E')
                }) {
                    self.pos += 1;
                }
                let text = std::str::from_utf8(self.s.get(start..self.pos).unwrap_or_default())
                    .map_err(|_| self.bad())?;
                Ok(Json::Num(text.to_string()))
            }
            _ => Err(self.bad()),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        if !self.eat("\"") {
            return Err(self.bad());
        }
        let mut out = Vec::new();
        loop {
            let Some(&c) = self.s.get(self.pos) else {
                return Err(self.bad());
            };
            self.pos += 1;
            match c {
                b'"' => return String::from_utf8(out).map_err(|_| self.bad()),
                b'\\' => {
                    let Some(&e) = self.s.get(self.pos) else {
                        return Err(self.bad());
                    };
                    self.pos += 1;
                    match e {
                        b'"' | b'\\' | b'/' => out.push(e),
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'u' => {
                            let hex = self
                                .s
                                .get(self.pos..self.pos + 4)
                                .ok_or_else(|| self.bad())?;
                            let code = u32::from_str_radix(
                                std::str::from_utf8(hex).map_err(|_| self.bad())?,
                                16,
                            )
                            .map_err(|_| self.bad())?;
                            self.pos += 4;
                            let ch = char::from_u32(code).unwrap_or('\u{fffd}');
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        _ => return Err(self.bad()),
                    }
                }
                c => out.push(c),
            }
        }
    }
}

fn num_literal(n: &str) -> Literal {
    if n.contains(['.', 'e', 'E']) {
        Literal::Float(n.to_string())
    } else {
        Literal::Integer(n.to_string())
    }
}

/// Converts a JSON value for a receiver of type `t` (None = null).
pub fn to_value(
    j: &Json,
    name: &str,
    t: &ColumnType,
    depth: usize,
) -> Result<Option<Vec<u8>>, String> {
    if depth > MAX_DEPTH {
        return Err("JSON value nested too deeply".into());
    }
    let bad = || {
        format!(
            "Error decoding JSON value for {name}: unexpected value for type {}",
            super::types::type_text(t)
        )
    };
    Ok(Some(match (j, t) {
        (Json::Null, _) => return Ok(None),
        (Json::Bool(b), ColumnType::Boolean) => vec![u8::from(*b)],
        (Json::Num(n), _) => literal(&num_literal(n), name, t)?,
        (
            Json::Str(s),
            ColumnType::Text
            | ColumnType::Ascii
            | ColumnType::Timestamp
            | ColumnType::Date
            | ColumnType::Time
            | ColumnType::Inet
            | ColumnType::Duration,
        ) => literal(&Literal::String(s.clone()), name, t)?,
        (Json::Str(s), ColumnType::Uuid | ColumnType::Timeuuid) => {
            let u = uuid::Uuid::parse_str(s).map_err(|_| bad())?;
            literal(&Literal::Uuid(*u.as_bytes()), name, t)?
        }
        (Json::Str(s), ColumnType::Blob) => {
            let hex = s.strip_prefix("0x").ok_or_else(bad)?;
            if hex.len() % 2 != 0 {
                return Err(bad());
            }
            (0..hex.len())
                .step_by(2)
                .map(|i| {
                    hex.get(i..i + 2)
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                })
                .collect::<Option<Vec<u8>>>()
                .ok_or_else(bad)?
        }
        (Json::Str(s), ColumnType::Boolean) => match s.to_ascii_lowercase().as_str() {
            "true" => vec![1],
            "false" => vec![0],
            _ => return Err(bad()),
        },
        (Json::Str(s), _)
            if !matches!(
                t,
                ColumnType::List(_)
                    | ColumnType::Set(_)
                    | ColumnType::Map(_, _)
                    | ColumnType::Tuple(_)
                    | ColumnType::Udt(_)
            ) =>
        {
            literal(&num_literal(s.trim()), name, t)?
        }
        (Json::Arr(items), ColumnType::List(e) | ColumnType::Set(e)) => {
            let mut vals = Vec::with_capacity(items.len());
            for i in items {
                vals.push(
                    to_value(i, name, e, depth + 1)?.ok_or_else(|| {
                        format!("null is not supported inside collections ({name})")
                    })?,
                );
            }
            if matches!(t, ColumnType::Set(_)) {
                vals.sort_by(|a, b| compare_values(e, a, b));
                vals.dedup_by(|a, b| compare_values(e, a, b).is_eq());
            }
            build_collection(vals.len(), vals.iter().map(Vec::as_slice))
        }
        (Json::Arr(items), ColumnType::Tuple(ts)) if items.len() <= ts.len() => {
            let mut out = Vec::new();
            for (i, ft) in items.iter().zip(ts) {
                push_field(&mut out, to_value(i, name, ft, depth + 1)?);
            }
            out
        }
        (Json::Obj(pairs), ColumnType::Map(kt, vt)) => {
            let mut entries: Vec<(Vec<u8>, Vec<u8>)> = Vec::with_capacity(pairs.len());
            for (k, v) in pairs {
                let key_json = if matches!(**kt, ColumnType::Text | ColumnType::Ascii) {
                    Json::Str(k.clone())
                } else {
                    parse(k).unwrap_or(Json::Str(k.clone()))
                };
                let key = to_value(&key_json, name, kt, depth + 1)?.ok_or_else(bad)?;
                let value = to_value(v, name, vt, depth + 1)?
                    .ok_or_else(|| format!("null is not supported inside collections ({name})"))?;
                entries.retain(|(ek, _)| !compare_values(kt, ek, &key).is_eq());
                entries.push((key, value));
            }
            entries.sort_by(|a, b| compare_values(kt, &a.0, &b.0));
            build_collection(
                entries.len(),
                entries
                    .iter()
                    .flat_map(|(k, v)| [k.as_slice(), v.as_slice()]),
            )
        }
        (Json::Obj(pairs), ColumnType::Udt(u)) => {
            for (k, _) in pairs {
                if !u.fields.iter().any(|(f, _)| *f == field_name(k)) {
                    return Err(format!(
                        "Unknown field '{k}' in value of user defined type {}",
                        u.name
                    ));
                }
            }
            let mut out = Vec::new();
            for (f, ft) in &u.fields {
                let v = match pairs.iter().find(|(k, _)| field_name(k) == *f) {
                    Some((_, v)) => to_value(v, name, ft, depth + 1)?,
                    None => None,
                };
                push_field(&mut out, v);
            }
            out
        }
        _ => return Err(bad()),
    }))
}

/// A JSON key as a CQL identifier: quoted keys keep their case, others are lower-cased.
pub fn field_name(k: &str) -> String {
    match k.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => k.to_lowercase(),
    }
}

fn push_field(out: &mut Vec<u8>, v: Option<Vec<u8>>) {
    match v {
        Some(b) => {
            out.extend_from_slice(&i32::try_from(b.len()).unwrap_or(i32::MAX).to_be_bytes());
            out.extend_from_slice(&b);
        }
        None => out.extend_from_slice(&(-1i32).to_be_bytes()),
    }
}

/// The columns and values of an `INSERT JSON` document.
pub(crate) fn insert_values(
    table: &TableDef,
    value: &ast::Term,
    default_unset: bool,
    ctx: &super::values::EvalCtx<'_>,
) -> ExecResult<Vec<(String, Val)>> {
    let doc = match eval(
        value,
        "[json]",
        &ringbolt_driver::protocol::ColumnType::Text,
        ctx,
    )
    .map_err(invalid)?
    {
        Val::Bytes(b) => {
            String::from_utf8(b).map_err(|_| invalid("Got null for INSERT JSON values"))?
        }
        _ => return Err(invalid("Got null for INSERT JSON values")),
    };
    let Json::Obj(pairs) = parse(&doc).map_err(invalid)? else {
        return Err(invalid(format!(
            "Could not decode JSON string as a map: {doc}"
        )));
    };
    let mut out = Vec::with_capacity(table.columns.len());
    for (k, _) in &pairs {
        let name = field_name(k);
        if table.column(&name).is_none() {
            return Err(invalid(format!(
                "JSON values map contains unrecognized column: {name}"
            )));
        }
    }
    for col in &table.columns {
        let given = pairs.iter().find(|(k, _)| field_name(k) == col.name);
        let v = match given {
            Some((_, j)) => match to_value(j, &col.name, &col.typ.typ, 0).map_err(invalid)? {
                Some(b) => Val::Bytes(b),
                None => Val::Null,
            },
            None if default_unset
                || matches!(col.kind, ColumnKind::PartitionKey | ColumnKind::Clustering) =>
            {
                continue
            }
            None => Val::Null,
        };
        out.push((col.name.clone(), v));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_converts() {
        let j = parse(r#"{"k": 1, "v": "x\u0041", "l": [1, 2], "m": {"3": true}}"#).unwrap();
        let Json::Obj(pairs) = j else { panic!() };
        assert_eq!(pairs[1].1, Json::Str("xA".into()));
        let m = ColumnType::Map(Box::new(ColumnType::Int), Box::new(ColumnType::Boolean));
        let bytes = to_value(&pairs[3].1, "m", &m, 0).unwrap().unwrap();
        assert_eq!(
            bytes,
            build_collection(1, [3i32.to_be_bytes().as_slice(), [1u8].as_slice()])
        );
        for bad in ["{", "[1,", "\"\\u12", "{\"a\" 1}", "nul", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
