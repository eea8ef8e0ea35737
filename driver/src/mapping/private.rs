//! Helpers that derived code calls. Not a public API: names and signatures may change in any
//! release. Everything generated code needs is reachable from here, so it compiles under
//! `#![no_implicit_prelude]` and with the facade crate renamed.

pub use core::default::Default;
pub use core::option::Option::{self, None, Some};
pub use core::result::Result::{self, Err, Ok};
pub use std::vec::Vec;

pub use super::cql_type::{CqlType, UdtDef, UdtField};
pub use super::statement::{Applied, Statement};
pub use super::table::{ClusteringOrder, ColumnDef, ColumnKind, Table};
pub use super::typed::{CqlTyped, UserTypeMeta, VecElement};
pub use crate::protocol::response::ColumnSpec;
pub use crate::protocol::ColumnType;
pub use crate::types::{
    DeserializeError, DeserializeRow, DeserializeValue, SerializeError, SerializeValue,
    TypeCheckError,
};

use crate::protocol::UdtType;

/// [`SerializeValue`] with a lifetime, so that derived impls can bound field types by it
/// (`for<'a> T: SerializeField<'a>`) without the compiler reporting an unsupported field type a
/// second time where the impl is defined: [`CqlTyped`] reports it, on the field's type.
pub trait SerializeField<'a>: SerializeValue {}
impl<T: SerializeValue + ?Sized> SerializeField<'_> for T {}

/// A field marked `#[counter]`: `i64` (or `Option<i64>`) holding a counter's value.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a counter",
    label = "a `#[counter]` field must be `i64` or `ringbolt::types::Counter`"
)]
pub trait CounterField {
    /// Always [`CqlType::Counter`].
    const CQL_TYPE: CqlType = CqlType::Counter;
}
impl CounterField for i64 {}
impl CounterField for Option<i64> {}
impl CounterField for crate::types::Counter {}
impl CounterField for Option<crate::types::Counter> {}

/// A field marked `#[column(timeuuid)]`: a `Uuid`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a timeuuid",
    label = "a `#[column(timeuuid)]` field must be `uuid::Uuid` or `Option<uuid::Uuid>`"
)]
pub trait TimeuuidField {
    /// Always [`CqlType::Timeuuid`].
    const CQL_TYPE: CqlType = CqlType::Timeuuid;
}
impl TimeuuidField for uuid::Uuid {}
impl TimeuuidField for Option<uuid::Uuid> {}

/// Finds each of `names` among the result's columns: the plan of a derived row mapper, one
/// column position per field, in an array (no allocation per result).
pub fn plan_columns<const N: usize>(
    columns: &[ColumnSpec],
    names: &[&str; N],
) -> Result<[usize; N], TypeCheckError> {
    let mut plan = [0; N];
    for (slot, name) in plan.iter_mut().zip(names) {
        *slot = columns
            .iter()
            .position(|c| c.name == *name)
            .ok_or_else(|| TypeCheckError::MissingColumn {
                name: (*name).to_owned(),
            })?;
    }
    Ok(plan)
}

fn column<'c>(
    columns: &'c [ColumnSpec],
    plan: &[usize],
    field: usize,
    name: &str,
) -> Result<&'c ColumnSpec, TypeCheckError> {
    plan.get(field)
        .and_then(|i| columns.get(*i))
        .ok_or_else(|| TypeCheckError::MissingColumn {
            name: name.to_owned(),
        })
}

/// Type-checks the column planned for field number `field`.
pub fn check_column<'f, T: DeserializeValue<'f>>(
    columns: &[ColumnSpec],
    plan: &[usize],
    field: usize,
    name: &str,
) -> Result<(), TypeCheckError> {
    let spec = column(columns, plan, field, name)?;
    T::type_check(&spec.typ).map_err(|e| TypeCheckError::Column {
        name: name.to_owned(),
        source: std::boxed::Box::new(e),
    })
}

