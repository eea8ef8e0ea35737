use ringbolt::Table;

struct Money {
    cents: i64,
}

#[derive(Table)]
struct Account {
    #[partition_key]
    id: i32,
    balance: Money,
}

fn main() {}
