//! Native CQL functions (now, uuid, time conversions, min/maxTimeuuid, blob conversions) and the
//! parsing of date, time, timestamp and duration constants.

use super::types::{parse_type_text, type_text, NoUdts};
use super::values::{eval, EvalCtx, Val};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use ringbolt_cql::ast::{Term, TermKind};
use ringbolt_driver::protocol::ColumnType;

/// 100-ns intervals between 1582-10-15 and 1970-01-01.
const UUID_EPOCH_OFFSET: i64 = 0x01B2_1DD2_1381_4000;
const MIN_CLOCK_SEQ_AND_NODE: u64 = 0x8080_8080_8080_8080;
const MAX_CLOCK_SEQ_AND_NODE: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// A version 1 UUID for a timestamp in 100-ns units since the Unix epoch.
pub fn timeuuid(unix_100ns: i64, lsb: u64) -> [u8; 16] {
    let ts = unix_100ns.wrapping_add(UUID_EPOCH_OFFSET) as u64;
    let msb =
        ((ts & 0xffff_ffff) << 32) | (((ts >> 32) & 0xffff) << 16) | 0x1000 | ((ts >> 48) & 0x0fff);
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&msb.to_be_bytes());
    out[8..].copy_from_slice(&lsb.to_be_bytes());
    out
}

/// A fresh timeuuid for `now()` at a time in microseconds (random clock sequence and node).
pub fn new_timeuuid(now_micros: i64) -> [u8; 16] {
    let lsb = (rand::random::<u64>() & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    timeuuid(now_micros.saturating_mul(10), lsb)
}

/// Milliseconds since the epoch of a timeuuid.
pub fn timeuuid_millis(u: &[u8]) -> Option<i64> {
    let msb = u64::from_be_bytes(u.get(..8)?.try_into().ok()?);
    let ts = ((msb & 0x0fff) << 48) | (((msb >> 16) & 0xffff) << 32) | (msb >> 32);
    Some((ts as i64 - UUID_EPOCH_OFFSET) / 10_000)
}

const DATE_CENTER: i64 = 1 << 31;

/// Parses a timestamp constant into milliseconds since the epoch.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(ms) = s.parse::<i64>() {
        return Some(ms);
    }
    let (body, offset_s) = split_zone(s);
    let body = body.replacen('T', " ", 1);
    const FORMATS: [&str; 4] = [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d",
    ];
    for f in FORMATS {
        if let Ok(dt) = NaiveDateTime::parse_from_str(&body, f) {
            return Some(dt.and_utc().timestamp_millis() - offset_s * 1000);
        }
        if let Ok(d) = NaiveDate::parse_from_str(&body, f) {
            return Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis() - offset_s * 1000);
        }
    }
    None
}

fn split_zone(s: &str) -> (String, i64) {
    if let Some(b) = s.strip_suffix('Z') {
        return (b.to_string(), 0);
    }
    if s.len() > 10 {
        let tail_start = s.len().saturating_sub(5);
        if let (Some(sign), Some(digits)) =
            (s.get(tail_start..tail_start + 1), s.get(tail_start + 1..))
        {
            if (sign == "+" || sign == "-") && digits.chars().all(|c| c.is_ascii_digit()) {
                let h: i64 = digits.get(..2).and_then(|d| d.parse().ok()).unwrap_or(0);
                let m: i64 = digits.get(2..).and_then(|d| d.parse().ok()).unwrap_or(0);
                let off = (h * 3600 + m * 60) * if sign == "-" { -1 } else { 1 };
                return (s.get(..tail_start).unwrap_or(s).trim().to_string(), off);
            }
        }
    }
    (s.to_string(), 0)
}

/// Parses a date constant (`yyyy-mm-dd`) into the wire form (days centered at 2^31).
pub fn parse_date(s: &str) -> Option<u32> {
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()?;
    let days = d
        .signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1)?)
        .num_days();
    u32::try_from(days + DATE_CENTER).ok()
}

/// Parses a time constant (`hh:mm:ss[.fffffffff]`) into nanoseconds since midnight.
pub fn parse_time(s: &str) -> Option<i64> {
    let t = NaiveTime::parse_from_str(s.trim(), "%H:%M:%S%.f").ok()?;
    let secs = i64::from(chrono::Timelike::num_seconds_from_midnight(&t));
    Some(secs * 1_000_000_000 + i64::from(chrono::Timelike::nanosecond(&t)))
}

