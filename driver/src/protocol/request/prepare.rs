//! PREPARE (section 4.1.5).

/// Prepares a statement.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Prepare {
    /// The CQL text (`[long string]`).
    pub query: String,
    /// v5 only: the keyspace the statement is prepared in (flag 0x01).
    pub keyspace: Option<String>,
}

use crate::protocol::primitives::{write_int, write_long_string, write_string, Reader};
use crate::protocol::{DecodeError, EncodeError, ProtocolVersion};

/// PREPARE flag (v5): a keyspace follows.
const WITH_KEYSPACE: i32 = 0x01;

impl Prepare {
    /// Writes the PREPARE body: the query, and in v5 `[int]` flags and the optional keyspace.
    pub fn encode(&self, v: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_long_string(out, &self.query)?;
        match v {
            ProtocolVersion::V4 => {
                if self.keyspace.is_some() {
                    return Err(EncodeError::not_in("a keyspace in PREPARE", v));
                }
            }
            ProtocolVersion::V5 => match &self.keyspace {
                Some(k) => {
                    write_int(out, WITH_KEYSPACE);
                    write_string(out, k)?;
                }
                None => write_int(out, 0),
            },
        }
        Ok(())
    }

    /// Reads a PREPARE body; nothing may follow it.
    pub fn decode(r: &mut Reader<'_>, v: ProtocolVersion) -> Result<Prepare, DecodeError> {
        let query = r.read_long_string()?;
        let keyspace = match v {
            ProtocolVersion::V4 => None,
            ProtocolVersion::V5 => {
                let flags = r.read_int()?;
                if flags & WITH_KEYSPACE != 0 {
                    Some(r.read_string()?)
                } else {
                    None
                }
            }
        };
        r.expect_end("PREPARE")?;
        Ok(Prepare { query, keyspace })
    }
}
