//! Kept data (a peer keeping its last data decoded, `Vm::default()`) changes what an invocation
//! costs, never what it does: every scenario of the suites gives the same hops (calls, results,
//! errors, next peers, data sizes), the same number of steps and byte-identical final data with
//! data kept, with data forgotten (`Vm::forgetful()`, AquaVM's way), and with a budget so small
//! that peers forget and decode again in the middle of a run.

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use air_network::Vm;
use air_network::scenario::{Scenario, run_scenario_on};
use air_network::scheduler::RunReport;

use crate::support::all_suites;

fn run(scenario: &Scenario, vm: &mut Vm) -> RunReport {
    run_scenario_on(scenario, &mut scenario.network(), vm)
}

fn assert_same(name: &str, how: &str, a: &RunReport, b: &RunReport) {
    assert_eq!(a.hops, b.hops, "{name}: the hops differ {how}");
    assert_eq!(a.final_data, b.final_data, "{name}: the final data differ {how}");
    assert_eq!(a.stop, b.stop, "{name}: the runs end differently {how}");
    assert_eq!(a.steps, b.steps, "{name}: the step counts differ {how}");
}

#[test]
fn every_scenario_runs_the_same_with_data_kept_forgotten_or_evicted() {
    let all = all_suites();
    assert!(all.len() > 200, "the suites are there ({} scenarios)", all.len());
    let (mut reused, mut reused_evicting) = (0, 0);
    for (name, scenario) in &all {
        let mut keeping = Vm::default();
        let kept = run(scenario, &mut keeping);
        let forgotten = run(scenario, &mut Vm::forgetful());
        // A budget below many particles' size: those are evicted as soon as they are kept.
        let mut evicting = Vm::keeping(600);
        let evicted = run(scenario, &mut evicting);
        assert_same(name, "when data is forgotten", &kept, &forgotten);
        assert_same(name, "when kept data is evicted", &kept, &evicted);
        reused += keeping.reuses();
        reused_evicting += evicting.reuses();
    }
    eprintln!(
        "{} scenarios: {reused} invocations on kept data, {reused_evicting} with the small budget",
        all.len()
    );
    // Kept data is used, and the small budget keeps some and evicts some: no comparison above is
    // vacuous.
    assert!(reused > 100, "only {reused} invocations started on kept data");
    assert!(
        reused_evicting > 0 && reused_evicting < reused,
        "{reused_evicting} of {reused} reuses with the small budget"
    );
}