/// Parses a duration constant (`1h30m`, `2mo3d`) into the wire form.
pub fn parse_duration(s: &str) -> Option<Vec<u8>> {
    let (neg, body) = match s.trim().strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.trim()),
    };
    let (mut months, mut days, mut nanos) = (0i64, 0i64, 0i64);
    let lower = body.to_ascii_lowercase();
    let mut rest = lower.as_str();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let n: i64 = rest.get(..digits)?.parse().ok()?;
        rest = rest.get(digits..)?;
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = rest.get(..unit_len)?;
        rest = rest.get(unit_len..)?;
        match unit {
            "y" => months = months.checked_add(n.checked_mul(12)?)?,
            "mo" => months = months.checked_add(n)?,
            "w" => days = days.checked_add(n.checked_mul(7)?)?,
            "d" => days = days.checked_add(n)?,
            "h" => nanos = nanos.checked_add(n.checked_mul(3_600_000_000_000)?)?,
            "m" => nanos = nanos.checked_add(n.checked_mul(60_000_000_000)?)?,
            "s" => nanos = nanos.checked_add(n.checked_mul(1_000_000_000)?)?,
            "ms" => nanos = nanos.checked_add(n.checked_mul(1_000_000)?)?,
            "us" | "µs" => nanos = nanos.checked_add(n.checked_mul(1_000)?)?,
            "ns" => nanos = nanos.checked_add(n)?,
            _ => return None,
        }
    }
    let sign = if neg { -1 } else { 1 };
    let mut out = Vec::new();
    for v in [months * sign, days * sign, nanos * sign] {
        write_vint(&mut out, v);
    }
    Some(out)
}

fn write_vint(out: &mut Vec<u8>, v: i64) {
    let mut z = ((v << 1) ^ (v >> 63)) as u64;
    let bits = 64 - z.leading_zeros().min(63);
    let extra = ((bits.saturating_sub(1)) / 7).min(8) as usize;
    let mut buf = [0u8; 9];
    for i in (0..=extra).rev() {
        buf[i] = (z & 0xff) as u8;
        z >>= 8;
    }
    if extra < 8 {
        buf[0] |= !(0xffu8 >> extra);
    } else {
        buf[0] = 0xff;
    }
    out.extend_from_slice(&buf[..=extra]);
}

/// The return type of a native function, given its argument types, or Cassandra's message.
pub fn return_type(name: &str, args: &[ColumnType]) -> Result<ColumnType, String> {
    let lname = name.to_ascii_lowercase();
    let one = |ok: &[ColumnType], out: ColumnType| -> Result<ColumnType, String> {
        match args {
            [a] if ok.contains(a) => Ok(out),
            _ => Err(format!(
                "Invalid call to function {lname}, none of its type signatures match"
            )),
        }
    };
    match lname.as_str() {
        "now" | "currenttimeuuid" => Ok(ColumnType::Timeuuid),
        "uuid" => Ok(ColumnType::Uuid),
        "currenttimestamp" => Ok(ColumnType::Timestamp),
        "currentdate" => Ok(ColumnType::Date),
        "currenttime" => Ok(ColumnType::Time),
        "totimestamp" | "dateof" => one(
            &[ColumnType::Timeuuid, ColumnType::Date],
            ColumnType::Timestamp,
        ),
        "todate" => one(
            &[ColumnType::Timeuuid, ColumnType::Timestamp],
            ColumnType::Date,
        ),
        "tounixtimestamp" | "unixtimestampof" => one(
            &[
                ColumnType::Timeuuid,
                ColumnType::Timestamp,
                ColumnType::Date,
            ],
            ColumnType::Bigint,
        ),
        "mintimeuuid" | "maxtimeuuid" => one(&[ColumnType::Timestamp], ColumnType::Timeuuid),
        _ => {
            if let Some(target) = lname.strip_prefix("blobas") {
                let t = parse_type_text(target, &NoUdts)
                    .map_err(|_| format!("Unknown function {lname}"))?;
                return one(&[ColumnType::Blob], t.typ);
            }
            if let Some(source) = lname.strip_suffix("asblob") {
                let t = parse_type_text(source, &NoUdts)
                    .map_err(|_| format!("Unknown function {lname}"))?;
                return one(&[t.typ], ColumnType::Blob);
            }
            Err(format!("Unknown function '{lname}'"))
        }
    }
}

/// The argument type assumed for a constant passed to a function.
pub(crate) fn default_arg_type(name: &str) -> ColumnType {
    let lname = name.to_ascii_lowercase();
    match lname.as_str() {
        "mintimeuuid" | "maxtimeuuid" => ColumnType::Timestamp,
        _ => {
            if lname.starts_with("blobas") {
                ColumnType::Blob
            } else if let Some(source) = lname.strip_suffix("asblob") {
                parse_type_text(source, &NoUdts)
                    .map(|t| t.typ)
                    .unwrap_or(ColumnType::Blob)
            } else {
                ColumnType::Timeuuid
            }
        }
    }
}

