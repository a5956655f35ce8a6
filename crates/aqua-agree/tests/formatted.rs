//! The formatter on the random programs, every feature on: formatting is idempotent and the
//! formatted program compiles to the same AIR as the program, at the usual width and at a narrow
//! one (no Node.js needed).

use aqua_agree::{Features, generate, ours};

#[test]
fn formatted_random_programs_compile_to_the_same_air() {
    let (mut functions, mut changed) = (0, 0);
    for seed in 0..150 {
        let source = generate(seed, Features::all()).source();
        let formatted = aqua_fmt::format(&source)
            .unwrap_or_else(|errors| panic!("seed {seed}: {errors:?}\n{source}"));
        let again = aqua_fmt::format(&formatted).expect("a formatted program formats");
        assert_eq!(again, formatted, "seed {seed}: formatting twice changes it");
        let (before, after) = (ours::compile(&source), ours::compile(&formatted));
        assert!(before.errors.is_empty(), "seed {seed}: {:?}\n{source}", before.errors);
        assert_eq!(before.errors, after.errors, "seed {seed}:\n{formatted}");
        assert_eq!(before.functions, after.functions, "seed {seed}: other AIR once formatted");
        functions += after.functions.len();
        changed += usize::from(formatted != source);
    }
    assert!(functions >= 150, "only {functions} functions compiled");
    // The generator's layout is not the formatter's: most programs change, so the AIR check
    // compares two texts.
    assert!(changed >= 75, "the formatter changed only {changed} of 150 programs");
}

#[test]
fn random_programs_broken_at_a_narrow_width_compile_to_the_same_air() {
    // At 24 columns most argument lists, constructions and conditions break over lines.
    for seed in 0..60 {
        let source = generate(seed, Features::all()).source();
        let narrow = aqua_fmt::format_with_width(&source, 24)
            .unwrap_or_else(|errors| panic!("seed {seed}: {errors:?}\n{source}"));
        let again = aqua_fmt::format_with_width(&narrow, 24).expect("a formatted program formats");
        assert_eq!(again, narrow, "seed {seed}: formatting twice changes it");
        let (before, after) = (ours::compile(&source), ours::compile(&narrow));
        assert!(after.errors.is_empty(), "seed {seed}: {:?}\n{narrow}", after.errors);
        assert_eq!(before.functions, after.functions, "seed {seed}: other AIR once formatted");
    }
}
