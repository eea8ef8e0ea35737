//! Duration literals: `1h30m`, `P1DT2H`, `P2W`, `P0001-02-03T04:05:06`.

/// A parsed duration: months, days and nanoseconds, as CQL's `duration` type stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DurationValue {
    /// Months.
    pub months: i32,
    /// Days.
    pub days: i32,
    /// Nanoseconds.
    pub nanoseconds: i64,
}

pub(crate) const NANOS_PER_MICRO: i64 = 1_000;
pub(crate) const NANOS_PER_MILLI: i64 = 1_000_000;
pub(crate) const NANOS_PER_SECOND: i64 = 1_000_000_000;
pub(crate) const NANOS_PER_MINUTE: i64 = 60 * NANOS_PER_SECOND;
pub(crate) const NANOS_PER_HOUR: i64 = 60 * NANOS_PER_MINUTE;

/// The unit of one `<digits><unit>` component of the compact form.
#[derive(Clone, Copy)]
enum Unit {
    Years,
    Months,
    Weeks,
    Days,
    Hours,
    Minutes,
    Seconds,
    Millis,
    Micros,
    Nanos,
}

/// Matches a unit at the start of `b`, returning it and its length in bytes.
fn unit_at(b: &[u8]) -> Option<(Unit, usize)> {
    let lower = |i: usize| b.get(i).map(|c| c.to_ascii_lowercase());
    match (lower(0), lower(1)) {
        (Some(b'm'), Some(b'o')) => Some((Unit::Months, 2)),
        (Some(b'm'), Some(b's')) => Some((Unit::Millis, 2)),
        (Some(b'u'), Some(b's')) => Some((Unit::Micros, 2)),
        (Some(b'n'), Some(b's')) => Some((Unit::Nanos, 2)),
        (Some(0xc2), Some(0xb5)) if lower(2) == Some(b's') => Some((Unit::Micros, 3)),
        (Some(b'y'), _) => Some((Unit::Years, 1)),
        (Some(b'w'), _) => Some((Unit::Weeks, 1)),
        (Some(b'd'), _) => Some((Unit::Days, 1)),
        (Some(b'h'), _) => Some((Unit::Hours, 1)),
        (Some(b'm'), _) => Some((Unit::Minutes, 1)),
        (Some(b's'), _) => Some((Unit::Seconds, 1)),
        _ => None,
    }
}

