//! The `aqua` binary: parses arguments and dispatches to one command module.

mod cli;
mod commands;
mod render;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: the VM allocates and frees many small values on every step (about 20% faster runs
/// than the system allocator in `cargo bench -p air-network --bench network`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    commands::run(cli)
}
