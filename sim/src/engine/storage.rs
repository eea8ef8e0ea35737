//! In-memory storage of one table: partitions in token order, rows in clustering order, cells
//! with write timestamps, TTLs and tombstones, reconciled last-write-wins as Cassandra does.

use std::collections::BTreeMap;
use std::ops::Bound;

/// One cell version: a value (or a tombstone) written at a timestamp, possibly expiring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Write timestamp, microseconds.
    pub ts: i64,
    /// The value; `None` is a tombstone.
    pub value: Option<Vec<u8>>,
    /// TTL in seconds (0 = none).
    pub ttl: i32,
    /// When it expires, seconds since the epoch (meaningful when `ttl > 0`).
    pub expires_at: i64,
}

impl Cell {
    /// A live cell.
    pub fn live(ts: i64, value: Vec<u8>, ttl: i32, now_s: i64) -> Cell {
        Cell {
            ts,
            value: Some(value),
            ttl,
            expires_at: now_s.saturating_add(i64::from(ttl)),
        }
    }

    /// A tombstone.
    pub fn tombstone(ts: i64) -> Cell {
        Cell {
            ts,
            value: None,
            ttl: 0,
            expires_at: 0,
        }
    }

    /// The value if the cell is live at `now_s`.
    pub fn value_at(&self, now_s: i64) -> Option<&[u8]> {
        if self.ttl > 0 && now_s >= self.expires_at {
            return None;
        }
        self.value.as_deref()
    }

    /// Seconds left to live, when the cell expires.
    pub fn remaining_ttl(&self, now_s: i64) -> Option<i32> {
        (self.ttl > 0).then(|| (self.expires_at - now_s).clamp(0, i64::from(i32::MAX)) as i32)
    }

    /// Whether `self` wins over `other` (Cassandra's reconciliation: higher timestamp, then a
    /// tombstone, then the greater value, then the later expiry).
    pub fn wins_over(&self, other: &Cell) -> bool {
        if self.ts != other.ts {
            return self.ts > other.ts;
        }
        match (&self.value, &other.value) {
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (None, None) => false,
            (Some(a), Some(b)) => match a.cmp(b) {
                std::cmp::Ordering::Equal => self.expires_at > other.expires_at,
                o => o == std::cmp::Ordering::Greater,
            },
        }
    }
}

/// Merges `new` into `slot` last-write-wins.
pub fn merge_cell(slot: &mut Option<Cell>, new: Cell) {
    match slot {
        Some(old) if !new.wins_over(old) => {}
        _ => *slot = Some(new),
    }
}

/// The cells of a non-frozen collection: a deletion time and one cell per element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Complex {
    /// The newest whole-collection deletion.
    pub deleted_at: Option<i64>,
    /// Elements by byte-comparable key: (the element's key bytes, the cell).
    pub elems: BTreeMap<Vec<u8>, (Vec<u8>, Cell)>,
}

impl Complex {
    /// Live elements at `now_s` above `shadow` (a deletion timestamp that covers this row).
    pub fn live<'a>(
        &'a self,
        now_s: i64,
        shadow: i64,
    ) -> impl Iterator<Item = (&'a [u8], &'a [u8], &'a Cell)> + 'a {
        let floor = shadow.max(self.deleted_at.unwrap_or(i64::MIN));
        self.elems.values().filter_map(move |(k, c)| {
            if c.ts <= floor {
                return None;
            }
            c.value_at(now_s).map(|v| (k.as_slice(), v, c))
        })
    }
}

/// A row: its clustering values, its primary-key liveness, deletion and cells by column name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    /// Clustering values (serialized), one per clustering column.
    pub clustering: Vec<Vec<u8>>,
    /// The row marker written by INSERT.
    pub marker: Option<Cell>,
    /// The newest row deletion.
    pub deleted_at: Option<i64>,
    /// Simple cells by column name.
    pub cells: BTreeMap<String, Cell>,
    /// Non-frozen collections by column name.
    pub collections: BTreeMap<String, Complex>,
}

impl Row {
    /// Whether the row has anything live at `now_s` once `shadow` deletions apply.
    pub fn is_live(&self, now_s: i64, shadow: i64) -> bool {
        let floor = shadow.max(self.deleted_at.unwrap_or(i64::MIN));
        if self
            .marker
            .as_ref()
            .is_some_and(|m| m.ts > floor && m.value_at(now_s).is_some())
        {
            return true;
        }
        self.cells
            .values()
            .any(|c| c.ts > floor && c.value_at(now_s).is_some())
            || self
                .collections
                .values()
                .any(|cx| cx.live(now_s, floor).next().is_some())
    }

    /// The effective deletion floor of the row.
    pub fn floor(&self, shadow: i64) -> i64 {
        shadow.max(self.deleted_at.unwrap_or(i64::MIN))
    }

    /// A simple cell live at `now_s` above the floor.
    pub fn simple(&self, name: &str, now_s: i64, floor: i64) -> Option<&Cell> {
        self.cells
            .get(name)
            .filter(|c| c.ts > floor && c.value_at(now_s).is_some())
    }

    /// Writes a simple cell.
    pub fn write_simple(&mut self, name: &str, cell: Cell) {
        match self.cells.get_mut(name) {
            Some(old) => {
                if cell.wins_over(old) {
                    *old = cell;
                }
            }
            None => {
                self.cells.insert(name.to_string(), cell);
            }
        }
    }

