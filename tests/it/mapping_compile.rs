//! `#[derive(Table)]` / `#[derive(UserType)]`: generated metadata, CQL and typed statements.

use std::collections::{BTreeMap, HashSet};

use ringbolt::mapping::{ClusteringOrder, ColumnKind, CqlType, Statement, Table, UserTypeMeta};
use ringbolt::types::Counter;
use ringbolt::{Table, UserType};

#[derive(Debug, Clone, PartialEq, UserType)]
#[user_type(name = "address")]
struct Address {
    street: String,
    #[field(name = "zip_code")]
    zip: Option<i32>,
    tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "events", keyspace = "app")]
#[table(query(
    name = "recent",
    cql = "SELECT * FROM app.events WHERE tenant = ? AND day = ? AND at > ? LIMIT ?",
    idempotent = true
))]
#[query(
    name = "tag_event",
    cql = "UPDATE events SET tags = tags + ? WHERE tenant = ? AND day = ? AND at = ? AND id = ?"
)]
#[query(
    name = "for_tenants",
    cql = "SELECT payload, at FROM events WHERE tenant IN ? AND day = ?"
)]
struct Event {
    #[partition_key]
    tenant: String,
    #[partition_key]
    day: i32,
    #[clustering_key(desc)]
    at: i64,
    #[clustering_key]
    #[column(timeuuid)]
    id: uuid::Uuid,
    #[static_column]
    owner: Option<String>,
    #[column(name = "payload")]
    body: Vec<u8>,
    tags: HashSet<String>,
    attrs: BTreeMap<String, Vec<i32>>,
    home: Option<Address>,
    #[skip]
    cached: u64,
}

#[derive(Debug, Table)]
struct PageViews {
    #[partition_key]
    page: String,
    views: Counter,
    #[counter]
    clicks: i64,
}

#[test]
fn table_metadata() {
    assert_eq!(Event::TABLE, "events");
    assert_eq!(Event::KEYSPACE, Some("app"));
    assert_eq!(Event::PARTITION_KEY, ["tenant", "day"]);
    assert_eq!(
        Event::CLUSTERING_KEY,
        [("at", ClusteringOrder::Desc), ("id", ClusteringOrder::Asc)]
    );
    let names: Vec<_> = Event::COLUMNS.iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        ["tenant", "day", "at", "id", "owner", "payload", "tags", "attrs", "home"]
    );
    assert_eq!(Event::COLUMNS[3].typ, CqlType::Timeuuid);
    assert_eq!(Event::COLUMNS[4].kind, ColumnKind::Static);
    assert_eq!(PageViews::TABLE, "page_views");
    assert_eq!(PageViews::COLUMNS[1].typ, CqlType::Counter);
    assert_eq!(PageViews::COLUMNS[2].typ, CqlType::Counter);
}

#[test]
fn create_table_and_type_cql() {
    assert_eq!(
        Event::create_table_cql(),
        "CREATE TABLE IF NOT EXISTS app.events (tenant text, day int, at bigint, id timeuuid, \
         owner text STATIC, payload blob, tags set<text>, attrs map<text, frozen<list<int>>>, \
         home frozen<address>, PRIMARY KEY ((tenant, day), at, id)) \
         WITH CLUSTERING ORDER BY (at DESC, id ASC)"
    );
    assert_eq!(
        Event::create_types_cql(),
        ["CREATE TYPE IF NOT EXISTS app.address (street text, zip_code int, tags frozen<list<text>>)"]
    );
    assert_eq!(Address::TYPE_NAME, "address");
    assert_eq!(
        PageViews::create_table_cql(),
        "CREATE TABLE IF NOT EXISTS page_views (page text, views counter, clicks counter, PRIMARY KEY (page))"
    );
}

/// The bind values of `Event::insert()`: every column in field order.
type EventRow = (
    String,
    i32,
    i64,
    uuid::Uuid,
    Option<String>,
    Vec<u8>,
    HashSet<String>,
    BTreeMap<String, Vec<i32>>,
    Option<Address>,
);

