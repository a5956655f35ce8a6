//! `aqua air fmt` and `aqua air check`.

use std::process::ExitCode;

use crate::cli::{AirCheckArgs, AirFmtArgs, ColorChoice};

/// Runs `aqua air fmt`.
pub fn fmt(_args: &AirFmtArgs, _color: ColorChoice) -> ExitCode {
    eprintln!("error: `aqua air fmt` is not available yet");
    ExitCode::from(2)
}

/// Runs `aqua air check`.
pub fn check(_args: &AirCheckArgs, _color: ColorChoice) -> ExitCode {
    eprintln!("error: `aqua air check` is not available yet");
    ExitCode::from(2)
}
