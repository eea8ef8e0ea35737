//! Rust tuples of 1 to 16 elements: as CQL `tuple` values, as bind values and as result rows.
//!
//! A CQL tuple value is its fields as successive `[bytes]` (null fields have length -1). When
//! reading, missing trailing fields are read as null.

use super::collections::write_element;
use super::row::{column_error, serialize_positional};
use super::wire::{write_with_len, Cursor};
use super::{
    mismatch, non_null, DeserializeError, DeserializeRow, DeserializeValue, SerializeError,
    SerializeRow, SerializeValue, TypeCheckError,
};
use crate::protocol::request::SerializedValues;
use crate::protocol::response::ColumnSpec;
use crate::protocol::ColumnType;

macro_rules! tuple_impls {
    ($n:literal; $($T:ident $t:ident $c:ident $idx:tt),+) => {
        impl<$($T: SerializeValue),+> SerializeValue for ($($T,)+) {
            fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
                let ColumnType::Tuple(types) = typ else {
                    return Err(mismatch::<Self>(typ).into());
                };
                let [$($t),+] = types.as_slice() else {
                    return Err(mismatch::<Self>(typ).into());
                };
                write_with_len(out, |out| {
                    $(write_element(&self.$idx, $t, out)?;)+
                    Ok(())
                })
            }
        }

        impl<'frame, $($T: DeserializeValue<'frame>),+> DeserializeValue<'frame> for ($($T,)+) {
            fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
                let ColumnType::Tuple(types) = typ else {
                    return Err(mismatch::<Self>(typ));
                };
                let [$($t),+] = types.as_slice() else {
                    return Err(mismatch::<Self>(typ));
                };
                $($T::type_check($t)?;)+
                Ok(())
            }
            fn deserialize(typ: &ColumnType, bytes: Option<&'frame [u8]>) -> Result<Self, DeserializeError> {
                let ColumnType::Tuple(types) = typ else {
                    return Err(mismatch::<Self>(typ).into());
                };
                let [$($t),+] = types.as_slice() else {
                    return Err(mismatch::<Self>(typ).into());
                };
                let mut c = Cursor::new(non_null(bytes)?, "tuple");
                let value = ($({
                    let field = if c.is_empty() { None } else { c.read_bytes()? };
                    $T::deserialize($t, field)?
                },)+);
                c.finish()?;
                Ok(value)
            }
        }

        impl<$($T: SerializeValue),+> SerializeRow for ($($T,)+) {
            fn serialize_row(&self, markers: &[ColumnSpec], out: &mut SerializedValues) -> Result<(), SerializeError> {
                serialize_positional(markers, &[$(&self.$idx as &dyn SerializeValue),+], out)
            }
            fn is_empty(&self) -> bool {
                false
            }
        }

        impl<'frame, $($T: DeserializeValue<'frame>),+> DeserializeRow<'frame> for ($($T,)+) {
            type Plan = ();
            fn plan(columns: &[ColumnSpec]) -> Result<(), TypeCheckError> {
                let [$($c),+] = columns else {
                    return Err(TypeCheckError::ColumnCount { expected: $n, actual: columns.len() });
                };
                $($T::type_check(&$c.typ).map_err(|e| TypeCheckError::Column {
                    name: $c.name.clone(),
                    source: Box::new(e),
                })?;)+
                Ok(())
            }
            fn deserialize_row(
                _plan: &(),
                columns: &[ColumnSpec],
                cells: &[Option<&'frame [u8]>],
            ) -> Result<Self, DeserializeError> {
                let ([$($c),+], [$($t),+]) = (columns, cells) else {
                    return Err(TypeCheckError::ColumnCount { expected: $n, actual: cells.len() }.into());
                };
                Ok(($($T::deserialize(&$c.typ, *$t).map_err(|e| column_error($c, e))?,)+))
            }
        }
    };
}

tuple_impls!(1; T0 t0 c0 0);
tuple_impls!(2; T0 t0 c0 0, T1 t1 c1 1);
tuple_impls!(3; T0 t0 c0 0, T1 t1 c1 1, T2 t2 c2 2);
tuple_impls!(4; T0 t0 c0 0, T1 t1 c1 1, T2 t2 c2 2, T3 t3 c3 3);
tuple_impls!(5; T0 t0 c0 0, T1 t1 c1 1, T2 t2 c2 2, T3 t3 c3 3, T4 t4 c4 4);
tuple_impls!(6; T0 t0 c0 0, T1 t1 c1 1, T2 t2 c2 2, T3 t3 c3 3, T4 t4 c4 4, T5 t5 c5 5);
tuple_impls!(7; T0 t0 c0 0, T1 t1 c1 1, T2 t2 c2 2, T3 t3 c3 3, T4 t4 c4 4, T5 t5 c5 5,
    T6 t6 c6 6);
tuple_impls!(8; T0 t0 c0 0, T1 t1 c1 1, T2 t2 c2 2, T3 t3 c3 3, T4 t4 c4 4, T5 t5 c5 5,
    T6 t6 c6 6, T7 t7 c7 7);
tuple_impls!(9; T0 t0 c0 0, T1 t1 c1 1, T2 t2 c2 2, T3 t3 c3 3, T4 t4 c4 4, T5 t5 c5 5,
    T6 t6 c6 6, T7 t7 c7 7, T8 t8 c8 8);
tuple_impls!(10; T0 t0 c0 0, T1 t1 c1 1, T2 t2 c2 2, T3 t3 c3 3, T4 t4 c4 4, T5 t5 c5 5,
    T6 t6 c6 6, T7 t7 c7 7, T8 t8 c8 8, T9 t9 c9 9);
