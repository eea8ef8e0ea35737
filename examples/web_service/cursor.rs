//! The opaque cursor of `GET /users/{user}/links`: the driver's paging state, hex-encoded.

use ringbolt::session::PagingState;

/// The longest cursor accepted, in characters (a paging state is a few dozen bytes).
pub const MAX_CURSOR_CHARS: usize = 4096;

/// Encodes a paging state as lowercase hex.
pub fn encode(state: &PagingState) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(state.as_bytes().len() * 2);
    for byte in state.as_bytes() {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// Decodes a cursor made by [`encode`]; `None` when it is not one.
pub fn decode(cursor: &str) -> Option<PagingState> {
    if cursor.is_empty() || cursor.len() > MAX_CURSOR_CHARS {
        return None;
    }
    let pairs = cursor.as_bytes().chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return None;
    }
    let mut bytes = Vec::with_capacity(cursor.len() / 2);
    for pair in pairs {
        let high = hex_digit(pair[0])?;
        let low = hex_digit(pair[1])?;
        bytes.push(high << 4 | low);
    }
    Some(PagingState::from_bytes(bytes))
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejects() {
        let state = PagingState::from_bytes(vec![0x00, 0x7f, 0xff, 0x10]);
        let text = encode(&state);
        assert_eq!(text, "007fff10");
        assert_eq!(
            decode(&text).map(|s| s.as_bytes().to_vec()),
            Some(state.as_bytes().to_vec())
        );
        assert!(decode("").is_none());
        assert!(decode("abc").is_none());
        assert!(decode("zz").is_none());
    }
}
