//! Random programs agree with the reference: the programs of seeds 0-49, each compiled by
//! Fluence's compiler and by ours, each script run on Fluence's AquaVM and on ours (see
//! `aqua_agree::compare` for what must be equal). Fluence's side runs in one Node.js process
//! (`tests/node/agree.mjs`); without Node.js or its packages the test skips with a message,
//! unless `AQUA_REQUIRE_NODE=1` (set by `.ci/run`) makes that a failure.

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

mod support {
    pub mod node;
}

use aqua_agree::{Features, Outcome, check, generate};

/// The fixed seeds CI checks.
const SEEDS: std::ops::Range<u64> = 0..50;

/// Seeds whose program disagrees for a known reason not fixed yet: each must still disagree (so
/// a fix shows up here and its entry goes), every other seed must agree.
const KNOWN: &[(u64, &str)] = &[];

#[test]
fn random_programs_agree_with_the_reference() {
    if let Some(reason) = support::node::unavailable() {
        let required = std::env::var("AQUA_REQUIRE_NODE").is_ok_and(|v| v == "1");
        assert!(!required, "the agreement suite cannot run: {reason}, and AQUA_REQUIRE_NODE=1");
        eprintln!("skipped: random programs against the reference need Node.js: {reason}");
        return;
    }
    let mut reference = support::node::NodeReference::start().expect("the Node driver starts");
    let mut problems = Vec::new();
    let mut calls = 0;
    for seed in SEEDS {
        let program = generate(seed, Features::default());
        let known = KNOWN.iter().find(|(known, _)| *known == seed);
        let outcome = check(&program, &mut reference);
        if let Some((_, why)) = known {
            if !matches!(outcome, Ok(Outcome::Disagree(_))) {
                problems.push(format!("seed {seed} no longer disagrees ({why}): {outcome:?}"));
            }
            continue;
        }
        match outcome {
            Ok(Outcome::Agree { calls: n }) => calls += n,
            Ok(Outcome::BothRejected { ours, theirs }) => problems.push(format!(
                "seed {seed}: both compilers reject the program (a generator bug)\n  ours: \
                 {ours:?}\n  reference: {theirs:?}\n{}",
                program.source()
            )),
            Ok(Outcome::Disagree(differences)) => problems.push(format!(
                "seed {seed} (shrink it with `cargo run -p aqua-agree --example agree -- \
                 --programs 1 --seed {seed}`):\n{}\n{}",
                differences.join("\n"),
                program.source()
            )),
            Err(failure) => problems.push(format!("seed {seed}: {failure}")),
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} programs:\n{}",
        problems.len(),
        SEEDS.end,
        problems.join("\n\n")
    );
    // The programs do something: a check that compared no calls would prove nothing.
    assert!(calls > 10 * SEEDS.end as usize, "only {calls} calls in {} programs", SEEDS.end);
}
