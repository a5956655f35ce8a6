//! Snapshots of the generated TypeScript, JavaScript and `.d.ts` of a few programs.

use aqua_client::{Target, generate};

use crate::support::{client_module, root};

fn snapshot(relative: &str, name: &str) {
    let module = client_module(&root().join(relative)).expect("the program checks");
    let ts = generate(&module, Target::TypeScript, relative);
    insta::assert_snapshot!(format!("{name}.ts"), ts.code);
    let js = generate(&module, Target::JavaScript, relative);
    insta::assert_snapshot!(format!("{name}.js"), js.code);
    insta::assert_snapshot!(format!("{name}.d.ts"), js.declarations.unwrap_or_default());
}

#[test]
fn callbacks_example() {
    snapshot("tests/data/aqua/22-callbacks.aqua", "22-callbacks");
}

#[test]
fn every_kind_of_type() {
    snapshot("tests/data/client/types.aqua", "types");
}

#[test]
fn the_node_suites_program() {
    snapshot("tests/node/aqua/calls.aqua", "calls");
}
