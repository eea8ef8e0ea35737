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

use crate::protocol::primitives::{
    int_len, write_byte, write_consistency, write_inetaddr, write_int, write_short,
    write_short_bytes, write_string, write_string_list, Reader,
};
use crate::protocol::{DecodeError, EncodeError, ProtocolVersion};

impl WriteType {
    /// The write type's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            WriteType::Simple => "SIMPLE",
            WriteType::Batch => "BATCH",
            WriteType::UnloggedBatch => "UNLOGGED_BATCH",
            WriteType::Counter => "COUNTER",
            WriteType::BatchLog => "BATCH_LOG",
            WriteType::Cas => "CAS",
            WriteType::View => "VIEW",
            WriteType::Cdc => "CDC",
        }
    }

    /// The write type with this name.
    pub fn from_name(s: &str) -> Option<WriteType> {
        Some(match s {
            "SIMPLE" => WriteType::Simple,
            "BATCH" => WriteType::Batch,
            "UNLOGGED_BATCH" => WriteType::UnloggedBatch,
            "COUNTER" => WriteType::Counter,
            "BATCH_LOG" => WriteType::BatchLog,
            "CAS" => WriteType::Cas,
            "VIEW" => WriteType::View,
            "CDC" => WriteType::Cdc,
            _ => return None,
        })
    }

    fn read(r: &mut Reader<'_>) -> Result<WriteType, DecodeError> {
        let s = r.read_str()?;
        WriteType::from_name(s).ok_or(DecodeError::Malformed {
            what: "ERROR write type",
            reason: "unknown write type",
        })
    }
}

impl ErrorCode {
    /// The numeric error code.
    pub fn code(&self) -> i32 {
        match self {
            ErrorCode::ServerError => 0x0000,
            ErrorCode::ProtocolError => 0x000A,
            ErrorCode::AuthenticationError => 0x0100,
            ErrorCode::Unavailable { .. } => 0x1000,
            ErrorCode::Overloaded => 0x1001,
            ErrorCode::IsBootstrapping => 0x1002,
            ErrorCode::TruncateError => 0x1003,
            ErrorCode::WriteTimeout { .. } => 0x1100,
            ErrorCode::ReadTimeout { .. } => 0x1200,
            ErrorCode::ReadFailure { .. } => 0x1300,
            ErrorCode::FunctionFailure { .. } => 0x1400,
            ErrorCode::WriteFailure { .. } => 0x1500,
            ErrorCode::CdcWriteFailure => 0x1600,
            ErrorCode::CasWriteUnknown { .. } => 0x1700,
            ErrorCode::SyntaxError => 0x2000,
            ErrorCode::Unauthorized => 0x2100,
            ErrorCode::Invalid => 0x2200,
            ErrorCode::ConfigError => 0x2300,
            ErrorCode::AlreadyExists { .. } => 0x2400,
            ErrorCode::Unprepared { .. } => 0x2500,
        }
    }
}

/// Writes the failures of a Read_failure or Write_failure: `<reasonmap>` in v5,
/// `<numfailures>` in v4.
fn write_failures(
    out: &mut Vec<u8>,
    v: ProtocolVersion,
    reasons: &[FailureReason],
    num_failures: i32,
) -> Result<(), EncodeError> {
    match v {
        ProtocolVersion::V4 => write_int(out, num_failures),
        ProtocolVersion::V5 => {
            write_int(out, int_len(reasons.len(), "failure reason map")?);
            for reason in reasons {
                write_inetaddr(out, &reason.endpoint);
                write_short(out, reason.code);
            }
        }
    }
    Ok(())
}

fn read_failures(
    r: &mut Reader<'_>,
    v: ProtocolVersion,
) -> Result<(Vec<FailureReason>, i32), DecodeError> {
    match v {
        ProtocolVersion::V4 => Ok((Vec::new(), r.read_int()?)),
        ProtocolVersion::V5 => {
            let n = r.read_int()?;
            let count = usize::try_from(n).map_err(|_| DecodeError::InvalidLength {
                what: "failure reason map",
                length: i64::from(n),
            })?;
            // Each entry is at least 1 + 4 (IPv4) + 2 bytes.
            let count = r.check_count(count, 7, "failure reason map")?;
            let mut reasons = Vec::with_capacity(count);
            for _ in 0..count {
                let endpoint = r.read_inetaddr()?;
                let code = r.read_short()?;
                reasons.push(FailureReason { endpoint, code });
            }
            Ok((reasons, n))
        }
    }
}

