//! `aqua parse`: prints the syntax tree of one file.

use std::process::ExitCode;

use crate::cli::{ColorChoice, ParseArgs};

/// Runs `aqua parse`.
pub fn run(_args: &ParseArgs, _color: ColorChoice) -> ExitCode {
    ExitCode::from(2)
}
