use ringbolt::Table;

#[derive(Table)]
#[query(
    name = "write_both",
    cql = "BEGIN UNLOGGED BATCH INSERT INTO event (tenant, body) VALUES (?, ?); \
           DELETE FROM event WHERE tenant = ? APPLY BATCH"
)]
struct Event {
    #[partition_key]
    tenant: String,
    body: String,
}

fn main() {}
