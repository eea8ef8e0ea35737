//! Rows: bind values for a statement ([`SerializeRow`]) and dynamic result rows ([`Row`]).
//!
//! Positional values are matched to bind markers by position; named values (maps or lists of
//! `(name, value)` pairs) are matched to the markers' names and written in marker order, so a
//! name used by several markers gets its value at each of them.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};
use std::sync::Arc;

use super::{
    CqlValue, DeserializeError, DeserializeRow, DeserializeValue, SerializeError, SerializeRow,
    SerializeValue, TypeCheckError,
};
use crate::protocol::request::SerializedValues;
use crate::protocol::response::ColumnSpec;

/// Wraps a cell error with its column's name.
pub(crate) fn column_error(col: &ColumnSpec, e: DeserializeError) -> DeserializeError {
    DeserializeError::Column {
        name: col.name.clone(),
        source: Box::new(e),
    }
}

/// Adds `n` values to `out.count`.
fn add_count(out: &mut SerializedValues, n: usize) -> Result<(), SerializeError> {
    let total = usize::from(out.count) + n;
    out.count = u16::try_from(total).map_err(|_| SerializeError::TooManyValues(total))?;
    Ok(())
}

/// Serializes `values` for `markers`, by position.
pub(crate) fn serialize_positional(
    markers: &[ColumnSpec],
    values: &[&dyn SerializeValue],
    out: &mut SerializedValues,
) -> Result<(), SerializeError> {
    if markers.len() != values.len() {
        return Err(SerializeError::ValueCount {
            expected: markers.len(),
            actual: values.len(),
        });
    }
    let start = out.bytes.len();
    for (m, v) in markers.iter().zip(values) {
        if let Err(e) = v.serialize(&m.typ, &mut out.bytes) {
            out.bytes.truncate(start);
            return Err(e);
        }
    }
    if let Err(e) = add_count(out, values.len()) {
        out.bytes.truncate(start);
        return Err(e);
    }
    Ok(())
}

/// Serializes named values for `markers`: `lookup` finds a marker's value by name and `names`
/// lists every name given (each must match a marker).
fn serialize_named<'v>(
    markers: &[ColumnSpec],
    mut names: impl Iterator<Item = &'v str>,
    lookup: impl Fn(&str) -> Option<&'v dyn SerializeValue>,
    out: &mut SerializedValues,
) -> Result<(), SerializeError> {
    if let Some(unknown) = names.find(|n| !markers.iter().any(|m| m.name == *n)) {
        return Err(SerializeError::UnknownName(unknown.to_owned()));
    }
    let mut values = Vec::with_capacity(markers.len());
    for m in markers {
        values.push(lookup(&m.name).ok_or_else(|| SerializeError::MissingName(m.name.clone()))?);
    }
    serialize_positional(markers, &values, out)
}

impl SerializeRow for () {
    fn serialize_row(
        &self,
        markers: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        serialize_positional(markers, &[], out)
    }
    fn is_empty(&self) -> bool {
        true
    }
}

impl<T: SerializeRow + ?Sized> SerializeRow for &T {
    fn serialize_row(
        &self,
        markers: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        (**self).serialize_row(markers, out)
    }
    fn is_empty(&self) -> bool {
        (**self).is_empty()
    }
}

macro_rules! positional_slices {
    ($($t:ty),+) => {$(
        impl SerializeRow for [$t] {
            fn serialize_row(
                &self,
                markers: &[ColumnSpec],
                out: &mut SerializedValues,
            ) -> Result<(), SerializeError> {
                let values: Vec<&dyn SerializeValue> =
                    self.iter().map(|v| v as &dyn SerializeValue).collect();
                serialize_positional(markers, &values, out)
            }
            fn is_empty(&self) -> bool {
                <[$t]>::is_empty(self)
            }
        }

        impl SerializeRow for Vec<$t> {
            fn serialize_row(
                &self,
                markers: &[ColumnSpec],
                out: &mut SerializedValues,
            ) -> Result<(), SerializeError> {
                self.as_slice().serialize_row(markers, out)
            }
            fn is_empty(&self) -> bool {
                <[$t]>::is_empty(self)
            }
        }
    )+};
}

