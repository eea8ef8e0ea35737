//! EXECUTE (section 4.1.6).

use bytes::Bytes;

use super::QueryParameters;

/// Runs a prepared statement.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Execute {
    /// The prepared id (`[short bytes]`); `Bytes`, so a statement's id is shared, not copied.
    pub id: Bytes,
    /// v5 only: the result metadata id (`[short bytes]`) the client has.
    pub result_metadata_id: Option<Bytes>,
    /// Parameters.
    pub params: QueryParameters,
}

use crate::protocol::primitives::{write_short_bytes, Reader};
use crate::protocol::{DecodeError, EncodeError, ProtocolVersion};

impl Execute {
    /// Writes the EXECUTE body. v5 requires `result_metadata_id`; v4 has no such field and
    /// ignores it.
    pub fn encode(&self, v: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_short_bytes(out, &self.id)?;
        if v == ProtocolVersion::V5 {
            let id = self
                .result_metadata_id
                .as_ref()
                .ok_or(EncodeError::Invalid {
                    what: "EXECUTE",
                    reason: "protocol v5 needs the result metadata id from the Prepared result",
                })?;
            write_short_bytes(out, id)?;
        }
        self.params.encode(v, out)
    }

    /// Reads an EXECUTE body; nothing may follow it.
    pub fn decode(r: &mut Reader<'_>, v: ProtocolVersion) -> Result<Execute, DecodeError> {
        let id = Bytes::copy_from_slice(r.read_short_bytes()?);
        let result_metadata_id = match v {
            ProtocolVersion::V5 => Some(Bytes::copy_from_slice(r.read_short_bytes()?)),
            ProtocolVersion::V4 => None,
        };
        let params = QueryParameters::decode(r, v)?;
        r.expect_end("EXECUTE")?;
        Ok(Execute {
            id,
            result_metadata_id,
            params,
        })
    }
}
