use ringbolt::UserType;

#[derive(UserType)]
#[user_type(name = "address", frozen = true)]
struct Address {
    street: String,
}

fn main() {}
