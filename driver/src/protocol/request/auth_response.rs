//! AUTH_RESPONSE (section 4.1.2).

/// A SASL token answering AUTHENTICATE or AUTH_CHALLENGE. Its `Debug` hides the token, which
/// carries credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthResponse {
    /// The `[bytes]` token; `None` is a null token.
    pub token: Option<Vec<u8>>,
}

impl std::fmt::Debug for AuthResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthResponse")
            .field("token", &"<redacted>")
            .finish()
    }
}

use crate::protocol::primitives::{write_bytes, Reader};
use crate::protocol::{DecodeError, EncodeError};

impl AuthResponse {
    /// Writes the AUTH_RESPONSE body.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_bytes(out, self.token.as_deref())
    }

    /// Reads an AUTH_RESPONSE body; nothing may follow it.
    pub fn decode(r: &mut Reader<'_>) -> Result<AuthResponse, DecodeError> {
        let token = r.read_bytes()?.map(<[u8]>::to_vec);
        r.expect_end("AUTH_RESPONSE")?;
        Ok(AuthResponse { token })
    }
}