fn digits_len(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// Length of a compact duration (`1h30m`) at the start of `b`, if one is there.
pub(crate) fn units_len(b: &[u8]) -> Option<usize> {
    let mut pos = 0;
    let mut components = 0;
    loop {
        let rest = b.get(pos..)?;
        let digits = digits_len(rest);
        if digits == 0 {
            break;
        }
        let (_, unit_len) = unit_at(rest.get(digits..)?)?;
        pos += digits + unit_len;
        components += 1;
    }
    (components > 0).then_some(pos)
}

/// Length of an ISO 8601 duration (`P...`) at the start of `b`, if one is there.
pub(crate) fn iso_len(b: &[u8]) -> Option<usize> {
    if !matches!(b.first(), Some(b'p' | b'P')) {
        return None;
    }
    if let Some(len) = iso_alternative_len(b) {
        return Some(len);
    }
    let upper = |i: usize| b.get(i).map(|c| c.to_ascii_uppercase());
    // Week form.
    let d = digits_len(b.get(1..)?);
    if d > 0 && upper(1 + d) == Some(b'W') {
        return Some(2 + d);
    }
    let mut pos = 1;
    let mut components = 0;
    let mut in_time = false;
    let date_units: &[u8] = b"YMD";
    let time_units: &[u8] = b"HMS";
    let mut next_unit = 0usize;
    loop {
        if !in_time && upper(pos) == Some(b'T') {
            in_time = true;
            next_unit = 0;
            pos += 1;
            continue;
        }
        let d = digits_len(b.get(pos..).unwrap_or(&[]));
        if d == 0 {
            break;
        }
        let units = if in_time { time_units } else { date_units };
        let unit = upper(pos + d)?;
        let index = units.iter().position(|u| *u == unit)?;
        if index < next_unit {
            return None;
        }
        next_unit = index + 1;
        pos += d + 1;
        components += 1;
    }
    (components > 0).then_some(pos)
}

/// `P0001-02-03T04:05:06`.
fn iso_alternative_len(b: &[u8]) -> Option<usize> {
    let pattern = b"P####-##-##T##:##:##";
    let s = b.get(..pattern.len())?;
    for (c, p) in s.iter().zip(pattern.iter()) {
        let ok = match p {
            b'#' => c.is_ascii_digit(),
            b'P' | b'T' => c.to_ascii_uppercase() == *p,
            other => c == other,
        };
        if !ok {
            return None;
        }
    }
    Some(pattern.len())
}

fn parse_number(b: &[u8]) -> Option<i64> {
    let mut v: i64 = 0;
    for c in b {
        v = v
            .checked_mul(10)?
            .checked_add(i64::from(c.checked_sub(b'0')?))?;
    }
    Some(v)
}

#[derive(Default)]
struct Acc {
    months: i64,
    days: i64,
    nanos: i64,
}

impl Acc {
    fn add(&mut self, unit: Unit, n: i64) -> Option<()> {
        match unit {
            Unit::Years => self.months = self.months.checked_add(n.checked_mul(12)?)?,
            Unit::Months => self.months = self.months.checked_add(n)?,
            Unit::Weeks => self.days = self.days.checked_add(n.checked_mul(7)?)?,
            Unit::Days => self.days = self.days.checked_add(n)?,
            Unit::Hours => self.nanos = self.nanos.checked_add(n.checked_mul(NANOS_PER_HOUR)?)?,
            Unit::Minutes => {
                self.nanos = self.nanos.checked_add(n.checked_mul(NANOS_PER_MINUTE)?)?
            }
            Unit::Seconds => {
                self.nanos = self.nanos.checked_add(n.checked_mul(NANOS_PER_SECOND)?)?
            }
            Unit::Millis => self.nanos = self.nanos.checked_add(n.checked_mul(NANOS_PER_MILLI)?)?,
            Unit::Micros => self.nanos = self.nanos.checked_add(n.checked_mul(NANOS_PER_MICRO)?)?,
            Unit::Nanos => self.nanos = self.nanos.checked_add(n)?,
        }
        Some(())
    }

    fn finish(self, negative: bool) -> Option<DurationValue> {
        let sign = if negative { -1 } else { 1 };
        Some(DurationValue {
            months: i32::try_from(self.months.checked_mul(sign)?).ok()?,
            days: i32::try_from(self.days.checked_mul(sign)?).ok()?,
            nanoseconds: self.nanos.checked_mul(sign)?,
        })
    }
}

/// Parses a duration literal as written in CQL (optionally preceded by `-`).
/// Returns `None` when the text is not a duration or a component overflows.
///
/// ```
/// let d = ringbolt_cql::parse_duration("1h30m").unwrap();
/// assert_eq!(d.nanoseconds, 90 * 60 * 1_000_000_000);
/// ```
pub fn parse_duration(text: &str) -> Option<DurationValue> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let b = body.as_bytes();
    let mut acc = Acc::default();
    if matches!(b.first(), Some(b'p' | b'P')) {
        if iso_len(b)? != b.len() {
            return None;
        }
        if let Some(len) = iso_alternative_len(b) {
            if len == b.len() {
                let field = |r: std::ops::Range<usize>| parse_number(b.get(r)?);
                acc.add(Unit::Years, field(1..5)?)?;
                acc.add(Unit::Months, field(6..8)?)?;
                acc.add(Unit::Days, field(9..11)?)?;
                acc.add(Unit::Hours, field(12..14)?)?;
                acc.add(Unit::Minutes, field(15..17)?)?;
                acc.add(Unit::Seconds, field(18..20)?)?;
                return acc.finish(negative);
            }
        }
        let mut pos = 1;
        let mut in_time = false;
        while pos < b.len() {
            let c = b.get(pos)?.to_ascii_uppercase();
            if c == b'T' {
                in_time = true;
                pos += 1;
                continue;
            }
            let d = digits_len(b.get(pos..)?);
            let n = parse_number(b.get(pos..pos + d)?)?;
            let unit = match (in_time, b.get(pos + d)?.to_ascii_uppercase()) {
                (false, b'Y') => Unit::Years,
                (false, b'M') => Unit::Months,
                (false, b'W') => Unit::Weeks,
                (false, b'D') => Unit::Days,
                (true, b'H') => Unit::Hours,
                (true, b'M') => Unit::Minutes,
                (true, b'S') => Unit::Seconds,
                _ => return None,
            };
            acc.add(unit, n)?;
            pos += d + 1;
        }
        return acc.finish(negative);
    }
    if units_len(b)? != b.len() {
        return None;
    }
    let mut pos = 0;
    while pos < b.len() {
        let d = digits_len(b.get(pos..)?);
        let n = parse_number(b.get(pos..pos + d)?)?;
        let (unit, len) = unit_at(b.get(pos + d..)?)?;
        acc.add(unit, n)?;
        pos += d + len;
    }
    acc.finish(negative)
}
