//! Mutations (what a write statement changes in one partition) and their application to storage.

use super::clustering::clustering_key;
use super::restrict::Slice;
use super::schema::{ColumnKind, TableDef};
use super::storage::{partition_key_bytes, Cell, PartitionPos, RangeTombstone, Row, TableData};
use super::types::{collection_items, encode_comparable};
use ringbolt_driver::cluster::murmur3_token;
use ringbolt_driver::protocol::ColumnType;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// One change to a row or partition.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteOp {
    /// INSERT's row marker.
    Marker,
    /// A simple cell (None = null, written as a tombstone).
    Set(String, Option<Vec<u8>>),
    /// Replace a whole non-frozen collection (None/empty = clear it).
    SetCollection(String, Option<Vec<u8>>),
    /// Append to a list, add to a set, put into a map (serialized collection of the column's type).
    Add(String, Vec<u8>),
    /// Prepend to a list.
    Prepend(String, Vec<u8>),
    /// Remove elements: set elements or map keys (serialized set), or list values (serialized list).
    Remove(String, Vec<u8>),
    /// `l[i] = v` (None = delete the element).
    SetIndex(String, i32, Option<Vec<u8>>),
    /// `m[k] = v` (None = delete the key).
    SetKey(String, Vec<u8>, Option<Vec<u8>>),
    /// Counter increment.
    Counter(String, i64),
    /// `udt.field = v` on a non-frozen UDT (None = null).
    SetField(String, usize, Option<Vec<u8>>),
    /// Delete a column.
    DeleteColumn(String),
    /// Delete the row.
    DeleteRow,
}

/// A statement's changes to one partition (and one row or slice in it).
#[derive(Debug, Clone)]
pub struct Mutation {
    /// The table.
    pub table: Arc<TableDef>,
    /// The partition key components.
    pub key: Vec<Vec<u8>>,
    /// The clustering components (None: partition or static level).
    pub clustering: Option<Vec<Vec<u8>>>,
    /// Changes.
    pub ops: Vec<WriteOp>,
    /// Range deletions.
    pub ranges: Vec<Slice>,
    /// Delete the whole partition.
    pub delete_partition: bool,
    /// TTL of written cells, seconds.
    pub ttl: i32,
}

impl Mutation {
    /// The partition's position in the table.
    pub fn position(&self) -> PartitionPos {
        let bytes = partition_key_bytes(&self.key);
        (murmur3_token(&bytes), bytes)
    }
}

static LIST_SEQ: AtomicI64 = AtomicI64::new(1);

fn list_key(prepend: bool) -> Vec<u8> {
    let seq = LIST_SEQ.fetch_add(1, Ordering::Relaxed);
    let base: i64 = 1 << 60;
    let k = if prepend { base - seq } else { base + seq };
    ((k as u64) ^ (1 << 63)).to_be_bytes().to_vec()
}

fn elem_key(t: &ColumnType, v: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    encode_comparable(t, v, &mut out);
    out
}

/// Applies a mutation at timestamp `ts`.
pub fn apply(data: &mut TableData, m: &Mutation, ts: i64, now_s: i64) {
    let pos = m.position();
    let partition = data.partition_mut(pos, &m.key);
    if m.delete_partition {
        partition.deleted_at = Some(partition.deleted_at.map_or(ts, |d| d.max(ts)));
    }
    for r in &m.ranges {
        partition.ranges.push(RangeTombstone {
            start: r.start.clone(),
            end: r.end.clone(),
            ts,
        });
    }
    if m.ops.is_empty() {
        return;
    }
    let table = &m.table;
    let clustering = match &m.clustering {
        None if table.clustering_len() == 0 => Some(Vec::new()),
        other => other.clone(),
    };
    for op in &m.ops {
        let is_static = op_column(op)
            .and_then(|c| table.column(c))
            .is_some_and(|c| c.kind == ColumnKind::Static);
        let row: &mut Row = match (&clustering, is_static) {
            (_, true) | (None, _) => &mut partition.statics,
            (Some(ck), false) => {
                let key = clustering_key(table, ck);
                partition.rows.entry(key).or_insert_with(|| Row {
                    clustering: ck.clone(),
                    ..Row::default()
                })
            }
        };
        apply_op(table, row, op, ts, m.ttl, now_s);
    }
}

