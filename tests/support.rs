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

/// Where this test process keeps its scratch files: a folder of its own under cargo's temporary
/// folder for tests (`target/tmp`), never the system's, removed when the process exits.
fn scratch_root() -> &'static Path {
    SCRATCH_ROOT.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("aqua-tests-{}", std::process::id()));
        std::fs::create_dir_all(&root).expect("the scratch folder is created");
        remove_scratch_at_exit();
        root
    })
}

static SCRATCH_ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Has the scratch folder removed when the test process exits (the harness gives no hook after
/// the last test, and a static is never dropped).
#[cfg(unix)]
#[allow(unsafe_code)] // One libc call, as the binary's own SIGPIPE reset.
fn remove_scratch_at_exit() {
    extern "C" fn remove_scratch() {
        if let Some(root) = SCRATCH_ROOT.get() {
            let _ = std::fs::remove_dir_all(root);
        }
    }
    // SAFETY: `remove_scratch` is a plain function that touches only the initialised static.
    unsafe {
        libc::atexit(remove_scratch);
    }
}

/// Elsewhere the folder stays, under `target/tmp`, for `cargo clean` to remove.
#[cfg(not(unix))]
fn remove_scratch_at_exit() {}

/// A path named `name` in the scratch folder, for a test to create (the name must be unique
/// among the tests: they run in parallel).
pub fn scratch_path(name: &str) -> PathBuf {
    scratch_root().join(name)
}

/// Writes `text` to a fresh file named `name` in the scratch folder.
pub fn temp_file(name: &str, text: &str) -> PathBuf {
    let path = scratch_path(name);
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
