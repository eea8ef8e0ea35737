//! `SELECT JSON` (each row as one JSON object in a `[json]` text column, values formatted as
//! Cassandra formats them) and `CAST` conversions, which share that formatting.

use super::compare::{collection_items, take_value};
use super::types::quote_ident;
use chrono::{DateTime, NaiveDate};
use ringbolt_driver::protocol::ColumnType;
use std::fmt::Write;

/// A JSON string literal.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn int_of(v: &[u8]) -> Option<i64> {
    Some(match v.len() {
        1 => i64::from(v[0] as i8),
        2 => i64::from(i16::from_be_bytes([v[0], v[1]])),
        4 => i64::from(i32::from_be_bytes([v[0], v[1], v[2], v[3]])),
        8 => i64::from_be_bytes(v.try_into().ok()?),
        _ => return None,
    })
}

fn hex(v: &[u8]) -> String {
    let mut s = String::with_capacity(2 + v.len() * 2);
    s.push_str("0x");
    for b in v {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// One value as JSON (`null` for a missing or malformed value).
pub fn value_json(t: &ColumnType, v: Option<&[u8]>) -> String {
    let Some(v) = v else { return "null".into() };
    let text = || String::from_utf8_lossy(v).into_owned();
    match t {
        ColumnType::Ascii | ColumnType::Text => quote(&text()),
        ColumnType::Int
        | ColumnType::Bigint
        | ColumnType::Smallint
        | ColumnType::Tinyint
        | ColumnType::Counter => int_of(v).map_or("null".into(), |n| n.to_string()),
        ColumnType::Varint => num_bigint::BigInt::from_signed_bytes_be(v).to_string(),
        ColumnType::Decimal if v.len() >= 4 => {
            let scale = i32::from_be_bytes([v[0], v[1], v[2], v[3]]);
            bigdecimal::BigDecimal::new(
                num_bigint::BigInt::from_signed_bytes_be(&v[4..]),
                i64::from(scale),
            )
            .to_string()
        }
        ColumnType::Double => {
            <[u8; 8]>::try_from(v).map_or("null".into(), |b| f64::from_be_bytes(b).to_string())
        }
        ColumnType::Float => {
            <[u8; 4]>::try_from(v).map_or("null".into(), |b| f32::from_be_bytes(b).to_string())
        }
        ColumnType::Boolean => (if v.first().is_some_and(|b| *b != 0) {
            "true"
        } else {
            "false"
        })
        .into(),
        ColumnType::Uuid | ColumnType::Timeuuid => {
            uuid::Uuid::from_slice(v).map_or("null".into(), |u| quote(&u.to_string()))
        }
        ColumnType::Timestamp => int_of(v)
            .and_then(DateTime::from_timestamp_millis)
            .map_or("null".into(), |d| {
                quote(&d.format("%Y-%m-%d %H:%M:%S%.3fZ").to_string())
            }),
        ColumnType::Date => <[u8; 4]>::try_from(v)
            .ok()
            .and_then(|b| {
                let days = i64::from(u32::from_be_bytes(b)) - (1 << 31);
                NaiveDate::from_ymd_opt(1970, 1, 1)?
                    .checked_add_signed(chrono::Duration::try_days(days)?)
            })
            .map_or("null".into(), |d| quote(&d.format("%Y-%m-%d").to_string())),
        ColumnType::Time => int_of(v).map_or("null".into(), |n| {
            let (s, ns) = (n.div_euclid(1_000_000_000), n.rem_euclid(1_000_000_000));
            quote(&format!(
                "{:02}:{:02}:{:02}.{ns:09}",
                s / 3600,
                (s / 60) % 60,
                s % 60
            ))
        }),
        ColumnType::Inet => match v.len() {
            4 => quote(&std::net::Ipv4Addr::new(v[0], v[1], v[2], v[3]).to_string()),
            16 => <[u8; 16]>::try_from(v).map_or("null".into(), |b| {
                quote(&std::net::Ipv6Addr::from(b).to_string())
            }),
            _ => "null".into(),
        },
        ColumnType::List(e) | ColumnType::Set(e) => {
            let items: Vec<String> = collection_items(v)
                .into_iter()
                .map(|i| value_json(e, Some(i)))
                .collect();
            format!("[{}]", items.join(", "))
        }
        ColumnType::Map(k, val) => {
            let items = collection_items(v);
            let pairs: Vec<String> = items
                .chunks(2)
                .filter_map(|p| match p {
                    [key, value] => {
                        let kj = value_json(k, Some(key));
                        let kj = if kj.starts_with('"') { kj } else { quote(&kj) };
                        Some(format!("{kj}: {}", value_json(val, Some(value))))
                    }
                    _ => None,
                })
                .collect();
            format!("{{{}}}", pairs.join(", "))
        }
        ColumnType::Tuple(ts) => {
            let mut rest = v;
            let items: Vec<String> = ts
                .iter()
                .map(|t| value_json(t, take_value(&mut rest).flatten()))
                .collect();
            format!("[{}]", items.join(", "))
        }
        ColumnType::Udt(u) => {
            let mut rest = v;
            let items: Vec<String> = u
                .fields
                .iter()
                .map(|(n, t)| {
                    format!(
                        "{}: {}",
                        quote(&quote_ident(n)),
                        value_json(t, take_value(&mut rest).flatten())
                    )
                })
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        _ => quote(&hex(v)),
    }
}

/// A row as one JSON object keyed by column names.
pub fn row_json(columns: &[(String, ColumnType)], values: &[Option<Vec<u8>>]) -> String {
    let parts: Vec<String> = columns
        .iter()
        .zip(values)
        .map(|((name, t), v)| {
            format!(
                "{}: {}",
                quote(&quote_ident(name)),
                value_json(t, v.as_deref())
            )
        })
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// Whether `CAST(x AS to)` is allowed for a value of type `from`.
pub fn castable(from: &ColumnType, to: &ColumnType) -> bool {
    let numeric = |t: &ColumnType| {
        matches!(
            t,
            ColumnType::Tinyint
                | ColumnType::Smallint
                | ColumnType::Int
                | ColumnType::Bigint
                | ColumnType::Varint
                | ColumnType::Float
                | ColumnType::Double
                | ColumnType::Decimal
                | ColumnType::Counter
        )
    };
    from == to
        || matches!(to, ColumnType::Text | ColumnType::Ascii)
        || (numeric(from) && numeric(to) && *to != ColumnType::Counter)
        || matches!(
            (from, to),
            (
                ColumnType::Timestamp | ColumnType::Timeuuid,
                ColumnType::Date
            ) | (
                ColumnType::Date | ColumnType::Timeuuid,
                ColumnType::Timestamp
            )
        )
}

/// Converts a value for `CAST` (None when it cannot be represented).
pub fn cast(from: &ColumnType, to: &ColumnType, v: &[u8]) -> Option<Vec<u8>> {
    if from == to {
        return Some(v.to_vec());
    }
    match to {
        ColumnType::Text | ColumnType::Ascii => {
            if matches!(from, ColumnType::Text | ColumnType::Ascii) {
                return Some(v.to_vec());
            }
            let j = value_json(from, Some(v));
            let text = match j.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                Some(inner) => inner.to_string(),
                None => j,
            };
            Some(text.into_bytes())
        }
        ColumnType::Date | ColumnType::Timestamp => {
            let f = if *to == ColumnType::Date {
                "todate"
            } else {
                "totimestamp"
            };
            super::functions::apply(f, &[(from.clone(), Some(v.to_vec()))], 0)
                .ok()
                .flatten()
        }
        _ => {
            let text = value_json(from, Some(v));
            let lit = if matches!(
                to,
                ColumnType::Float | ColumnType::Double | ColumnType::Decimal
            ) || !text.contains(['.', 'e', 'E'])
            {
                if text.contains(['.', 'e', 'E']) {
                    ringbolt_cql::ast::Literal::Float(text)
                } else {
                    ringbolt_cql::ast::Literal::Integer(text)
                }
            } else {
                let n: f64 = text.parse().ok()?;
                ringbolt_cql::ast::Literal::Integer(format!("{}", n.trunc() as i64))
            };
            super::values::literal(&lit, "cast", to).ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_format_as_cassandra_does() {
        assert_eq!(value_json(&ColumnType::Int, Some(&7i32.to_be_bytes())), "7");
        assert_eq!(value_json(&ColumnType::Text, Some(b"a\"b")), "\"a\\\"b\"");
        assert_eq!(
            value_json(&ColumnType::Timestamp, Some(&0i64.to_be_bytes())),
            "\"1970-01-01 00:00:00.000Z\""
        );
        assert_eq!(
            value_json(&ColumnType::Blob, Some(&[0xca, 0xfe])),
            "\"0xcafe\""
        );
        let m = ColumnType::Map(Box::new(ColumnType::Int), Box::new(ColumnType::Text));
        let bytes = super::super::compare::build_collection(
            1,
            [1i32.to_be_bytes().as_slice(), b"x".as_slice()],
        );
        assert_eq!(value_json(&m, Some(&bytes)), "{\"1\": \"x\"}");
        assert_eq!(value_json(&ColumnType::Int, None), "null");
    }
}
