use ringbolt::UserType;

#[derive(UserType)]
struct Address {
    street: String,
    number: u16,
}

fn main() {}
