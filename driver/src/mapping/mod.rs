//! The mapping layer: the traits and types that `#[derive(Table)]` and `#[derive(UserType)]`
//! code implements and calls.
//!
//! - [`Table`]: a struct's table: name, keyspace, columns with their [`CqlType`]s and roles,
//!   partition and clustering keys, and the `CREATE TABLE` / `CREATE TYPE` text.
//! - [`CqlTyped`]: the CQL type of a Rust type, known at compile time; a field whose type has
//!   none is a compile error on that type.
//! - [`UserTypeMeta`]: a user-defined type.
//! - [`Statement`]: CQL text with its bind values' type, its result type and whether it is
//!   idempotent, all fixed at compile time.
//! - [`Prepared`]: a statement prepared on a [`Session`](crate::session::Session)
//!   (`prepare_typed`), run with `execute_typed`, `fetch_all`, `fetch_optional`,
//!   `stream_typed` or, for lightweight transactions, `apply`; `execute_borrowed` takes the
//!   values borrowed ([`BindArgs`]: `&str` for `String`, `&[u8]` for `Vec<u8>`).
//!
//! ```
//! use ringbolt_driver::mapping::{CqlType, CqlTyped, Statement};
//!
//! // The CQL type of a Rust type, as derived code computes it for each field:
//! assert_eq!(<Option<Vec<String>> as CqlTyped>::CQL_TYPE.to_string(), "list<text>");
//!
//! // A typed statement: binding anything other than (i64, String) does not compile.
//! const INSERT: Statement<(i64, String), ()> =
//!     Statement::new("INSERT INTO users (id, name) VALUES (?, ?)", true, &[0]);
//! let bound = INSERT.bind((7, "ada".to_owned()));
//! assert!(bound.statement().is_idempotent());
//! ```

mod bind;
mod cql_type;
mod session;
mod statement;
mod table;
mod typed;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use bind::{BindArgs, BindAs};
pub use cql_type::{CqlType, UdtDef, UdtField};
pub use session::{FetchError, Prepared};
pub use statement::{routing_key, Applied, Bound, Statement};
pub use table::{create_table_cql, ClusteringOrder, ColumnDef, ColumnKind, Table};
pub use typed::{CqlTyped, UserTypeMeta, VecElement};
