use ringbolt::mapping::Statement;
use ringbolt::Table;

#[derive(Table)]
struct Event {
    #[partition_key]
    tenant: String,
    body: String,
}

#[derive(Table)]
struct Other {
    #[partition_key]
    tenant: String,
}

fn main() {
    let _: Statement<(String,), Other> = Event::get();
}
