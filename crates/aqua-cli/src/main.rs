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
    end_quietly_when_output_closes();
    let cli = cli::Cli::parse();
    commands::run(cli)
}

/// A reader that closes standard output early (`aqua parse big.aqua | head`) ends the process
/// as it ends `cat`, by SIGPIPE. Rust starts programs with SIGPIPE ignored, so every later print
/// would fail with "Broken pipe" and `println!` would panic.
#[cfg(unix)]
#[allow(unsafe_code)] // One libc call; std offers no safe way to restore the default.
fn end_quietly_when_output_closes() {
    // SAFETY: `signal` with a valid signal number and `SIG_DFL` only changes this process's
    // disposition of SIGPIPE, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Elsewhere a closed pipe is an ordinary write error.
#[cfg(not(unix))]
fn end_quietly_when_output_closes() {}
