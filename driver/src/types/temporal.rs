//! `timestamp`, `date`, `time` and `duration`, as chrono types and as raw newtypes.

use chrono::{DateTime, NaiveDate, NaiveTime, Timelike, Utc};

use super::native::exact;
use super::wire::{write_bytes, write_vint, write_with_len, Cursor};
use super::wrappers::{CqlDate, CqlTime, CqlTimestamp};
use super::{
    check, non_null, CqlDuration, DeserializeError, DeserializeValue, SerializeError,
    SerializeValue, TypeCheckError,
};
use crate::protocol::ColumnType;

/// Nanoseconds in a day; `time` values are below this.
const NANOS_PER_DAY: i64 = 86_400_000_000_000;
/// `date` value of 1970-01-01.
const DATE_EPOCH: i64 = 1 << 31;
/// Days from 0001-01-01 (chrono's "CE" day 1) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

macro_rules! newtype_codec {
    ($t:ty, $variant:ident, $inner:ty, $name:literal, $wrap:expr, $unwrap:expr) => {
        impl SerializeValue for $t {
            fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
                check::<$t>(typ, *typ == ColumnType::$variant)?;
                let raw: $inner = ($unwrap)(self)?;
                write_bytes(out, &raw.to_be_bytes())
            }
        }

        impl<'frame> DeserializeValue<'frame> for $t {
            fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
                check::<$t>(typ, *typ == ColumnType::$variant)
            }
            fn deserialize(
                _typ: &ColumnType,
                bytes: Option<&'frame [u8]>,
            ) -> Result<Self, DeserializeError> {
                let raw = <$inner>::from_be_bytes(exact(non_null(bytes)?, $name)?);
                ($wrap)(raw)
            }
        }
    };
}

/// Checks a `time` value's range.
fn check_time_nanos(n: i64) -> bool {
    (0..NANOS_PER_DAY).contains(&n)
}

fn malformed_time() -> DeserializeError {
    DeserializeError::Malformed {
        cql_type: "time",
        reason: "nanoseconds outside 0..86399999999999",
    }
}

newtype_codec!(
    CqlTimestamp,
    Timestamp,
    i64,
    "timestamp",
    |raw| Ok(CqlTimestamp(raw)),
    |v: &CqlTimestamp| Ok::<_, SerializeError>(v.0)
);
newtype_codec!(
    CqlDate,
    Date,
    u32,
    "date",
    |raw| Ok(CqlDate(raw)),
    |v: &CqlDate| Ok::<_, SerializeError>(v.0)
);
newtype_codec!(
    CqlTime,
    Time,
    i64,
    "time",
    |raw| if check_time_nanos(raw) {
        Ok(CqlTime(raw))
    } else {
        Err(malformed_time())
    },
    |v: &CqlTime| if check_time_nanos(v.0) {
        Ok(v.0)
    } else {
        Err(SerializeError::OutOfRange("time"))
    }
);
newtype_codec!(
    DateTime<Utc>,
    Timestamp,
    i64,
    "timestamp",
    |raw| DateTime::<Utc>::from_timestamp_millis(raw)
        .ok_or(DeserializeError::Overflow("chrono::DateTime<Utc>")),
    |v: &DateTime<Utc>| Ok::<_, SerializeError>(v.timestamp_millis())
);
newtype_codec!(
    NaiveDate,
    Date,
    u32,
    "date",
    naive_date_from_cql,
    |v: &NaiveDate| Ok::<_, SerializeError>(naive_date_to_cql(*v))
);
newtype_codec!(
    NaiveTime,
    Time,
    i64,
    "time",
    naive_time_from_cql,
    naive_time_to_cql
);

/// Converts a `date` (days + 2^31) to a chrono date.
pub(crate) fn naive_date_from_cql(raw: u32) -> Result<NaiveDate, DeserializeError> {
    let days_from_ce = i64::from(raw) - DATE_EPOCH + UNIX_EPOCH_DAYS_FROM_CE;
    i32::try_from(days_from_ce)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or(DeserializeError::Overflow("chrono::NaiveDate"))
}

/// Converts a chrono date to a `date`; every chrono date fits.
pub(crate) fn naive_date_to_cql(d: NaiveDate) -> u32 {
    use chrono::Datelike;
    let days = i64::from(d.num_days_from_ce()) - UNIX_EPOCH_DAYS_FROM_CE + DATE_EPOCH;
    // chrono's range (about ±262 000 years) is far inside the u32 day range (±5.8 million years).
    u32::try_from(days).unwrap_or(if days < 0 { 0 } else { u32::MAX })
}

/// Converts a `time` (ns since midnight) to a chrono time.
pub(crate) fn naive_time_from_cql(raw: i64) -> Result<NaiveTime, DeserializeError> {
    if !check_time_nanos(raw) {
        return Err(malformed_time());
    }
    let secs = u32::try_from(raw / 1_000_000_000).map_err(|_| malformed_time())?;
    let nanos = u32::try_from(raw % 1_000_000_000).map_err(|_| malformed_time())?;
    NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos).ok_or_else(malformed_time)
}

