//! SUPPORTED (section 4.2.4).

/// The STARTUP options the server supports: a `[string multimap]`, order kept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Supported {
    /// Option name to its possible values, e.g. `PROTOCOL_VERSIONS` to `["3/v3", "4/v4", "5/v5"]`.
    pub options: Vec<(String, Vec<String>)>,
}

use crate::protocol::primitives::{write_string_multimap, Reader};
use crate::protocol::{DecodeError, EncodeError};

impl Supported {
    /// Writes the SUPPORTED body.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_string_multimap(out, &self.options)
    }

    /// Reads a SUPPORTED body; nothing may follow it.
    pub fn decode(r: &mut Reader<'_>) -> Result<Supported, DecodeError> {
        let options = r.read_string_multimap()?;
        r.expect_end("SUPPORTED")?;
        Ok(Supported { options })
    }

    /// The values of an option (for example `PROTOCOL_VERSIONS`).
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.options
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
    }
}
