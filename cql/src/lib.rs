//! A parser for the CQL that Ringbolt checks at compile time and `ringbolt-sim` executes.