positional_slices!(
    CqlValue,
    Option<CqlValue>,
    &dyn SerializeValue,
    Box<dyn SerializeValue>
);

impl<K, V, S> SerializeRow for HashMap<K, V, S>
where
    K: Borrow<str> + Hash + Eq,
    V: SerializeValue,
    S: BuildHasher,
{
    fn serialize_row(
        &self,
        markers: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        serialize_named(
            markers,
            self.keys().map(|k| k.borrow()),
            |name| self.get(name).map(|v| v as &dyn SerializeValue),
            out,
        )
    }
    fn is_empty(&self) -> bool {
        HashMap::is_empty(self)
    }
}

impl<K, V> SerializeRow for BTreeMap<K, V>
where
    K: Borrow<str> + Ord,
    V: SerializeValue,
{
    fn serialize_row(
        &self,
        markers: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        serialize_named(
            markers,
            self.keys().map(|k| k.borrow()),
            |name| self.get(name).map(|v| v as &dyn SerializeValue),
            out,
        )
    }
    fn is_empty(&self) -> bool {
        BTreeMap::is_empty(self)
    }
}

impl<K: AsRef<str>, V: SerializeValue> SerializeRow for [(K, V)] {
    fn serialize_row(
        &self,
        markers: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        serialize_named(
            markers,
            self.iter().map(|(k, _)| k.as_ref()),
            |name| {
                self.iter()
                    .find(|(k, _)| k.as_ref() == name)
                    .map(|(_, v)| v as &dyn SerializeValue)
            },
            out,
        )
    }
    fn is_empty(&self) -> bool {
        <[(K, V)]>::is_empty(self)
    }
}

impl<K: AsRef<str>, V: SerializeValue> SerializeRow for Vec<(K, V)> {
    fn serialize_row(
        &self,
        markers: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        self.as_slice().serialize_row(markers, out)
    }
    fn is_empty(&self) -> bool {
        Vec::is_empty(self)
    }
}

/// A result row of dynamically typed values, with its column names.
///
/// ```
/// use ringbolt_driver::protocol::response::ColumnSpec;
/// use ringbolt_driver::protocol::ColumnType;
/// use ringbolt_driver::types::{CqlValue, DeserializeRow, Row};
/// let cols = vec![ColumnSpec {
///     keyspace: "ks".into(),
///     table: "t".into(),
///     name: "id".into(),
///     typ: ColumnType::Int,
/// }];
/// let plan = Row::plan(&cols).unwrap();
/// let row = Row::deserialize_row(&plan, &cols, &[Some(&[0, 0, 0, 7][..])]).unwrap();
/// assert_eq!(row.get_by_name("id"), Some(&CqlValue::Int(7)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    names: Arc<[String]>,
    columns: Vec<Option<CqlValue>>,
}

impl Row {
    /// A row from column names and values (`None` is null); both in result order.
    pub fn new(names: Arc<[String]>, columns: Vec<Option<CqlValue>>) -> Row {
        Row { names, columns }
    }

    /// The values in result order; `None` is null.
    pub fn columns(&self) -> &[Option<CqlValue>] {
        &self.columns
    }

    /// The column names in result order.
    pub fn column_names(&self) -> &[String] {
        &self.names
    }

    /// The value at `index`, or `None` when it is null or out of range.
    pub fn get(&self, index: usize) -> Option<&CqlValue> {
        self.columns.get(index).and_then(Option::as_ref)
    }

    /// The value of the first column named `name`, or `None` when it is null or absent.
    pub fn get_by_name(&self, name: &str) -> Option<&CqlValue> {
        let index = self.names.iter().position(|n| n == name)?;
        self.get(index)
    }

    /// The number of columns.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// True when the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// The values, consuming the row.
    pub fn into_columns(self) -> Vec<Option<CqlValue>> {
        self.columns
    }
}

