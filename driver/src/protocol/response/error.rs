//! ERROR (section 4.2.1 and section 9 of the spec): the code, the message and the code's fields.

use crate::protocol::Consistency;

/// The kind of write that timed out or failed (`<writeType>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WriteType {
    /// `SIMPLE`
    Simple,
    /// `BATCH`
    Batch,
    /// `UNLOGGED_BATCH`
    UnloggedBatch,
    /// `COUNTER`
    Counter,
    /// `BATCH_LOG`
    BatchLog,
    /// `CAS`
    Cas,
    /// `VIEW`
    View,
    /// `CDC`
    Cdc,
}

/// Why one replica failed (v5 `<reasonmap>`): its address and a failure code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureReason {
    /// The replica's address.
    pub endpoint: std::net::IpAddr,
    /// Cassandra's failure code (for example 0x0000 UNKNOWN, 0x0001 READ_TOO_MANY_TOMBSTONES).
    pub code: u16,
}

/// An error code with the fields that code carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCode {
    /// 0x0000
    ServerError,
    /// 0x000A
    ProtocolError,
    /// 0x0100
    AuthenticationError,
    /// 0x1000
    Unavailable {
        /// Consistency of the query.
        consistency: Consistency,
        /// Replicas required.
        required: i32,
        /// Replicas known alive.
        alive: i32,
    },
    /// 0x1001
    Overloaded,
    /// 0x1002
    IsBootstrapping,
    /// 0x1003
    TruncateError,
    /// 0x1100
    WriteTimeout {
        /// Consistency of the query.
        consistency: Consistency,
        /// Acknowledgements received.
        received: i32,
        /// Acknowledgements required.
        block_for: i32,
        /// The kind of write.
        write_type: WriteType,
        /// v5, CAS writes only: contentions.
        contentions: Option<u16>,
    },
    /// 0x1200
    ReadTimeout {
        /// Consistency of the query.
        consistency: Consistency,
        /// Responses received.
        received: i32,
        /// Responses required.
        block_for: i32,
        /// Whether the replica asked for data answered.
        data_present: bool,
    },
    /// 0x1300
    ReadFailure {
        /// Consistency of the query.
        consistency: Consistency,
        /// Responses received.
        received: i32,
        /// Responses required.
        block_for: i32,
        /// v5: failures per replica; v4: empty (see `num_failures`).
        reasons: Vec<FailureReason>,
        /// How many replicas failed (v4 `<numfailures>`, or the reason map's size in v5).
        num_failures: i32,
        /// Whether the replica asked for data answered.
        data_present: bool,
    },
    /// 0x1400
    FunctionFailure {
        /// The function's keyspace.
        keyspace: String,
        /// The function's name.
        function: String,
        /// Its argument types.
        arg_types: Vec<String>,
    },
    /// 0x1500
    WriteFailure {
        /// Consistency of the query.
        consistency: Consistency,
        /// Acknowledgements received.
        received: i32,
        /// Acknowledgements required.
        block_for: i32,
        /// v5: failures per replica; v4: empty.
        reasons: Vec<FailureReason>,
        /// How many replicas failed.
        num_failures: i32,
        /// The kind of write.
        write_type: WriteType,
    },
    /// 0x1600 (v5)
    CdcWriteFailure,
    /// 0x1700 (v5)
    CasWriteUnknown {
        /// Consistency of the query.
        consistency: Consistency,
        /// Acknowledgements received.
        received: i32,
        /// Acknowledgements required.
        block_for: i32,
    },
    /// 0x2000
    SyntaxError,
    /// 0x2100
    Unauthorized,
    /// 0x2200
    Invalid,
    /// 0x2300
    ConfigError,
    /// 0x2400
    AlreadyExists {
        /// The keyspace.
        keyspace: String,
        /// The table, empty when a keyspace already exists.
        table: String,
    },
    /// 0x2500
    Unprepared {
        /// The unknown prepared id.
        id: Vec<u8>,
    },
}

/// The body of an ERROR response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorBody {
    /// The code and its fields.
    pub code: ErrorCode,
    /// The server's message.
    pub message: String,
}
