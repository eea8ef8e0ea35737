//! `list`, `set` and `map`, and the Rust sequences that also fill a `vector`.
//!
//! Lists, sets and maps (protocol v3 and later) are an `[int]` count followed by `[bytes]`
//! elements (maps: key then value). Vectors are in [`super::vector`].

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hash};

use super::vector::{read_vector, write_vector};
use super::wire::{write_count, write_with_len, Cursor};
use super::{
    mismatch, DeserializeError, DeserializeValue, SerializeError, SerializeValue, TypeCheckError,
};
use crate::protocol::ColumnType;

/// Serializes one collection element (a `[bytes]`); unset is refused.
pub(crate) fn write_element<T: SerializeValue + ?Sized>(
    v: &T,
    typ: &ColumnType,
    out: &mut Vec<u8>,
) -> Result<(), SerializeError> {
    let start = out.len();
    v.serialize(typ, out)?;
    if out.get(start..start + 4) == Some(&(-2i32).to_be_bytes()[..]) {
        out.truncate(start);
        return Err(SerializeError::Invalid {
            cql_type: "collection",
            reason: "Unset cannot be an element; use null or leave the element out",
        });
    }
    Ok(())
}

/// Writes a list or set as a complete `[value]`.
pub(crate) fn write_list<'a, T: SerializeValue + ?Sized + 'a>(
    elem: &ColumnType,
    items: impl ExactSizeIterator<Item = &'a T>,
    out: &mut Vec<u8>,
) -> Result<(), SerializeError> {
    write_with_len(out, |out| {
        write_count(out, items.len())?;
        for item in items {
            write_element(item, elem, out)?;
        }
        Ok(())
    })
}

/// Writes a map as a complete `[value]`.
pub(crate) fn write_map<'a, K, V>(
    key: &ColumnType,
    value: &ColumnType,
    entries: impl ExactSizeIterator<Item = (&'a K, &'a V)>,
    out: &mut Vec<u8>,
) -> Result<(), SerializeError>
where
    K: SerializeValue + ?Sized + 'a,
    V: SerializeValue + ?Sized + 'a,
{
    write_with_len(out, |out| {
        write_count(out, entries.len())?;
        for (k, v) in entries {
            write_element(k, key, out)?;
            write_element(v, value, out)?;
        }
        Ok(())
    })
}

/// Reads a list or set body into `(count, iterator of element bytes)`.
pub(crate) fn read_list<'a>(
    bytes: &'a [u8],
    cql_type: &'static str,
) -> Result<(usize, ListIter<'a>), DeserializeError> {
    let mut c = Cursor::new(bytes, cql_type);
    let n = if c.is_empty() { 0 } else { c.read_count(4)? };
    Ok((n, ListIter { c, left: n }))
}

/// Element bytes of a list, set or map body, in order (a map yields key, value, key, ...).
pub(crate) struct ListIter<'a> {
    c: Cursor<'a>,
    left: usize,
}

impl<'a> ListIter<'a> {
    /// The next element, or `None` when all were read (then trailing bytes are an error).
    pub(crate) fn next_element(&mut self) -> Result<Option<Option<&'a [u8]>>, DeserializeError> {
        if self.left == 0 {
            self.c.finish()?;
            return Ok(None);
        }
        self.left -= 1;
        self.c.read_bytes().map(Some)
    }
}

/// Reads a map body: the count and an iterator over key and value bytes, alternating.
pub(crate) fn read_map(bytes: &[u8]) -> Result<(usize, ListIter<'_>), DeserializeError> {
    let mut c = Cursor::new(bytes, "map");
    let n = if c.is_empty() { 0 } else { c.read_count(8)? };
    let left = n
        .checked_mul(2)
        .ok_or_else(|| c.malformed("element count too large"))?;
    Ok((n, ListIter { c, left }))
}

fn is_sequence(typ: &ColumnType) -> Option<&ColumnType> {
    match typ {
        ColumnType::List(e) | ColumnType::Set(e) | ColumnType::Vector(e, _) => Some(e),
        _ => None,
    }
}

