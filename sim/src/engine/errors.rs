//! ERROR bodies the engine answers with, built as Cassandra words them.

use ringbolt_driver::protocol::response::{ErrorBody, ErrorCode};

/// A statement's result or the error to send.
pub type ExecResult<T> = Result<T, ErrorBody>;

/// 0x2200 Invalid.
pub fn invalid(message: impl Into<String>) -> ErrorBody {
    ErrorBody {
        code: ErrorCode::Invalid,
        message: message.into(),
    }
}

/// 0x2000 Syntax error.
pub fn syntax(message: impl Into<String>) -> ErrorBody {
    ErrorBody {
        code: ErrorCode::SyntaxError,
        message: message.into(),
    }
}

/// 0x2300 Config error.
pub fn config(message: impl Into<String>) -> ErrorBody {
    ErrorBody {
        code: ErrorCode::ConfigError,
        message: message.into(),
    }
}

/// 0x2100 Unauthorized.
pub fn unauthorized(message: impl Into<String>) -> ErrorBody {
    ErrorBody {
        code: ErrorCode::Unauthorized,
        message: message.into(),
    }
}

/// 0x2400 Already exists (empty table for a keyspace).
pub fn already_exists(keyspace: &str, table: &str) -> ErrorBody {
    let message = if table.is_empty() {
        format!("Cannot add existing keyspace \"{keyspace}\"")
    } else {
        format!("Cannot add already existing table \"{table}\" to keyspace \"{keyspace}\"")
    };
    ErrorBody {
        code: ErrorCode::AlreadyExists {
            keyspace: keyspace.into(),
            table: table.into(),
        },
        message,
    }
}

/// 0x2500 Unprepared.
pub fn unprepared(id: &[u8]) -> ErrorBody {
    let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
    ErrorBody {
        code: ErrorCode::Unprepared { id: id.to_vec() },
        message: format!(
            "Prepared query with ID {hex} not found (either the query was not prepared on this host \
             (maybe the host has been restarted?) or you have prepared too many queries and it has \
             been evicted from the internal cache)"
        ),
    }
}

/// 0x000A Protocol error.
pub fn protocol(message: impl Into<String>) -> ErrorBody {
    ErrorBody {
        code: ErrorCode::ProtocolError,
        message: message.into(),
    }
}

/// The message Cassandra gives for a query that needs ALLOW FILTERING.
pub const FILTERING: &str = "Cannot execute this query as it might involve data filtering and thus may have \
unpredictable performance. If you want to execute this query despite the performance unpredictability, use \
ALLOW FILTERING";
