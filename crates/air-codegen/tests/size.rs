//! The size of our AIR against the reference's: bytes of the canonical pretty form, per
//! exported function of each example, printed as a table (run with `--nocapture`).

use air_codegen::Options;

use crate::support::{compile_example, data_dir, example_stems};

/// The reference's scripts of one example: `(function name, pretty AIR)`.
fn reference_scripts(stem: &str) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(data_dir().join(format!("data/air/{stem}.air"))) else {
        return Vec::new();
    };
    let mut scripts = Vec::new();
    for section in text.split(";; ==== function ").skip(1) {
        let (name, rest) = section.split_once('\n').unwrap_or((section, ""));
        let body: String =
            rest.lines().filter(|l| !l.starts_with(";;")).collect::<Vec<_>>().join("\n");
        if let Ok(program) = air_syntax::parse(&body) {
            scripts.push((name.trim().to_owned(), air_syntax::print_pretty(&program)));
        }
    }
    scripts
}

#[test]
fn our_air_is_no_larger_than_the_reference() {
    let (mut ours_total, mut theirs_total, mut larger, mut smaller, mut count) =
        (0, 0, Vec::new(), 0, 0);
    eprintln!("{:<48} {:>8} {:>8} {:>7}", "function", "ours", "ref", "ratio");
    for stem in example_stems() {
        let reference = reference_scripts(&stem);
        for function in compile_example(&stem, &Options::default(), &[]) {
            let Some((_, theirs)) = reference.iter().find(|(name, _)| *name == function.meta.name)
            else {
                continue;
            };
            let ours = air_syntax::print_pretty(&function.air).len();
            let name = format!("{stem}.{}", function.meta.name);
            eprintln!(
                "{name:<48} {ours:>8} {:>8} {:>6.2}",
                theirs.len(),
                ours as f64 / theirs.len() as f64
            );
            ours_total += ours;
            theirs_total += theirs.len();
            count += 1;
            if ours > theirs.len() {
                larger.push(name);
            } else if ours < theirs.len() {
                smaller += 1;
            }
        }
    }
    eprintln!(
        "total: ours {ours_total} bytes, reference {theirs_total} bytes ({:.2}); smaller on {smaller} of {count}; larger on {}: {larger:?}",
        ours_total as f64 / theirs_total as f64,
        larger.len()
    );
    assert!(count > 0, "reference scripts were found");
    assert!(ours_total <= theirs_total, "our AIR is larger in total");
}
