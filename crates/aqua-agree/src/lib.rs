//! Random programs agree with the reference: a generator of random, well-typed Aqua programs
//! (seeded, shrinkable), and the check that runs each one four ways (Fluence's compiler and ours,
//! each script on Fluence's AquaVM and on ours, over the same simulated peers with mocked services)
//! and compares the runs (see [`compare`]).
//!
//! The test `tests/agree.rs` checks seeds 0-49 with Fluence's toolchain in one Node.js process
//! (`tests/node/agree.mjs`); `cargo run -p aqua-agree --example agree -- --programs N --seed S`
//! checks as many as wanted and shrinks each disagreement to a small program.

pub mod case;
pub mod compare;
pub mod generate;
pub mod ours;
pub mod program;
pub mod reference;
pub mod rng;
pub mod shrink;

pub use case::Reach;
pub use generate::{Features, generate};
pub use program::Program;
pub use reference::{Compiled, Reference};

/// The name of the function every generated program exports.
pub const ENTRY: &str = "main";

/// What came of one program.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Both compilers compiled it and all four runs agree; the number of calls of a run.
    Agree {
        /// Calls of the reference AIR's run on AquaVM.
        calls: usize,
    },
    /// Both compilers rejected it (a generator bug: programs are meant to be well typed).
    BothRejected {
        /// Our errors.
        ours: Vec<String>,
        /// The reference's.
        theirs: Vec<String>,
    },
    /// A difference: what differs, one entry per comparison that failed.
    Disagree(Vec<String>),
}

/// Compiles and runs `program` four ways and compares the runs, every peer reaching every
/// other.
pub fn check(program: &Program, reference: &mut dyn Reference) -> Result<Outcome, String> {
    check_on(program, reference, Reach::Everyone)
}

/// [`check`] on a network where the client reaches `reach` (see [`case::Reach`]).
pub fn check_on(
    program: &Program,
    reference: &mut dyn Reference,
    reach: Reach,
) -> Result<Outcome, String> {
    let source = program.source();
    let theirs = reference.compile(&source)?;
    let ours = ours::compile(&source);
    match (theirs.errors.is_empty(), ours.errors.is_empty()) {
        (false, false) => {
            return Ok(Outcome::BothRejected { ours: ours.errors, theirs: theirs.errors });
        }
        (false, true) => {
            let problem =
                format!("only the reference compiler rejects it:\n{}", theirs.errors.join("\n"));
            return Ok(Outcome::Disagree(vec![problem]));
        }
        (true, false) => {
            let problem = format!("only our compiler rejects it:\n{}", ours.errors.join("\n"));
            return Ok(Outcome::Disagree(vec![problem]));
        }
        (true, true) => {}
    }
    let (Some(their_air), Some(our_air)) = (theirs.functions.get(ENTRY), ours.functions.get(ENTRY))
    else {
        return Ok(Outcome::Disagree(vec![format!("a compiler gave no `{ENTRY}`")]));
    };
    let their_scenario = case::scenario_on(program, their_air, reach);
    let our_scenario = case::scenario_on(program, our_air, reach);
    let their_air_on_aquavm = reference.run(&their_scenario)?;
    let their_air_on_ours = ours::run(&their_scenario)?;
    let our_air_on_aquavm = reference.run(&our_scenario)?;
    let our_air_on_ours = ours::run(&our_scenario)?;
    let mut problems = Vec::new();
    problems.extend(compare::same_air(
        "the reference AIR on our VM",
        &their_air_on_aquavm,
        &their_air_on_ours,
    ));
    problems.extend(compare::same_air("our AIR on our VM", &our_air_on_aquavm, &our_air_on_ours));
    problems.extend(compare::across_compilers(&their_air_on_aquavm, &our_air_on_aquavm));
    if problems.is_empty() {
        let calls = their_air_on_aquavm["calls"].as_array().map_or(0, Vec::len);
        Ok(Outcome::Agree { calls })
    } else {
        Ok(Outcome::Disagree(problems))
    }
}
