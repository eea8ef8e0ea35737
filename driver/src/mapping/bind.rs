//! What a typed statement accepts as its bind values: its own `Args`, or the same values
//! borrowed (`&str` for a `String` column, `&[u8]` for a `Vec<u8>` one, `&T` for any `T`), so
//! binding never forces the application to allocate owned copies.

use crate::types::{SerializeRow, SerializeValue};

/// `Self` binds where a statement expects a `T`, with the same CQL encoding: `T` itself,
/// `&T`, `&str` for `String`, `&[E]` for `Vec<E>`.
///
/// ```
/// use ringbolt_driver::mapping::BindAs;
/// fn binds_as<T, V: BindAs<T>>(_: V) {}
/// binds_as::<String, _>("ada");
/// binds_as::<Vec<u8>, _>(&b"blob"[..]);
/// binds_as::<i64, _>(7);
/// binds_as::<i64, _>(&7_i64);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be bound where the statement expects `{T}`",
    label = "expected `{T}` here (or `&{T}`)",
    note = "a typed statement binds exactly its own types, or borrowed forms of them: `&T` for `T`, `&str` for `String`, `&[E]` for `Vec<E>`"
)]
pub trait BindAs<T: ?Sized>: SerializeValue {}

impl<T: SerializeValue> BindAs<T> for T {}
impl<T: SerializeValue> BindAs<T> for &T {}
impl BindAs<String> for &str {}
impl<E> BindAs<Vec<E>> for &[E]
where
    Vec<E>: SerializeValue,
    [E]: SerializeValue,
{
}

/// Bind values for a typed statement whose values are `Args`: `Args` itself, or a tuple whose
/// every element [`BindAs`] the statement's element at the same position. Implemented for
/// `()` and tuples of up to 16 elements.
///
/// ```
/// use ringbolt_driver::mapping::BindArgs;
/// fn binds<Args, V: BindArgs<Args>>(_: V) {}
/// // A statement of (i64, Vec<u8>) takes the blob borrowed: no Vec per request.
/// binds::<(i64, Vec<u8>), _>((7, &b"blob"[..]));
/// binds::<(String, i32), _>(("ada", 36));
/// binds::<(), _>(());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be bound where the statement expects `{Args}`",
    label = "expected `{Args}` (or its values borrowed)",
    note = "a typed statement binds exactly its own types, or borrowed forms of them: `&T` for `T`, `&str` for `String`, `&[E]` for `Vec<E>`"
)]
pub trait BindArgs<Args>: SerializeRow {}

impl BindArgs<()> for () {}

macro_rules! bind_args {
    ($($V:ident $T:ident),+) => {
        impl<$($V: BindAs<$T>, $T),+> BindArgs<($($T,)+)> for ($($V,)+) {}
    };
}

bind_args!(V0 T0);
bind_args!(V0 T0, V1 T1);
bind_args!(V0 T0, V1 T1, V2 T2);
bind_args!(V0 T0, V1 T1, V2 T2, V3 T3);
bind_args!(V0 T0, V1 T1, V2 T2, V3 T3, V4 T4);
bind_args!(V0 T0, V1 T1, V2 T2, V3 T3, V4 T4, V5 T5);
bind_args!(V0 T0, V1 T1, V2 T2, V3 T3, V4 T4, V5 T5, V6 T6);
bind_args!(V0 T0, V1 T1, V2 T2, V3 T3, V4 T4, V5 T5, V6 T6, V7 T7);
bind_args!(V0 T0, V1 T1, V2 T2, V3 T3, V4 T4, V5 T5, V6 T6, V7 T7, V8 T8);
bind_args!(V0 T0, V1 T1, V2 T2, V3 T3, V4 T4, V5 T5, V6 T6, V7 T7, V8 T8, V9 T9);
bind_args!(V0 T0, V1 T1, V2 T2, V3 T3, V4 T4, V5 T5, V6 T6, V7 T7, V8 T8, V9 T9, V10 T10);
bind_args!(V0 T0, V1 T1, V2 T2, V3 T3, V4 T4, V5 T5, V6 T6, V7 T7, V8 T8, V9 T9, V10 T10,
    V11 T11);
bind_args!(V0 T0, V1 T1, V2 T2, V3 T3, V4 T4, V5 T5, V6 T6, V7 T7, V8 T8, V9 T9, V10 T10,
    V11 T11, V12 T12);
bind_args!(V0 T0, V1 T1, V2 T2, V3 T3, V4 T4, V5 T5, V6 T6, V7 T7, V8 T8, V9 T9, V10 T10,
    V11 T11, V12 T12, V13 T13);
bind_args!(V0 T0, V1 T1, V2 T2, V3 T3, V4 T4, V5 T5, V6 T6, V7 T7, V8 T8, V9 T9, V10 T10,
    V11 T11, V12 T12, V13 T13, V14 T14);
bind_args!(V0 T0, V1 T1, V2 T2, V3 T3, V4 T4, V5 T5, V6 T6, V7 T7, V8 T8, V9 T9, V10 T10,
    V11 T11, V12 T12, V13 T13, V14 T14, V15 T15);
