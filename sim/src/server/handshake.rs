//! The connection handshake as Cassandra 4.0 does it: pure decisions, no I/O.
//!
//! States: `Uninitialized` (only OPTIONS and STARTUP allowed), `Authenticating` (only
//! AUTH_RESPONSE), `Ready`. Error messages are Cassandra's own, because drivers and people
//! recognise them.

use ringbolt_driver::protocol::request::{AuthResponse, Startup};
use ringbolt_driver::protocol::response::{ErrorBody, ErrorCode, Supported};
use ringbolt_driver::protocol::Opcode;

use crate::shared::Credentials;

/// The authenticator class announced in AUTHENTICATE.
pub(crate) const PASSWORD_AUTHENTICATOR: &str = "org.apache.cassandra.auth.PasswordAuthenticator";

/// Where the connection is in its handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HandshakeState {
    Uninitialized,
    Authenticating,
    Ready,
}

/// The SUPPORTED answer to OPTIONS.
pub(crate) fn supported() -> Supported {
    Supported {
        options: vec![
            (
                "PROTOCOL_VERSIONS".to_string(),
                vec!["3/v3".to_string(), "4/v4".to_string(), "5/v5".to_string()],
            ),
            ("CQL_VERSION".to_string(), vec!["3.4.5".to_string()]),
            ("COMPRESSION".to_string(), Vec::new()),
        ],
    }
}

/// The name Cassandra prints for an opcode in its messages.
pub(crate) fn opcode_name(op: Opcode) -> &'static str {
    match op {
        Opcode::Error => "ERROR",
        Opcode::Startup => "STARTUP",
        Opcode::Ready => "READY",
        Opcode::Authenticate => "AUTHENTICATE",
        Opcode::Options => "OPTIONS",
        Opcode::Supported => "SUPPORTED",
        Opcode::Query => "QUERY",
        Opcode::Result => "RESULT",
        Opcode::Prepare => "PREPARE",
        Opcode::Execute => "EXECUTE",
        Opcode::Register => "REGISTER",
        Opcode::Event => "EVENT",
        Opcode::Batch => "BATCH",
        Opcode::AuthChallenge => "AUTH_CHALLENGE",
        Opcode::AuthResponse => "AUTH_RESPONSE",
        Opcode::AuthSuccess => "AUTH_SUCCESS",
    }
}

pub(crate) fn protocol_error(message: impl Into<String>) -> ErrorBody {
    ErrorBody {
        code: ErrorCode::ProtocolError,
        message: message.into(),
    }
}

/// The refusal of a protocol version. Versions 4 and 5 are served; v3 is refused too (its
/// frames differ in ways this simulator does not implement), which drivers handle by
/// downgrading no further than v4. The message is Cassandra's, which drivers look for.
pub(crate) fn unsupported_version(version: u8) -> ErrorBody {
    protocol_error(format!(
        "Invalid or unsupported protocol version ({version}); supported versions are (4/v4, 5/v5)"
    ))
}

/// The error for a request not allowed in `state`, or `None` when it is allowed.
pub(crate) fn check_allowed(state: HandshakeState, op: Opcode) -> Option<ErrorBody> {
    match state {
        HandshakeState::Uninitialized if op != Opcode::Startup && op != Opcode::Options => {
            Some(protocol_error(format!(
                "Unexpected message {}, expecting STARTUP or OPTIONS",
                opcode_name(op)
            )))
        }
        HandshakeState::Authenticating if op != Opcode::AuthResponse => {
            Some(protocol_error(format!(
                "Unexpected message {}, expecting SASL_RESPONSE",
                opcode_name(op)
            )))
        }
        HandshakeState::Ready if op == Opcode::Startup => Some(protocol_error(
            "Unexpected message STARTUP, the connection is already initialized",
        )),
        HandshakeState::Ready if op == Opcode::AuthResponse => Some(protocol_error(
            "Unexpected message AUTH_RESPONSE, the connection is already authenticated",
        )),
        _ => None,
    }
}

