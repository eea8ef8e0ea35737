//! OPTIONS (section 4.1.3): asks which STARTUP options the server supports. Empty body.

/// The OPTIONS request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options;
