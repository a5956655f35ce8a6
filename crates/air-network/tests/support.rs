//! Helpers shared by the air-network integration tests: running scenarios.

#![allow(dead_code)]

use air_network::scenario::{Scenario, Summary, run_scenario};

/// Runs a scenario given as JSON text.
pub fn run_json(text: &str) -> Summary {
    let scenario = Scenario::from_json(text).expect("valid scenario");
    run_scenario(&scenario)
}
