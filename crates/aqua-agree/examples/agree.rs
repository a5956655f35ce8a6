//! Checks many random programs against Fluence's toolchain and shrinks every disagreement:
//! `cargo run -p aqua-agree --example agree -- --programs N --seed S [--show] [--no-shrink]
//! [--service-ids] [--helper-results] [--operators] [--collections] [--client-relay]` (`--service-ids` adds `Svc "id"` lines:
//! `aqua_agree::Features::service_ids`; `--helper-results` lets helper functions return a stream
//! or two values: `aqua_agree::Features::helper_results`; `--operators` adds `!`, `&&`, `||`,
//! `*`, `/` and `%`: `aqua_agree::Features::operators`; `--collections` adds indexed reads, array
//! literals of records, option lengths and record and array comparisons:
//! `aqua_agree::Features::collections`; `--client-relay` runs every script with the client
//! connected to its relay alone: `aqua_agree::Reach::RelayOnly`). `--keep TEXT` shrinks a
//! disagreement only to programs that still have a problem starting with TEXT (such as `"the
//! reference AIR on our VM"`, to keep a VM difference rather than any other).
//! Needs Node.js and `npm ci` in `tests/node`. `--record DIR/NAME` writes the (shrunk) program of
//! the first disagreement as a regression case (`--from FILE.aqua` checks a hand-written module
//! instead, whose `main` takes `aqua_agree::generate::standard_params`): `NAME.aqua`, `NAME.json` (its scenario with the
//! reference compiler's AIR) and `NAME.expected.json` (AquaVM's run of it).

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

#[path = "../tests/support/node.rs"]
mod node;

use aqua_agree::{Features, Outcome, check_on, generate, shrink::shrink};

/// How to call this tool.
const USAGE: &str = "usage: agree [--programs N] [--seed S] [--show] [--no-shrink] [--service-ids] \
                     [--helper-results] [--operators] [--collections] [--client-relay] \
                     [--keep TEXT] [--record DIR/NAME] [--from FILE.aqua]";

fn main() {
    let mut programs: Option<u64> = None;
    let mut seed = 0u64;
    let (mut show, mut shrinking) = (false, true);
    let mut features = Features::default();
    let mut reach = aqua_agree::Reach::Everyone;
    let mut record: Option<String> = None;
    let mut from: Option<String> = None;
    let mut keep: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = || args.next().and_then(|v| v.parse().ok());
        match arg.as_str() {
            "--programs" => {
                programs = Some(number().unwrap_or_else(|| usage_error("--programs N")))
            }
            "--seed" => seed = number().unwrap_or_else(|| usage_error("--seed S")),
            "--show" => show = true,
            "--no-shrink" => shrinking = false,
            "--service-ids" => features.service_ids = true,
            "--helper-results" => features.helper_results = true,
            "--operators" => features.operators = true,
            "--collections" => features.collections = true,
            "--client-relay" => reach = aqua_agree::Reach::RelayOnly,
            "--record" => record = args.next(),
            "--from" => from = args.next(),
            "--keep" => keep = Some(args.next().unwrap_or_else(|| usage_error("--keep TEXT"))),
            "--help" | "-h" => {
                println!("{USAGE}");
                return;
            }
            other => usage_error(&format!("unknown argument {other}")),
        }
    }
    // A hand-written module is one program: check it once unless asked otherwise.
    let programs = programs.unwrap_or(if from.is_some() { 1 } else { 100 });
    if let Some(reason) = node::unavailable() {
        eprintln!("cannot run: {reason}");
        std::process::exit(2);
    }
    let mut reference = node::NodeReference::start().expect("the Node driver starts");
    let (mut agreed, mut rejected, mut disagreed, mut calls) = (0, 0, 0, 0);
    let started = std::time::Instant::now();
    for seed in seed..seed + programs {
        let program = match &from {
            Some(path) => {
                aqua_agree::generate::verbatim(&std::fs::read_to_string(path).expect("--from FILE"))
            }
            None => generate(seed, features),
        };
        if show {
            println!("== seed {seed}\n{}", program.source());
        }
        match check_on(&program, &mut reference, reach).expect("the reference answers") {
            Outcome::Agree { calls: n } => {
                agreed += 1;
                calls += n;
                if from.is_some()
                    && let Some(stem) = record.take()
                {
                    write_case(&stem, &program, &mut reference, reach);
                }
            }
            Outcome::BothRejected { ours, theirs } => {
                rejected += 1;
                println!(
                    "== seed {seed}: both compilers reject it (a generator bug)\nours: {ours:?}\nreference: {theirs:?}\n{}",
                    program.source()
                );
            }
            Outcome::Disagree(problems) => {
                disagreed += 1;
                println!("== seed {seed}: DISAGREE\n{}", problems.join("\n"));
                if shrinking {
                    let kept = |problems: &[String]| {
                        let wanted = |text: &String| {
                            problems.iter().any(|problem| problem.starts_with(text.as_str()))
                        };
                        keep.as_ref().is_none_or(wanted)
                    };
                    let small = shrink(&program, &mut |candidate| {
                        let outcome = check_on(candidate, &mut reference, reach);
                        matches!(outcome, Ok(Outcome::Disagree(problems)) if kept(&problems))
                    });
                    let problems = match check_on(&small, &mut reference, reach) {
                        Ok(Outcome::Disagree(problems)) => problems.join("\n"),
                        other => format!("{other:?}"),
                    };
                    println!(
                        "-- shrunk to {} statements:\n{}{problems}\n",
                        small.size(),
                        small.source()
                    );
                    if let Some(stem) = record.take() {
                        write_case(&stem, &small, &mut reference, reach);
                    }
                } else {
                    println!("{}", program.source());
                }
            }
        }
    }
    println!(
        "{programs} programs from seed {seed}: {agreed} agree, {disagreed} disagree, {rejected} rejected by both; {calls} calls; {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if disagreed + rejected > 0 {
        std::process::exit(1);
    }
}

/// Writes a regression case: the program, its scenario with the reference AIR, AquaVM's run.
fn write_case(
    stem: &str,
    program: &aqua_agree::Program,
    reference: &mut node::NodeReference,
    reach: aqua_agree::Reach,
) {
    use aqua_agree::Reference;
    let source = program.source();
    let compiled = reference.compile(&source).expect("the reference compiles");
    let air = compiled.functions.get(aqua_agree::ENTRY).expect("the reference compiled main");
    let scenario = aqua_agree::case::scenario_on(program, air, reach);
    let expected = reference.run(&scenario).expect("AquaVM runs");
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).expect("JSON") + "\n";
    std::fs::write(format!("{stem}.aqua"), source).expect("write the program");
    std::fs::write(format!("{stem}.json"), pretty(&scenario)).expect("write the scenario");
    std::fs::write(format!("{stem}.expected.json"), pretty(&expected)).expect("write the run");
    println!("recorded {stem}.aqua, .json, .expected.json");
}

/// Reports a bad command line and exits with status 2.
fn usage_error(problem: &str) -> ! {
    eprintln!("agree: {problem}\n{USAGE}");
    std::process::exit(2);
}
