//! Byte-comparable clustering keys and slices of them: the key of a row, the successor of a
//! prefix, and the slice a bound on the next clustering component selects.

use super::restrict::Slice;
use super::schema::TableDef;
use super::types::encode_comparable;
use ringbolt_cql::ast::Operator;
use ringbolt_driver::protocol::ColumnType;
use std::ops::Bound;

/// The successor of a prefix: the smallest key greater than every key that starts with it.
pub fn prefix_end(p: &[u8]) -> Option<Vec<u8>> {
    let mut v = p.to_vec();
    while let Some(last) = v.pop() {
        if last != 0xff {
            v.push(last + 1);
            return Some(v);
        }
    }
    None
}

/// The byte-comparable form of one clustering component (inverted for DESC columns).
pub fn clustering_component(t: &ColumnType, reversed: bool, value: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    encode_comparable(t, value, out);
    if reversed {
        for b in out.iter_mut().skip(start) {
            *b = !*b;
        }
    }
}

/// The byte-comparable key of a full clustering.
pub fn clustering_key(table: &TableDef, values: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for (c, v) in table.clustering().zip(values) {
        clustering_component(&c.typ.typ, c.reversed, v, &mut out);
    }
    out
}

pub(crate) fn bound_key(b: &Bound<Vec<u8>>) -> Vec<u8> {
    match b {
        Bound::Included(v) | Bound::Excluded(v) => v.clone(),
        Bound::Unbounded => Vec::new(),
    }
}

/// Sorts and dedups partition keys as Cassandra orders the keys of an IN.
pub(crate) fn sort_keys(table: &TableDef, keys: &mut Vec<Vec<Vec<u8>>>) {
    let types: Vec<ColumnType> = table.partition_key().map(|c| c.typ.typ.clone()).collect();
    let enc = |k: &Vec<Vec<u8>>| {
        let mut out = Vec::new();
        for (t, v) in types.iter().zip(k) {
            encode_comparable(t, v, &mut out);
        }
        out
    };
    keys.sort_by_cached_key(enc);
    keys.dedup();
}

/// A slice within `prefix` from encoded bounds on the next component(s).
pub(crate) fn make_slice(
    prefix: &[u8],
    bounds: &[(Operator, Vec<u8>)],
    reversed: bool,
    _multi: bool,
) -> Slice {
    let mut start = if prefix.is_empty() {
        Bound::Unbounded
    } else {
        Bound::Included(prefix.to_vec())
    };
    let mut end = if prefix.is_empty() {
        Bound::Unbounded
    } else {
        match prefix_end(prefix) {
            Some(e) => Bound::Excluded(e),
            None => Bound::Unbounded,
        }
    };
    for (op, e) in bounds {
        let op = match (reversed, op) {
            (true, Operator::Gt) => Operator::Lt,
            (true, Operator::Ge) => Operator::Le,
            (true, Operator::Lt) => Operator::Gt,
            (true, Operator::Le) => Operator::Ge,
            (_, o) => *o,
        };
        let mut full = prefix.to_vec();
        full.extend_from_slice(e);
        match op {
            Operator::Gt => {
                start = match prefix_end(&full) {
                    Some(s) => Bound::Included(s),
                    None => Bound::Excluded(full),
                }
            }
            Operator::Ge => start = Bound::Included(full),
            Operator::Lt => end = Bound::Excluded(full),
            Operator::Le => {
                end = match prefix_end(&full) {
                    Some(s) => Bound::Excluded(s),
                    None => end,
                }
            }
            _ => {}
        }
    }
    Slice { start, end }
}

/// The slices (disjoint, within `prefix`) a multi-column slice `(c1, .., cn) op (v1, .., vn)`
/// selects. Tuples compare in each type's natural order whatever the clustering order, so
/// `(a, b) > (x, y)` is `a > x`, then `a = x AND b > y`: one slice per column, each on its own
/// column's storage direction. This is exact for mixed ASC/DESC columns too.
pub(crate) fn tuple_slices(
    prefix: &[u8],
    columns: &[(&ColumnType, bool)],
    op: Operator,
    values: &[Vec<u8>],
) -> Vec<Slice> {
    let strict = match op {
        Operator::Gt | Operator::Ge => Operator::Gt,
        _ => Operator::Lt,
    };
    let mut p = prefix.to_vec();
    let mut out = Vec::new();
    let n = columns.len().min(values.len());
    for (k, ((t, reversed), v)) in columns.iter().zip(values).enumerate() {
        let this = if k + 1 == n { op } else { strict };
        let mut e = Vec::new();
        clustering_component(t, *reversed, v, &mut e);
        out.push(make_slice(&p, &[(this, e.clone())], *reversed, true));
        p.extend(e);
    }
    out
}

/// The keys two slices have in common.
pub(crate) fn intersect(a: &Slice, b: &Slice) -> Slice {
    let start = match (&a.start, &b.start) {
        (Bound::Unbounded, x) | (x, Bound::Unbounded) => x.clone(),
        (x, y) => match bound_key(x).cmp(&bound_key(y)) {
            std::cmp::Ordering::Greater => x.clone(),
            std::cmp::Ordering::Less => y.clone(),
            std::cmp::Ordering::Equal if matches!(x, Bound::Excluded(_)) => x.clone(),
            std::cmp::Ordering::Equal => y.clone(),
        },
    };
    let end = match (&a.end, &b.end) {
        (Bound::Unbounded, x) | (x, Bound::Unbounded) => x.clone(),
        (x, y) => match bound_key(x).cmp(&bound_key(y)) {
            std::cmp::Ordering::Less => x.clone(),
            std::cmp::Ordering::Greater => y.clone(),
            std::cmp::Ordering::Equal if matches!(x, Bound::Excluded(_)) => x.clone(),
            std::cmp::Ordering::Equal => y.clone(),
        },
    };
    Slice { start, end }
}