#[test]
fn generated_statements() {
    let insert: Statement<EventRow, ()> = Event::insert();
    assert_eq!(
        insert.cql(),
        "INSERT INTO app.events (tenant, day, at, id, owner, payload, tags, attrs, home) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    );
    assert!(insert.is_idempotent());
    assert_eq!(insert.partition_key_indexes(), [0, 1]);
    assert!(!Event::insert_if_not_exists().is_idempotent());
    assert!(Event::insert_if_not_exists()
        .cql()
        .ends_with(" IF NOT EXISTS"));

    let get: Statement<(String, i32, i64, uuid::Uuid), Event> = Event::get();
    assert_eq!(
        get.cql(),
        "SELECT tenant, day, at, id, owner, payload, tags, attrs, home FROM app.events \
         WHERE tenant = ? AND day = ? AND at = ? AND id = ?"
    );
    let part: Statement<(String, i32), Event> = Event::select_partition();
    assert!(part.cql().ends_with("WHERE tenant = ? AND day = ?"));
    let prefix: Statement<(String, i32, i64), Event> = Event::select_by_partition_and_at();
    assert!(prefix
        .cql()
        .ends_with("WHERE tenant = ? AND day = ? AND at = ?"));
    let range: Statement<(String, i32, i64, uuid::Uuid, uuid::Uuid), Event> =
        Event::select_range_id();
    assert!(range
        .cql()
        .ends_with("WHERE tenant = ? AND day = ? AND at = ? AND id >= ? AND id < ?"));
    let update = Event::update();
    assert_eq!(
        update.cql(),
        "UPDATE app.events SET owner = ?, payload = ?, tags = ?, attrs = ?, home = ? \
         WHERE tenant = ? AND day = ? AND at = ? AND id = ?"
    );
    assert_eq!(update.partition_key_indexes(), [5, 6]);
    assert_eq!(
        Event::delete().cql(),
        "DELETE FROM app.events WHERE tenant = ? AND day = ? AND at = ? AND id = ?"
    );
    assert_eq!(
        Event::delete_partition().cql(),
        "DELETE FROM app.events WHERE tenant = ? AND day = ?"
    );

    let inc: Statement<(i64, i64, String), ()> = PageViews::increment();
    assert_eq!(
        inc.cql(),
        "UPDATE page_views SET views = views + ?, clicks = clicks + ? WHERE page = ?"
    );
    assert!(!inc.is_idempotent());
    assert_eq!(inc.partition_key_indexes(), [2]);
    assert_eq!(
        PageViews::decrement().cql(),
        "UPDATE page_views SET views = views - ?, clicks = clicks - ? WHERE page = ?"
    );
}

#[test]
fn hand_written_queries() {
    let recent: Statement<(String, i32, i64, i32), Event> = Event::recent();
    assert!(recent.is_idempotent());
    assert_eq!(recent.partition_key_indexes(), [0, 1]);
    let tag: Statement<(HashSet<String>, String, i32, i64, uuid::Uuid), ()> = Event::tag_event();
    // Adding to a set is idempotent.
    assert!(tag.is_idempotent());
    let multi: Statement<(Vec<String>, i32), (Vec<u8>, i64)> = Event::for_tenants();
    assert!(multi.is_idempotent());
    assert!(multi.partition_key_indexes().is_empty());
}

fn spec(
    name: &str,
    typ: ringbolt::protocol::ColumnType,
) -> ringbolt::protocol::response::ColumnSpec {
    ringbolt::protocol::response::ColumnSpec {
        keyspace: "ks".into(),
        table: "t".into(),
        name: name.into(),
        typ,
    }
}

fn cell<T: ringbolt::types::SerializeValue>(
    v: &T,
    typ: &ringbolt::protocol::ColumnType,
) -> Vec<u8> {
    let mut out = Vec::new();
    v.serialize(typ, &mut out).unwrap();
    out.split_off(4)
}

#[test]
fn row_mapper_reads_columns_by_name() {
    use ringbolt::protocol::ColumnType;
    use ringbolt::types::DeserializeRow;
    // The result's columns in another order than the struct's fields.
    let columns = [
        spec("clicks", ColumnType::Counter),
        spec("page", ColumnType::Text),
        spec("views", ColumnType::Counter),
    ];
    let plan = <PageViews as DeserializeRow>::plan(&columns).unwrap();
    let clicks = cell(&5i64, &ColumnType::Counter);
    let page = cell(&"home".to_owned(), &ColumnType::Text);
    let views = cell(&Counter(9), &ColumnType::Counter);
    let cells = [Some(&clicks[..]), Some(&page[..]), Some(&views[..])];
    let row = PageViews::deserialize_row(&plan, &columns, &cells).unwrap();
    assert_eq!(
        (row.page.as_str(), row.views, row.clicks),
        ("home", Counter(9), 5)
    );

    // A missing column and a wrong type are found once, by the plan.
    assert!(<PageViews as DeserializeRow>::plan(&columns[..2]).is_err());
    let wrong = [
        spec("clicks", ColumnType::Counter),
        spec("page", ColumnType::Int),
        spec("views", ColumnType::Counter),
    ];
    assert!(<PageViews as DeserializeRow>::plan(&wrong).is_err());
    // A null in a non-Option field is an error, not a panic.
    let cells = [Some(&clicks[..]), None, Some(&views[..])];
    assert!(PageViews::deserialize_row(&plan, &columns, &cells).is_err());
}

#[test]
fn user_type_round_trip() {
    use ringbolt::protocol::{ColumnType, UdtType};
    use ringbolt::types::{DeserializeValue, SerializeValue};
    let typ = ColumnType::Udt(std::sync::Arc::new(UdtType {
        keyspace: "app".into(),
        name: "address".into(),
        fields: vec![
            ("zip_code".into(), ColumnType::Int),
            ("street".into(), ColumnType::Text),
            ("tags".into(), ColumnType::List(Box::new(ColumnType::Text))),
            ("added_later".into(), ColumnType::Int),
        ],
    }));
    let a = Address {
        street: "Main".into(),
        zip: Some(12345),
        tags: vec!["x".into()],
    };
    let mut out = Vec::new();
    a.serialize(&typ, &mut out).unwrap();
    <Address as DeserializeValue>::type_check(&typ).unwrap();
    let back = Address::deserialize(&typ, Some(&out[4..])).unwrap();
    assert_eq!(back, a);
    assert!(<Address as DeserializeValue>::type_check(&ColumnType::Text).is_err());
    for cut in 0..out.len() - 4 {
        // Truncated values are errors or (at a field boundary) nulls, never panics.
        let _ = Address::deserialize(&typ, Some(&out[4..4 + cut]));
    }
}