/// Checks the STARTUP options: `CQL_VERSION` is mandatory, compression is not offered.
pub(crate) fn check_startup(startup: &Startup) -> Result<(), ErrorBody> {
    let get = |key: &str| {
        startup
            .options
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    };
    match get("CQL_VERSION") {
        None => {
            return Err(protocol_error(
                "Missing value CQL_VERSION in STARTUP message",
            ))
        }
        Some(v) if !v.starts_with('3') => {
            return Err(protocol_error(format!(
                "Invalid or unsupported CQL version {v}; supported version is 3.4.5"
            )))
        }
        Some(_) => {}
    }
    match get("COMPRESSION") {
        None => Ok(()),
        Some("") => Ok(()),
        Some(c) => Err(protocol_error(format!(
            "Unknown compression algorithm: {c}"
        ))),
    }
}

/// Checks a SASL PLAIN token (`authzid NUL authcid NUL password`) against the credentials.
pub(crate) fn check_plain(
    expected: &Credentials,
    response: &AuthResponse,
) -> Result<(), ErrorBody> {
    let auth_error = |message: String| ErrorBody {
        code: ErrorCode::AuthenticationError,
        message,
    };
    let token = response.token.as_deref().unwrap_or_default();
    let mut parts = token.rsplit(|b| *b == 0);
    let password = parts.next().unwrap_or_default();
    let Some(user) = parts.next() else {
        return Err(auth_error("Authentication ID must not be null".to_string()));
    };
    if password.is_empty() {
        return Err(auth_error("Password must not be null".to_string()));
    }
    let user = String::from_utf8_lossy(user);
    if user == expected.username.as_str() && password == expected.password.as_bytes() {
        Ok(())
    } else {
        Err(auth_error(format!(
            "Provided username {user} and/or password are incorrect"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials {
            username: "cassandra".to_string(),
            password: "secret".to_string(),
        }
    }

    fn token(t: &[u8]) -> AuthResponse {
        AuthResponse {
            token: Some(t.to_vec()),
        }
    }

    #[test]
    fn plain_tokens() {
        assert!(check_plain(&creds(), &token(b"\0cassandra\0secret")).is_ok());
        assert!(check_plain(&creds(), &token(b"zid\0cassandra\0secret")).is_ok());
        let wrong = check_plain(&creds(), &token(b"\0cassandra\0nope")).unwrap_err();
        assert_eq!(wrong.code, ErrorCode::AuthenticationError);
        assert_eq!(
            wrong.message,
            "Provided username cassandra and/or password are incorrect"
        );
        assert!(check_plain(&creds(), &token(b"")).is_err());
        assert!(check_plain(&creds(), &AuthResponse { token: None }).is_err());
        assert!(check_plain(&creds(), &token(b"\0cassandra\0")).is_err());
    }

    #[test]
    fn state_rules() {
        assert!(check_allowed(HandshakeState::Uninitialized, Opcode::Options).is_none());
        let e = check_allowed(HandshakeState::Uninitialized, Opcode::Query).unwrap();
        assert_eq!(
            e.message,
            "Unexpected message QUERY, expecting STARTUP or OPTIONS"
        );
        assert!(check_allowed(HandshakeState::Authenticating, Opcode::Options).is_some());
        assert!(check_allowed(HandshakeState::Ready, Opcode::Startup).is_some());
        assert!(check_allowed(HandshakeState::Ready, Opcode::Query).is_none());
    }

    #[test]
    fn startup_options() {
        let s = |opts: &[(&str, &str)]| Startup {
            options: opts
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        assert!(check_startup(&s(&[("CQL_VERSION", "3.0.0")])).is_ok());
        assert!(check_startup(&s(&[])).is_err());
        assert!(check_startup(&s(&[("CQL_VERSION", "3.0.0"), ("COMPRESSION", "lz4")])).is_err());
    }
}