fn serialize_sequence<'a, T: SerializeValue + 'a, C: ?Sized>(
    typ: &ColumnType,
    items: impl ExactSizeIterator<Item = &'a T>,
    out: &mut Vec<u8>,
) -> Result<(), SerializeError> {
    match typ {
        ColumnType::List(e) | ColumnType::Set(e) => write_list(e, items, out),
        ColumnType::Vector(e, dims) => write_vector(e, *dims, items, out),
        _ => Err(mismatch::<C>(typ).into()),
    }
}

impl<T: SerializeValue> SerializeValue for [T] {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        serialize_sequence::<T, [T]>(typ, self.iter(), out)
    }
}

impl<T: SerializeValue> SerializeValue for Vec<T> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        serialize_sequence::<T, Vec<T>>(typ, self.iter(), out)
    }
}

impl<T: SerializeValue, const N: usize> SerializeValue for [T; N] {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        serialize_sequence::<T, [T; N]>(typ, self.iter(), out)
    }
}

impl<T: SerializeValue, S> SerializeValue for HashSet<T, S> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        match typ {
            ColumnType::List(e) | ColumnType::Set(e) => write_list(e, self.iter(), out),
            _ => Err(mismatch::<Self>(typ).into()),
        }
    }
}

impl<T: SerializeValue> SerializeValue for BTreeSet<T> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        match typ {
            ColumnType::List(e) | ColumnType::Set(e) => write_list(e, self.iter(), out),
            _ => Err(mismatch::<Self>(typ).into()),
        }
    }
}

impl<K: SerializeValue, V: SerializeValue, S> SerializeValue for HashMap<K, V, S> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        match typ {
            ColumnType::Map(k, v) => write_map(k, v, self.iter(), out),
            _ => Err(mismatch::<Self>(typ).into()),
        }
    }
}

impl<K: SerializeValue, V: SerializeValue> SerializeValue for BTreeMap<K, V> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        match typ {
            ColumnType::Map(k, v) => write_map(k, v, self.iter(), out),
            _ => Err(mismatch::<Self>(typ).into()),
        }
    }
}

/// Reads the elements of a list, set or vector cell with `f`.
fn read_sequence<'frame, T: DeserializeValue<'frame>>(
    typ: &ColumnType,
    bytes: &'frame [u8],
    mut push: impl FnMut(T),
) -> Result<(), DeserializeError> {
    match typ {
        ColumnType::List(e) | ColumnType::Set(e) => {
            let (_, mut it) = read_list(bytes, "list")?;
            while let Some(b) = it.next_element()? {
                push(T::deserialize(e, b)?);
            }
            Ok(())
        }
        ColumnType::Vector(e, dims) => {
            for b in read_vector(e, *dims, bytes)? {
                push(T::deserialize(e, Some(b))?);
            }
            Ok(())
        }
        _ => Err(mismatch::<T>(typ).into()),
    }
}

/// The body of a collection cell. Cassandra stores an empty list, set or map as no value at all,
/// so a null cell of a collection type reads as an empty collection (a null `vector` or blob
/// stays an error).
fn collection_bytes<'frame>(
    typ: &ColumnType,
    bytes: Option<&'frame [u8]>,
) -> Result<&'frame [u8], DeserializeError> {
    /// `[int]` 0: no elements.
    const EMPTY: &[u8] = &[0, 0, 0, 0];
    match (bytes, typ) {
        (Some(b), _) => Ok(b),
        (None, ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(..)) => Ok(EMPTY),
        (None, _) => Err(DeserializeError::UnexpectedNull),
    }
}

/// The element count a list/set body announces, capped by what its bytes can hold.
fn announced_len(typ: &ColumnType, bytes: &[u8]) -> usize {
    match typ {
        ColumnType::Vector(_, dims) => usize::try_from(*dims).unwrap_or(0).min(bytes.len()),
        _ => read_list(bytes, "list").map(|(n, _)| n).unwrap_or(0),
    }
}

impl<'frame, T: DeserializeValue<'frame>> DeserializeValue<'frame> for Vec<T> {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        match is_sequence(typ) {
            Some(e) => T::type_check(e),
            None => Err(mismatch::<Self>(typ)),
        }
    }
    fn deserialize(
        typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        let bytes = collection_bytes(typ, bytes)?;
        let mut v = Vec::with_capacity(announced_len(typ, bytes));
        read_sequence(typ, bytes, |x| v.push(x))?;
        Ok(v)
    }
}

