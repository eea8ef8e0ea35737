//! The column lists of the system tables (from `system_tables.txt`) and a parser for the CQL type
//! names they use.

use ringbolt_driver::protocol::ColumnType;

/// A system table's name and columns in order.
pub struct Table {
    /// `keyspace.table`.
    pub name: String,
    /// Column names and types.
    pub columns: Vec<(String, ColumnType)>,
}

const SYSTEM_TABLES: &str = include_str!("system_tables.txt");

/// All system tables the server knows. Fails only if `system_tables.txt` is malformed.
pub fn system_tables() -> Result<Vec<Table>, String> {
    let mut tables: Vec<Table> = Vec::new();
    for line in SYSTEM_TABLES.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("--") {
            continue;
        }
        if let Some(name) = line.strip_prefix("TABLE ") {
            tables.push(Table {
                name: name.to_owned(),
                columns: Vec::new(),
            });
            continue;
        }
        let (name, typ) = line
            .split_once(' ')
            .ok_or_else(|| format!("column line without a type: {line:?}"))?;
        let table = tables
            .last_mut()
            .ok_or_else(|| format!("column before any TABLE line: {line:?}"))?;
        table.columns.push((name.to_owned(), parse_type(typ)?));
    }
    Ok(tables)
}

/// Parses a CQL type name such as `frozen<map<text, blob>>`.
pub fn parse_type(s: &str) -> Result<ColumnType, String> {
    let s = s.trim();
    if let Some((outer, inner)) = s.split_once('<') {
        let inner = inner
            .strip_suffix('>')
            .ok_or_else(|| format!("unbalanced type {s:?}"))?;
        return match outer.trim() {
            "frozen" => parse_type(inner),
            "list" => Ok(ColumnType::List(Box::new(parse_type(inner)?))),
            "set" => Ok(ColumnType::Set(Box::new(parse_type(inner)?))),
            "map" => {
                let (k, v) = split_top_level_comma(inner)
                    .ok_or_else(|| format!("map without two types: {s:?}"))?;
                Ok(ColumnType::Map(
                    Box::new(parse_type(k)?),
                    Box::new(parse_type(v)?),
                ))
            }
            other => Err(format!("unknown type constructor {other:?}")),
        };
    }
    Ok(match s {
        "ascii" => ColumnType::Ascii,
        "bigint" => ColumnType::Bigint,
        "blob" => ColumnType::Blob,
        "boolean" => ColumnType::Boolean,
        "double" => ColumnType::Double,
        "float" => ColumnType::Float,
        "int" => ColumnType::Int,
        "timestamp" => ColumnType::Timestamp,
        "uuid" => ColumnType::Uuid,
        "timeuuid" => ColumnType::Timeuuid,
        "text" | "varchar" => ColumnType::Text,
        "inet" => ColumnType::Inet,
        other => return Err(format!("unknown type {other:?}")),
    })
}

/// Splits `a, b` at the comma that is not nested inside `<...>`.
fn split_top_level_comma(s: &str) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => return Some((&s[..i], &s[i + 1..])),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_system_table_parses() {
        let tables = system_tables().unwrap();
        let local = tables.iter().find(|t| t.name == "system.local").unwrap();
        assert!(local
            .columns
            .iter()
            .any(|(n, t)| n == "tokens" && *t == ColumnType::Set(Box::new(ColumnType::Text))));
        assert!(tables.iter().any(|t| t.name == "system_schema.keyspaces"));
    }

    #[test]
    fn nested_types() {
        assert_eq!(
            parse_type("frozen<map<text, frozen<list<text>>>>").unwrap(),
            ColumnType::Map(
                Box::new(ColumnType::Text),
                Box::new(ColumnType::List(Box::new(ColumnType::Text)))
            )
        );
        assert!(parse_type("map<text>").is_err());
        assert!(parse_type("nope").is_err());
    }
}
