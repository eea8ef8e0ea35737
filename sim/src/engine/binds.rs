//! Bind values sent with a request, read from their serialized form.

use ringbolt_cql::ast::{BindMarker, BindMarkerKind};
use ringbolt_driver::protocol::request::SerializedValues;

/// One bound value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoundValue {
    /// null
    Null,
    /// not set
    Unset,
    /// bytes
    Bytes(Vec<u8>),
}

/// The values of one request.
#[derive(Debug, Clone, Default)]
pub struct Binds {
    values: Vec<(Option<String>, BoundValue)>,
    /// Names of the statement's markers by index (for named values), when known.
    pub marker_names: Vec<Option<String>>,
    /// PREPARE-time checking: every marker reads as an empty value.
    pub dry: bool,
}

impl Binds {
    /// Reads serialized values; a malformed body gives Cassandra's protocol-level message.
    pub fn parse(v: &SerializedValues) -> Result<Binds, String> {
        let mut rest = v.bytes.as_slice();
        let mut values = Vec::with_capacity(usize::from(v.count).min(rest.len() / 4 + 1));
        for _ in 0..v.count {
            let name = if v.named {
                let len = rest.get(..2).ok_or("truncated bind value name")?;
                let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
                let name = rest.get(2..2 + len).ok_or("truncated bind value name")?;
                rest = rest.get(2 + len..).unwrap_or_default();
                Some(String::from_utf8_lossy(name).to_lowercase())
            } else {
                None
            };
            let head = rest.get(..4).ok_or("truncated bind value")?;
            let len = i32::from_be_bytes([head[0], head[1], head[2], head[3]]);
            rest = rest.get(4..).unwrap_or_default();
            let value = match len {
                -1 => BoundValue::Null,
                -2 => BoundValue::Unset,
                n if n < 0 => return Err(format!("invalid bind value length {n}")),
                n => {
                    let n = n as usize;
                    let bytes = rest.get(..n).ok_or("truncated bind value")?;
                    rest = rest.get(n..).unwrap_or_default();
                    BoundValue::Bytes(bytes.to_vec())
                }
            };
            values.push((name, value));
        }
        Ok(Binds {
            values,
            marker_names: Vec::new(),
            dry: false,
        })
    }

    /// Values for PREPARE-time checks: every marker reads as an empty value.
    pub fn dry() -> Binds {
        Binds {
            dry: true,
            ..Binds::default()
        }
    }

    /// Values given positionally, for tests and batches.
    pub fn positional(values: Vec<BoundValue>) -> Binds {
        Binds {
            values: values.into_iter().map(|v| (None, v)).collect(),
            marker_names: Vec::new(),
            dry: false,
        }
    }

    /// How many values were sent.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether no value was sent.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The value of a marker.
    pub fn get(&self, m: &BindMarker) -> Result<BoundValue, String> {
        if self.dry {
            return Ok(BoundValue::Bytes(Vec::new()));
        }
        let named = self.values.first().is_some_and(|(n, _)| n.is_some());
        if named {
            let name = match &m.kind {
                BindMarkerKind::Named(n) => Some(n.to_lowercase()),
                BindMarkerKind::Positional => self.marker_names.get(m.index).cloned().flatten(),
            };
            let Some(name) = name else {
                return Err("Invalid amount of bind variables".into());
            };
            return self
                .values
                .iter()
                .find(|(n, _)| n.as_deref() == Some(name.as_str()))
                .map(|(_, v)| v.clone())
                .ok_or_else(|| format!("Invalid unset value for column {name}"));
        }
        self.values
            .get(m.index)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| "Invalid amount of bind variables".into())
    }
}
