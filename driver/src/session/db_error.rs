//! [`DbError`]: what the server's ERROR answer means, typed from its code and fields.

use std::net::IpAddr;

use crate::protocol::response::{ErrorCode, FailureReason, WriteType};
use crate::protocol::Consistency;

/// An error the server (coordinator) answered with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// The server failed internally (0x0000); see its logs.
    #[error("server error; check the node's logs")]
    ServerError,
    /// The server says the driver broke the protocol (0x000A).
    #[error("protocol error reported by the server")]
    ProtocolError,
    /// Credentials were refused (0x0100).
    #[error("authentication error; check the user name and password")]
    AuthenticationError,
    /// Not enough replicas alive for the consistency level (0x1000).
    #[error("unavailable: {alive} replicas alive, {required} required at {consistency:?}; lower the consistency or bring nodes up")]
    Unavailable {
        /// The consistency asked for.
        consistency: Consistency,
        /// Replicas required.
        required: i32,
        /// Replicas alive.
        alive: i32,
    },
    /// The coordinator is overloaded (0x1001); back off.
    #[error("the coordinator is overloaded; reduce load or retry later")]
    Overloaded,
    /// The coordinator is still bootstrapping (0x1002).
    #[error("the coordinator is bootstrapping; use another node")]
    IsBootstrapping,
    /// A TRUNCATE failed (0x1003).
    #[error("truncate failed; check that all replicas are up")]
    TruncateError,
    /// Too few replicas acknowledged a write in time (0x1100).
    #[error("write timeout at {consistency:?}: {received} of {block_for} replicas acknowledged a {write_type:?} write")]
    WriteTimeout {
        /// The consistency asked for.
        consistency: Consistency,
        /// Acknowledgements received.
        received: i32,
        /// Acknowledgements required.
        block_for: i32,
        /// The kind of write.
        write_type: WriteType,
        /// v5 CAS writes: contentions.
        contentions: Option<u16>,
    },
    /// Too few replicas answered a read in time (0x1200).
    #[error("read timeout at {consistency:?}: {received} of {block_for} replicas answered (data present: {data_present})")]
    ReadTimeout {
        /// The consistency asked for.
        consistency: Consistency,
        /// Responses received.
        received: i32,
        /// Responses required.
        block_for: i32,
        /// Whether the replica asked for data answered.
        data_present: bool,
    },
    /// Replicas failed a read (0x1300), for example too many tombstones.
    #[error("read failure at {consistency:?}: {num_failures} replicas failed, {received} of {block_for} answered")]
    ReadFailure {
        /// The consistency asked for.
        consistency: Consistency,
        /// Responses received.
        received: i32,
        /// Responses required.
        block_for: i32,
        /// How many replicas failed.
        num_failures: i32,
        /// v5: each failed replica and its reason code.
        reasons: Vec<(IpAddr, u16)>,
        /// Whether the replica asked for data answered.
        data_present: bool,
    },
    /// A user-defined function failed (0x1400).
    #[error("function {keyspace}.{function} failed")]
    FunctionFailure {
        /// The function's keyspace.
        keyspace: String,
        /// The function.
        function: String,
        /// Its argument types.
        arg_types: Vec<String>,
    },
    /// Replicas failed a write (0x1500).
    #[error(
        "write failure at {consistency:?}: {num_failures} replicas failed a {write_type:?} write"
    )]
    WriteFailure {
        /// The consistency asked for.
        consistency: Consistency,
        /// Acknowledgements received.
        received: i32,
        /// Acknowledgements required.
        block_for: i32,
        /// How many replicas failed.
        num_failures: i32,
        /// v5: each failed replica and its reason code.
        reasons: Vec<(IpAddr, u16)>,
        /// The kind of write.
        write_type: WriteType,
    },
    /// A CDC write failed (0x1600).
    #[error("CDC write failure; check the CDC space on the nodes")]
    CdcWriteFailure,
    /// A lightweight transaction's outcome is unknown (0x1700): it may or may not be applied.
    #[error("compare-and-set outcome unknown at {consistency:?}: {received} of {block_for}; read the row to find out")]
    CasWriteUnknown {
        /// The consistency asked for.
        consistency: Consistency,
        /// Acknowledgements received.
        received: i32,
        /// Acknowledgements required.
        block_for: i32,
    },
    /// The CQL does not parse (0x2000).
    #[error("syntax error in the CQL statement")]
    SyntaxError,
    /// The user lacks a permission (0x2100).
    #[error("unauthorized; grant the role the permission the statement needs")]
    Unauthorized,
    /// The statement is invalid (0x2200): unknown table, wrong types, ...
    #[error("invalid statement")]
    Invalid,
    /// The statement conflicts with the server's configuration (0x2300).
    #[error("configuration error on the server")]
    ConfigError,
    /// The keyspace or table being created exists (0x2400); use IF NOT EXISTS.
    #[error("{} already exists; use IF NOT EXISTS", if table.is_empty() { keyspace.clone() } else { format!("{keyspace}.{table}") })]
    AlreadyExists {
        /// The keyspace.
        keyspace: String,
        /// The table; empty when the keyspace itself exists.
        table: String,
    },
    /// The node does not know this prepared id (0x2500); the session re-prepares by itself.
    #[error("the node does not know prepared statement {}", hex(id))]
    Unprepared {
        /// The prepared id.
        id: Vec<u8>,
    },
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn reasons(list: &[FailureReason]) -> Vec<(IpAddr, u16)> {
    list.iter().map(|r| (r.endpoint, r.code)).collect()
}

