//! The standard library sources embedded in the binary, and the import paths that name them.
//!
//! Every file of aqua-lib 0.10.2 (`builtin`, `math`, `subnet`, `workers`) is declared in our own
//! `stdlib/`: `import "@fluencelabs/aqua-lib/NAME.aqua"` (with or without `.aqua`) resolves here
//! before any file system lookup, so real programs compile unchanged. Inside an embedded file,
//! a relative path such as "./builtin.aqua" names another embedded file.

/// The prefix of the embedded files' module keys.
pub const KEY_PREFIX: &str = "stdlib:";

/// The embedded files: their module key and source.
pub const FILES: [(&str, &str); 4] = [
    ("stdlib:builtin.aqua", include_str!("../../../stdlib/builtin.aqua")),
    ("stdlib:math.aqua", include_str!("../../../stdlib/math.aqua")),
    ("stdlib:subnet.aqua", include_str!("../../../stdlib/subnet.aqua")),
    ("stdlib:workers.aqua", include_str!("../../../stdlib/workers.aqua")),
];

/// The key and source of the embedded file an import path names, if any. `from` is the key of
/// the importing module: an embedded file imports its siblings by relative path.
pub fn lookup(from: &str, path: &str) -> Option<(&'static str, &'static str)> {
    let name = match path.strip_prefix("@fluencelabs/aqua-lib/") {
        Some(name) => name,
        None if from.starts_with(KEY_PREFIX) => path.strip_prefix("./")?,
        None => return None,
    };
    let name = name.strip_suffix(".aqua").unwrap_or(name);
    FILES.iter().copied().find(|(key, _)| {
        key.strip_prefix(KEY_PREFIX).and_then(|file| file.strip_suffix(".aqua")) == Some(name)
    })
}
