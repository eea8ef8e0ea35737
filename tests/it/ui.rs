//! Compile-fail cases of `#[derive(Table)]` / `#[derive(UserType)]`, with their messages
//! (`tests/ui/<category>/*.stderr`), and cases that must compile (`tests/ui/pass`).
//! Regenerate snapshots with `TRYBUILD=overwrite cargo test --test it ui` and read each one.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    for category in ["input", "attributes", "keys", "types", "query", "bind"] {
        t.compile_fail(format!("tests/ui/{category}/*.rs"));
    }
    t.pass("tests/ui/pass/*.rs");
}
