//! STARTUP (section 4.1.1).

/// Initializes the connection: `CQL_VERSION` is mandatory, `COMPRESSION`, `DRIVER_NAME`,
/// `DRIVER_VERSION` and others optional. Options keep their order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Startup {
    /// The `[string map]` of options.
    pub options: Vec<(String, String)>,
}

use crate::protocol::primitives::{write_string_map, Reader};
use crate::protocol::{DecodeError, EncodeError};

impl Startup {
    /// Writes the STARTUP body.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_string_map(out, &self.options)
    }

    /// Reads a STARTUP body; nothing may follow it.
    pub fn decode(r: &mut Reader<'_>) -> Result<Startup, DecodeError> {
        let options = r.read_string_map()?;
        r.expect_end("STARTUP")?;
        Ok(Startup { options })
    }

    /// The value of an option, if present (for example `CQL_VERSION`).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}