fn op_column(op: &WriteOp) -> Option<&str> {
    match op {
        WriteOp::Marker | WriteOp::DeleteRow => None,
        WriteOp::Set(c, _)
        | WriteOp::SetCollection(c, _)
        | WriteOp::Add(c, _)
        | WriteOp::Prepend(c, _)
        | WriteOp::Remove(c, _)
        | WriteOp::SetIndex(c, _, _)
        | WriteOp::SetKey(c, _, _)
        | WriteOp::Counter(c, _)
        | WriteOp::SetField(c, _, _)
        | WriteOp::DeleteColumn(c) => Some(c),
    }
}

/// The cell path of a UDT field: its position, as Cassandra's 2-byte field index.
fn field_key(pos: usize) -> Vec<u8> {
    u16::try_from(pos)
        .unwrap_or(u16::MAX)
        .to_be_bytes()
        .to_vec()
}

fn cell(ts: i64, value: Option<Vec<u8>>, ttl: i32, now_s: i64) -> Cell {
    match value {
        Some(v) => Cell::live(ts, v, ttl, now_s),
        None => Cell::tombstone(ts),
    }
}

/// When and for how long cells are written.
#[derive(Debug, Clone, Copy)]
struct Stamp {
    ts: i64,
    ttl: i32,
    now_s: i64,
}

