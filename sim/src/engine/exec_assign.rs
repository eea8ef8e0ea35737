//! The SET part of an UPDATE: one assignment into a write operation.

use super::errors::{invalid, ExecResult};
use super::exec::Run;
use super::mutation::WriteOp;
use super::schema::{ColumnDef, TableDef};
use super::types::build_collection;
use super::values::{eval, Val};
use ringbolt_cql::ast::{self, AssignmentOp, ColumnTarget};
use ringbolt_driver::protocol::ColumnType;

/// Turns one assignment into a write operation (None when its value is unset).
pub(crate) fn assignment(
    run: &Run<'_, '_, '_>,
    table: &TableDef,
    col: &ColumnDef,
    a: &ast::Assignment,
) -> ExecResult<Option<WriteOp>> {
    let ctx = run.eval_ctx();
    let name = col.name.clone();
    let typ = &col.typ.typ;
    let is_counter = *typ == ColumnType::Counter;
    match (&a.target, &a.op) {
        (ColumnTarget::Column(_), AssignmentOp::Set(t)) => {
            if is_counter {
                return Err(invalid(format!(
                    "Cannot set the value of counter column {name} (counters can only be incremented/decremented, not set)"
                )));
            }
            Ok(match eval(t, &name, typ, &ctx).map_err(invalid)? {
                Val::Unset => None,
                Val::Null if col.typ.is_multi_cell() => Some(WriteOp::SetCollection(name, None)),
                Val::Null => Some(WriteOp::Set(name, None)),
                Val::Bytes(b) if col.typ.is_multi_cell() => {
                    Some(WriteOp::SetCollection(name, Some(b)))
                }
                Val::Bytes(b) => Some(WriteOp::Set(name, Some(b))),
            })
        }
        (ColumnTarget::Column(_), AssignmentOp::Add(t) | AssignmentOp::Remove(t)) if is_counter => {
            let v = eval(t, &name, &ColumnType::Bigint, &ctx).map_err(invalid)?;
            let Val::Bytes(b) = v else {
                return match v {
                    Val::Unset => Ok(None),
                    _ => Err(invalid("Invalid null value for counter increment")),
                };
            };
            let n = <[u8; 8]>::try_from(b.as_slice())
                .map(i64::from_be_bytes)
                .unwrap_or(0);
            let delta = if matches!(a.op, AssignmentOp::Remove(_)) {
                n.wrapping_neg()
            } else {
                n
            };
            Ok(Some(WriteOp::Counter(name, delta)))
        }
        (ColumnTarget::Column(_), op) => {
            if table.is_counter() {
                return Err(invalid(format!(
                    "Invalid operation for counter column {name}"
                )));
            }
            if !col.typ.is_multi_cell() {
                let what = if matches!(
                    col.typ.typ,
                    ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(_, _)
                ) {
                    format!("Invalid operation ({name} = {name} + ?) for frozen collection column {name}")
                } else {
                    format!("Invalid operation ({name} = {name} + ?) for non counter column {name}")
                };
                return Err(invalid(what));
            }
            let (term, remove) = match op {
                AssignmentOp::Add(t) | AssignmentOp::Prepend(t) => (t, false),
                AssignmentOp::Remove(t) => (t, true),
                AssignmentOp::Set(t) => (t, false),
            };
            let operand_type = match (typ, remove) {
                (ColumnType::Map(k, _), true) => ColumnType::Set(k.clone()),
                _ => typ.clone(),
            };
            if matches!(op, AssignmentOp::Prepend(_)) && !matches!(typ, ColumnType::List(_)) {
                return Err(invalid(format!(
                    "Invalid operation ({name} = ? + {name}) for non list column {name}"
                )));
            }
            let v = match eval(term, &name, &operand_type, &ctx).map_err(invalid)? {
                Val::Bytes(b) => b,
                Val::Unset => return Ok(None),
                Val::Null if remove => return Ok(None),
                Val::Null => build_collection(0, []),
            };
            Ok(Some(match op {
                AssignmentOp::Prepend(_) => WriteOp::Prepend(name, v),
                AssignmentOp::Remove(_) => WriteOp::Remove(name, v),
                _ => WriteOp::Add(name, v),
            }))
        }
        (ColumnTarget::Element { key, .. }, AssignmentOp::Set(t)) => match typ {
            ColumnType::List(e) if col.typ.is_multi_cell() => {
                let idx = match eval(key, &format!("idx({name})"), &ColumnType::Int, &ctx)
                    .map_err(invalid)?
                {
                    Val::Bytes(b) => <[u8; 4]>::try_from(b.as_slice())
                        .map(i32::from_be_bytes)
                        .unwrap_or(-1),
                    _ => return Err(invalid("Invalid null value for list index")),
                };
                let v = eval(t, &format!("value({name})"), e, &ctx).map_err(invalid)?;
                Ok(Some(WriteOp::SetIndex(
                    name,
                    idx,
                    v.bytes().map(<[u8]>::to_vec),
                )))
            }
            ColumnType::Map(k, v) if col.typ.is_multi_cell() => {
                let kb = match eval(key, &format!("key({name})"), k, &ctx).map_err(invalid)? {
                    Val::Bytes(b) => b,
                    _ => return Err(invalid("Invalid null value for map key")),
                };
                let vb = eval(t, &format!("value({name})"), v, &ctx).map_err(invalid)?;
                Ok(Some(WriteOp::SetKey(
                    name,
                    kb,
                    vb.bytes().map(<[u8]>::to_vec),
                )))
            }
            _ => Err(invalid(format!(
                "Invalid operation ({name}[?] = ?) for non list/map column {name}"
            ))),
        },
        (ColumnTarget::Field { field, .. }, AssignmentOp::Set(t)) => {
            let (pos, ft) = udt_field(col, &field.name)?;
            let v = eval(t, &format!("{name}.{}", field.name), &ft, &ctx).map_err(invalid)?;
            match v {
                Val::Unset => Ok(None),
                other => Ok(Some(WriteOp::SetField(
                    name,
                    pos,
                    other.bytes().map(<[u8]>::to_vec),
                ))),
            }
        }
        (ColumnTarget::Field { field, .. }, _) => Err(invalid(format!(
            "Invalid operation ({name}.{0} = {name}.{0} + ?) for field {0} of UDT column {name}",
            field.name
        ))),
        _ => Err(invalid(format!("Invalid operation on {name}"))),
    }
}

/// The position and type of a field of a non-frozen UDT column.
pub(crate) fn udt_field(col: &ColumnDef, field: &str) -> ExecResult<(usize, ColumnType)> {
    let ColumnType::Udt(u) = &col.typ.typ else {
        return Err(invalid(format!(
            "Invalid field selection: {} of type {} is not a user type",
            col.name,
            super::types::type_text(&col.typ.typ)
        )));
    };
    if col.typ.frozen {
        return Err(invalid(format!(
            "Invalid operation ({}.{field} = ?) for frozen UDT column {}",
            col.name, col.name
        )));
    }
    let Some(pos) = u.fields.iter().position(|(n, _)| n == field) else {
        return Err(invalid(format!(
            "UDT column {} does not have a field named {field}",
            col.name
        )));
    };
    let ft = u
        .fields
        .get(pos)
        .map(|(_, t)| t.clone())
        .unwrap_or(ColumnType::Blob);
    Ok((pos, ft))
}
