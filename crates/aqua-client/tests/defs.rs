//! Every `FunctionCallDef` and `ServiceDef` we generate equals the reference compiler's as a
//! JSON value, on every file of `tests/data/aqua/`, `examples/` (and its `js-client/`),
//! `tests/data/client/` and `tests/node/aqua/` that it accepts. The reference's defs were recorded by
//! `tests/data/client-defs/record.py`; the files it rejects are listed, with its error, in
//! `tests/data/client-defs/skipped.json`.

use serde_json::Value as Json;

use crate::support::{aqua_files, client_module, root};

const FOLDERS: [(&str, &str); 5] = [
    ("tests/data/aqua", "aqua"),
    ("examples", "examples"),
    ("examples/js-client", "js-client-app"),
    ("tests/data/client", "client"),
    ("tests/node/aqua", "node"),
];

fn read_json(path: &std::path::Path) -> Json {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn definitions_equal_the_reference_compilers() {
    let skipped = read_json(&root().join("tests/data/client-defs/skipped.json"));
    let (mut functions, mut services, mut mismatches) = (0, 0, Vec::new());
    for (folder, stored) in FOLDERS {
        for path in aqua_files(folder) {
            let relative =
                format!("{folder}/{}", path.file_name().unwrap_or_default().to_string_lossy());
            let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            let reference = root().join(format!("tests/data/client-defs/{stored}/{stem}.json"));
            if !reference.exists() {
                assert!(
                    skipped.get(&relative).is_some(),
                    "{relative}: no stored reference defs and not listed as skipped"
                );
                continue;
            }
            let expected = read_json(&reference);
            let ours = client_module(&path)
                .unwrap_or_else(|| panic!("{relative}: the reference accepts it, we reject it"))
                .defs();
            for kind in ["functions", "services"] {
                let (ours, theirs) = (&ours[kind], &expected[kind]);
                let names = theirs.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>());
                let ours_names = ours.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>());
                let (mut names, mut ours_names) =
                    (names.unwrap_or_default(), ours_names.unwrap_or_default());
                names.sort();
                ours_names.sort();
                assert_eq!(ours_names, names, "{relative}: exported {kind}");
                for name in names {
                    if ours[&name] == theirs[&name] {
                        if kind == "functions" { functions += 1 } else { services += 1 }
                    } else {
                        mismatches.push(format!(
                            "{relative} {name}:\n ours {}\n theirs {}",
                            ours[&name], theirs[&name]
                        ));
                    }
                }
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} definitions differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert!(functions >= 100 && services >= 6, "only {functions} functions, {services} services");
    eprintln!("{functions} function and {services} service definitions equal the reference's");
}
