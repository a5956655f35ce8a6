//! The size of our AIR against the reference's: bytes of the canonical pretty form, per
//! exported function of each example and per compiler-option variant of the reference's `.air`
//! files, printed as a table (run with `--nocapture`).

use crate::support::{data_dir, example_stems, our_air_for};

/// One reference script: the options line it was compiled with, the function and its AIR.
struct Reference {
    flags: String,
    function: String,
    pretty: String,
}

fn reference_scripts(stem: &str) -> Vec<Reference> {
    let Ok(text) = std::fs::read_to_string(data_dir().join(format!("data/air/{stem}.air"))) else {
        return Vec::new();
    };
    let mut scripts = Vec::new();
    for block in text.split(";; reference compiler:").skip(1) {
        let flags = block.lines().next().and_then(|l| l.split("options: ").nth(1)).unwrap_or("");
        for section in block.split(";; ==== ").skip(1) {
            let (name, rest) = section.split_once('\n').unwrap_or((section, ""));
            let body: Vec<&str> = rest.lines().filter(|l| !l.starts_with(";;")).collect();
            if let Ok(program) = air_syntax::parse(&body.join("\n")) {
                scripts.push(Reference {
                    flags: flags.to_owned(),
                    function: name.trim().trim_start_matches("function ").to_owned(),
                    pretty: air_syntax::print_pretty(&program),
                });
            }
        }
    }
    scripts
}

/// Our pretty AIR for the same function and options.
fn ours(stem: &str, reference: &Reference) -> Option<String> {
    our_air_for(stem, &reference.function, &reference.flags)
}

#[test]
fn our_air_is_no_larger_than_the_reference() {
    let (mut ours_total, mut theirs_total, mut smaller, mut count) = (0, 0, 0, 0);
    let mut larger = Vec::new();
    eprintln!("{:<64} {:>7} {:>7} {:>6}", "function [options]", "ours", "ref", "ratio");
    for stem in example_stems() {
        for reference in reference_scripts(&stem) {
            let Some(ours) = ours(&stem, &reference).map(|text| text.len()) else { continue };
            let theirs = reference.pretty.len();
            let variant =
                if reference.flags.starts_with("defaults") { "" } else { &reference.flags };
            let name = format!("{stem}.{} {variant}", reference.function);
            eprintln!("{name:<64} {ours:>7} {theirs:>7} {:>6.2}", ours as f64 / theirs as f64);
            (ours_total, theirs_total, count) =
                (ours_total + ours, theirs_total + theirs, count + 1);
            if ours > theirs {
                larger.push(name);
            } else if ours < theirs {
                smaller += 1;
            }
        }
    }
    eprintln!(
        "total: ours {ours_total} bytes, reference {theirs_total} bytes ({:.2}); smaller on {smaller} \
         of {count}; larger on {}: {larger:?}",
        ours_total as f64 / theirs_total as f64,
        larger.len()
    );
    assert!(count >= 98, "every reference script was compared, {count} found");
    assert!(larger.is_empty(), "our AIR is larger on {larger:?}");
}
