//! Reading values out of storage: one column of one row, as it would be returned.

use super::schema::{ColumnDef, ColumnKind};
use super::storage::{Cell, Partition, Row};
use super::types::build_collection;
use ringbolt_driver::protocol::ColumnType;

/// A row being read: its partition and, unless static-only, its key and row.
#[derive(Clone, Copy)]
pub struct RowRef<'a> {
    /// The partition.
    pub partition: &'a Partition,
    /// The clustering row (None for a partition with only static values).
    pub row: Option<(&'a [u8], &'a Row)>,
}

impl<'a> RowRef<'a> {
    fn source(&self, col: &ColumnDef) -> Option<(&'a Row, i64)> {
        match col.kind {
            ColumnKind::Static => Some((&self.partition.statics, self.partition.floor())),
            _ => self
                .row
                .map(|(k, r)| (r, r.floor(self.partition.row_shadow(k)))),
        }
    }

    /// The serialized value of a column, None when null.
    pub fn value(&self, col: &ColumnDef, now_s: i64) -> Option<Vec<u8>> {
        match col.kind {
            ColumnKind::PartitionKey => {
                return self
                    .partition
                    .key
                    .get(usize::try_from(col.position).ok()?)
                    .cloned();
            }
            ColumnKind::Clustering => {
                return self
                    .row?
                    .1
                    .clustering
                    .get(usize::try_from(col.position).ok()?)
                    .cloned();
            }
            _ => {}
        }
        let (row, floor) = self.source(col)?;
        if let (true, ColumnType::Udt(u)) = (col.typ.is_field_cells(), &col.typ.typ) {
            let cx = row.collections.get(&col.name)?;
            let mut fields: Vec<Option<&[u8]>> = vec![None; u.fields.len()];
            let mut any = false;
            for (k, v, _) in cx.live(now_s, floor) {
                let pos = k
                    .try_into()
                    .map(|b: [u8; 2]| usize::from(u16::from_be_bytes(b)));
                if let Some(slot) = pos.ok().and_then(|p| fields.get_mut(p)) {
                    *slot = Some(v);
                    any = true;
                }
            }
            if !any {
                return None;
            }
            let mut out = Vec::new();
            for f in fields {
                match f {
                    Some(b) => {
                        out.extend_from_slice(
                            &i32::try_from(b.len()).unwrap_or(i32::MAX).to_be_bytes(),
                        );
                        out.extend_from_slice(b);
                    }
                    None => out.extend_from_slice(&(-1i32).to_be_bytes()),
                }
            }
            return Some(out);
        }
        if col.typ.is_multi_cell() {
            let cx = row.collections.get(&col.name)?;
            let live: Vec<(&[u8], &[u8], &Cell)> = cx.live(now_s, floor).collect();
            if live.is_empty() {
                return None;
            }
            let out = match &col.typ.typ {
                ColumnType::List(_) => {
                    build_collection(live.len(), live.iter().map(|(_, v, _)| *v))
                }
                ColumnType::Set(_) => build_collection(live.len(), live.iter().map(|(k, _, _)| *k)),
                _ => build_collection(live.len(), live.iter().flat_map(|(k, v, _)| [*k, *v])),
            };
            return Some(out);
        }
        row.simple(&col.name, now_s, floor)
            .and_then(|c| c.value.clone())
    }

    /// The live cell of a simple column (for WRITETIME and TTL).
    pub fn cell(&self, col: &ColumnDef, now_s: i64) -> Option<&'a Cell> {
        let (row, floor) = self.source(col)?;
        row.simple(&col.name, now_s, floor)
    }

    /// Whether the clustering row (or static row) is live.
    pub fn is_live(&self, now_s: i64) -> bool {
        match self.row {
            Some((k, r)) => r.is_live(now_s, self.partition.row_shadow(k)),
            None => self.partition.has_live_statics(now_s),
        }
    }
}