impl ErrorBody {
    /// Writes the ERROR body for version `v`.
    pub fn encode(&self, v: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_int(out, self.code.code());
        write_string(out, &self.message)?;
        match &self.code {
            ErrorCode::ServerError
            | ErrorCode::ProtocolError
            | ErrorCode::AuthenticationError
            | ErrorCode::Overloaded
            | ErrorCode::IsBootstrapping
            | ErrorCode::TruncateError
            | ErrorCode::CdcWriteFailure
            | ErrorCode::SyntaxError
            | ErrorCode::Unauthorized
            | ErrorCode::Invalid
            | ErrorCode::ConfigError => {}
            ErrorCode::Unavailable {
                consistency,
                required,
                alive,
            } => {
                write_consistency(out, *consistency);
                write_int(out, *required);
                write_int(out, *alive);
            }
            ErrorCode::WriteTimeout {
                consistency,
                received,
                block_for,
                write_type,
                contentions,
            } => {
                write_consistency(out, *consistency);
                write_int(out, *received);
                write_int(out, *block_for);
                write_string(out, write_type.as_str())?;
                if v == ProtocolVersion::V5 && *write_type == WriteType::Cas {
                    write_short(out, contentions.unwrap_or(0));
                }
            }
            ErrorCode::ReadTimeout {
                consistency,
                received,
                block_for,
                data_present,
            } => {
                write_consistency(out, *consistency);
                write_int(out, *received);
                write_int(out, *block_for);
                write_byte(out, u8::from(*data_present));
            }
            ErrorCode::ReadFailure {
                consistency,
                received,
                block_for,
                reasons,
                num_failures,
                data_present,
            } => {
                write_consistency(out, *consistency);
                write_int(out, *received);
                write_int(out, *block_for);
                write_failures(out, v, reasons, *num_failures)?;
                write_byte(out, u8::from(*data_present));
            }
            ErrorCode::FunctionFailure {
                keyspace,
                function,
                arg_types,
            } => {
                write_string(out, keyspace)?;
                write_string(out, function)?;
                write_string_list(out, arg_types)?;
            }
            ErrorCode::WriteFailure {
                consistency,
                received,
                block_for,
                reasons,
                num_failures,
                write_type,
            } => {
                write_consistency(out, *consistency);
                write_int(out, *received);
                write_int(out, *block_for);
                write_failures(out, v, reasons, *num_failures)?;
                write_string(out, write_type.as_str())?;
            }
            ErrorCode::CasWriteUnknown {
                consistency,
                received,
                block_for,
            } => {
                write_consistency(out, *consistency);
                write_int(out, *received);
                write_int(out, *block_for);
            }
            ErrorCode::AlreadyExists { keyspace, table } => {
                write_string(out, keyspace)?;
                write_string(out, table)?;
            }
            ErrorCode::Unprepared { id } => write_short_bytes(out, id)?,
        }
        Ok(())
    }

    /// Reads an ERROR body for version `v`; nothing may follow it.
    pub fn decode(r: &mut Reader<'_>, v: ProtocolVersion) -> Result<ErrorBody, DecodeError> {
        let code = r.read_int()?;
        let message = r.read_string()?;
        let code = match code {
            0x0000 => ErrorCode::ServerError,
            0x000A => ErrorCode::ProtocolError,
            0x0100 => ErrorCode::AuthenticationError,
            0x1000 => ErrorCode::Unavailable {
                consistency: r.read_consistency()?,
                required: r.read_int()?,
                alive: r.read_int()?,
            },
            0x1001 => ErrorCode::Overloaded,
            0x1002 => ErrorCode::IsBootstrapping,
            0x1003 => ErrorCode::TruncateError,
            0x1100 => {
                let consistency = r.read_consistency()?;
                let received = r.read_int()?;
                let block_for = r.read_int()?;
                let write_type = WriteType::read(r)?;
                let contentions = if v == ProtocolVersion::V5 && write_type == WriteType::Cas {
                    Some(r.read_short()?)
                } else {
                    None
                };
                ErrorCode::WriteTimeout {
                    consistency,
                    received,
                    block_for,
                    write_type,
                    contentions,
                }
            }
            0x1200 => ErrorCode::ReadTimeout {
                consistency: r.read_consistency()?,
                received: r.read_int()?,
                block_for: r.read_int()?,
                data_present: r.read_byte()? != 0,
            },
            0x1300 => {
                let consistency = r.read_consistency()?;
                let received = r.read_int()?;
                let block_for = r.read_int()?;
                let (reasons, num_failures) = read_failures(r, v)?;
                ErrorCode::ReadFailure {
                    consistency,
                    received,
                    block_for,
                    reasons,
                    num_failures,
                    data_present: r.read_byte()? != 0,
                }
            }
            0x1400 => ErrorCode::FunctionFailure {
                keyspace: r.read_string()?,
                function: r.read_string()?,
                arg_types: r.read_string_list()?,
            },
            0x1500 => {
                let consistency = r.read_consistency()?;
                let received = r.read_int()?;
                let block_for = r.read_int()?;
                let (reasons, num_failures) = read_failures(r, v)?;
                ErrorCode::WriteFailure {
                    consistency,
                    received,
                    block_for,
                    reasons,
                    num_failures,
                    write_type: WriteType::read(r)?,
                }
            }
            0x1600 => ErrorCode::CdcWriteFailure,
            0x1700 => ErrorCode::CasWriteUnknown {
                consistency: r.read_consistency()?,
                received: r.read_int()?,
                block_for: r.read_int()?,
            },
            0x2000 => ErrorCode::SyntaxError,
            0x2100 => ErrorCode::Unauthorized,
            0x2200 => ErrorCode::Invalid,
            0x2300 => ErrorCode::ConfigError,
            0x2400 => ErrorCode::AlreadyExists {
                keyspace: r.read_string()?,
                table: r.read_string()?,
            },
            0x2500 => ErrorCode::Unprepared {
                id: r.read_short_bytes()?.to_vec(),
            },
            other => {
                return Err(DecodeError::UnknownCode {
                    what: "error code",
                    code: other as u32,
                })
            }
        };
        r.expect_end("ERROR")?;
        Ok(ErrorBody { code, message })
    }
}
