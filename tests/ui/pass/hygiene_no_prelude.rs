#![no_implicit_prelude]

#[derive(::ringbolt::UserType)]
struct Tag {
    label: ::std::string::String,
}

#[derive(::ringbolt::Table)]
#[query(name = "by_id", cql = "SELECT * FROM item WHERE id = ? LIMIT ?", idempotent = true)]
struct Item {
    #[partition_key]
    id: i64,
    #[clustering_key]
    version: i32,
    #[static_column]
    owner: ::std::option::Option<::std::string::String>,
    tags: ::std::vec::Vec<Tag>,
    #[skip]
    cache: ::std::vec::Vec<u8>,
}

#[derive(::ringbolt::Table)]
struct Hits {
    #[partition_key]
    id: i64,
    #[counter]
    n: i64,
}

fn main() {
    let _ = Item::insert();
    let _ = Item::by_id();
    let _ = Hits::increment();
}
