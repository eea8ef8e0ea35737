//! Parses the `DESCRIBE` output of a real Cassandra 4.0.13 node's system keyspaces.

use ringbolt_cql::ast::{find_property, CqlType, NativeType, Order, PropertyValue, Statement};
use ringbolt_cql::{parse_statement, parse_statements};

const SCHEMA: &str = include_str!("data/system_schema_4.0.13.cql");

#[test]
fn every_system_statement_parses_and_prints_back() {
    let statements = parse_statements(SCHEMA).expect("the system schema parses");
    let keyspaces = statements
        .iter()
        .filter(|s| matches!(s, Statement::CreateKeyspace(_)))
        .count();
    let tables = statements
        .iter()
        .filter(|s| matches!(s, Statement::CreateTable(_)))
        .count();
    assert_eq!((keyspaces, tables), (5, 40));
    for s in &statements {
        let printed = s.to_string();
        let again = parse_statement(&printed).expect("printed CQL parses");
        assert_eq!(again.to_string(), printed);
        // Spans point into the script.
        assert!(SCHEMA[s.span().start..s.span().end].starts_with("CREATE"));
    }
}

#[test]
fn system_tables_have_the_expected_keys_and_types() {
    let statements = parse_statements(SCHEMA).expect("the system schema parses");
    let table = |ks: &str, name: &str| {
        statements
            .iter()
            .find_map(|s| match s {
                Statement::CreateTable(t)
                    if t.name.name.name == name
                        && t.name.keyspace.as_ref().map(|k| k.name.as_str()) == Some(ks) =>
                {
                    Some(t)
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("{ks}.{name} not found"))
    };
    let local = table("system", "local");
    let key = local.key().expect("system.local has a key");
    assert_eq!(key.partition_key[0].name, "key");
    assert!(key.clustering_columns.is_empty());
    let tokens = local
        .columns
        .iter()
        .find(|c| c.name.name == "tokens")
        .unwrap();
    assert_eq!(
        tokens.ty,
        CqlType::Set(Box::new(CqlType::Native(NativeType::Text)))
    );

    let columns = table("system_schema", "columns");
    let key = columns.key().unwrap();
    assert_eq!(key.partition_key.len(), 1);
    assert_eq!(key.clustering_columns.len(), 2);
    assert_eq!(columns.clustering_order[0].order, Order::Asc);
    let gc = find_property(&columns.properties, "gc_grace_seconds").unwrap();
    assert_eq!(
        gc.value,
        PropertyValue::Constant(ringbolt_cql::ast::Literal::Integer("604800".into()))
    );
}
