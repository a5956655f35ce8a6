//! Hints for the flags of Fluence's `aqua` CLI, which users bring along: each names what to write
//! here instead, and the command exits 2 without running.

use std::process::ExitCode;

use crate::cli::{CompileArgs, RunArgs};

/// Refuses `aqua compile` with the reference CLI's `-i/--input`, saying what to write instead.
pub(crate) fn check_compile(args: &CompileArgs) -> Result<(), ExitCode> {
    if let Some(input) = args.old_input.first() {
        return hint(&format!(
            "`-i/--input` is not needed: give the sources as arguments, \
             e.g. `aqua compile {} -o OUT`",
            input.display()
        ));
    }
    Ok(())
}

/// Refuses `aqua run` with the reference CLI's `-i/--input`, `--addr` or `--data-path`.
pub(crate) fn check_run(args: &RunArgs) -> Result<(), ExitCode> {
    if let Some(input) = &args.old_input {
        return hint(&format!(
            "`-i/--input` is not needed: give the file as an argument, \
             e.g. `aqua run {} -f 'f()'`",
            input.display()
        ));
    }
    if args.old_addr.is_some() {
        return hint(
            "`--addr` is not supported: `aqua run` runs on simulated peers (describe them with \
             `--network FILE`); to call a real Fluence network, compile to TypeScript with \
             `aqua compile --target ts` and call the function with js-client",
        );
    }
    if let Some(path) = &args.old_data_path {
        return hint(&format!(
            "`--data-path` is spelled `--data-file` here: `--data-file {}`",
            path.display()
        ));
    }
    Ok(())
}

fn hint(message: &str) -> Result<(), ExitCode> {
    eprintln!("error: {message}");
    Err(ExitCode::from(2))
}
