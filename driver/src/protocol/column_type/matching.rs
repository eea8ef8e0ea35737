//! Comparing an encoded `[option]` with a known [`ColumnType`] without decoding it, so a result
//! whose column types are already known costs no allocation to check.

use super::{is_vector_class, ColumnType, NATIVE};
use crate::protocol::primitives::Reader;

impl ColumnType {
    /// Whether the `[option]` at the reader's position decodes to this very type. Reads past it
    /// when it does; when it does not (or the bytes are malformed), the reader stops somewhere
    /// inside it, so callers probe with a clone of their reader. Allocates nothing.
    ///
    /// A vector type is sent as a custom class name that may be spelled in several ways; it never
    /// matches here (decode it and compare the result instead).
    ///
    /// ```
    /// use ringbolt_driver::protocol::primitives::Reader;
    /// use ringbolt_driver::protocol::ColumnType;
    /// let list_of_int = [0x00, 0x20, 0x00, 0x09];
    /// let typ = ColumnType::List(Box::new(ColumnType::Int));
    /// let mut r = Reader::new(&list_of_int);
    /// assert!(typ.matches_encoded(&mut r));
    /// assert!(r.is_empty());
    /// assert!(!ColumnType::Int.matches_encoded(&mut Reader::new(&list_of_int)));
    /// ```
    pub fn matches_encoded(&self, r: &mut Reader<'_>) -> bool {
        self.matches_at(r).is_some()
    }

    /// `Some(())` when the `[option]` at `r` is this type. The recursion follows `self`, whose
    /// depth is that of a type already built.
    fn matches_at(&self, r: &mut Reader<'_>) -> Option<()> {
        let id = r.read_short().ok()?;
        match self {
            ColumnType::Custom(class) => {
                expect(id == 0x0000)?;
                let wire = r.read_str().ok()?;
                // A vector's class name decodes to a vector, never to a custom type.
                expect(wire == &**class && !is_vector_class(wire))
            }
            ColumnType::Vector(..) => None,
            ColumnType::List(element) => {
                expect(id == 0x0020)?;
                element.matches_at(r)
            }
            ColumnType::Map(key, value) => {
                expect(id == 0x0021)?;
                key.matches_at(r)?;
                value.matches_at(r)
            }
            ColumnType::Set(element) => {
                expect(id == 0x0022)?;
                element.matches_at(r)
            }
            ColumnType::Udt(udt) => {
                expect(id == 0x0030)?;
                expect(r.read_str().ok()? == udt.keyspace)?;
                expect(r.read_str().ok()? == udt.name)?;
                expect(usize::from(r.read_short().ok()?) == udt.fields.len())?;
                for (name, typ) in &udt.fields {
                    expect(r.read_str().ok()? == name)?;
                    typ.matches_at(r)?;
                }
                Some(())
            }
            ColumnType::Tuple(elements) => {
                expect(id == 0x0031)?;
                expect(usize::from(r.read_short().ok()?) == elements.len())?;
                for element in elements {
                    element.matches_at(r)?;
                }
                Some(())
            }
            native => expect(NATIVE.iter().any(|(code, _, t)| *code == id && t == native)),
        }
    }
}

fn expect(condition: bool) -> Option<()> {
    condition.then_some(())
}
