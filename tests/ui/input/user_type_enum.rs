use ringbolt::UserType;

#[derive(UserType)]
enum Address {
    Street(String),
}

fn main() {}