/// Converts a chrono time to a `time`; leap seconds do not fit.
pub(crate) fn naive_time_to_cql(t: &NaiveTime) -> Result<i64, SerializeError> {
    let nanos = i64::from(t.nanosecond());
    if nanos >= 1_000_000_000 {
        return Err(SerializeError::Invalid {
            cql_type: "time",
            reason: "leap seconds cannot be stored",
        });
    }
    Ok(i64::from(t.num_seconds_from_midnight()) * 1_000_000_000 + nanos)
}

/// Checks that a duration's parts are all of one sign.
pub(crate) fn duration_signs_agree(d: &CqlDuration) -> bool {
    let nonneg = d.months >= 0 && d.days >= 0 && d.nanoseconds >= 0;
    let nonpos = d.months <= 0 && d.days <= 0 && d.nanoseconds <= 0;
    nonneg || nonpos
}

/// Writes a duration's body: three vints.
pub(crate) fn write_duration(d: &CqlDuration, out: &mut Vec<u8>) -> Result<(), SerializeError> {
    if !duration_signs_agree(d) {
        return Err(SerializeError::Invalid {
            cql_type: "duration",
            reason: "months, days and nanoseconds must all be >= 0 or all <= 0",
        });
    }
    write_with_len(out, |out| {
        write_vint(out, i64::from(d.months));
        write_vint(out, i64::from(d.days));
        write_vint(out, d.nanoseconds);
        Ok(())
    })
}

/// Reads a duration's body.
pub(crate) fn read_duration(bytes: &[u8]) -> Result<CqlDuration, DeserializeError> {
    let mut c = Cursor::new(bytes, "duration");
    let months =
        i32::try_from(c.read_vint()?).map_err(|_| c.malformed("months do not fit 32 bits"))?;
    let days = i32::try_from(c.read_vint()?).map_err(|_| c.malformed("days do not fit 32 bits"))?;
    let nanoseconds = c.read_vint()?;
    c.finish()?;
    let d = CqlDuration {
        months,
        days,
        nanoseconds,
    };
    if !duration_signs_agree(&d) {
        return Err(c.malformed("parts of mixed signs"));
    }
    Ok(d)
}

impl SerializeValue for CqlDuration {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        check::<CqlDuration>(typ, *typ == ColumnType::Duration)?;
        write_duration(self, out)
    }
}

