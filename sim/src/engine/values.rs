//! Terms of a statement (literals, collections, functions, bind markers) turned into serialized
//! values of the type their receiver expects, with Cassandra's messages when they do not fit.

use super::binds::{Binds, BoundValue};
use super::functions;
use super::types::{build_collection, compare_values, type_text, validate_value};
use ringbolt_cql::ast::{Literal, NativeType, Term, TermKind};
use ringbolt_driver::protocol::ColumnType;

/// A term's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    /// null
    Null,
    /// unset (bind markers only)
    Unset,
    /// a serialized value
    Bytes(Vec<u8>),
}

impl Val {
    /// The bytes, if any.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Val::Bytes(b) => Some(b),
            _ => None,
        }
    }
}

/// What evaluation needs: bind values and the statement's clock.
pub struct EvalCtx<'a> {
    /// Bind values.
    pub binds: &'a Binds,
    /// "now", microseconds since the epoch.
    pub now_micros: i64,
}

/// Evaluates a term for a receiver named `name` of type `typ`.
pub fn eval(term: &Term, name: &str, typ: &ColumnType, ctx: &EvalCtx<'_>) -> Result<Val, String> {
    let typ = if *typ == ColumnType::Counter {
        &ColumnType::Bigint
    } else {
        typ
    };
    match &term.kind {
        TermKind::BindMarker(m) => match ctx.binds.get(m)? {
            BoundValue::Null => Ok(Val::Null),
            BoundValue::Unset => Ok(Val::Unset),
            BoundValue::Bytes(b) => {
                validate_value(typ, &b)?;
                Ok(Val::Bytes(b))
            }
        },
        TermKind::Literal(Literal::Null) => Ok(Val::Null),
        TermKind::Literal(lit) => literal(lit, name, typ).map(Val::Bytes),
        TermKind::Negate(inner) => match &inner.kind {
            TermKind::Literal(Literal::Integer(s)) => {
                literal(&Literal::Integer(format!("-{s}")), name, typ).map(Val::Bytes)
            }
            TermKind::Literal(Literal::Float(s)) => {
                literal(&Literal::Float(format!("-{s}")), name, typ).map(Val::Bytes)
            }
            _ => Err(format!(
                "Invalid negation for \"{name}\" of type {}",
                type_text(typ)
            )),
        },
        TermKind::TypeHint { term, .. } => eval(term, name, typ, ctx),
        TermKind::FunctionCall { name: fname, args } => {
            functions::call_term(&fname.name.name, args, name, typ, ctx).map(Val::Bytes)
        }
        TermKind::List(items) | TermKind::Set(items) => {
            collection(items, name, typ, ctx, &term.kind)
        }
        TermKind::Map(pairs) => map(pairs, name, typ, ctx),
        TermKind::Tuple(items) => match typ {
            ColumnType::Tuple(types) => {
                if items.len() > types.len() {
                    return Err(format!(
                        "Invalid tuple literal for {name}: too many elements. Type {} expects {} but got {}",
                        type_text(typ),
                        types.len(),
                        items.len()
                    ));
                }
                let mut out = Vec::new();
                for (item, t) in items.iter().zip(types) {
                    push_field(&mut out, eval(item, name, t, ctx)?);
                }
                Ok(Val::Bytes(out))
            }
            _ => Err(format!(
                "Invalid tuple type literal for {name} of type {}",
                type_text(typ)
            )),
        },
        TermKind::Udt(fields) => match typ {
            ColumnType::Udt(u) => {
                for (f, _) in fields {
                    if !u.fields.iter().any(|(n, _)| *n == f.name) {
                        return Err(format!(
                            "Unknown field '{}' in value of user defined type {}",
                            f.name, u.name
                        ));
                    }
                }
                let mut out = Vec::new();
                for (fname, ftype) in &u.fields {
                    let v = match fields.iter().find(|(f, _)| f.name == *fname) {
                        Some((_, t)) => eval(t, name, ftype, ctx)?,
                        None => Val::Null,
                    };
                    push_field(&mut out, v);
                }
                Ok(Val::Bytes(out))
            }
            _ => Err(format!(
                "Invalid user type literal for {name} of type {}",
                type_text(typ)
            )),
        },
        _ => Err(format!(
            "Invalid value for {name}: arithmetic is not supported here"
        )),
    }
}

