//! v5 framing (section 2 of native_protocol_v5.spec): segments with CRC24 header and CRC32 payload.
