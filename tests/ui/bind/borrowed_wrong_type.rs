use ringbolt::session::Session;
use ringbolt::Table;

#[derive(Table)]
struct File {
    #[partition_key]
    id: i64,
    name: String,
    data: Vec<u8>,
}

async fn save(session: &Session, name: &str, data: &[u8]) {
    let insert = session.prepare_typed(File::insert()).await.unwrap();
    // Borrowed forms bind (&str for String, &[u8] for Vec<u8>)...
    let _ = session.execute_borrowed(&insert, (7, name, data)).await;
    // ...but a blob does not bind where the statement expects text.
    let _ = session.execute_borrowed(&insert, (7, data, data)).await;
}

fn main() {
    let _ = save;
}
