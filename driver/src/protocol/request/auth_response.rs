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
        f.debug_struct("AuthResponse").field("token", &"<redacted>").finish()
    }
}
