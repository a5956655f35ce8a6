//! Helpers shared by the end-to-end tests: running the `aqua` binary and making scratch files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `aqua` binary built for these tests.
pub fn aqua(args: &[&str]) -> Output {
    aqua_command(args).output().expect("the aqua binary runs")
}

/// The `aqua` binary built for these tests with `args`, for a test that sets more (a directory,
/// pipes) before running it.
pub fn aqua_command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aqua"));
    command.args(args);
    command
}

/// The path of a file under `tests/data/<kind>/`.
pub fn data_file(kind: &str, name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data").join(kind).join(name);
    path.to_string_lossy().into_owned()
}

/// Writes `text` to a fresh file in a per-process temporary directory.
pub fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aqua-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("temporary file");
    path
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
