//! The standard library sources embedded in the binary, and the import paths that name them.
//!
//! `import "@fluencelabs/aqua-lib/builtin.aqua"` and `.../math.aqua` (with or without `.aqua`)
//! resolve here before any file system lookup, so real programs compile unchanged.

/// `stdlib/builtin.aqua`: the services every Fluence peer provides.
pub const BUILTIN: &str = include_str!("../../../stdlib/builtin.aqua");

/// `stdlib/math.aqua`: the `math`, `cmp` and `array` services.
pub const MATH: &str = include_str!("../../../stdlib/math.aqua");

/// The embedded files: their module key and source.
pub const FILES: [(&str, &str); 2] = [("stdlib:builtin.aqua", BUILTIN), ("stdlib:math.aqua", MATH)];

/// The key and source of the embedded file an import path names, if any.
pub fn lookup(path: &str) -> Option<(&'static str, &'static str)> {
    let name = path.strip_prefix("@fluencelabs/aqua-lib/")?;
    let name = name.strip_suffix(".aqua").unwrap_or(name);
    match name {
        "builtin" => Some(FILES[0]),
        "math" => Some(FILES[1]),
        _ => None,
    }
}
