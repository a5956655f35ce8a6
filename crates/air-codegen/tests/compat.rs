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
    fn load(&mut self, path: &Path) -> Result<String, aqua_typecheck::LoadError> {
        Ok(std::fs::read_to_string(path)?)
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

/// A summary's calls with error objects' `instruction` removed: it is the text of the failing
/// AIR instruction, so it names each compiler's own variables.
fn comparable_calls(summary: &serde_json::Value) -> serde_json::Value {
    let mut summary = summary.clone();
    for call in summary["calls"].as_array_mut().into_iter().flatten() {
        for arg in call["args"].as_array_mut().into_iter().flatten() {
            if let Some(object) = arg.as_object_mut() {
                object.remove("instruction");
                // A rethrown error quotes the error object it wraps, instruction included.
                if let Some(serde_json::Value::String(message)) = object.get_mut("message") {
                    *message = without_quoted_instructions(message);
                }
            }
        }
    }
    summary
}

/// `message` without the `"instruction":"…",` members of the error objects it quotes.
fn without_quoted_instructions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find("\"instruction\":\"") {
        out.push_str(&rest[..start]);
        let value = &rest[start + "\"instruction\":\"".len()..];
        // The value ends at the first quote not escaped by a backslash.
        let mut escaped = false;
        let end = value.char_indices().find(|&(_, c)| {
            let closes = c == '"' && !escaped;
            escaped = c == '\\' && !escaped;
            closes
        });
        let Some((end, _)) = end else { return message.to_owned() };
        rest = value[end + 1..].strip_prefix(',').unwrap_or(&value[end + 1..]);
    }
    out.push_str(rest);
    out
}

/// Runs one recorded scenario with our AIR; a description of the difference, if any.
fn behaviour_difference(name: &str) -> Option<String> {
    use air_network::scenario::{Scenario, compare_calls, run_scenario};
    let dir = compat_dir().join("scenarios");
    let read = |file: String| -> Result<serde_json::Value, String> {
        let text = std::fs::read_to_string(dir.join(&file)).map_err(|e| format!("{file}: {e}"))?;
        serde_json::from_str(&text).map_err(|e| format!("{file} is not JSON: {e}"))
    };
    let (mut scenario, expected) =
        match (read(format!("{name}.json")), read(format!("{name}.expected.json"))) {
            (Ok(scenario), Ok(expected)) => (scenario, expected),
            (Err(error), _) | (_, Err(error)) => return Some(error),
        };
    let stem = scenario["source"].as_str().and_then(|s| s.strip_suffix(".aqua"))?.to_owned();
    let function = scenario["function"].as_str()?.to_owned();
    let compiled = compile_compat(&stem, &Options::default());
    let Some(ours) = compiled.iter().find(|f| f.meta.name == function) else {
        return Some(format!("{name}: no function {function} in {stem}"));
    };
    scenario["air"] = serde_json::Value::String(air_syntax::print_pretty(&ours.air));
    let parsed = match Scenario::from_json(&scenario.to_string()) {
        Ok(parsed) => parsed,
        Err(error) => return Some(format!("{name}: {error}")),
    };
    let summary: serde_json::Value = match serde_json::from_str(&run_scenario(&parsed).to_json()) {
        Ok(summary) => summary,
        Err(error) => return Some(format!("{name}: our summary is not JSON: {error}")),
    };
    if let Err(difference) =
        compare_calls(&comparable_calls(&expected), &comparable_calls(&summary))
    {
        return Some(format!("{name}: {difference}"));
    }
    if summary["errors"] != expected["errors"] {
        return Some(format!(
            "{name}: errors {} (AquaVM: {})",
            summary["errors"], expected["errors"]
        ));
    }
    let (hops, reference_hops) = (summary["hops"].as_u64(), expected["hops"].as_u64());
    if hops > reference_hops {
        return Some(format!("{name}: {hops:?} hops, the reference's AIR {reference_hops:?}"));
    }
    None
}

#[test]
fn compat_programs_behave_as_the_reference_on_aquavm() {
    // `tests/compat/record.py` ran the reference compiler's AIR on Fluence's AquaVM; our AIR on
    // our VM must make the same calls and errors, in no more hops.
    let mut names: Vec<String> = std::fs::read_dir(compat_dir().join("scenarios"))
        .expect("tests/compat/scenarios exists")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".json") && !name.ends_with(".expected.json"))
        .map(|name| name.trim_end_matches(".json").to_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 10, "only {} scenarios in tests/compat/scenarios", names.len());
    let failures: Vec<String> =
        names.iter().filter_map(|name| behaviour_difference(name)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}
