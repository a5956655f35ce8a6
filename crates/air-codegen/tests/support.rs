//! Shared helpers: loading the example programs of `tests/data/aqua` and compiling them.

use std::path::{Path, PathBuf};

use air_codegen::{CompiledFunction, Options};
use aqua_typecheck::{ConstOverride, SourceLoader};

/// The repository's test data.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests")
}

/// Reads files from disk (tests only).
pub struct FsLoader;

impl SourceLoader for FsLoader {
    fn load(&mut self, path: &Path) -> Result<String, aqua_typecheck::LoadError> {
        Ok(std::fs::read_to_string(path)?)
    }
}

/// The example programs, sorted, without the one the checker rejects.
pub fn example_stems() -> Vec<String> {
    let mut stems: Vec<String> = std::fs::read_dir(data_dir().join("data/aqua"))
        .expect("tests/data/aqua exists")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".aqua").map(str::to_owned))
        .filter(|stem| stem != "36-compile-errors")
        .collect();
    stems.sort();
    stems
}

/// Checks and compiles an example with options and `--const` overrides.
pub fn compile_example(stem: &str, options: &Options, constants: &[&str]) -> Vec<CompiledFunction> {
    let path = data_dir().join(format!("data/aqua/{stem}.aqua"));
    let constants =
        constants.iter().map(|c| ConstOverride::parse(c).expect("valid override")).collect();
    let check_options = aqua_typecheck::Options { import_roots: Vec::new(), constants };
    let checked = aqua_typecheck::check(&path, None, &mut FsLoader, &check_options);
    assert!(checked.is_ok(), "{stem} has errors: {:?}", checked.errors);
    let compiled = air_codegen::compile(&checked.program, options)
        .unwrap_or_else(|error| panic!("{stem}: {error}"));
    for function in &compiled {
        let text = air_syntax::print_pretty(&function.air);
        if let Err(error) = air_syntax::parse_and_validate(&text) {
            panic!("{stem}.{}: invalid AIR {error:?}\n{text}", function.meta.name);
        }
    }
    compiled
}

/// Checks an example with default options.
pub fn check_example(stem: &str) -> aqua_typecheck::tast::Program {
    let path = data_dir().join(format!("data/aqua/{stem}.aqua"));
    let checked =
        aqua_typecheck::check(&path, None, &mut FsLoader, &aqua_typecheck::Options::default());
    assert!(checked.is_ok(), "{stem} has errors");
    checked.program
}

/// Checks an example and compiles one call expression.
pub fn compile_example_call(stem: &str, call: &str) -> CompiledFunction {
    let path = data_dir().join(format!("data/aqua/{stem}.aqua"));
    let checked =
        aqua_typecheck::check(&path, None, &mut FsLoader, &aqua_typecheck::Options::default());
    air_codegen::compile_call(&checked.program, call, &Options::default()).expect("call compiles")
}

/// Our pretty AIR for `function` of example `stem`, compiled with the reference's option string
/// (`--noXor`, `--noRelay`, `--tracing`, `--noEmptyResponse=false`, `--const=…`, `--funcCall=…`),
/// as the conformance scenarios and the reference's `.air` headers spell them.
pub fn our_air_for(stem: &str, function: &str, flags: &str) -> Option<String> {
    if let Some(call) = flags.strip_prefix("--funcCall=") {
        let call = call.split(" --data").next().unwrap_or(call);
        return Some(air_syntax::print_pretty(&compile_example_call(stem, call).air));
    }
    let options = Options {
        no_xor: flags.contains("--noXor"),
        no_relay: flags.contains("--noRelay"),
        tracing: flags.contains("--tracing"),
        empty_response: flags.contains("--noEmptyResponse=false"),
    };
    let constants: Vec<&str> = flags.strip_prefix("--const=").into_iter().collect();
    let compiled = compile_example(stem, &options, &constants);
    let function = compiled.iter().find(|f| f.meta.name == function)?;
    Some(air_syntax::print_pretty(&function.air))
}