fn push_field(out: &mut Vec<u8>, v: Val) {
    match v {
        Val::Bytes(b) => {
            out.extend_from_slice(&(b.len() as i32).to_be_bytes());
            out.extend_from_slice(&b);
        }
        _ => out.extend_from_slice(&(-1i32).to_be_bytes()),
    }
}

fn collection(
    items: &[Term],
    name: &str,
    typ: &ColumnType,
    ctx: &EvalCtx<'_>,
    kind: &TermKind,
) -> Result<Val, String> {
    let (elem, is_set) = match (typ, kind) {
        (ColumnType::List(e), TermKind::List(_)) => (e.as_ref(), false),
        (ColumnType::Set(e), _) => (e.as_ref(), true),
        (ColumnType::Map(_, _), TermKind::Set(s)) if s.is_empty() => {
            return Ok(Val::Bytes(build_collection(0, [])))
        }
        (ColumnType::Vector(e, _), TermKind::List(_)) => (e.as_ref(), false),
        _ => {
            let what = if matches!(kind, TermKind::List(_)) {
                "list"
            } else {
                "set"
            };
            return Err(format!(
                "Invalid {what} literal for {name} of type {}",
                type_text(typ)
            ));
        }
    };
    let mut values: Vec<Vec<u8>> = Vec::with_capacity(items.len());
    for item in items {
        match eval(item, name, elem, ctx)? {
            Val::Bytes(b) => values.push(b),
            Val::Null => return Err("null is not supported inside collections".to_string()),
            Val::Unset => return Err("unset value is not supported inside collections".to_string()),
        }
    }
    if is_set {
        values.sort_by(|a, b| compare_values(elem, a, b));
        values.dedup_by(|a, b| compare_values(elem, a, b).is_eq());
    }
    if let ColumnType::Vector(_, n) = typ {
        if values.len() != *n as usize {
            return Err(format!(
                "Invalid vector literal for {name}: expected {n} elements, got {}",
                values.len()
            ));
        }
        return Ok(Val::Bytes(values.concat()));
    }
    Ok(Val::Bytes(build_collection(
        values.len(),
        values.iter().map(|v| v.as_slice()),
    )))
}

fn map(
    pairs: &[(Term, Term)],
    name: &str,
    typ: &ColumnType,
    ctx: &EvalCtx<'_>,
) -> Result<Val, String> {
    if pairs.is_empty() && matches!(typ, ColumnType::Set(_) | ColumnType::List(_)) {
        return Ok(Val::Bytes(build_collection(0, [])));
    }
    let ColumnType::Map(kt, vt) = typ else {
        return Err(format!(
            "Invalid map literal for {name} of type {}",
            type_text(typ)
        ));
    };
    let mut entries: Vec<(Vec<u8>, Vec<u8>)> = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        let (Val::Bytes(k), Val::Bytes(v)) = (eval(k, name, kt, ctx)?, eval(v, name, vt, ctx)?)
        else {
            return Err("null is not supported inside collections".into());
        };
        entries.retain(|(ek, _)| !compare_values(kt, ek, &k).is_eq());
        entries.push((k, v));
    }
    entries.sort_by(|a, b| compare_values(kt, &a.0, &b.0));
    let flat = entries
        .iter()
        .flat_map(|(k, v)| [k.as_slice(), v.as_slice()]);
    Ok(Val::Bytes(build_collection(entries.len(), flat)))
}

