//! AUTHENTICATE, AUTH_CHALLENGE and AUTH_SUCCESS (sections 4.2.3, 4.2.7, 4.2.8).

/// The server requires authentication with the named authenticator class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticate {
    /// For example `org.apache.cassandra.auth.PasswordAuthenticator`.
    pub authenticator: String,
}

/// A SASL challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthChallenge {
    /// The challenge token.
    pub token: Option<Vec<u8>>,
}

/// Authentication succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSuccess {
    /// Final SASL information, if any.
    pub token: Option<Vec<u8>>,
}

use crate::protocol::primitives::{write_bytes, write_string, Reader};
use crate::protocol::{DecodeError, EncodeError};

impl Authenticate {
    /// Writes the AUTHENTICATE body.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_string(out, &self.authenticator)
    }

    /// Reads an AUTHENTICATE body; nothing may follow it.
    pub fn decode(r: &mut Reader<'_>) -> Result<Authenticate, DecodeError> {
        let authenticator = r.read_string()?;
        r.expect_end("AUTHENTICATE")?;
        Ok(Authenticate { authenticator })
    }
}

fn read_token(r: &mut Reader<'_>, what: &'static str) -> Result<Option<Vec<u8>>, DecodeError> {
    let token = r.read_bytes()?.map(<[u8]>::to_vec);
    r.expect_end(what)?;
    Ok(token)
}

impl AuthChallenge {
    /// Writes the AUTH_CHALLENGE body.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_bytes(out, self.token.as_deref())
    }

    /// Reads an AUTH_CHALLENGE body; nothing may follow it.
    pub fn decode(r: &mut Reader<'_>) -> Result<AuthChallenge, DecodeError> {
        Ok(AuthChallenge {
            token: read_token(r, "AUTH_CHALLENGE")?,
        })
    }
}

impl AuthSuccess {
    /// Writes the AUTH_SUCCESS body.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_bytes(out, self.token.as_deref())
    }

    /// Reads an AUTH_SUCCESS body; nothing may follow it.
    pub fn decode(r: &mut Reader<'_>) -> Result<AuthSuccess, DecodeError> {
        Ok(AuthSuccess {
            token: read_token(r, "AUTH_SUCCESS")?,
        })
    }
}