impl From<&ErrorCode> for DbError {
    fn from(code: &ErrorCode) -> Self {
        match code {
            ErrorCode::ServerError => DbError::ServerError,
            ErrorCode::ProtocolError => DbError::ProtocolError,
            ErrorCode::AuthenticationError => DbError::AuthenticationError,
            ErrorCode::Unavailable {
                consistency,
                required,
                alive,
            } => DbError::Unavailable {
                consistency: *consistency,
                required: *required,
                alive: *alive,
            },
            ErrorCode::Overloaded => DbError::Overloaded,
            ErrorCode::IsBootstrapping => DbError::IsBootstrapping,
            ErrorCode::TruncateError => DbError::TruncateError,
            ErrorCode::WriteTimeout {
                consistency,
                received,
                block_for,
                write_type,
                contentions,
            } => DbError::WriteTimeout {
                consistency: *consistency,
                received: *received,
                block_for: *block_for,
                write_type: *write_type,
                contentions: *contentions,
            },
            ErrorCode::ReadTimeout {
                consistency,
                received,
                block_for,
                data_present,
            } => DbError::ReadTimeout {
                consistency: *consistency,
                received: *received,
                block_for: *block_for,
                data_present: *data_present,
            },
            ErrorCode::ReadFailure {
                consistency,
                received,
                block_for,
                reasons: list,
                num_failures,
                data_present,
            } => DbError::ReadFailure {
                consistency: *consistency,
                received: *received,
                block_for: *block_for,
                num_failures: *num_failures,
                reasons: reasons(list),
                data_present: *data_present,
            },
            ErrorCode::FunctionFailure {
                keyspace,
                function,
                arg_types,
            } => DbError::FunctionFailure {
                keyspace: keyspace.clone(),
                function: function.clone(),
                arg_types: arg_types.clone(),
            },
            ErrorCode::WriteFailure {
                consistency,
                received,
                block_for,
                reasons: list,
                num_failures,
                write_type,
            } => DbError::WriteFailure {
                consistency: *consistency,
                received: *received,
                block_for: *block_for,
                num_failures: *num_failures,
                reasons: reasons(list),
                write_type: *write_type,
            },
            ErrorCode::CdcWriteFailure => DbError::CdcWriteFailure,
            ErrorCode::CasWriteUnknown {
                consistency,
                received,
                block_for,
            } => DbError::CasWriteUnknown {
                consistency: *consistency,
                received: *received,
                block_for: *block_for,
            },
            ErrorCode::SyntaxError => DbError::SyntaxError,
            ErrorCode::Unauthorized => DbError::Unauthorized,
            ErrorCode::Invalid => DbError::Invalid,
            ErrorCode::ConfigError => DbError::ConfigError,
            ErrorCode::AlreadyExists { keyspace, table } => DbError::AlreadyExists {
                keyspace: keyspace.clone(),
                table: table.clone(),
            },
            ErrorCode::Unprepared { id } => DbError::Unprepared { id: id.clone() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_from_error_codes() {
        let code = ErrorCode::ReadTimeout {
            consistency: Consistency::Quorum,
            received: 1,
            block_for: 2,
            data_present: false,
        };
        let db = DbError::from(&code);
        assert!(matches!(
            db,
            DbError::ReadTimeout {
                received: 1,
                block_for: 2,
                ..
            }
        ));
        assert!(db.to_string().contains("1 of 2"));
        let exists = DbError::from(&ErrorCode::AlreadyExists {
            keyspace: "ks".into(),
            table: "t".into(),
        });
        assert!(exists.to_string().contains("ks.t"));
        let unprepared = DbError::from(&ErrorCode::Unprepared {
            id: vec![0xab, 0x01],
        });
        assert!(unprepared.to_string().contains("ab01"));
    }
}
