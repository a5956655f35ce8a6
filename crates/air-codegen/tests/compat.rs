//! Compatibility programs (`tests/compat/*.aqua`): our own small programs, one per gap found by
//! running real Aqua through the reference compiler. Each checks without errors or warnings and
//! compiles to valid AIR; the AIR of every exported function is snapshotted.

use std::path::{Path, PathBuf};

use air_codegen::Options;
use aqua_typecheck::SourceLoader;

use crate::support::data_dir;

/// Reads files from disk (tests only).
struct FsLoader;

impl SourceLoader for FsLoader {
    fn load(&mut self, path: &Path) -> Option<String> {
        std::fs::read_to_string(path).ok()
    }
}

/// The directory of the compatibility programs.
pub fn compat_dir() -> PathBuf {
    data_dir().join("compat")
}

/// The compatibility programs, sorted by name.
pub fn compat_stems() -> Vec<String> {
    let mut stems: Vec<String> = std::fs::read_dir(compat_dir())
        .expect("tests/compat exists")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".aqua").map(str::to_owned))
        .collect();
    stems.sort();
    stems
}

/// Checks and compiles a compatibility program; panics with the diagnostics on any problem.
pub fn compile_compat(stem: &str, options: &Options) -> Vec<air_codegen::CompiledFunction> {
    let path = compat_dir().join(format!("{stem}.aqua"));
    let checked =
        aqua_typecheck::check(&path, None, &mut FsLoader, &aqua_typecheck::Options::default());
    assert!(checked.is_ok(), "{stem} has errors: {:?} {:?}", checked.syntax_errors, checked.errors);
    assert!(checked.warnings.is_empty(), "{stem} has warnings: {:?}", checked.warnings);
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

#[test]
fn every_compat_program_compiles_to_valid_air() {
    let stems = compat_stems();
    assert!(stems.len() >= 5, "only {} programs in tests/compat", stems.len());
    for stem in stems {
        let mut document = String::new();
        for function in compile_compat(&stem, &Options::default()) {
            document.push_str(&format!(";; ==== function {}\n", function.meta.name));
            document.push_str(&air_syntax::print_pretty(&function.air));
            document.push('\n');
        }
        insta::assert_snapshot!(format!("compat-{stem}"), document);
    }
}

/// A chain of `n` functions, each calling the one before it; the last is exported.
fn call_chain(n: usize) -> String {
    let mut source = format!(
        "aqua Chain declares *\n\nexport f{last}\n\nservice Srv(\"srv\"):\n  get(x: string) -> string\n\nfunc f0(x: string) -> string:\n  r <- Srv.get(x)\n  <- r\n",
        last = n - 1
    );
    for i in 1..n {
        source.push_str(&format!(
            "\nfunc f{i}(x: string) -> string:\n  r <- f{}(x)\n  <- r\n",
            i - 1
        ));
    }
    source
}

#[test]
fn a_long_chain_of_calls_is_inlined_whatever_its_length() {
    // Inlining depth is bounded by the program (its functions and closures), not by a constant.
    for n in [300, 2000] {
        let mut loader = aqua_typecheck::MemoryLoader::new();
        loader.add("chain.aqua", call_chain(n));
        let checked = aqua_typecheck::check(
            Path::new("chain.aqua"),
            None,
            &mut loader,
            &aqua_typecheck::Options::default(),
        );
        assert!(checked.is_ok(), "{n}: {:?}", checked.errors);
        let compiled = air_codegen::compile(&checked.program, &Options::default())
            .unwrap_or_else(|error| panic!("{n} functions: {error}"));
        let text = air_syntax::print_pretty(&compiled[0].air);
        assert_eq!(text.matches("(\"srv\" \"get\")").count(), 1, "{n}: one service call");
        assert!(air_syntax::parse_and_validate(&text).is_ok(), "{n}: valid AIR");
    }
}
