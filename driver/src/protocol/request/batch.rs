//! BATCH (section 4.1.7).

use super::SerializedValues;
use crate::protocol::{Consistency, SerialConsistency};

/// The kind of batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BatchType {
    /// 0: logged (atomic through the batch log).
    #[default]
    Logged = 0,
    /// 1: unlogged.
    Unlogged = 1,
    /// 2: counter updates only.
    Counter = 2,
}

/// One statement of a batch: CQL text or a prepared id, with positional values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchStatement {
    /// kind 0: a query string.
    Query {
        /// The CQL text.
        query: String,
        /// Its values (never named in a batch on v4/v5).
        values: SerializedValues,
    },
    /// kind 1: a prepared statement.
    Prepared {
        /// The prepared id (shared with the prepared statement, not copied).
        id: bytes::Bytes,
        /// Its values.
        values: SerializedValues,
    },
}

/// Runs several modification statements together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Logged, unlogged or counter.
    pub batch_type: BatchType,
    /// The statements.
    pub statements: Vec<BatchStatement>,
    /// Consistency.
    pub consistency: Consistency,
    /// Flag 0x10.
    pub serial_consistency: Option<SerialConsistency>,
    /// Flag 0x20, microseconds.
    pub default_timestamp: Option<i64>,
    /// Flag 0x80 (v5 only).
    pub keyspace: Option<String>,
    /// Flag 0x100 (v5 only).
    pub now_in_seconds: Option<i32>,
}

use super::query::{check_v5_fields, flags, read_flags, write_flags};
use crate::protocol::primitives::{
    short_len, write_byte, write_consistency, write_int, write_long, write_long_string,
    write_serial_consistency, write_short, write_short_bytes, write_string, Reader,
};
use crate::protocol::{DecodeError, EncodeError, ProtocolVersion};

impl BatchType {
    /// The batch type with this `[byte]` code.
    pub fn from_code(code: u8) -> Option<BatchType> {
        match code {
            0 => Some(BatchType::Logged),
            1 => Some(BatchType::Unlogged),
            2 => Some(BatchType::Counter),
            _ => None,
        }
    }
}

impl BatchStatement {
    /// The statement's values.
    pub fn values(&self) -> &SerializedValues {
        match self {
            BatchStatement::Query { values, .. } | BatchStatement::Prepared { values, .. } => {
                values
            }
        }
    }
}

impl Batch {
    /// Writes the BATCH body. Named values (flag 0x40) are written when any statement's values
    /// are named; the spec warns servers cannot use them.
    pub fn encode(&self, v: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        check_v5_fields(v, &self.keyspace, &self.now_in_seconds)?;
        let named = self.statements.iter().any(|s| s.values().named);
        if named
            && self
                .statements
                .iter()
                .any(|s| !s.values().named && !s.values().is_empty())
        {
            return Err(EncodeError::Invalid {
                what: "BATCH",
                reason: "either all statements use named values or none does",
            });
        }
        let n = short_len(self.statements.len(), "batch statements").map_err(|_| {
            EncodeError::TooMany {
                what: "batch statements",
                count: self.statements.len(),
            }
        })?;
        write_byte(out, self.batch_type as u8);
        write_short(out, n);
        for s in &self.statements {
            match s {
                BatchStatement::Query { query, values } => {
                    write_byte(out, 0);
                    write_long_string(out, query)?;
                    values.encode(out);
                }
                BatchStatement::Prepared { id, values } => {
                    write_byte(out, 1);
                    write_short_bytes(out, id)?;
                    values.encode(out);
                }
            }
        }
        let mut f = 0u32;
        if named {
            f |= flags::NAMED_VALUES;
        }
        if self.serial_consistency.is_some() {
            f |= flags::SERIAL_CONSISTENCY;
        }
        if self.default_timestamp.is_some() {
            f |= flags::DEFAULT_TIMESTAMP;
        }
        if self.keyspace.is_some() {
            f |= flags::KEYSPACE;
        }
        if self.now_in_seconds.is_some() {
            f |= flags::NOW_IN_SECONDS;
        }
        write_consistency(out, self.consistency);
        write_flags(out, v, f);
        if let Some(s) = self.serial_consistency {
            write_serial_consistency(out, s);
        }
        if let Some(t) = self.default_timestamp {
            write_long(out, t);
        }
        if let Some(k) = &self.keyspace {
            write_string(out, k)?;
        }
        if let Some(n) = self.now_in_seconds {
            write_int(out, n);
        }
        Ok(())
    }

