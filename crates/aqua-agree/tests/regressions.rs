//! Disagreements the random programs found, fixed: each `tests/data/agree/NAME.aqua` (the shrunk
//! program) comes with `NAME.json` (its scenario, with the reference compiler's AIR) and
//! `NAME.expected.json` (Fluence's AquaVM's run of that AIR), written by
//! `cargo run -p aqua-agree --example agree -- --programs 1 --seed S --record tests/data/agree/NAME`.
//! No Node.js needed: the reference AIR must run on our VM exactly as on AquaVM, and our
//! compiler's AIR must make the same calls (see `aqua_agree::compare`), unless the program says
//! why not (`REFERENCE_AIR_ONLY`). Hand-written cases come from `--from FILE.aqua --record STEM`.

#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use aqua_agree::{ENTRY, compare, ours};
use serde_json::Value;

/// A case whose program runs differently with our AIR, for a documented reason
/// (docs/differences.md), says so with this line: only the reference AIR is checked.
const REFERENCE_AIR_ONLY: &str = "-- Only the reference AIR is compared";

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/agree")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn fixed_disagreements_stay_fixed() {
    let mut names: Vec<String> = std::fs::read_dir(cases_dir())
        .expect("tests/data/agree")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".aqua").map(str::to_owned))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no cases in tests/data/agree");
    let mut problems = Vec::new();
    for name in &names {
        let dir = cases_dir();
        let source = read(&dir.join(format!("{name}.aqua")));
        let scenario = json(&dir.join(format!("{name}.json")));
        let expected = json(&dir.join(format!("{name}.expected.json")));
        assert!(
            expected["calls"].as_array().is_some_and(|calls| !calls.is_empty()),
            "{name}.expected.json records no calls"
        );
        let on_our_vm = ours::run(&scenario).expect("the scenario runs");
        problems.extend(
            compare::same_air("the reference AIR on our VM", &expected, &on_our_vm)
                .into_iter()
                .map(|p| format!("{name}: {p}")),
        );
        if source.contains(REFERENCE_AIR_ONLY) {
            continue;
        }
        let compiled = ours::compile(&source);
        assert!(compiled.errors.is_empty(), "{name}: {:?}", compiled.errors);
        let mut ours_scenario = scenario.clone();
        ours_scenario["air"] = Value::String(compiled.functions[ENTRY].clone());
        let our_air = ours::run(&ours_scenario).expect("the scenario runs");
        problems.extend(
            compare::across_compilers(&expected, &our_air)
                .into_iter()
                .map(|p| format!("{name}: {}", p.replace("AquaVM", "our VM"))),
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