impl<'frame, T: DeserializeValue<'frame>, const N: usize> DeserializeValue<'frame> for [T; N] {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        match is_sequence(typ) {
            Some(e) => T::type_check(e),
            None => Err(mismatch::<Self>(typ)),
        }
    }
    fn deserialize(
        typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        let v = Vec::<T>::deserialize(typ, bytes)?;
        <[T; N]>::try_from(v).map_err(|_| DeserializeError::Malformed {
            cql_type: "list",
            reason: "the number of elements differs from the array's length",
        })
    }
}

fn set_elem(typ: &ColumnType) -> Option<&ColumnType> {
    match typ {
        ColumnType::List(e) | ColumnType::Set(e) => Some(e),
        _ => None,
    }
}

impl<'frame, T, S> DeserializeValue<'frame> for HashSet<T, S>
where
    T: DeserializeValue<'frame> + Eq + Hash,
    S: BuildHasher + Default,
{
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        match set_elem(typ) {
            Some(e) => T::type_check(e),
            None => Err(mismatch::<Self>(typ)),
        }
    }
    fn deserialize(
        typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        let bytes = collection_bytes(typ, bytes)?;
        let mut s = HashSet::with_capacity_and_hasher(announced_len(typ, bytes), S::default());
        read_sequence(typ, bytes, |x| {
            s.insert(x);
        })?;
        Ok(s)
    }
}

impl<'frame, T> DeserializeValue<'frame> for BTreeSet<T>
where
    T: DeserializeValue<'frame> + Ord,
{
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        match set_elem(typ) {
            Some(e) => T::type_check(e),
            None => Err(mismatch::<Self>(typ)),
        }
    }
    fn deserialize(
        typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        let mut s = BTreeSet::new();
        read_sequence(typ, collection_bytes(typ, bytes)?, |x| {
            s.insert(x);
        })?;
        Ok(s)
    }
}

/// Reads the entries of a map cell with `insert`.
fn read_entries<'frame, K, V>(
    typ: &ColumnType,
    bytes: &'frame [u8],
    mut insert: impl FnMut(K, V),
) -> Result<(), DeserializeError>
where
    K: DeserializeValue<'frame>,
    V: DeserializeValue<'frame>,
{
    let ColumnType::Map(kt, vt) = typ else {
        return Err(mismatch::<(K, V)>(typ).into());
    };
    let (_, mut it) = read_map(bytes)?;
    while let Some(k) = it.next_element()? {
        let v = it.next_element()?.ok_or(DeserializeError::Malformed {
            cql_type: "map",
            reason: "a key without a value",
        })?;
        insert(K::deserialize(kt, k)?, V::deserialize(vt, v)?);
    }
    Ok(())
}

fn check_map<'frame, K, V, M>(typ: &ColumnType) -> Result<(), TypeCheckError>
where
    K: DeserializeValue<'frame>,
    V: DeserializeValue<'frame>,
{
    match typ {
        ColumnType::Map(k, v) => {
            K::type_check(k)?;
            V::type_check(v)
        }
        _ => Err(mismatch::<M>(typ)),
    }
}

impl<'frame, K, V, S> DeserializeValue<'frame> for HashMap<K, V, S>
where
    K: DeserializeValue<'frame> + Eq + Hash,
    V: DeserializeValue<'frame>,
    S: BuildHasher + Default,
{
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        check_map::<K, V, Self>(typ)
    }
    fn deserialize(
        typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        let bytes = collection_bytes(typ, bytes)?;
        let n = read_map(bytes).map(|(n, _)| n).unwrap_or(0);
        let mut m = HashMap::with_capacity_and_hasher(n, S::default());
        read_entries(typ, bytes, |k, v| {
            m.insert(k, v);
        })?;
        Ok(m)
    }
}