/// Applies a native function to evaluated arguments.
pub fn apply(
    name: &str,
    args: &[(ColumnType, Option<Vec<u8>>)],
    now_micros: i64,
) -> Result<Option<Vec<u8>>, String> {
    let lname = name.to_ascii_lowercase();
    let arg = args
        .first()
        .and_then(|(t, v)| v.as_ref().map(|v| (t, v.as_slice())));
    let millis_of = |t: &ColumnType, v: &[u8]| -> Option<i64> {
        match t {
            ColumnType::Timeuuid => timeuuid_millis(v),
            ColumnType::Timestamp => Some(i64::from_be_bytes(v.try_into().ok()?)),
            ColumnType::Date => {
                Some((i64::from(u32::from_be_bytes(v.try_into().ok()?)) - DATE_CENTER) * 86_400_000)
            }
            _ => None,
        }
    };
    let out = match lname.as_str() {
        "now" | "currenttimeuuid" => Some(new_timeuuid(now_micros).to_vec()),
        "uuid" => Some(uuid::Uuid::new_v4().as_bytes().to_vec()),
        "currenttimestamp" => Some((now_micros / 1000).to_be_bytes().to_vec()),
        "currentdate" => Some(
            ((now_micros.div_euclid(86_400_000_000) + DATE_CENTER) as u32)
                .to_be_bytes()
                .to_vec(),
        ),
        "currenttime" => Some(
            (now_micros.rem_euclid(86_400_000_000) * 1000)
                .to_be_bytes()
                .to_vec(),
        ),
        "totimestamp" | "dateof" => arg
            .and_then(|(t, v)| millis_of(t, v))
            .map(|ms| ms.to_be_bytes().to_vec()),
        "tounixtimestamp" | "unixtimestampof" => arg
            .and_then(|(t, v)| millis_of(t, v))
            .map(|ms| ms.to_be_bytes().to_vec()),
        "todate" => arg.and_then(|(t, v)| millis_of(t, v)).map(|ms| {
            ((ms.div_euclid(86_400_000) + DATE_CENTER) as u32)
                .to_be_bytes()
                .to_vec()
        }),
        "mintimeuuid" => arg
            .and_then(|(t, v)| millis_of(t, v))
            .map(|ms| timeuuid(ms.saturating_mul(10_000), MIN_CLOCK_SEQ_AND_NODE).to_vec()),
        "maxtimeuuid" => arg.and_then(|(t, v)| millis_of(t, v)).map(|ms| {
            timeuuid(
                ms.saturating_add(1)
                    .saturating_mul(10_000)
                    .saturating_sub(1),
                MAX_CLOCK_SEQ_AND_NODE,
            )
            .to_vec()
        }),
        _ => {
            let ret = return_type(
                &lname,
                &args.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>(),
            )?;
            let value = arg.map(|(_, v)| v.to_vec());
            if let Some(v) = &value {
                super::types::validate_value(&ret, v)
                    .map_err(|e| format!("In call to function system.{lname}, value 0x{} is not a valid binary representation for type {}: {e}", hex(v), type_text(&ret)))?;
            }
            value
        }
    };
    Ok(out)
}

fn hex(v: &[u8]) -> String {
    v.iter().map(|b| format!("{b:02x}")).collect()
}

/// Evaluates a function call used as a term for a receiver of type `typ`.
pub fn call_term(
    fname: &str,
    args: &[Term],
    name: &str,
    typ: &ColumnType,
    ctx: &EvalCtx<'_>,
) -> Result<Vec<u8>, String> {
    let mut evaluated = Vec::with_capacity(args.len());
    let mut types = Vec::with_capacity(args.len());
    for a in args {
        let at = match &a.kind {
            TermKind::FunctionCall {
                name: inner,
                args: inner_args,
            } => {
                let inner_types: Vec<ColumnType> = inner_args
                    .iter()
                    .map(|_| default_arg_type(&inner.name.name))
                    .collect();
                return_type(&inner.name.name, &inner_types)?
            }
            _ => default_arg_type(fname),
        };
        let v = match eval(a, name, &at, ctx)? {
            Val::Bytes(b) => Some(b),
            _ => None,
        };
        types.push(at.clone());
        evaluated.push((at, v));
    }
    let ret = return_type(fname, &types)?;
    let compatible = ret == *typ
        || (ret == ColumnType::Timeuuid && *typ == ColumnType::Uuid)
        || (ret == ColumnType::Bigint && *typ == ColumnType::Counter);
    if !compatible {
        return Err(format!(
            "Type error: cannot assign result of function system.{} (type {}) to {name} (type {})",
            fname.to_ascii_lowercase(),
            type_text(&ret),
            type_text(typ)
        ));
    }
    apply(fname, &evaluated, ctx.now_micros)?
        .ok_or_else(|| format!("Invalid null value for {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse() {
        assert_eq!(parse_timestamp("1970-01-01"), Some(0));
        assert_eq!(parse_timestamp("1970-01-01 00:00:01.5+0000"), Some(1500));
        assert_eq!(parse_timestamp("1970-01-01T01:00:00+0100"), Some(0));
        assert_eq!(parse_timestamp("1234"), Some(1234));
        assert_eq!(parse_timestamp("nope"), None);
        assert_eq!(parse_date("1970-01-02"), Some((1u32 << 31) + 1));
    }

    #[test]
    fn timeuuid_round_trip_and_bounds() {
        let u = timeuuid(123_456_789 * 10_000, MIN_CLOCK_SEQ_AND_NODE);
        assert_eq!(timeuuid_millis(&u), Some(123_456_789));
        assert_eq!(u[6] >> 4, 1);
    }

    #[test]
    fn durations_encode_as_vints() {
        assert_eq!(
            parse_duration("1s"),
            Some(vec![0, 0, 0xf0, 0x77, 0x35, 0x94, 0x00])
        );
        assert_eq!(parse_duration("1mo2d"), Some(vec![2, 4, 0]));
        assert_eq!(parse_duration("x"), None);
    }
}
