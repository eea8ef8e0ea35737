use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;

use ringbolt::mapping::{Applied, Statement, Table};
use ringbolt::types::{Counter, CqlDuration};
use ringbolt::{Table, UserType};

#[derive(UserType)]
struct Point {
    x: f64,
    y: f64,
}

#[derive(UserType)]
#[user_type(name = "place", keyspace = "geo")]
struct Place {
    name: String,
    #[field(name = "location")]
    at: Point,
    #[skip]
    note: String,
}

#[derive(Table)]
#[table(keyspace = "geo")]
#[query(
    name = "nearby",
    cql = "SELECT name, visits FROM checkin WHERE user_id = ? AND at >= ? AND at < ? LIMIT ?"
)]
#[query(name = "forget", cql = "DELETE tags[?] FROM checkin WHERE user_id = ? AND at = ? IF EXISTS")]
struct Checkin {
    #[partition_key]
    #[column(name = "user_id")]
    user: uuid::Uuid,
    #[clustering_key(desc)]
    at: chrono::DateTime<chrono::Utc>,
    name: String,
    visits: i16,
    level: i8,
    score: f32,
    active: bool,
    photo: bytes::Bytes,
    day: chrono::NaiveDate,
    time: chrono::NaiveTime,
    origin: IpAddr,
    stay: CqlDuration,
    tags: HashMap<String, i32>,
    labels: BTreeSet<String>,
    pair: (i32, String),
    place: Option<Place>,
    route: Vec<Point>,
}

#[derive(Table)]
struct Likes {
    #[partition_key]
    post: i64,
    #[partition_key]
    shard: i8,
    #[counter]
    likes: i64,
    dislikes: Counter,
}

fn main() {
    let _: Statement<(uuid::Uuid, chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>, i32), (String, i16)> =
        Checkin::nearby();
    let _: Statement<(String, uuid::Uuid, chrono::DateTime<chrono::Utc>), Applied> = Checkin::forget();
    let _: Statement<(i64, i64, i64, i8), ()> = Likes::increment();
    let _ = Likes::decrement().bind((1, 2, 3, 4));
    let _ = Checkin::create_table_cql();
    let _ = Likes::qualified_name();
}
