//! `#[derive(Table)]` and `#[derive(UserType)]` for Ringbolt.
