//! Loading, checking and compiling the Aqua files of the repository (tests only).

use std::path::{Path, PathBuf};

use aqua_client::ClientModule;
use aqua_typecheck::SourceLoader;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Reads files from disk.
struct FsLoader;

impl SourceLoader for FsLoader {
    fn load(&mut self, path: &Path) -> Result<String, aqua_typecheck::LoadError> {
        Ok(std::fs::read_to_string(path)?)
    }
}

/// The `.aqua` files of a folder of the repository, sorted.
pub fn aqua_files(folder: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(folder))
        .unwrap_or_else(|e| panic!("{folder}: {e}"))
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "aqua"))
        .collect();
    files.sort();
    files
}

/// Checks and compiles a file and describes its client side; `None` when our checker rejects it.
pub fn client_module(path: &Path) -> Option<ClientModule> {
    let checked =
        aqua_typecheck::check(path, None, &mut FsLoader, &aqua_typecheck::Options::default());
    if !checked.is_ok() {
        return None;
    }
    let compiled = air_codegen::compile(&checked.program, &air_codegen::Options::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(
        aqua_client::describe(&checked.program, &compiled)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
}