tuple_impls!(11; T0 t0 c0 0, T1 t1 c1 1, T2 t2 c2 2, T3 t3 c3 3, T4 t4 c4 4, T5 t5 c5 5,
    T6 t6 c6 6, T7 t7 c7 7, T8 t8 c8 8, T9 t9 c9 9, T10 t10 c10 10);
tuple_impls!(12; T0 t0 c0 0, T1 t1 c1 1, T2 t2 c2 2, T3 t3 c3 3, T4 t4 c4 4, T5 t5 c5 5,
    T6 t6 c6 6, T7 t7 c7 7, T8 t8 c8 8, T9 t9 c9 9, T10 t10 c10 10, T11 t11 c11 11);
tuple_impls!(13; T0 t0 c0 0, T1 t1 c1 1, T2 t2 c2 2, T3 t3 c3 3, T4 t4 c4 4, T5 t5 c5 5,
    T6 t6 c6 6, T7 t7 c7 7, T8 t8 c8 8, T9 t9 c9 9, T10 t10 c10 10, T11 t11 c11 11,
    T12 t12 c12 12);
tuple_impls!(14; T0 t0 c0 0, T1 t1 c1 1, T2 t2 c2 2, T3 t3 c3 3, T4 t4 c4 4, T5 t5 c5 5,
    T6 t6 c6 6, T7 t7 c7 7, T8 t8 c8 8, T9 t9 c9 9, T10 t10 c10 10, T11 t11 c11 11,
    T12 t12 c12 12, T13 t13 c13 13);
tuple_impls!(15; T0 t0 c0 0, T1 t1 c1 1, T2 t2 c2 2, T3 t3 c3 3, T4 t4 c4 4, T5 t5 c5 5,
    T6 t6 c6 6, T7 t7 c7 7, T8 t8 c8 8, T9 t9 c9 9, T10 t10 c10 10, T11 t11 c11 11,
    T12 t12 c12 12, T13 t13 c13 13, T14 t14 c14 14);
tuple_impls!(16; T0 t0 c0 0, T1 t1 c1 1, T2 t2 c2 2, T3 t3 c3 3, T4 t4 c4 4, T5 t5 c5 5,
    T6 t6 c6 6, T7 t7 c7 7, T8 t8 c8 8, T9 t9 c9 9, T10 t10 c10 10, T11 t11 c11 11,
    T12 t12 c12 12, T13 t13 c13 13, T14 t14 c14 14, T15 t15 c15 15);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::test_util::{de, ser};

    fn tuple_type(types: Vec<ColumnType>) -> ColumnType {
        ColumnType::Tuple(types)
    }

    #[test]
    fn tuple_with_null_field_golden() {
        let typ = tuple_type(vec![ColumnType::Int, ColumnType::Text]);
        let golden = vec![
            0, 0, 0, 12, // length
            0, 0, 0, 4, 0, 0, 0, 1, // 1
            0xff, 0xff, 0xff, 0xff, // null
        ];
        assert_eq!(ser(&(1i32, None::<String>), &typ), golden);
        assert_eq!(de::<(i32, Option<String>)>(&typ, &golden), Ok((1, None)));
        // A missing trailing field reads as null.
        assert_eq!(
            <(i32, Option<String>)>::deserialize(&typ, Some(&golden[4..12])),
            Ok((1, None))
        );
    }

    #[test]
    fn tuple_round_trip_and_checks() {
        let typ = tuple_type(vec![
            ColumnType::Text,
            ColumnType::List(Box::new(ColumnType::Bigint)),
            ColumnType::Boolean,
        ]);
        let v = ("".to_string(), vec![i64::MIN, i64::MAX], true);
        assert_eq!(de::<(String, Vec<i64>, bool)>(&typ, &ser(&v, &typ)), Ok(v));
        assert!(<(i32,)>::type_check(&typ).is_err());
        assert!(<(String, Vec<i64>, i32)>::type_check(&typ).is_err());
        assert!(<(String, Vec<i64>, bool)>::type_check(&ColumnType::Text).is_err());
        let mut out = Vec::new();
        assert!((1i32, 2i32).serialize(&typ, &mut out).is_err());
        assert!(out.is_empty());
        // Trailing bytes after the last field.
        let mut bytes = ser(&(1i32,), &tuple_type(vec![ColumnType::Int]));
        bytes.push(0);
        bytes[3] += 1;
        assert!(de::<(i32,)>(&tuple_type(vec![ColumnType::Int]), &bytes).is_err());
    }

    #[test]
    fn sixteen_elements() {
        let typ = tuple_type(vec![ColumnType::Tinyint; 16]);
        let v = (
            0i8, 1i8, 2i8, 3i8, 4i8, 5i8, 6i8, 7i8, 8i8, 9i8, 10i8, 11i8, 12i8, 13i8, 14i8, 15i8,
        );
        let bytes = ser(&v, &typ);
        assert_eq!(bytes.len(), 4 + 16 * 5);
        type T16 = (
            i8,
            i8,
            i8,
            i8,
            i8,
            i8,
            i8,
            i8,
            i8,
            i8,
            i8,
            i8,
            i8,
            i8,
            i8,
            i8,
        );
        let back: T16 = de(&typ, &bytes).unwrap();
        assert_eq!((back.0, back.7, back.15), (0, 7, 15));
        assert!(<T16>::type_check(&tuple_type(vec![ColumnType::Tinyint; 15])).is_err());
    }
}