fn lit_kind(lit: &Literal) -> &'static str {
    match lit {
        Literal::String(_) => "STRING",
        Literal::Integer(_) => "INTEGER",
        Literal::Float(_) | Literal::NaN | Literal::Infinity { .. } => "FLOAT",
        Literal::Boolean(_) => "BOOLEAN",
        Literal::Uuid(_) => "UUID",
        Literal::Blob(_) => "HEX",
        Literal::Duration(_) => "DURATION",
        _ => "NULL",
    }
}

fn lit_text(lit: &Literal) -> String {
    match lit {
        Literal::String(s) => s.clone(),
        Literal::Integer(s) | Literal::Float(s) | Literal::Duration(s) => s.clone(),
        Literal::NaN => "NaN".into(),
        Literal::Infinity { negative } => {
            if *negative {
                "-Infinity".into()
            } else {
                "Infinity".into()
            }
        }
        Literal::Boolean(b) => b.to_string(),
        Literal::Uuid(u) => uuid::Uuid::from_bytes(*u).to_string(),
        Literal::Blob(b) => format!(
            "0x{}",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        ),
        _ => "null".into(),
    }
}

/// Converts a constant to a serialized value of `typ`.
pub fn literal(lit: &Literal, name: &str, typ: &ColumnType) -> Result<Vec<u8>, String> {
    let bad = || {
        format!(
            "Invalid {} constant ({}) for \"{name}\" of type {}",
            lit_kind(lit),
            lit_text(lit),
            type_text(typ)
        )
    };
    let float_of = |s: &str| -> Option<f64> { s.parse::<f64>().ok() };
    match (lit, typ) {
        (Literal::String(s), ColumnType::Text) => Ok(s.as_bytes().to_vec()),
        (Literal::String(s), ColumnType::Ascii) if s.is_ascii() => Ok(s.as_bytes().to_vec()),
        (Literal::String(s), ColumnType::Timestamp) => functions::parse_timestamp(s)
            .map(|ms| ms.to_be_bytes().to_vec())
            .ok_or_else(|| format!("Unable to coerce '{s}' to a formatted date (long)")),
        (Literal::String(s), ColumnType::Date) => functions::parse_date(s)
            .map(|d| d.to_be_bytes().to_vec())
            .ok_or_else(|| format!("Unable to coerce '{s}' to a formatted date (long)")),
        (Literal::String(s), ColumnType::Time) => functions::parse_time(s)
            .map(|t| t.to_be_bytes().to_vec())
            .ok_or_else(|| format!("Unable to coerce '{s}' to a formatted time (long)")),
        (Literal::String(s), ColumnType::Inet) => s
            .parse::<std::net::IpAddr>()
            .map(|ip| match ip {
                std::net::IpAddr::V4(v) => v.octets().to_vec(),
                std::net::IpAddr::V6(v) => v.octets().to_vec(),
            })
            .map_err(|_| format!("Unable to make inet address from '{s}'")),
        (Literal::Integer(s), ColumnType::Int) => s
            .parse::<i32>()
            .map(|v| v.to_be_bytes().to_vec())
            .map_err(|_| bad()),
        (Literal::Integer(s), ColumnType::Bigint | ColumnType::Counter | ColumnType::Timestamp) => {
            s.parse::<i64>()
                .map(|v| v.to_be_bytes().to_vec())
                .map_err(|_| bad())
        }
        (Literal::Integer(s), ColumnType::Smallint) => s
            .parse::<i16>()
            .map(|v| v.to_be_bytes().to_vec())
            .map_err(|_| bad()),
        (Literal::Integer(s), ColumnType::Tinyint) => s
            .parse::<i8>()
            .map(|v| v.to_be_bytes().to_vec())
            .map_err(|_| bad()),
        (Literal::Integer(s), ColumnType::Time) => s
            .parse::<i64>()
            .map(|v| v.to_be_bytes().to_vec())
            .map_err(|_| bad()),
        (Literal::Integer(s), ColumnType::Date) => s
            .parse::<u32>()
            .map(|v| v.to_be_bytes().to_vec())
            .map_err(|_| bad()),
        (Literal::Integer(s), ColumnType::Varint) => s
            .parse::<num_bigint::BigInt>()
            .map(|v| v.to_signed_bytes_be())
            .map_err(|_| bad()),
        (Literal::Integer(s) | Literal::Float(s), ColumnType::Decimal) => s
            .parse::<bigdecimal::BigDecimal>()
            .map(|d| {
                let (unscaled, scale) = d.as_bigint_and_exponent();
                let mut out = (scale as i32).to_be_bytes().to_vec();
                out.extend_from_slice(&unscaled.to_signed_bytes_be());
                out
            })
            .map_err(|_| bad()),
        (Literal::Integer(s) | Literal::Float(s), ColumnType::Double) => float_of(s)
            .map(|f| f.to_be_bytes().to_vec())
            .ok_or_else(bad),
        (Literal::Integer(s) | Literal::Float(s), ColumnType::Float) => float_of(s)
            .map(|f| (f as f32).to_be_bytes().to_vec())
            .ok_or_else(bad),
        (Literal::NaN, ColumnType::Double) => Ok(f64::NAN.to_be_bytes().to_vec()),
        (Literal::NaN, ColumnType::Float) => Ok(f32::NAN.to_be_bytes().to_vec()),
        (Literal::Infinity { negative }, ColumnType::Double) => Ok((if *negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        })
        .to_be_bytes()
        .to_vec()),
        (Literal::Infinity { negative }, ColumnType::Float) => Ok((if *negative {
            f32::NEG_INFINITY
        } else {
            f32::INFINITY
        })
        .to_be_bytes()
        .to_vec()),
        (Literal::Boolean(b), ColumnType::Boolean) => Ok(vec![u8::from(*b)]),
        (Literal::Uuid(u), ColumnType::Uuid) => Ok(u.to_vec()),
        (Literal::Uuid(u), ColumnType::Timeuuid) => {
            if u[6] >> 4 != 1 {
                return Err(format!(
                    "Invalid UUID constant ({}) for \"{name}\" of type timeuuid",
                    lit_text(lit)
                ));
            }
            Ok(u.to_vec())
        }
        (Literal::Blob(b), ColumnType::Blob) => Ok(b.clone()),
        (Literal::Duration(s), ColumnType::Duration) => {
            functions::parse_duration(s).ok_or_else(bad)
        }
        (Literal::String(s), ColumnType::Duration) => functions::parse_duration(s).ok_or_else(bad),
        _ => Err(bad()),
    }
}

/// The protocol type of a native type name in the AST.
pub fn native_type(t: NativeType) -> ColumnType {
    match t {
        NativeType::Ascii => ColumnType::Ascii,
        NativeType::Bigint => ColumnType::Bigint,
        NativeType::Blob => ColumnType::Blob,
        NativeType::Boolean => ColumnType::Boolean,
        NativeType::Counter => ColumnType::Counter,
        NativeType::Date => ColumnType::Date,
        NativeType::Decimal => ColumnType::Decimal,
        NativeType::Double => ColumnType::Double,
        NativeType::Duration => ColumnType::Duration,
        NativeType::Float => ColumnType::Float,
        NativeType::Inet => ColumnType::Inet,
        NativeType::Int => ColumnType::Int,
        NativeType::Smallint => ColumnType::Smallint,
        NativeType::Text => ColumnType::Text,
        NativeType::Time => ColumnType::Time,
        NativeType::Timestamp => ColumnType::Timestamp,
        NativeType::Timeuuid => ColumnType::Timeuuid,
        NativeType::Tinyint => ColumnType::Tinyint,
        NativeType::Uuid => ColumnType::Uuid,
        NativeType::Varint => ColumnType::Varint,
    }
}
