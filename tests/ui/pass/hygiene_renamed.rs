#![no_implicit_prelude]

extern crate ringbolt as rb;

#[derive(rb::UserType)]
#[user_type(crate = rb)]
struct Tag {
    label: ::std::string::String,
}

#[derive(rb::Table)]
#[table(crate = rb, name = "items")]
#[table(query(name = "newest", cql = "SELECT * FROM items WHERE id = ? ORDER BY version DESC"))]
struct Item {
    #[partition_key]
    id: i64,
    #[clustering_key]
    version: i32,
    tags: ::std::vec::Vec<Tag>,
}

fn main() {
    let _: rb::mapping::Statement<(i64,), Item> = Item::newest();
    let _ = <Item as rb::mapping::Table>::create_table_cql();
}