impl<'frame> DeserializeValue<'frame> for CqlDuration {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        check::<CqlDuration>(typ, *typ == ColumnType::Duration)
    }
    fn deserialize(
        _typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        read_duration(non_null(bytes)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::test_util::{de, ser};

    #[test]
    fn date_golden() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        assert_eq!(
            ser(&epoch, &ColumnType::Date),
            vec![0, 0, 0, 4, 0x80, 0, 0, 0]
        );
        let next = NaiveDate::from_ymd_opt(1970, 1, 2).unwrap();
        assert_eq!(
            ser(&next, &ColumnType::Date),
            vec![0, 0, 0, 4, 0x80, 0, 0, 1]
        );
        let before = NaiveDate::from_ymd_opt(1969, 12, 31).unwrap();
        assert_eq!(
            ser(&before, &ColumnType::Date),
            vec![0, 0, 0, 4, 0x7f, 0xff, 0xff, 0xff]
        );
        assert_eq!(
            ser(&CqlDate(1 << 31), &ColumnType::Date),
            ser(&epoch, &ColumnType::Date)
        );
        for d in [epoch, next, before, NaiveDate::MIN, NaiveDate::MAX] {
            assert_eq!(
                de::<NaiveDate>(&ColumnType::Date, &ser(&d, &ColumnType::Date)),
                Ok(d)
            );
        }
        // Day 0 is -5877641-06-23, outside chrono's range, but fine as CqlDate.
        let zero = [0, 0, 0, 4, 0, 0, 0, 0];
        assert_eq!(
            de::<NaiveDate>(&ColumnType::Date, &zero),
            Err(DeserializeError::Overflow("chrono::NaiveDate"))
        );
        assert_eq!(de::<CqlDate>(&ColumnType::Date, &zero), Ok(CqlDate(0)));
    }

    #[test]
    fn timestamp_golden() {
        let t = DateTime::<Utc>::from_timestamp_millis(1_000).unwrap();
        assert_eq!(
            ser(&t, &ColumnType::Timestamp),
            vec![0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0x03, 0xe8]
        );
        let before = DateTime::<Utc>::from_timestamp_millis(-1).unwrap();
        assert_eq!(
            ser(&before, &ColumnType::Timestamp),
            vec![0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        );
        assert_eq!(
            de::<DateTime<Utc>>(
                &ColumnType::Timestamp,
                &ser(&before, &ColumnType::Timestamp)
            ),
            Ok(before)
        );
        assert_eq!(
            ser(&CqlTimestamp(1_000), &ColumnType::Timestamp),
            ser(&t, &ColumnType::Timestamp)
        );
        let max = ser(&CqlTimestamp(i64::MAX), &ColumnType::Timestamp);
        assert_eq!(
            de::<CqlTimestamp>(&ColumnType::Timestamp, &max),
            Ok(CqlTimestamp(i64::MAX))
        );
        assert!(de::<DateTime<Utc>>(&ColumnType::Timestamp, &max).is_err());
        assert!(DateTime::<Utc>::type_check(&ColumnType::Bigint).is_err());
    }

    #[test]
    fn time_golden_and_range() {
        let t = NaiveTime::from_hms_nano_opt(0, 0, 1, 5).unwrap();
        assert_eq!(
            ser(&t, &ColumnType::Time),
            vec![0, 0, 0, 8, 0, 0, 0, 0, 0x3b, 0x9a, 0xca, 0x05]
        );
        let last = NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999).unwrap();
        let bytes = ser(&last, &ColumnType::Time);
        assert_eq!(
            de::<CqlTime>(&ColumnType::Time, &bytes),
            Ok(CqlTime(NANOS_PER_DAY - 1))
        );
        assert_eq!(de::<NaiveTime>(&ColumnType::Time, &bytes), Ok(last));
        let mut out = Vec::new();
        assert_eq!(
            CqlTime(NANOS_PER_DAY).serialize(&ColumnType::Time, &mut out),
            Err(SerializeError::OutOfRange("time"))
        );
        assert_eq!(
            CqlTime(-1).serialize(&ColumnType::Time, &mut out),
            Err(SerializeError::OutOfRange("time"))
        );
        let leap = NaiveTime::from_hms_nano_opt(23, 59, 59, 1_500_000_000).unwrap();
        assert!(leap.serialize(&ColumnType::Time, &mut out).is_err());
        assert!(out.is_empty());
        let bad = [0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
        assert!(de::<NaiveTime>(&ColumnType::Time, &bad).is_err());
        assert!(de::<CqlTime>(&ColumnType::Time, &bad).is_err());
    }

    #[test]
    fn duration_golden() {
        let d = CqlDuration {
            months: 1,
            days: 2,
            nanoseconds: 3,
        };
        assert_eq!(ser(&d, &ColumnType::Duration), vec![0, 0, 0, 3, 2, 4, 6]);
        let neg = CqlDuration {
            months: -1,
            days: 0,
            nanoseconds: -64,
        };
        // -1 -> 1; 0 -> 0; -64 -> 127 (one byte).
        assert_eq!(
            ser(&neg, &ColumnType::Duration),
            vec![0, 0, 0, 3, 1, 0, 0x7f]
        );
        let big = CqlDuration {
            months: 0,
            days: 0,
            nanoseconds: 1_000_000_000,
        };
        // zigzag 2_000_000_000 = 0x77359400: 31 bits -> 4 extra bytes? 31 bits fit in 5 bytes (35 bits): 0xf0 prefix.
        assert_eq!(
            ser(&big, &ColumnType::Duration),
            vec![0, 0, 0, 7, 0, 0, 0xf0, 0x77, 0x35, 0x94, 0x00]
        );
        for d in [
            d,
            neg,
            big,
            CqlDuration {
                months: i32::MAX,
                days: i32::MAX,
                nanoseconds: i64::MAX,
            },
            CqlDuration {
                months: i32::MIN,
                days: i32::MIN,
                nanoseconds: i64::MIN,
            },
        ] {
            assert_eq!(
                de::<CqlDuration>(&ColumnType::Duration, &ser(&d, &ColumnType::Duration)),
                Ok(d)
            );
        }
    }

    #[test]
    fn duration_invalid() {
        let mut out = Vec::new();
        let mixed = CqlDuration {
            months: 1,
            days: -1,
            nanoseconds: 0,
        };
        assert!(mixed.serialize(&ColumnType::Duration, &mut out).is_err());
        assert!(CqlDuration::deserialize(&ColumnType::Duration, Some(&[2, 1, 0])).is_err());
        // months = 2^31 does not fit i32: zigzag 2^32 needs 33 bits -> 4 extra bytes.
        assert!(
            CqlDuration::deserialize(&ColumnType::Duration, Some(&[0xf1, 0, 0, 0, 0, 0, 0]))
                .is_err()
        );
        assert!(CqlDuration::deserialize(&ColumnType::Duration, Some(&[2, 4])).is_err());
        assert!(CqlDuration::deserialize(&ColumnType::Duration, Some(&[2, 4, 6, 0])).is_err());
    }
}
