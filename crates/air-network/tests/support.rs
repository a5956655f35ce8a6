//! Helpers shared by the air-network integration tests: running scenarios.

#![allow(dead_code)]
#![allow(clippy::disallowed_methods)] // Tests read the scenario files.

use std::path::{Path, PathBuf};

use air_network::scenario::{Scenario, Summary, run_scenario};

/// Runs a scenario given as JSON text.
pub fn run_json(text: &str) -> Summary {
    let scenario = Scenario::from_json(text).expect("valid scenario");
    run_scenario(&scenario)
}

/// The folder of the conformance suites.
pub fn conformance_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance")
}

/// The scenarios of one folder (not its expectations), by path, in name order.
pub fn scenarios_in(dir: &Path) -> Vec<(String, Scenario)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the conformance folder")
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            name.ends_with(".json") && !name.ends_with(".expected.json")
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a readable scenario");
            let scenario = Scenario::from_json(&text).expect("a valid scenario");
            (path.display().to_string(), scenario)
        })
        .collect()
}

/// Every scenario of the reference suite, the hand-written `extra/` scenarios and the bundled
/// examples.
pub fn all_suites() -> Vec<(String, Scenario)> {
    let dir = conformance_dir();
    let mut all = Vec::new();
    for sub in [dir.clone(), dir.join("extra"), dir.join("examples")] {
        all.extend(scenarios_in(&sub));
    }
    all
}
