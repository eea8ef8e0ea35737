//! STARTUP (section 4.1.1).

/// Initializes the connection: `CQL_VERSION` is mandatory, `COMPRESSION`, `DRIVER_NAME`,
/// `DRIVER_VERSION` and others optional. Options keep their order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Startup {
    /// The `[string map]` of options.
    pub options: Vec<(String, String)>,
}
