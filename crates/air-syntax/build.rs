//! Generates the AIR parser from `src/grammar.lalrpop` into `OUT_DIR`; nothing generated is committed.

// Build scripts talk to cargo on stdout.
#![allow(clippy::disallowed_macros)]

fn main() {
    println!("cargo:rerun-if-changed=src/grammar.lalrpop");
    if let Err(error) = lalrpop::Configuration::new().use_cargo_dir_conventions().process() {
        eprintln!("failed to generate the AIR parser: {error}");
        std::process::exit(1);
    }
}
