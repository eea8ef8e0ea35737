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
