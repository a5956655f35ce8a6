//! `check_each` is `check` of each file: on generated folders of modules that import one
//! another (with type errors, syntax errors, bad exports, missing imports and missing files),
//! every file's verdict, exports and entry module equal those of checking that file alone, and
//! the problems reported once for the folder are those of all the files checked alone; and so
//! are they when the files are checked group by group (`check_groups`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use aqua_typecheck::{Checked, MemoryLoader, Options};
use proptest::prelude::*;

/// What can be wrong with a generated module.
#[derive(Debug, Clone, Copy)]
enum Flaw {
    None,
    TypeError,
    SyntaxError,
    BadExport,
    MissingImport,
}

fn flaw() -> impl Strategy<Value = Flaw> {
    prop_oneof![
        6 => Just(Flaw::None),
        1 => Just(Flaw::TypeError),
        1 => Just(Flaw::SyntaxError),
        1 => Just(Flaw::BadExport),
        1 => Just(Flaw::MissingImport),
    ]
}

/// Module `index` importing the modules `imports` (all before it), with its flaw.
fn module_source(index: usize, imports: &[usize], flaw: Flaw) -> String {
    let mut text = format!("aqua M{index} declares f{index}\n\n");
    match flaw {
        Flaw::BadExport => text.push_str(&format!("export f{index}, nothing{index}\n\n")),
        _ => text.push_str(&format!("export f{index}\n\n")),
    }
    for import in imports {
        text.push_str(&format!("import f{import} from \"m{import}.aqua\"\n"));
    }
    if let Flaw::MissingImport = flaw {
        text.push_str("import \"gone.aqua\"\n");
    }
    text.push_str(&format!("\nfunc f{index}(x: u32) -> u32:\n"));
    let mut last = "x".to_string();
    for (at, import) in imports.iter().enumerate() {
        text.push_str(&format!("  r{at} <- f{import}({last})\n"));
        last = format!("r{at}");
    }
    match flaw {
        Flaw::TypeError => text.push_str("  <- \"text\"\n"),
        Flaw::SyntaxError => text.push_str(&format!("  <- {last} +\n")),
        _ => text.push_str(&format!("  <- {last}\n")),
    }
    text
}

/// A folder: for each module, which earlier modules it imports and its flaw; and which files
/// are checked (an index past the last module names a file that does not exist).
fn folder() -> impl Strategy<Value = (Vec<(Vec<usize>, Flaw)>, Vec<usize>)> {
    (1usize..7).prop_flat_map(|modules| {
        let module = |index: usize| {
            let imports = proptest::sample::subsequence((0..index).collect::<Vec<_>>(), 0..=index);
            (imports, flaw())
        };
        let all: Vec<_> = (0..modules).map(module).collect();
        let checked = proptest::collection::vec(0..modules + 1, 1..modules + 2);
        (all, checked)
    })
}

/// Every problem of a check as (file name, code, span start), errors and warnings.
fn problems(checked: &Checked) -> BTreeSet<(String, &'static str, u32)> {
    let name = |file| checked.files.name(file).unwrap_or_default().to_owned();
    let syntax =
        checked.syntax_errors.iter().map(|e| (name(e.file), e.value.code(), e.value.span().start));
    let errors =
        checked.errors.iter().map(|e| (name(e.file), e.value.code(), e.value.span().start));
    let warnings =
        checked.warnings.iter().map(|w| (name(w.file), w.value.code(), w.value.span().start));
    syntax.chain(errors).chain(warnings).collect()
}

fn exports(checked: &Checked) -> Vec<String> {
    checked.program.exports.iter().map(|e| e.name.to_string()).collect()
}

fn entry_name(checked: &Checked) -> Option<String> {
    let entry = checked.program.entry.map(|m| m.0 as usize)?;
    checked.program.modules.get(entry).map(|m| m.name.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn checking_files_together_is_checking_each_alone((modules, files) in folder()) {
        let mut loader = MemoryLoader::new();
        for (index, (imports, flaw)) in modules.iter().enumerate() {
            loader.add(format!("m{index}.aqua"), module_source(index, imports, *flaw));
        }
        let paths: Vec<PathBuf> = files.iter().map(|i| PathBuf::from(format!("m{i}.aqua"))).collect();
        let options = Options::default();
        let mut each = aqua_typecheck::check_each(&paths, &mut loader.clone(), &options);
        let mut alone_problems = BTreeSet::new();
        for (index, path) in paths.iter().enumerate() {
            let alone = aqua_typecheck::check(Path::new(path), None, &mut loader.clone(), &options);
            alone_problems.extend(problems(&alone));
            prop_assert_eq!(each.is_ok(index), alone.is_ok(), "{:?}", path);
            let together = &each.select(index).checked;
            prop_assert_eq!(exports(together), exports(&alone), "{:?}", path);
            prop_assert_eq!(entry_name(together), entry_name(&alone), "{:?}", path);
        }
        prop_assert_eq!(problems(&each.checked), alone_problems.clone());
        // Checked group by group, each file's outcome and all the problems are the same.
        let mut group_loader = loader.clone();
        let groups = aqua_typecheck::check_groups(&paths, &mut group_loader, &options);
        let mut seen = Vec::new();
        let mut group_problems = BTreeSet::new();
        for (group, mut checked) in groups {
            group_problems.extend(problems(&checked.checked));
            for (position, &index) in group.iter().enumerate() {
                prop_assert_eq!(checked.is_ok(position), each.is_ok(index));
                let mine = exports(&checked.select(position).checked);
                prop_assert_eq!(mine, exports(&each.select(index).checked));
            }
            seen.extend(group);
        }
        seen.sort_unstable();
        prop_assert_eq!(seen, (0..paths.len()).collect::<Vec<_>>(), "a partition of the files");
        prop_assert_eq!(group_problems, alone_problems);
    }
}
