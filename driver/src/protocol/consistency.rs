//! Consistency levels (`[consistency]`, spec section 3).

/// How many replicas must answer a request. Codes as in section 3 of the protocol spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum Consistency {
    /// 0x0000
    Any = 0x0000,
    /// 0x0001
    One = 0x0001,
    /// 0x0002
    Two = 0x0002,
    /// 0x0003
    Three = 0x0003,
    /// 0x0004
    Quorum = 0x0004,
    /// 0x0005
    All = 0x0005,
    /// 0x0006
    LocalQuorum = 0x0006,
    /// 0x0007
    EachQuorum = 0x0007,
    /// 0x0008
    Serial = 0x0008,
    /// 0x0009
    LocalSerial = 0x0009,
    /// 0x000A
    LocalOne = 0x000A,
}

/// The consistency of the Paxos phase of a lightweight transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum SerialConsistency {
    /// SERIAL (0x0008)
    Serial = 0x0008,
    /// LOCAL_SERIAL (0x0009)
    LocalSerial = 0x0009,
}

impl Consistency {
    /// The consistency with this `[consistency]` code.
    pub fn from_code(code: u16) -> Option<Consistency> {
        use Consistency::*;
        Some(match code {
            0x0000 => Any,
            0x0001 => One,
            0x0002 => Two,
            0x0003 => Three,
            0x0004 => Quorum,
            0x0005 => All,
            0x0006 => LocalQuorum,
            0x0007 => EachQuorum,
            0x0008 => Serial,
            0x0009 => LocalSerial,
            0x000A => LocalOne,
            _ => return None,
        })
    }
}

impl SerialConsistency {
    /// The serial consistency with this `[consistency]` code.
    pub fn from_code(code: u16) -> Option<SerialConsistency> {
        match code {
            0x0008 => Some(SerialConsistency::Serial),
            0x0009 => Some(SerialConsistency::LocalSerial),
            _ => None,
        }
    }
}