impl<'frame, K, V> DeserializeValue<'frame> for BTreeMap<K, V>
where
    K: DeserializeValue<'frame> + Ord,
    V: DeserializeValue<'frame>,
{
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        check_map::<K, V, Self>(typ)
    }
    fn deserialize(
        typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        let mut m = BTreeMap::new();
        read_entries(typ, collection_bytes(typ, bytes)?, |k, v| {
            m.insert(k, v);
        })?;
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::test_util::{de, ser};
    use crate::types::Unset;

    fn list(t: ColumnType) -> ColumnType {
        ColumnType::List(Box::new(t))
    }

    #[test]
    fn null_collections_read_as_empty() {
        let l = list(ColumnType::Int);
        assert_eq!(Vec::<i32>::deserialize(&l, None), Ok(Vec::new()));
        let set = ColumnType::Set(Box::new(ColumnType::Text));
        assert_eq!(
            HashSet::<String>::deserialize(&set, None),
            Ok(HashSet::new())
        );
        assert_eq!(
            BTreeSet::<String>::deserialize(&set, None),
            Ok(BTreeSet::new())
        );
        let map = ColumnType::Map(Box::new(ColumnType::Int), Box::new(ColumnType::Int));
        assert_eq!(
            HashMap::<i32, i32>::deserialize(&map, None),
            Ok(HashMap::new())
        );
        assert_eq!(
            BTreeMap::<i32, i32>::deserialize(&map, None),
            Ok(BTreeMap::new())
        );
        // A null of another type is still an error.
        assert_eq!(
            Vec::<u8>::deserialize(&ColumnType::Blob, None),
            Err(DeserializeError::UnexpectedNull)
        );
        let vector = ColumnType::Vector(Box::new(ColumnType::Int), 2);
        assert_eq!(
            Vec::<i32>::deserialize(&vector, None),
            Err(DeserializeError::UnexpectedNull)
        );
    }

    #[test]
    fn list_golden() {
        let golden = vec![
            0, 0, 0, 20, // [value] length
            0, 0, 0, 2, // [int] count
            0, 0, 0, 4, 0, 0, 0, 1, // [bytes] 1
            0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff, // [bytes] -1
        ];
        assert_eq!(ser(&vec![1i32, -1], &list(ColumnType::Int)), golden);
        assert_eq!(
            de::<Vec<i32>>(&list(ColumnType::Int), &golden),
            Ok(vec![1, -1])
        );
        let set = ColumnType::Set(Box::new(ColumnType::Int));
        assert_eq!(ser(&vec![1i32, -1], &set), golden);
        assert_eq!(ser(&BTreeSet::from([-1i32, 1]), &set), {
            let mut g = golden.clone();
            g[8..16].copy_from_slice(&[0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff]);
            g[16..24].copy_from_slice(&[0, 0, 0, 4, 0, 0, 0, 1]);
            g
        });
        assert_eq!(
            de::<HashSet<i32>>(&set, &golden),
            Ok(HashSet::from([1, -1]))
        );
        assert_eq!(ser(&Vec::<i32>::new(), &set), vec![0, 0, 0, 4, 0, 0, 0, 0]);
    }

    #[test]
    fn map_golden() {
        let typ = ColumnType::Map(Box::new(ColumnType::Text), Box::new(ColumnType::Int));
        let golden = vec![
            0, 0, 0, 17, // length
            0, 0, 0, 1, // one entry
            0, 0, 0, 1, b'a', // key
            0, 0, 0, 4, 0, 0, 0, 7, // value
        ];
        let m = BTreeMap::from([("a".to_string(), 7i32)]);
        assert_eq!(ser(&m, &typ), golden);
        assert_eq!(ser(&HashMap::<&str, i32>::from([("a", 7)]), &typ), golden);
        assert_eq!(de::<BTreeMap<String, i32>>(&typ, &golden), Ok(m));
        let hm: HashMap<String, i32> = de(&typ, &golden).unwrap();
        assert_eq!(hm.get("a"), Some(&7));
        let borrowed: HashMap<&str, i32> =
            DeserializeValue::deserialize(&typ, Some(&golden[4..])).unwrap();
        assert_eq!(borrowed.get("a"), Some(&7));
    }

    #[test]
    fn nested_collections_round_trip() {
        let typ = list(ColumnType::Map(
            Box::new(ColumnType::Int),
            Box::new(ColumnType::Set(Box::new(ColumnType::Text))),
        ));
        let v: Vec<BTreeMap<i32, BTreeSet<String>>> = vec![
            BTreeMap::from([(1, BTreeSet::from(["x".into(), "".into()]))]),
            BTreeMap::new(),
        ];
        assert_eq!(
            de::<Vec<BTreeMap<i32, BTreeSet<String>>>>(&typ, &ser(&v, &typ)),
            Ok(v)
        );
        let nulls = vec![Some(1i32), None];
        assert_eq!(
            de::<Vec<Option<i32>>>(&list(ColumnType::Int), &ser(&nulls, &list(ColumnType::Int))),
            Ok(nulls)
        );
    }

    #[test]
    fn arrays() {
        let typ = ColumnType::Vector(Box::new(ColumnType::Float), 2);
        assert_eq!(ser(&[1.0f32, 2.0], &typ), ser(&vec![1.0f32, 2.0], &typ));
        assert_eq!(
            de::<[f32; 2]>(&typ, &ser(&[1.0f32, 2.0], &typ)),
            Ok([1.0, 2.0])
        );
        let l = list(ColumnType::Int);
        assert!(de::<[i32; 3]>(&l, &ser(&[1i32, 2], &l)).is_err());
        assert!(<[i32; 3]>::type_check(&ColumnType::Int).is_err());
    }

    #[test]
    fn unset_elements_refused() {
        let mut out = vec![7];
        let m = BTreeMap::from([(1i32, Unset)]);
        let typ = ColumnType::Map(Box::new(ColumnType::Int), Box::new(ColumnType::Int));
        assert!(matches!(
            m.serialize(&typ, &mut out),
            Err(SerializeError::Invalid {
                cql_type: "collection",
                ..
            })
        ));
        assert_eq!(out, vec![7]);
    }

    #[test]
    fn malformed_collections() {
        let typ = list(ColumnType::Int);
        // Count far larger than the bytes.
        assert!(Vec::<i32>::deserialize(&typ, Some(&[0x7f, 0xff, 0xff, 0xff])).is_err());
        // Negative count.
        assert!(
            Vec::<i32>::deserialize(&typ, Some(&[0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 0])).is_err()
        );
        // Trailing bytes.
        assert!(Vec::<i32>::deserialize(&typ, Some(&[0, 0, 0, 0, 1])).is_err());
        // Element truncated.
        assert!(Vec::<i32>::deserialize(&typ, Some(&[0, 0, 0, 1, 0, 0, 0, 4, 0])).is_err());
        // Null element into a non-Option type.
        assert_eq!(
            Vec::<i32>::deserialize(&typ, Some(&[0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff])),
            Err(DeserializeError::UnexpectedNull)
        );
        // An empty body is an empty collection.
        assert_eq!(Vec::<i32>::deserialize(&typ, Some(&[])), Ok(vec![]));
        let map = ColumnType::Map(Box::new(ColumnType::Int), Box::new(ColumnType::Int));
        assert!(BTreeMap::<i32, i32>::deserialize(&map, Some(&[0, 0, 0, 1, 0, 0, 0, 0])).is_err());
    }

    #[test]
    fn collection_type_checks() {
        assert!(Vec::<i32>::type_check(&list(ColumnType::Int)).is_ok());
        assert!(Vec::<i32>::type_check(&ColumnType::Vector(Box::new(ColumnType::Int), 3)).is_ok());
        assert!(Vec::<i32>::type_check(&list(ColumnType::Text)).is_err());
        assert!(Vec::<u8>::type_check(&list(ColumnType::Int)).is_err());
        assert!(matches!(
            Vec::<i32>::type_check(&ColumnType::Int),
            Err(TypeCheckError::Mismatch {
                rust_type: "alloc::vec::Vec<i32>",
                ..
            })
        ));
        assert!(BTreeMap::<i32, String>::type_check(&ColumnType::Map(
            Box::new(ColumnType::Int),
            Box::new(ColumnType::Int)
        ))
        .is_err());
        assert!(HashSet::<i32>::type_check(&ColumnType::Set(Box::new(ColumnType::Int))).is_ok());
        let mut out = Vec::new();
        assert!(vec![1i32].serialize(&ColumnType::Int, &mut out).is_err());
        assert!(BTreeMap::<i32, i32>::new()
            .serialize(&list(ColumnType::Int), &mut out)
            .is_err());
    }
}