    /// Adds to a counter cell.
    pub fn add_counter(&mut self, name: &str, delta: i64, ts: i64, now_s: i64, floor: i64) {
        let current = self
            .simple(name, now_s, floor)
            .and_then(|c| c.value.as_deref())
            .and_then(|v| <[u8; 8]>::try_from(v).ok())
            .map(i64::from_be_bytes)
            .unwrap_or(0);
        let old_ts = self.cells.get(name).map_or(i64::MIN, |c| c.ts);
        let value = current.wrapping_add(delta).to_be_bytes().to_vec();
        self.cells.insert(
            name.to_string(),
            Cell {
                ts: ts
                    .max(old_ts.saturating_add(1))
                    .max(floor.saturating_add(1)),
                value: Some(value),
                ttl: 0,
                expires_at: 0,
            },
        );
    }

    /// The collection cells of a column, created if absent.
    pub fn complex_mut(&mut self, name: &str) -> &mut Complex {
        self.collections.entry(name.to_string()).or_default()
    }
}

/// A deletion of a range of clustering keys (byte-comparable bounds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeTombstone {
    /// Lower bound.
    pub start: Bound<Vec<u8>>,
    /// Upper bound.
    pub end: Bound<Vec<u8>>,
    /// Deletion timestamp.
    pub ts: i64,
}

impl RangeTombstone {
    /// Whether the range covers a key.
    pub fn covers(&self, key: &[u8]) -> bool {
        let above = match &self.start {
            Bound::Unbounded => true,
            Bound::Included(s) => key >= s.as_slice(),
            Bound::Excluded(s) => key > s.as_slice(),
        };
        let below = match &self.end {
            Bound::Unbounded => true,
            Bound::Included(e) => key <= e.as_slice(),
            Bound::Excluded(e) => key < e.as_slice(),
        };
        above && below
    }
}

/// One partition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Partition {
    /// Partition key values (serialized), one per partition key column.
    pub key: Vec<Vec<u8>>,
    /// The newest partition deletion.
    pub deleted_at: Option<i64>,
    /// Static cells.
    pub statics: Row,
    /// Range deletions.
    pub ranges: Vec<RangeTombstone>,
    /// Rows by byte-comparable clustering key.
    pub rows: BTreeMap<Vec<u8>, Row>,
}

impl Partition {
    /// The partition-level deletion floor.
    pub fn floor(&self) -> i64 {
        self.deleted_at.unwrap_or(i64::MIN)
    }

    /// The deletion floor for one row key (partition and range deletions).
    pub fn row_shadow(&self, key: &[u8]) -> i64 {
        self.ranges
            .iter()
            .filter(|r| r.covers(key))
            .map(|r| r.ts)
            .fold(self.floor(), i64::max)
    }

    /// Whether the static row has live cells.
    pub fn has_live_statics(&self, now_s: i64) -> bool {
        !self.statics.cells.is_empty() && self.statics.is_live(now_s, self.floor())
    }

    /// Whether any row or static cell is live.
    pub fn is_live(&self, now_s: i64) -> bool {
        self.has_live_statics(now_s)
            || self
                .rows
                .iter()
                .any(|(k, r)| r.is_live(now_s, self.row_shadow(k)))
    }
}

/// A partition's position: its token, then its serialized key.
pub type PartitionPos = (i64, Vec<u8>);

/// The data of one table.
#[derive(Debug, Clone, Default)]
pub struct TableData {
    /// Partitions in token order.
    pub partitions: BTreeMap<PartitionPos, Partition>,
}

impl TableData {
    /// The partition at a position, created if absent.
    pub fn partition_mut(&mut self, pos: PartitionPos, key: &[Vec<u8>]) -> &mut Partition {
        self.partitions.entry(pos).or_insert_with(|| Partition {
            key: key.to_vec(),
            ..Partition::default()
        })
    }
}

/// The serialized partition key: the single component, or Cassandra's composite form.
pub fn partition_key_bytes(parts: &[Vec<u8>]) -> Vec<u8> {
    match parts {
        [one] => one.clone(),
        _ => {
            let mut out = Vec::new();
            for p in parts {
                let len = u16::try_from(p.len()).unwrap_or(u16::MAX);
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(p.get(..usize::from(len)).unwrap_or(p));
                out.push(0);
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_write_wins_with_ties() {
        let mut slot = None;
        merge_cell(&mut slot, Cell::live(10, vec![1], 0, 0));
        merge_cell(&mut slot, Cell::live(9, vec![9], 0, 0));
        assert_eq!(slot.as_ref().and_then(|c| c.value.clone()), Some(vec![1]));
        merge_cell(&mut slot, Cell::live(10, vec![2], 0, 0));
        assert_eq!(slot.as_ref().and_then(|c| c.value.clone()), Some(vec![2]));
        merge_cell(&mut slot, Cell::tombstone(10));
        assert_eq!(slot.as_ref().and_then(|c| c.value.clone()), None);
    }

    #[test]
    fn ttl_expires() {
        let c = Cell::live(1, vec![1], 10, 100);
        assert!(c.value_at(109).is_some());
        assert!(c.value_at(110).is_none());
        assert_eq!(c.remaining_ttl(105), Some(5));
    }

    #[test]
    fn range_tombstone_bounds() {
        let r = RangeTombstone {
            start: Bound::Included(vec![1]),
            end: Bound::Excluded(vec![2]),
            ts: 5,
        };
        assert!(r.covers(&[1, 7]));
        assert!(!r.covers(&[2]));
        assert!(!r.covers(&[0, 9]));
    }
}
