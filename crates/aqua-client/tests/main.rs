//! Integration tests of aqua-client: our `FunctionCallDef`s and `ServiceDef`s equal the
//! reference compiler's (stored in `tests/data/client-defs/`), and snapshots of generated code.

#![allow(clippy::disallowed_methods)] // Tests read their fixtures from disk.
#![allow(clippy::disallowed_macros)] // The defs test prints how many definitions matched.

mod defs;
mod generated;
mod support;
