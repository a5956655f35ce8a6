//! The air-syntax integration tests, in one binary.

mod errors;
mod examples;
mod props;