    /// Reads a BATCH body; nothing may follow it.
    ///
    /// The named-values flag comes after the statements it describes, so the body is read as
    /// positional values first and read again with names when the flags say so.
    pub fn decode(r: &mut Reader<'_>, v: ProtocolVersion) -> Result<Batch, DecodeError> {
        let mut positional = r.clone();
        let first = Self::decode_as(&mut positional, v, false);
        match first {
            Ok((batch, f)) if f & flags::NAMED_VALUES == 0 => {
                *r = positional;
                Ok(batch)
            }
            first => {
                let mut named = r.clone();
                match Self::decode_as(&mut named, v, true) {
                    Ok((batch, f)) if f & flags::NAMED_VALUES != 0 => {
                        *r = named;
                        Ok(batch)
                    }
                    Ok(_) => Err(DecodeError::Malformed {
                        what: "BATCH",
                        reason: "named-values flag does not match the values",
                    }),
                    Err(e) => Err(first.err().unwrap_or(e)),
                }
            }
        }
    }

    fn decode_as(
        r: &mut Reader<'_>,
        v: ProtocolVersion,
        named: bool,
    ) -> Result<(Batch, u32), DecodeError> {
        let code = r.read_byte()?;
        let batch_type = BatchType::from_code(code).ok_or(DecodeError::UnknownCode {
            what: "batch type",
            code: u32::from(code),
        })?;
        let n = usize::from(r.read_short()?);
        // Each statement takes at least 1 (kind) + 2 (id length) + 2 (value count) bytes.
        let n = r.check_count(n, 5, "batch statements")?;
        let mut statements = Vec::with_capacity(n);
        for _ in 0..n {
            let statement = match r.read_byte()? {
                0 => {
                    let query = r.read_long_string()?;
                    let values = SerializedValues::decode(r, named)?;
                    BatchStatement::Query { query, values }
                }
                1 => {
                    let id = bytes::Bytes::copy_from_slice(r.read_short_bytes()?);
                    let values = SerializedValues::decode(r, named)?;
                    BatchStatement::Prepared { id, values }
                }
                k => {
                    return Err(DecodeError::UnknownCode {
                        what: "batch statement kind",
                        code: u32::from(k),
                    })
                }
            };
            statements.push(statement);
        }
        let consistency = r.read_consistency()?;
        let f = read_flags(r, v)?;
        let serial_consistency = if f & flags::SERIAL_CONSISTENCY != 0 {
            Some(r.read_serial_consistency()?)
        } else {
            None
        };
        let default_timestamp = if f & flags::DEFAULT_TIMESTAMP != 0 {
            Some(r.read_long()?)
        } else {
            None
        };
        let v5 = v == ProtocolVersion::V5;
        let keyspace = if v5 && f & flags::KEYSPACE != 0 {
            Some(r.read_string()?)
        } else {
            None
        };
        let now_in_seconds = if v5 && f & flags::NOW_IN_SECONDS != 0 {
            Some(r.read_int()?)
        } else {
            None
        };
        r.expect_end("BATCH")?;
        let batch = Batch {
            batch_type,
            statements,
            consistency,
            serial_consistency,
            default_timestamp,
            keyspace,
            now_in_seconds,
        };
        Ok((batch, f))
    }
}
