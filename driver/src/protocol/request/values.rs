//! Bind values as they travel: already serialized `[value]`s, optionally named.

/// One `[value]` as read from a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawValue<'a> {
    /// Length -1: null.
    Null,
    /// Length -2: not set (the column keeps its value).
    Unset,
    /// A value's bytes.
    Bytes(&'a [u8]),
}

/// A sequence of serialized bind values: each is an optional `[string]` name (when `named`)
/// followed by a `[value]`, exactly as they appear in a QUERY or EXECUTE body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SerializedValues {
    /// How many values `bytes` holds.
    pub count: u16,
    /// Whether each value is preceded by its name (flag 0x40).
    pub named: bool,
    /// The serialized values.
    pub bytes: Vec<u8>,
}
