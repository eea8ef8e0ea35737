//! [`CqlValue`] as a CQL literal, for messages and generated statements.

use std::fmt;

use super::temporal::{naive_date_from_cql, naive_time_from_cql};
use super::wire::MAX_NESTING_DEPTH;
use super::{CqlDuration, CqlValue};

impl CqlValue {
    /// This value as a CQL literal: `'it''s'`, `42`, `0xcafe`, `[1, 2]`, `{'k': 1}`,
    /// `(1, null)`, `{field: 1}`, `'2024-01-31'`, `1mo2d3ns`, `NaN`...
    ///
    /// Timestamps, dates and times are quoted strings when chrono can represent them, else
    /// their raw numbers. [`CqlValue::Empty`] is the empty blob `0x`.
    ///
    /// ```
    /// use ringbolt_driver::types::CqlValue;
    /// let v = CqlValue::List(vec![CqlValue::Text("it's".into()), CqlValue::Text("x".into())]);
    /// assert_eq!(v.to_cql_literal(), "['it''s', 'x']");
    /// ```
    pub fn to_cql_literal(&self) -> String {
        let mut s = String::new();
        // Writing to a String cannot fail.
        let _ = write_literal(self, &mut s, 0);
        s
    }
}

impl fmt::Display for CqlValue {
    /// Formats the value as [`CqlValue::to_cql_literal`] does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_literal(self, f, 0)
    }
}

fn write_string(s: &str, out: &mut impl fmt::Write) -> fmt::Result {
    out.write_char('\'')?;
    for part in s.split_inclusive('\'') {
        out.write_str(part)?;
        if part.ends_with('\'') {
            out.write_char('\'')?;
        }
    }
    out.write_char('\'')
}

fn write_blob(b: &[u8], out: &mut impl fmt::Write) -> fmt::Result {
    out.write_str("0x")?;
    for byte in b {
        write!(out, "{byte:02x}")?;
    }
    Ok(())
}

fn write_float(
    is_nan: bool,
    is_inf: bool,
    negative: bool,
    debug: &str,
    out: &mut impl fmt::Write,
) -> fmt::Result {
    if is_nan {
        out.write_str("NaN")
    } else if is_inf {
        out.write_str(if negative { "-Infinity" } else { "Infinity" })
    } else {
        out.write_str(debug)
    }
}

fn write_duration(d: &CqlDuration, out: &mut impl fmt::Write) -> fmt::Result {
    let negative = d.months < 0 || d.days < 0 || d.nanoseconds < 0;
    if negative {
        out.write_char('-')?;
    }
    let months = d.months.unsigned_abs();
    let days = d.days.unsigned_abs();
    let nanos = d.nanoseconds.unsigned_abs();
    if months == 0 && days == 0 && nanos == 0 {
        return out.write_str("0ns");
    }
    if months != 0 {
        write!(out, "{months}mo")?;
    }
    if days != 0 {
        write!(out, "{days}d")?;
    }
    if nanos != 0 {
        write!(out, "{nanos}ns")?;
    }
    Ok(())
}

/// A field name, double-quoted unless it is a plain lower-case identifier.
fn write_identifier(name: &str, out: &mut impl fmt::Write) -> fmt::Result {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        out.write_str(name)
    } else {
        out.write_char('"')?;
        out.write_str(&name.replace('"', "\"\""))?;
        out.write_char('"')
    }
}

fn write_seq<'a>(
    open: char,
    close: char,
    items: impl Iterator<Item = Option<&'a CqlValue>>,
    out: &mut impl fmt::Write,
    depth: usize,
) -> fmt::Result {
    out.write_char(open)?;
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        match item {
            Some(v) => write_literal(v, out, depth + 1)?,
            None => out.write_str("null")?,
        }
    }
    out.write_char(close)
}

