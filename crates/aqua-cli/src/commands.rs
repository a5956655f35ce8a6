//! Dispatch from parsed arguments to the command that runs them.

mod air;
mod air_map;
mod air_run;
mod budget;
mod check;
mod compile;
mod fmt;
mod input;
mod legacy;
mod lsp;
mod parse;
mod report;
mod run;
mod service;

use std::process::ExitCode;

use crate::cli::{AirCommand, Cli, Command, ServiceCommand};

/// Runs the command named on the command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let color = cli.color;
    match cli.command {
        Command::Parse(args) => parse::run(&args, color),
        Command::Check(args) => check::run(&args, color),
        Command::Compile(args) => compile::run(&args, color),
        Command::Fmt(args) => fmt::run(&args, color),
        Command::Lsp => lsp::run(),
        Command::Air(AirCommand::Fmt(args)) => air::fmt(&args, color),
        Command::Air(AirCommand::Check(args)) => air::check(&args, color),
        Command::Air(AirCommand::Run(args)) => air_run::run(&args, color),
        Command::Run(args) => run::run(&args, color),
        Command::Service(ServiceCommand::FromWasm(args)) => service::from_wasm(&args),
    }
}
