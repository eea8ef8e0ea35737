//! SASL authentication: a pluggable [`Authenticator`] and the built-in [`PasswordAuthenticator`].

use std::fmt;

/// An authenticator refused to go on; the message says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AuthError {
    /// What went wrong, in words the user can act on.
    pub message: String,
}

impl AuthError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        AuthError {
            message: message.into(),
        }
    }
}

/// Creates one SASL exchange per connection, for the authenticator class the server names.
///
/// ```
/// use ringbolt_driver::connection::{Authenticator, PasswordAuthenticator};
/// let auth = PasswordAuthenticator::new("cassandra", "cassandra");
/// let mut exchange = auth
///     .start("org.apache.cassandra.auth.PasswordAuthenticator")
///     .unwrap();
/// assert_eq!(exchange.initial_response().unwrap(), b"\0cassandra\0cassandra");
/// ```
pub trait Authenticator: Send + Sync + fmt::Debug {
    /// Begins an exchange with the server's `authenticator` class (from AUTHENTICATE).
    fn start(&self, authenticator: &str) -> Result<Box<dyn SaslExchange>, AuthError>;
}

/// One SASL exchange on one connection.
pub trait SaslExchange: Send {
    /// The first token sent in AUTH_RESPONSE.
    fn initial_response(&mut self) -> Result<Vec<u8>, AuthError>;
    /// Answers an AUTH_CHALLENGE.
    fn evaluate_challenge(&mut self, challenge: Option<&[u8]>) -> Result<Vec<u8>, AuthError>;
    /// Called on AUTH_SUCCESS with the server's final token.
    fn success(&mut self, _token: Option<&[u8]>) -> Result<(), AuthError> {
        Ok(())
    }
}

/// SASL PLAIN with a user name and password, as Cassandra's `PasswordAuthenticator` expects.
/// The password never appears in `Debug` output.
#[derive(Clone)]
pub struct PasswordAuthenticator {
    username: String,
    password: String,
}

impl PasswordAuthenticator {
    /// Credentials for `username`.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        PasswordAuthenticator {
            username: username.into(),
            password: password.into(),
        }
    }

    /// The user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    fn token(&self) -> Vec<u8> {
        let mut token = Vec::with_capacity(2 + self.username.len() + self.password.len());
        token.push(0);
        token.extend_from_slice(self.username.as_bytes());
        token.push(0);
        token.extend_from_slice(self.password.as_bytes());
        token
    }
}

impl fmt::Debug for PasswordAuthenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordAuthenticator")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl Authenticator for PasswordAuthenticator {
    fn start(&self, _authenticator: &str) -> Result<Box<dyn SaslExchange>, AuthError> {
        Ok(Box::new(PlainExchange {
            token: Some(self.token()),
        }))
    }
}

struct PlainExchange {
    token: Option<Vec<u8>>,
}

impl SaslExchange for PlainExchange {
    fn initial_response(&mut self) -> Result<Vec<u8>, AuthError> {
        self.token
            .take()
            .ok_or_else(|| AuthError::new("the PLAIN exchange was already used"))
    }

    fn evaluate_challenge(&mut self, _challenge: Option<&[u8]>) -> Result<Vec<u8>, AuthError> {
        Err(AuthError::new(
            "the server sent a SASL challenge after PLAIN credentials; it may expect another authenticator",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_token_and_redacted_debug() {
        let auth = PasswordAuthenticator::new("user", "s3cret");
        let mut ex = auth.start("PasswordAuthenticator").unwrap();
        assert_eq!(ex.initial_response().unwrap(), b"\0user\0s3cret".to_vec());
        assert!(ex.initial_response().is_err());
        assert!(ex.evaluate_challenge(None).is_err());
        let debug = format!("{auth:?}");
        assert!(debug.contains("user"));
        assert!(!debug.contains("s3cret"));
    }
}
