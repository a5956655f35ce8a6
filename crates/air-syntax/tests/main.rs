//! The air-syntax integration tests, in one binary.

// Tests read their fixtures and the environment; the IO ban of `clippy.toml` is for library code.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

mod errors;
mod examples;
mod props;