fn add_items(table: &TableDef, row: &mut Row, col: &str, items: &[u8], st: Stamp, prepend: bool) {
    let Stamp { ts, ttl, now_s } = st;
    let Some(def) = table.column(col) else { return };
    let typ = def.typ.typ.clone();
    let cx = row.complex_mut(col);
    let parts = collection_items(items);
    match &typ {
        ColumnType::List(_) => {
            let iter: Box<dyn Iterator<Item = &&[u8]>> = if prepend {
                Box::new(parts.iter().rev())
            } else {
                Box::new(parts.iter())
            };
            for v in iter {
                let k = list_key(prepend);
                cx.elems
                    .insert(k.clone(), (k, Cell::live(ts, v.to_vec(), ttl, now_s)));
            }
        }
        ColumnType::Set(e) => {
            for v in parts {
                cx.elems.insert(
                    elem_key(e, v),
                    (v.to_vec(), Cell::live(ts, Vec::new(), ttl, now_s)),
                );
            }
        }
        ColumnType::Map(k, _) => {
            for pair in parts.chunks(2) {
                if let [key, value] = pair {
                    let c = Cell::live(ts, value.to_vec(), ttl, now_s);
                    let ek = elem_key(k, key);
                    match cx.elems.get(&ek) {
                        Some((_, old)) if !c.wins_over(old) => {}
                        _ => {
                            cx.elems.insert(ek, (key.to_vec(), c));
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

fn apply_op(table: &TableDef, row: &mut Row, op: &WriteOp, ts: i64, ttl: i32, now_s: i64) {
    match op {
        WriteOp::Marker => {
            let c = Cell::live(ts, Vec::new(), ttl, now_s);
            match &row.marker {
                Some(old) if !c.wins_over(old) => {}
                _ => row.marker = Some(c),
            }
        }
        WriteOp::Set(col, v) if table.column(col).is_some_and(|c| c.typ.is_field_cells()) => {
            // A whole non-frozen UDT: delete the old fields just before, write the non-null ones.
            let cx = row.complex_mut(col);
            let del = if v.is_some() {
                ts.saturating_sub(1)
            } else {
                ts
            };
            cx.deleted_at = Some(cx.deleted_at.map_or(del, |d| d.max(del)));
            let mut rest = v.as_deref().unwrap_or_default();
            let mut pos = 0usize;
            while let Some(field) = super::types::take_value(&mut rest) {
                if let Some(bytes) = field {
                    let key = field_key(pos);
                    cx.elems.insert(
                        key.clone(),
                        (key, Cell::live(ts, bytes.to_vec(), ttl, now_s)),
                    );
                }
                pos += 1;
            }
        }
        WriteOp::Set(col, v) => row.write_simple(col, cell(ts, v.clone(), ttl, now_s)),
        WriteOp::SetCollection(col, v) => {
            let cx = row.complex_mut(col);
            let del = ts.saturating_sub(1);
            cx.deleted_at = Some(cx.deleted_at.map_or(del, |d| d.max(del)));
            if let Some(items) = v {
                add_items(table, row, col, items, Stamp { ts, ttl, now_s }, false);
            }
        }
        WriteOp::Add(col, items) => {
            add_items(table, row, col, items, Stamp { ts, ttl, now_s }, false)
        }
        WriteOp::Prepend(col, items) => {
            add_items(table, row, col, items, Stamp { ts, ttl, now_s }, true)
        }
        WriteOp::Remove(col, items) => {
            let Some(def) = table.column(col) else { return };
            let typ = def.typ.typ.clone();
            let parts = collection_items(items);
            let floor = row.floor(i64::MIN);
            let cx = row.complex_mut(col);
            match &typ {
                ColumnType::List(_) => {
                    let doomed: Vec<Vec<u8>> = cx
                        .elems
                        .iter()
                        .filter(|(_, (_, c))| {
                            c.ts > floor && c.value_at(now_s).is_some_and(|v| parts.contains(&v))
                        })
                        .map(|(k, _)| k.clone())
                        .collect();
                    for k in doomed {
                        cx.elems.insert(k.clone(), (k, Cell::tombstone(ts)));
                    }
                }
                ColumnType::Set(e) | ColumnType::Map(e, _) => {
                    for v in parts {
                        let k = elem_key(e, v);
                        let tomb = Cell::tombstone(ts);
                        match cx.elems.get(&k) {
                            Some((_, old)) if !tomb.wins_over(old) => {}
                            _ => {
                                cx.elems.insert(k, (v.to_vec(), tomb));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        WriteOp::SetIndex(col, idx, v) => {
            let floor = row.floor(i64::MIN);
            let cx = row.complex_mut(col);
            let key = cx
                .live(now_s, floor)
                .nth(usize::try_from(*idx).unwrap_or(usize::MAX))
                .map(|(k, _, _)| k.to_vec());
            if let Some(k) = key {
                cx.elems
                    .insert(k.clone(), (k, cell(ts, v.clone(), ttl, now_s)));
            }
        }
        WriteOp::SetKey(col, key, v) => {
            let Some(def) = table.column(col) else { return };
            let kt = match &def.typ.typ {
                ColumnType::Map(k, _) => k.as_ref().clone(),
                ColumnType::Set(e) => e.as_ref().clone(),
                _ => return,
            };
            let k = elem_key(&kt, key);
            let cx = row.complex_mut(col);
            let c = cell(ts, v.clone(), ttl, now_s);
            match cx.elems.get(&k) {
                Some((_, old)) if !c.wins_over(old) => {}
                _ => {
                    cx.elems.insert(k, (key.clone(), c));
                }
            }
        }
        WriteOp::Counter(col, delta) => {
            let floor = row.floor(i64::MIN);
            row.add_counter(col, *delta, ts, now_s, floor);
        }
        WriteOp::DeleteColumn(col) => {
            if row.collections.contains_key(col)
                || table
                    .column(col)
                    .is_some_and(|c| c.typ.is_multi_cell() || c.typ.is_field_cells())
            {
                let cx = row.complex_mut(col);
                cx.deleted_at = Some(cx.deleted_at.map_or(ts, |d| d.max(ts)));
            } else {
                row.write_simple(col, Cell::tombstone(ts));
            }
        }
        WriteOp::SetField(col, pos, v) => {
            let key = field_key(*pos);
            let c = cell(ts, v.clone(), ttl, now_s);
            let cx = row.complex_mut(col);
            match cx.elems.get(&key) {
                Some((_, old)) if !c.wins_over(old) => {}
                _ => {
                    cx.elems.insert(key.clone(), (key, c));
                }
            }
        }
        WriteOp::DeleteRow => row.deleted_at = Some(row.deleted_at.map_or(ts, |d| d.max(ts))),
    }
}
