//! Kept data (a peer keeping its last data decoded, `Vm::default()`) changes what an invocation
//! costs, never what it does: every scenario of the suites gives the same hops (calls, results,
//! errors, next peers, data sizes), the same number of steps and byte-identical final data with
//! data kept, with data forgotten (`Vm::forgetful()`, AquaVM's way), and with a budget so small
//! that peers forget and decode again in the middle of a run.

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use air_network::Vm;
use air_network::scenario::Scenario;
use air_network::scheduler::RunReport;

use crate::support::all_suites;

fn run(scenario: &Scenario, vm: &mut Vm) -> RunReport {
    let mut network = scenario.network();
    let script = scenario.script(&network);
    let options = scenario.run_options();
    network.run_with(&script, &scenario.init_peer, None, &options, vm, &mut |_| {})
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
    let mut revisiting = 0;
    for (name, scenario) in &all {
        let kept = run(scenario, &mut Vm::default());
        let forgotten = run(scenario, &mut Vm::forgetful());
        // A budget below most particles' size: entries are evicted as soon as they are kept.
        let evicting = run(scenario, &mut Vm::keeping(600));
        assert_same(name, "when data is forgotten", &kept, &forgotten);
        assert_same(name, "when kept data is evicted", &kept, &evicting);
        // More steps than peers holding data: some peer ran twice, on the data it kept.
        if kept.steps > kept.final_data.len() {
            revisiting += 1;
        }
    }
    eprintln!("{} scenarios, {revisiting} revisit a peer", all.len());
    // Many scenarios revisit a peer, where kept data is used: the comparison is not vacuous.
    assert!(revisiting > 50, "only {revisiting} scenarios revisit a peer");
}
