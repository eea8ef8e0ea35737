//! SUPPORTED (section 4.2.4).

/// The STARTUP options the server supports: a `[string multimap]`, order kept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Supported {
    /// Option name to its possible values, e.g. `PROTOCOL_VERSIONS` to `["3/v3", "4/v4", "5/v5"]`.
    pub options: Vec<(String, Vec<String>)>,
}
