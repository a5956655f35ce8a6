//! Hosts WebAssembly components as Aqua services.
//!
//! A component's exported functions are the service's functions. Calls cross the boundary as a
//! Fluence peer's services do: a function name and JSON arguments in, a JSON result or a failure
//! out. Arguments and results are converted by the function's declared component types (bool,
//! integers, floats, string, `list` ↔ `[]T`, `option` ↔ `?T`, `record` ↔ `data`). Traps, fuel or
//! memory exhaustion and conversion errors become failures with a readable message; they never
//! take the host down.
//!
//! This crate does no file IO: callers hand it the bytes of a `.wasm` or `.wat` file.

// Library code never panics on input and never prints: errors are values (tests may unwrap).
#![deny(missing_docs, clippy::unwrap_used, clippy::expect_used)]
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod convert;
mod declaration;
mod error;
mod service;
mod types;

pub use declaration::{
    AquaFunction, AquaInterface, DeclarationMismatch, ExpectedFunction, aqua_declaration,
    aqua_interface, check_declaration,
};
pub use error::{CallError, LoadError};
pub use service::{Limits, WasmService};
pub use types::{FunctionSignature, ServiceType};
