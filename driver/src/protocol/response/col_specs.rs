//! `[<global_table_spec>]<col_spec_1>...<col_spec_n>` (section 4.2.5.2): the column specs of
//! rows metadata and of the bind markers of a Prepared result.

use std::sync::Arc;

use super::result::ColumnSpec;
use crate::protocol::primitives::{write_string, Reader};
use crate::protocol::{ColumnType, DecodeError, EncodeError};

/// Metadata flag 0x0001 Global_tables_spec.
pub(super) const GLOBAL_TABLES_SPEC: i32 = 0x0001;

/// The keyspace and table shared by all `columns`, if there are columns and they share one.
pub(super) fn global_spec(columns: &[ColumnSpec]) -> Option<(&str, &str)> {
    let first = columns.first()?;
    columns
        .iter()
        .all(|c| c.keyspace == first.keyspace && c.table == first.table)
        .then_some((first.keyspace.as_str(), first.table.as_str()))
}

/// Writes `[<global_table_spec>]<col_spec_1>...<col_spec_n>`.
pub(super) fn write_col_specs(
    out: &mut Vec<u8>,
    columns: &[ColumnSpec],
) -> Result<(), EncodeError> {
    let global = global_spec(columns);
    if let Some((ks, table)) = global {
        write_string(out, ks)?;
        write_string(out, table)?;
    }
    for c in columns {
        if global.is_none() {
            write_string(out, &c.keyspace)?;
            write_string(out, &c.table)?;
        }
        write_string(out, &c.name)?;
        c.typ.encode(out)?;
    }
    Ok(())
}

/// Reads `[<global_table_spec>]<col_spec_1>...<col_spec_n>`.
pub(super) fn read_col_specs(
    r: &mut Reader<'_>,
    flags: i32,
    count: usize,
) -> Result<Vec<ColumnSpec>, DecodeError> {
    let global = if flags & GLOBAL_TABLES_SPEC != 0 {
        Some((r.read_string()?, r.read_string()?))
    } else {
        None
    };
    // A column spec takes at least a name (2 bytes) and a type id (2 bytes).
    let count = r.check_count(count, 4, "column specs")?;
    let mut columns = Vec::with_capacity(count);
    for _ in 0..count {
        let (keyspace, table) = match &global {
            Some((ks, t)) => (ks.clone(), t.clone()),
            None => (r.read_string()?, r.read_string()?),
        };
        let name = r.read_string()?;
        let typ = ColumnType::decode(r)?;
        columns.push(ColumnSpec {
            keyspace,
            table,
            name,
            typ,
        });
    }
    Ok(columns)
}

/// Reads the column specs like [`read_col_specs`], but returns `known` (a clone of the `Arc`)
/// when the specs sent are the same columns: compared on the encoded bytes first (no
/// allocation), else after decoding. Specs that differ from `known` are returned as decoded.
pub(super) fn read_col_specs_known(
    r: &mut Reader<'_>,
    flags: i32,
    count: usize,
    known: Option<&Arc<[ColumnSpec]>>,
) -> Result<Arc<[ColumnSpec]>, DecodeError> {
    if let Some(known) = known {
        let mut probe = r.clone();
        if matches_col_specs(&mut probe, flags, count, known).is_some() {
            *r = probe;
            return Ok(Arc::clone(known));
        }
    }
    let columns = read_col_specs(r, flags, count)?;
    match known {
        // Types spelled differently on the wire (vectors) still name the same columns.
        Some(known) if **known == *columns => Ok(Arc::clone(known)),
        _ => Ok(columns.into()),
    }
}

/// `Some(())` when the encoded specs at `r` are exactly `known` (reading past them).
fn matches_col_specs(
    r: &mut Reader<'_>,
    flags: i32,
    count: usize,
    known: &[ColumnSpec],
) -> Option<()> {
    expect(known.len() == count)?;
    let global = if flags & GLOBAL_TABLES_SPEC != 0 {
        Some((read_name(r)?, read_name(r)?))
    } else {
        None
    };
    for spec in known {
        let (keyspace, table) = match global {
            Some(global) => global,
            None => (read_name(r)?, read_name(r)?),
        };
        expect(keyspace == spec.keyspace.as_bytes() && table == spec.table.as_bytes())?;
        expect(read_name(r)? == spec.name.as_bytes())?;
        expect(spec.typ.matches_encoded(r))?;
    }
    Some(())
}

/// The bytes of a `[string]`, not checked as UTF-8: they are only compared with known
/// (valid) names, so equal bytes are valid and unequal ones fall back to a full decode.
fn read_name<'a>(r: &mut Reader<'a>) -> Option<&'a [u8]> {
    let len = r.read_short().ok()?;
    r.read_raw(usize::from(len), "[string]").ok()
}

fn expect(condition: bool) -> Option<()> {
    condition.then_some(())
}
