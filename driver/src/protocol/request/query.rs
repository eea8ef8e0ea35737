//! QUERY (section 4.1.4) and the `<query_parameters>` EXECUTE shares.

use super::SerializedValues;
use crate::protocol::{Consistency, SerialConsistency};

/// `<query_parameters>`: everything after the statement in QUERY and EXECUTE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryParameters {
    /// The consistency level.
    pub consistency: Consistency,
    /// Bind values (flag 0x01 when non-empty, 0x40 when named).
    pub values: SerializedValues,
    /// Flag 0x02: the server may omit result metadata.
    pub skip_metadata: bool,
    /// Flag 0x04: rows per page.
    pub page_size: Option<i32>,
    /// Flag 0x08: where the previous page stopped.
    pub paging_state: Option<Vec<u8>>,
    /// Flag 0x10: consistency of the Paxos phase.
    pub serial_consistency: Option<SerialConsistency>,
    /// Flag 0x20: default timestamp in microseconds.
    pub default_timestamp: Option<i64>,
    /// Flag 0x80 (v5 only): the keyspace to run in.
    pub keyspace: Option<String>,
    /// Flag 0x100 (v5 only): "now" in seconds, for testing TTLs.
    pub now_in_seconds: Option<i32>,
}

impl Default for QueryParameters {
    fn default() -> Self {
        QueryParameters {
            consistency: Consistency::LocalOne,
            values: SerializedValues::default(),
            skip_metadata: false,
            page_size: None,
            paging_state: None,
            serial_consistency: None,
            default_timestamp: None,
            keyspace: None,
            now_in_seconds: None,
        }
    }
}

/// Runs a CQL statement given as text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    /// The CQL text (`[long string]`).
    pub query: String,
    /// Parameters.
    pub params: QueryParameters,
}

use crate::protocol::primitives::{
    write_byte, write_bytes, write_consistency, write_int, write_long, write_long_string,
    write_serial_consistency, write_string, Reader,
};
use crate::protocol::{DecodeError, EncodeError, ProtocolVersion};

/// Flag bits of `<query_parameters>` (and of BATCH for the shared ones).
pub(crate) mod flags {
    pub const VALUES: u32 = 0x01;
    pub const SKIP_METADATA: u32 = 0x02;
    pub const PAGE_SIZE: u32 = 0x04;
    pub const PAGING_STATE: u32 = 0x08;
    pub const SERIAL_CONSISTENCY: u32 = 0x10;
    pub const DEFAULT_TIMESTAMP: u32 = 0x20;
    pub const NAMED_VALUES: u32 = 0x40;
    pub const KEYSPACE: u32 = 0x80;
    pub const NOW_IN_SECONDS: u32 = 0x100;
}

/// Writes query flags: a `[byte]` in v4, an `[int]` in v5.
pub(crate) fn write_flags(out: &mut Vec<u8>, v: ProtocolVersion, f: u32) {
    match v {
        // Callers refuse the v5-only bits first, so the flags fit a byte.
        ProtocolVersion::V4 => write_byte(out, (f & 0xFF) as u8),
        ProtocolVersion::V5 => write_int(out, f as i32),
    }
}

/// Reads query flags: a `[byte]` in v4, an `[int]` in v5.
pub(crate) fn read_flags(r: &mut Reader<'_>, v: ProtocolVersion) -> Result<u32, DecodeError> {
    Ok(match v {
        ProtocolVersion::V4 => u32::from(r.read_byte()?),
        ProtocolVersion::V5 => r.read_int()? as u32,
    })
}

/// Refuses v5-only fields in v4.
pub(crate) fn check_v5_fields(
    v: ProtocolVersion,
    keyspace: &Option<String>,
    now_in_seconds: &Option<i32>,
) -> Result<(), EncodeError> {
    if v == ProtocolVersion::V4 {
        if keyspace.is_some() {
            return Err(EncodeError::not_in("a per-request keyspace", v));
        }
        if now_in_seconds.is_some() {
            return Err(EncodeError::not_in("now_in_seconds", v));
        }
    }
    Ok(())
}

impl QueryParameters {
    /// Writes `<query_parameters>` for version `v`.
    pub fn encode(&self, v: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        check_v5_fields(v, &self.keyspace, &self.now_in_seconds)?;
        let mut f = 0u32;
        if !self.values.is_empty() {
            f |= flags::VALUES;
        }
        if self.values.named {
            f |= flags::NAMED_VALUES;
        }
        if self.skip_metadata {
            f |= flags::SKIP_METADATA;
        }
        if self.page_size.is_some() {
            f |= flags::PAGE_SIZE;
        }
        if self.paging_state.is_some() {
            f |= flags::PAGING_STATE;
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
        if !self.values.is_empty() {
            self.values.encode(out);
        }
        if let Some(n) = self.page_size {
            write_int(out, n);
        }
        if let Some(p) = &self.paging_state {
            write_bytes(out, Some(p))?;
        }
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

    /// Reads `<query_parameters>` for version `v`.
    pub fn decode(r: &mut Reader<'_>, v: ProtocolVersion) -> Result<QueryParameters, DecodeError> {
        let consistency = r.read_consistency()?;
        let f = read_flags(r, v)?;
        let named = f & flags::NAMED_VALUES != 0;
        let values = if f & flags::VALUES != 0 {
            SerializedValues::decode(r, named)?
        } else {
            SerializedValues {
                named,
                ..SerializedValues::default()
            }
        };
        let page_size = if f & flags::PAGE_SIZE != 0 {
            Some(r.read_int()?)
        } else {
            None
        };
        let paging_state = if f & flags::PAGING_STATE != 0 {
            r.read_bytes()?.map(<[u8]>::to_vec)
        } else {
            None
        };
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
        Ok(QueryParameters {
            consistency,
            values,
            skip_metadata: f & flags::SKIP_METADATA != 0,
            page_size,
            paging_state,
            serial_consistency,
            default_timestamp,
            keyspace,
            now_in_seconds,
        })
    }
}

impl Query {
    /// Writes the QUERY body.
    pub fn encode(&self, v: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_long_string(out, &self.query)?;
        self.params.encode(v, out)
    }

    /// Reads a QUERY body; nothing may follow it.
    pub fn decode(r: &mut Reader<'_>, v: ProtocolVersion) -> Result<Query, DecodeError> {
        let query = r.read_long_string()?;
        let params = QueryParameters::decode(r, v)?;
        r.expect_end("QUERY")?;
        Ok(Query { query, params })
    }
}
