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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::protocol::primitives::Reader;
    use crate::protocol::test_util::{cat, short, string};
    use crate::protocol::{ColumnType, UdtType};

    fn encoded(t: &ColumnType) -> Vec<u8> {
        let mut out = Vec::new();
        t.encode(&mut out).unwrap();
        out
    }

    fn samples() -> Vec<ColumnType> {
        let udt = |fields: Vec<(&str, ColumnType)>| {
            ColumnType::Udt(Arc::new(UdtType {
                keyspace: "ks".into(),
                name: "addr".into(),
                fields: fields.into_iter().map(|(n, t)| (n.into(), t)).collect(),
            }))
        };
        vec![
            ColumnType::Int,
            ColumnType::Bigint,
            ColumnType::Text,
            ColumnType::Ascii,
            ColumnType::Duration,
            ColumnType::Custom(Arc::from("com.example.Point")),
            ColumnType::Custom(Arc::from("com.example.Other")),
            ColumnType::List(Box::new(ColumnType::Int)),
            ColumnType::Set(Box::new(ColumnType::Int)),
            ColumnType::List(Box::new(ColumnType::Text)),
            ColumnType::Map(Box::new(ColumnType::Text), Box::new(ColumnType::Int)),
            ColumnType::Map(Box::new(ColumnType::Text), Box::new(ColumnType::Bigint)),
            ColumnType::Tuple(vec![ColumnType::Int, ColumnType::Text]),
            ColumnType::Tuple(vec![ColumnType::Int]),
            udt(vec![("street", ColumnType::Text), ("zip", ColumnType::Int)]),
            udt(vec![("street", ColumnType::Text)]),
            udt(vec![
                ("street", ColumnType::Text),
                ("zip", ColumnType::Bigint),
            ]),
            udt(vec![("road", ColumnType::Text), ("zip", ColumnType::Int)]),
        ]
    }

    #[test]
    fn an_encoded_type_matches_exactly_the_type_it_decodes_to() {
        for sent in samples() {
            let bytes = encoded(&sent);
            for known in samples() {
                let mut r = Reader::new(&bytes);
                assert_eq!(
                    known.matches_encoded(&mut r),
                    known == sent,
                    "{known:?} against the encoding of {sent:?}"
                );
                if known == sent {
                    assert!(r.is_empty(), "{sent:?} not read to its end");
                }
            }
        }
    }

    #[test]
    fn golden_udt_from_the_spec_matches() {
        // 0x0030 UDT: <ks><udt_name><n><name_1><type_1>...<name_n><type_n> (section 4.2.5.2).
        let wire = cat(&[
            &short(0x0030),
            &string("ks"),
            &string("addr"),
            &short(2),
            &string("street"),
            &short(0x000D),
            &string("zip"),
            &short(0x0009),
        ]);
        let udt = ColumnType::Udt(Arc::new(UdtType {
            keyspace: "ks".into(),
            name: "addr".into(),
            fields: vec![
                ("street".into(), ColumnType::Text),
                ("zip".into(), ColumnType::Int),
            ],
        }));
        assert!(udt.matches_encoded(&mut Reader::new(&wire)));
    }

    #[test]
    fn truncated_bytes_never_match() {
        for t in samples() {
            let bytes = encoded(&t);
            for n in 0..bytes.len() {
                assert!(
                    !t.matches_encoded(&mut Reader::new(&bytes[..n])),
                    "prefix {n} of {t:?}"
                );
            }
        }
    }

    #[test]
    fn vectors_are_left_to_a_full_decode() {
        let vector = ColumnType::Vector(Box::new(ColumnType::Float), 3);
        assert!(!vector.matches_encoded(&mut Reader::new(&encoded(&vector))));
        // A custom type spelled like a vector decodes to a vector, so it is not that custom type.
        let class = vector.class_name();
        let custom = ColumnType::Custom(Arc::from(class.as_str()));
        let wire = cat(&[&short(0x0000), &string(&class)]);
        assert!(!custom.matches_encoded(&mut Reader::new(&wire)));
    }
}
