//! Helpers for hand-written golden bytes in tests: each appends one notation of section 3,
//! written independently of the codec under test.

pub(crate) fn short(v: u16) -> Vec<u8> {
    v.to_be_bytes().to_vec()
}

pub(crate) fn int(v: i32) -> Vec<u8> {
    v.to_be_bytes().to_vec()
}

pub(crate) fn long(v: i64) -> Vec<u8> {
    v.to_be_bytes().to_vec()
}

pub(crate) fn string(s: &str) -> Vec<u8> {
    let mut out = (s.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(s.as_bytes());
    out
}

pub(crate) fn long_string(s: &str) -> Vec<u8> {
    let mut out = (s.len() as i32).to_be_bytes().to_vec();
    out.extend_from_slice(s.as_bytes());
    out
}

pub(crate) fn bytes(b: &[u8]) -> Vec<u8> {
    let mut out = (b.len() as i32).to_be_bytes().to_vec();
    out.extend_from_slice(b);
    out
}

pub(crate) fn short_bytes(b: &[u8]) -> Vec<u8> {
    let mut out = (b.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(b);
    out
}

/// Concatenates parts.
pub(crate) fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}
