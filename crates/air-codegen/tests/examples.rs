//! Every example compiles to valid AIR; the AIR of each is snapshotted.

use air_codegen::Options;

use crate::support::{compile_example, example_stems};

fn snapshot(stem: &str, suffix: &str, options: &Options, constants: &[&str]) {
    let mut document = String::new();
    for function in compile_example(stem, options, constants) {
        document.push_str(&format!(";; ==== function {}\n", function.meta.name));
        document.push_str(&air_syntax::print_pretty(&function.air));
        document.push('\n');
    }
    insta::assert_snapshot!(format!("{stem}{suffix}"), document);
}

#[test]
fn every_example_compiles_to_valid_air() {
    for stem in example_stems() {
        snapshot(&stem, "", &Options::default(), &[]);
    }
}

#[test]
fn compiler_option_variants() {
    let stem = "30-compiler-options";
    snapshot(stem, ".no-xor", &Options { no_xor: true, ..Options::default() }, &[]);
    snapshot(stem, ".no-relay", &Options { no_relay: true, ..Options::default() }, &[]);
    snapshot(stem, ".empty-response", &Options { empty_response: true, ..Options::default() }, &[]);
    snapshot("29-tracing", ".tracing", &Options { tracing: true, ..Options::default() }, &[]);
    snapshot("03-constants", ".const-limit-10", &Options::default(), &["LIMIT = 10"]);
}

#[test]
fn a_call_compiles_with_its_arguments() {
    let compiled = crate::support::compile_example_call("33-function-call", "greet(who, 3)");
    insta::assert_snapshot!("33-function-call.call", air_syntax::print_pretty(&compiled.air));
}

#[test]
fn every_function_lowers_without_panicking() {
    // Not only exports: each function as if exported. Functions taking abilities or returning
    // arrows cannot be scripts and may be refused, but only with an error value.
    let mut lowered = 0;
    for stem in example_stems() {
        let program = crate::support::check_example(&stem);
        for func in &program.functions {
            let result =
                air_codegen::compile_function(&program, func.id, &func.name, &Options::default());
            if let Ok(compiled) = result {
                let text = air_syntax::print_pretty(&compiled.air);
                assert!(air_syntax::parse_and_validate(&text).is_ok(), "{stem}.{}", func.name);
                lowered += 1;
            }
        }
    }
    assert!(lowered > 100, "only {lowered} functions lowered");
}