/// Reads field number `field` of a row from its planned column.
pub fn read_column<'f, T: DeserializeValue<'f>>(
    plan: &[usize],
    columns: &[ColumnSpec],
    cells: &[Option<&'f [u8]>],
    field: usize,
    name: &str,
) -> Result<T, DeserializeError> {
    let spec = column(columns, plan, field, name)?;
    let cell = plan
        .get(field)
        .and_then(|i| cells.get(*i))
        .ok_or(TypeCheckError::ColumnCount {
            expected: columns.len(),
            actual: cells.len(),
        })?;
    T::deserialize(&spec.typ, *cell).map_err(|e| DeserializeError::Column {
        name: name.to_owned(),
        source: std::boxed::Box::new(e),
    })
}

fn udt_of<'t>(typ: &'t ColumnType, rust_type: &'static str) -> Result<&'t UdtType, TypeCheckError> {
    match typ {
        ColumnType::Udt(udt) => Ok(udt),
        other => Err(TypeCheckError::Mismatch {
            rust_type,
            cql_type: other.clone(),
        }),
    }
}

/// Writes a user-defined type value: fields in the order of `typ`, absent ones null.
pub fn serialize_udt(
    typ: &ColumnType,
    out: &mut Vec<u8>,
    fields: &[(&str, &dyn SerializeValue)],
    rust_type: &'static str,
) -> Result<(), SerializeError> {
    let udt = udt_of(typ, rust_type)?;
    if let Some((name, _)) = fields
        .iter()
        .find(|(n, _)| !udt.fields.iter().any(|(f, _)| f == n))
    {
        return Err(TypeCheckError::MissingColumn {
            name: (*name).to_owned(),
        }
        .into());
    }
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    for (name, ftyp) in &udt.fields {
        match fields.iter().find(|(n, _)| n == name) {
            Some((_, v)) => v.serialize(ftyp, out)?,
            None => out.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }
    let len = out.len().saturating_sub(start + 4);
    let len32 = i32::try_from(len).map_err(|_| SerializeError::TooLarge(len))?;
    if let Some(prefix) = out.get_mut(start..start + 4) {
        prefix.copy_from_slice(&len32.to_be_bytes());
    }
    Ok(())
}

/// Checks that `typ` is a user-defined type with every field in `names`; returns its fields.
pub fn udt_type_check<'t>(
    typ: &'t ColumnType,
    rust_type: &'static str,
    names: &[&str],
) -> Result<&'t [(std::string::String, ColumnType)], TypeCheckError> {
    let udt = udt_of(typ, rust_type)?;
    for name in names {
        if !udt.fields.iter().any(|(f, _)| f == name) {
            return Err(TypeCheckError::MissingColumn {
                name: (*name).to_owned(),
            });
        }
    }
    Ok(&udt.fields)
}

/// Type-checks one field of a user-defined type.
pub fn check_udt_field<'f, T: DeserializeValue<'f>>(
    fields: &[(std::string::String, ColumnType)],
    name: &str,
) -> Result<(), TypeCheckError> {
    let (_, typ) =
        fields
            .iter()
            .find(|(f, _)| f == name)
            .ok_or_else(|| TypeCheckError::MissingColumn {
                name: name.to_owned(),
            })?;
    T::type_check(typ).map_err(|e| TypeCheckError::Column {
        name: name.to_owned(),
        source: std::boxed::Box::new(e),
    })
}

