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

use crate::protocol::primitives::{write_short, write_string, write_value, Reader};
use crate::protocol::{DecodeError, EncodeError};

impl SerializedValues {
    /// Appends one value, named (`Some`) or positional (`None`). All values of one set must be
    /// named or all positional.
    ///
    /// ```
    /// use ringbolt_driver::protocol::request::{RawValue, SerializedValues};
    /// let mut v = SerializedValues::default();
    /// v.push(None, RawValue::Bytes(&[0, 0, 0, 7])).unwrap();
    /// v.push(None, RawValue::Null).unwrap();
    /// let all: Vec<_> = v.iter().collect::<Result<_, _>>().unwrap();
    /// assert_eq!(all, vec![(None, RawValue::Bytes(&[0, 0, 0, 7])), (None, RawValue::Null)]);
    /// ```
    pub fn push(&mut self, name: Option<&str>, v: RawValue<'_>) -> Result<(), EncodeError> {
        if self.count == u16::MAX {
            return Err(EncodeError::TooMany {
                what: "bind values",
                count: usize::from(self.count) + 1,
            });
        }
        if self.count == 0 {
            self.named = name.is_some();
        } else if self.named != name.is_some() {
            return Err(EncodeError::Invalid {
                what: "bind values",
                reason: "named and positional values cannot be mixed",
            });
        }
        let start = self.bytes.len();
        let result = match name {
            Some(n) => write_string(&mut self.bytes, n),
            None => Ok(()),
        }
        .and_then(|()| write_value(&mut self.bytes, v));
        if let Err(e) = result {
            self.bytes.truncate(start);
            return Err(e);
        }
        self.count += 1;
        Ok(())
    }

    /// Whether no value was pushed.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The values with their names (when named), in order.
    pub fn iter(&self) -> impl Iterator<Item = Result<(Option<&str>, RawValue<'_>), DecodeError>> {
        let mut r = Reader::new(&self.bytes);
        let named = self.named;
        let mut left = self.count;
        std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            left -= 1;
            let item = (|| {
                let name = if named { Some(r.read_str()?) } else { None };
                Ok((name, r.read_value()?))
            })();
            if item.is_err() {
                left = 0;
            }
            Some(item)
        })
    }

    /// Writes `<n>` and the values (names included when named).
    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        write_short(out, self.count);
        out.extend_from_slice(&self.bytes);
    }

    /// Reads `<n>` values, named or not, checking each.
    pub(crate) fn decode(r: &mut Reader<'_>, named: bool) -> Result<SerializedValues, DecodeError> {
        let count = r.read_short()?;
        let start = r.rest();
        let before = r.remaining();
        for _ in 0..count {
            if named {
                r.read_str()?;
            }
            r.read_value()?;
        }
        let used = before - r.remaining();
        Ok(SerializedValues {
            count,
            named,
            bytes: start.get(..used).unwrap_or(&[]).to_vec(),
        })
    }
}