fn write_literal(v: &CqlValue, out: &mut impl fmt::Write, depth: usize) -> fmt::Result {
    if depth > MAX_NESTING_DEPTH {
        return out.write_str("...");
    }
    match v {
        CqlValue::Ascii(s) | CqlValue::Text(s) => write_string(s, out),
        CqlValue::Bigint(n) | CqlValue::Counter(n) => write!(out, "{n}"),
        CqlValue::Blob(b) | CqlValue::Custom(b) => write_blob(b, out),
        CqlValue::Boolean(b) => write!(out, "{b}"),
        CqlValue::Decimal(d) => write!(out, "{d}"),
        CqlValue::Double(d) => write_float(
            d.is_nan(),
            d.is_infinite(),
            *d < 0.0,
            &format!("{d:?}"),
            out,
        ),
        CqlValue::Float(f) => write_float(
            f.is_nan(),
            f.is_infinite(),
            *f < 0.0,
            &format!("{f:?}"),
            out,
        ),
        CqlValue::Int(n) => write!(out, "{n}"),
        CqlValue::Timestamp(ms) => match chrono::DateTime::from_timestamp_millis(*ms) {
            Some(t) => write!(out, "'{}'", t.format("%Y-%m-%dT%H:%M:%S%.3fZ")),
            None => write!(out, "{ms}"),
        },
        CqlValue::Uuid(u) | CqlValue::Timeuuid(u) => write!(out, "{u}"),
        CqlValue::Varint(n) => write!(out, "{n}"),
        CqlValue::Inet(a) => write!(out, "'{a}'"),
        CqlValue::Date(d) => match naive_date_from_cql(*d) {
            Ok(date) => write!(out, "'{}'", date.format("%Y-%m-%d")),
            Err(_) => write!(out, "'{d}'"),
        },
        CqlValue::Time(ns) => match naive_time_from_cql(*ns) {
            Ok(t) => write!(out, "'{}'", t.format("%H:%M:%S%.9f")),
            Err(_) => write!(out, "{ns}"),
        },
        CqlValue::Smallint(n) => write!(out, "{n}"),
        CqlValue::Tinyint(n) => write!(out, "{n}"),
        CqlValue::Duration(d) => write_duration(d, out),
        CqlValue::List(items) | CqlValue::Vector(items) => {
            write_seq('[', ']', items.iter().map(Some), out, depth)
        }
        CqlValue::Set(items) => write_seq('{', '}', items.iter().map(Some), out, depth),
        CqlValue::Map(entries) => {
            out.write_char('{')?;
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.write_str(", ")?;
                }
                write_literal(k, out, depth + 1)?;
                out.write_str(": ")?;
                write_literal(v, out, depth + 1)?;
            }
            out.write_char('}')
        }
        CqlValue::Tuple(fields) => {
            write_seq('(', ')', fields.iter().map(Option::as_ref), out, depth)
        }
        CqlValue::Udt { fields, .. } => {
            out.write_char('{')?;
            for (i, (name, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.write_str(", ")?;
                }
                write_identifier(name, out)?;
                out.write_str(": ")?;
                match v {
                    Some(v) => write_literal(v, out, depth + 1)?,
                    None => out.write_str("null")?,
                }
            }
            out.write_char('}')
        }
        CqlValue::Empty => out.write_str("0x"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars() {
        assert_eq!(CqlValue::Text("it's".into()).to_cql_literal(), "'it''s'");
        assert_eq!(CqlValue::Text("''".into()).to_cql_literal(), "''''''");
        assert_eq!(CqlValue::Int(-3).to_cql_literal(), "-3");
        assert_eq!(CqlValue::Blob(vec![0xca, 0xfe]).to_cql_literal(), "0xcafe");
        assert_eq!(CqlValue::Double(1.0).to_cql_literal(), "1.0");
        assert_eq!(CqlValue::Double(f64::NAN).to_cql_literal(), "NaN");
        assert_eq!(
            CqlValue::Float(f32::NEG_INFINITY).to_cql_literal(),
            "-Infinity"
        );
        assert_eq!(CqlValue::Boolean(true).to_cql_literal(), "true");
        assert_eq!(
            CqlValue::Timestamp(1_000).to_cql_literal(),
            "'1970-01-01T00:00:01.000Z'"
        );
        assert_eq!(
            CqlValue::Timestamp(i64::MAX).to_cql_literal(),
            i64::MAX.to_string()
        );
        assert_eq!(CqlValue::Date(1 << 31).to_cql_literal(), "'1970-01-01'");
        assert_eq!(CqlValue::Date(0).to_cql_literal(), "'0'");
        assert_eq!(
            CqlValue::Time(1_000_000_001).to_cql_literal(),
            "'00:00:01.000000001'"
        );
        assert_eq!(
            CqlValue::Inet("::1".parse().unwrap()).to_cql_literal(),
            "'::1'"
        );
        assert_eq!(
            CqlValue::Uuid(uuid::Uuid::nil()).to_cql_literal(),
            "00000000-0000-0000-0000-000000000000"
        );
        assert_eq!(CqlValue::Varint((-129).into()).to_cql_literal(), "-129");
        assert_eq!(CqlValue::Empty.to_cql_literal(), "0x");
    }

    #[test]
    fn durations() {
        let d = |months, days, nanoseconds| {
            CqlValue::Duration(CqlDuration {
                months,
                days,
                nanoseconds,
            })
        };
        assert_eq!(d(1, 2, 3).to_cql_literal(), "1mo2d3ns");
        assert_eq!(d(-1, 0, -5).to_cql_literal(), "-1mo5ns");
        assert_eq!(d(0, 0, 0).to_cql_literal(), "0ns");
        assert_eq!(
            d(i32::MIN, 0, i64::MIN).to_cql_literal(),
            "-2147483648mo9223372036854775808ns"
        );
    }

    #[test]
    fn nested() {
        let m = CqlValue::Map(vec![(
            CqlValue::Text("k".into()),
            CqlValue::Set(vec![CqlValue::Int(1), CqlValue::Int(2)]),
        )]);
        assert_eq!(m.to_cql_literal(), "{'k': {1, 2}}");
        let t = CqlValue::Tuple(vec![Some(CqlValue::Int(1)), None]);
        assert_eq!(t.to_string(), "(1, null)");
        let u = CqlValue::Udt {
            keyspace: "ks".into(),
            name: "addr".into(),
            fields: vec![
                ("street".into(), Some(CqlValue::Text("x".into()))),
                ("Zip".into(), None),
            ],
        };
        assert_eq!(u.to_cql_literal(), "{street: 'x', \"Zip\": null}");
        assert_eq!(
            CqlValue::Vector(vec![CqlValue::Float(0.5)]).to_cql_literal(),
            "[0.5]"
        );
    }
}