/// One field of a user-defined type value: name, type and bytes (`None` when null or absent).
pub type UdtCell<'t, 'f> = (&'t str, &'t ColumnType, Option<&'f [u8]>);

/// Splits a user-defined type value into its fields. Values may end early (fields added to the
/// type after the value was written): the missing fields are null.
pub fn udt_cells<'t, 'f>(
    typ: &'t ColumnType,
    bytes: Option<&'f [u8]>,
    rust_type: &'static str,
) -> Result<Vec<UdtCell<'t, 'f>>, DeserializeError> {
    let udt = udt_of(typ, rust_type)?;
    let mut rest = bytes.ok_or(DeserializeError::UnexpectedNull)?;
    let mut cells = Vec::with_capacity(udt.fields.len().min(rest.len() / 4 + 1));
    for (name, ftyp) in &udt.fields {
        let value = if rest.is_empty() {
            None
        } else {
            let (len, tail) = rest
                .split_first_chunk::<4>()
                .ok_or(DeserializeError::Malformed {
                    cql_type: "udt",
                    reason: "truncated field length",
                })?;
            let len = i32::from_be_bytes(*len);
            match usize::try_from(len) {
                Err(_) => {
                    rest = tail;
                    None
                }
                Ok(n) if n <= tail.len() => {
                    let (v, t) = tail.split_at(n);
                    rest = t;
                    Some(v)
                }
                Ok(_) => {
                    return Err(DeserializeError::Malformed {
                        cql_type: "udt",
                        reason: "field longer than value",
                    })
                }
            }
        };
        cells.push((name.as_str(), ftyp, value));
    }
    if !rest.is_empty() {
        return Err(DeserializeError::Malformed {
            cql_type: "udt",
            reason: "bytes after the last field",
        });
    }
    Ok(cells)
}

/// Reads the field `name` of a user-defined type value.
pub fn udt_field<'f, T: DeserializeValue<'f>>(
    cells: &[UdtCell<'_, 'f>],
    name: &str,
) -> Result<T, DeserializeError> {
    let (_, typ, bytes) =
        cells
            .iter()
            .find(|(n, _, _)| *n == name)
            .ok_or_else(|| TypeCheckError::MissingColumn {
                name: name.to_owned(),
            })?;
    T::deserialize(typ, *bytes).map_err(|e| DeserializeError::Column {
        name: name.to_owned(),
        source: std::boxed::Box::new(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn spec(name: &str, typ: ColumnType) -> ColumnSpec {
        ColumnSpec {
            keyspace: "ks".into(),
            table: "t".into(),
            name: name.into(),
            typ,
        }
    }

    #[test]
    fn plan_finds_columns_by_name() {
        let cols = [spec("b", ColumnType::Int), spec("a", ColumnType::Text)];
        assert_eq!(plan_columns(&cols, &["a", "b"]), Ok([1, 0]));
        assert_eq!(plan_columns(&cols, &[]), Ok([]));
        assert_eq!(
            plan_columns(&cols, &["c"]),
            Err(TypeCheckError::MissingColumn { name: "c".into() })
        );
    }

    fn udt() -> ColumnType {
        ColumnType::Udt(Arc::new(UdtType {
            keyspace: "ks".into(),
            name: "addr".into(),
            fields: vec![
                ("street".into(), ColumnType::Text),
                ("zip".into(), ColumnType::Int),
            ],
        }))
    }

    #[test]
    fn udt_cells_split_fields_and_null_missing_tail() {
        let typ = udt();
        let bytes = [0, 0, 0, 2, b'h', b'i'];
        let cells = udt_cells(&typ, Some(&bytes), "Addr").unwrap();
        assert_eq!(cells.len(), 2);
        assert_eq!(cells[0].2, Some(&b"hi"[..]));
        assert_eq!(cells[1].2, None);
    }

    #[test]
    fn udt_cells_reject_truncated_and_trailing_bytes() {
        let typ = udt();
        for bad in [
            &[0u8, 0, 0, 9, 1][..],
            &[0, 0][..],
            &[255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0][..],
        ] {
            assert!(udt_cells(&typ, Some(bad), "Addr").is_err(), "{bad:?}");
        }
        assert_eq!(
            udt_cells(&typ, None, "Addr").unwrap_err(),
            DeserializeError::UnexpectedNull
        );
        assert!(udt_cells(&ColumnType::Int, Some(&[]), "Addr").is_err());
    }

    #[test]
    fn udt_type_check_requires_every_field() {
        let typ = udt();
        assert!(udt_type_check(&typ, "Addr", &["street", "zip"]).is_ok());
        assert!(udt_type_check(&typ, "Addr", &["city"]).is_err());
    }
}