/// Reads every cell of a row as an `Option<CqlValue>`.
fn read_dynamic(
    columns: &[ColumnSpec],
    cells: &[Option<&[u8]>],
) -> Result<Vec<Option<CqlValue>>, DeserializeError> {
    if columns.len() != cells.len() {
        return Err(TypeCheckError::ColumnCount {
            expected: columns.len(),
            actual: cells.len(),
        }
        .into());
    }
    columns
        .iter()
        .zip(cells)
        .map(|(c, cell)| {
            Option::<CqlValue>::deserialize(&c.typ, *cell).map_err(|e| column_error(c, e))
        })
        .collect()
}

impl<'frame> DeserializeRow<'frame> for Row {
    type Plan = Arc<[String]>;
    fn plan(columns: &[ColumnSpec]) -> Result<Self::Plan, TypeCheckError> {
        Ok(columns.iter().map(|c| c.name.clone()).collect())
    }
    fn deserialize_row(
        plan: &Self::Plan,
        columns: &[ColumnSpec],
        cells: &[Option<&'frame [u8]>],
    ) -> Result<Self, DeserializeError> {
        Ok(Row {
            names: Arc::clone(plan),
            columns: read_dynamic(columns, cells)?,
        })
    }
}

impl<'frame> DeserializeRow<'frame> for Vec<Option<CqlValue>> {
    type Plan = ();
    fn plan(_columns: &[ColumnSpec]) -> Result<(), TypeCheckError> {
        Ok(())
    }
    fn deserialize_row(
        _plan: &(),
        columns: &[ColumnSpec],
        cells: &[Option<&'frame [u8]>],
    ) -> Result<Self, DeserializeError> {
        read_dynamic(columns, cells)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ColumnType;

    fn spec(name: &str, typ: ColumnType) -> ColumnSpec {
        ColumnSpec {
            keyspace: "ks".into(),
            table: "t".into(),
            name: name.into(),
            typ,
        }
    }

    fn markers() -> Vec<ColumnSpec> {
        vec![spec("id", ColumnType::Int), spec("name", ColumnType::Text)]
    }

    const GOLDEN: [u8; 17] = [
        0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 5, b'a', b'l', b'i', b'c', b'e',
    ];

    fn run(values: &dyn SerializeRow) -> Result<SerializedValues, SerializeError> {
        let mut out = SerializedValues::default();
        values.serialize_row(&markers(), &mut out)?;
        Ok(out)
    }

    fn expected() -> SerializedValues {
        SerializedValues {
            count: 2,
            named: false,
            bytes: GOLDEN.to_vec(),
        }
    }

    #[test]
    fn tuples_and_unit() {
        assert_eq!(run(&(1i32, "alice")), Ok(expected()));
        assert_eq!(
            run(&(1i32,)),
            Err(SerializeError::ValueCount {
                expected: 2,
                actual: 1
            })
        );
        let mut out = SerializedValues::default();
        ().serialize_row(&[], &mut out).unwrap();
        assert_eq!(out, SerializedValues::default());
        assert!(().is_empty());
        assert!(().serialize_row(&markers(), &mut out).is_err());
        // A failed value leaves `out` untouched.
        assert!((1i32, 2i32).serialize_row(&markers(), &mut out).is_err());
        assert_eq!(out, SerializedValues::default());
    }

    #[test]
    fn dynamic_positional() {
        let values = vec![CqlValue::Int(1), CqlValue::Text("alice".into())];
        assert_eq!(run(&values), Ok(expected()));
        assert_eq!(run(&values.as_slice()), Ok(expected()));
        let with_null = vec![Some(CqlValue::Int(1)), None];
        let out = run(&with_null).unwrap();
        assert_eq!(&out.bytes[8..], &[0xff, 0xff, 0xff, 0xff]);
        let dynv: Vec<&dyn SerializeValue> = vec![&1i32, &"alice"];
        assert_eq!(run(&dynv), Ok(expected()));
        assert_eq!(run(&dynv.as_slice()), Ok(expected()));
    }

    #[test]
    fn named_values_in_marker_order() {
        let m = HashMap::from([
            ("name", CqlValue::Text("alice".into())),
            ("id", CqlValue::Int(1)),
        ]);
        assert_eq!(run(&m), Ok(expected()));
        let v: Vec<(&str, &dyn SerializeValue)> = vec![("name", &"alice"), ("id", &1i32)];
        assert_eq!(run(&v), Ok(expected()));
        let b = BTreeMap::from([
            ("name".to_string(), Some("alice")),
            ("id".to_string(), None),
        ]);
        let out = run(&b).unwrap();
        assert_eq!(&out.bytes[..4], &[0xff, 0xff, 0xff, 0xff]);
        let wrong = BTreeMap::from([("name", 1i32), ("id", 1i32)]);
        assert!(run(&wrong).is_err());
        let missing = vec![("id", 1i32)];
        assert_eq!(
            run(&missing),
            Err(SerializeError::MissingName("name".into()))
        );
        let unknown = vec![
            ("id", CqlValue::Int(1)),
            ("name", CqlValue::Text("a".into())),
            ("zzz", CqlValue::Int(2)),
        ];
        assert_eq!(
            run(&unknown),
            Err(SerializeError::UnknownName("zzz".into()))
        );
        // A name used by two markers is written twice.
        let twice = vec![spec("x", ColumnType::Int), spec("x", ColumnType::Int)];
        let mut out = SerializedValues::default();
        vec![("x", 5i32)].serialize_row(&twice, &mut out).unwrap();
        assert_eq!(out.count, 2);
        assert_eq!(
            out.bytes,
            vec![0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0, 5]
        );
    }

    #[test]
    fn typed_rows() {
        let cols = markers();
        let cells: Vec<Option<&[u8]>> = vec![Some(&GOLDEN[4..8]), Some(&GOLDEN[12..])];
        <(i32, &str)>::plan(&cols).unwrap();
        let row = <(i32, &str)>::deserialize_row(&(), &cols, &cells).unwrap();
        assert_eq!(row, (1, "alice"));
        assert_eq!(
            <(i32,)>::plan(&cols),
            Err(TypeCheckError::ColumnCount {
                expected: 1,
                actual: 2
            })
        );
        assert!(matches!(
            <(i32, i32)>::plan(&cols),
            Err(TypeCheckError::Column { ref name, .. }) if name == "name"
        ));
        let nulls: Vec<Option<&[u8]>> = vec![Some(&GOLDEN[4..8]), None];
        assert!(matches!(
            <(i32, String)>::deserialize_row(&(), &cols, &nulls),
            Err(DeserializeError::Column { ref name, .. }) if name == "name"
        ));
        assert_eq!(
            <(i32, Option<String>)>::deserialize_row(&(), &cols, &nulls),
            Ok((1, None))
        );
        assert!(<(i32, String)>::deserialize_row(&(), &cols, &cells[..1]).is_err());
    }

    #[test]
    fn dynamic_rows() {
        let cols = markers();
        let cells: Vec<Option<&[u8]>> = vec![Some(&GOLDEN[4..8]), None];
        let plan = Row::plan(&cols).unwrap();
        let row = Row::deserialize_row(&plan, &cols, &cells).unwrap();
        assert_eq!(row.column_names(), &["id".to_string(), "name".to_string()]);
        assert_eq!(row.get(0), Some(&CqlValue::Int(1)));
        assert_eq!(row.get_by_name("name"), None);
        assert_eq!(row.len(), 2);
        assert_eq!(
            row.clone().into_columns(),
            vec![Some(CqlValue::Int(1)), None]
        );
        let bad: Vec<Option<&[u8]>> = vec![Some(&GOLDEN[4..7]), None];
        assert!(Row::deserialize_row(&plan, &cols, &bad).is_err());
        let v = <Vec<Option<CqlValue>>>::deserialize_row(&(), &cols, &cells).unwrap();
        assert_eq!(v, vec![Some(CqlValue::Int(1)), None]);
    }
}
