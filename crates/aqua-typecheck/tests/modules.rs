//! Module resolution: namespaces, re-exports through `declares *`, import roots in order,
//! the embedded standard library, and clashes.

use std::path::{Path, PathBuf};

use aqua_typecheck::{Checked, MemoryLoader, Options};

fn check(files: &[(&str, &str)], entry: &str, roots: &[&str]) -> Checked {
    let mut loader = MemoryLoader::new();
    for (path, source) in files {
        loader.add(*path, *source);
    }
    let options =
        Options { import_roots: roots.iter().map(PathBuf::from).collect(), constants: Vec::new() };
    aqua_typecheck::check(Path::new(entry), None, &mut loader, &options)
}

fn codes(checked: &Checked) -> Vec<&'static str> {
    checked.errors.iter().map(|e| e.value.code()).collect()
}

const LIB: &str = "aqua Lib.Math declares double, Pair\n\ndata Pair:\n  a: u32\n\nfunc double(x: u32) -> u32:\n  <- x + x\n";

#[test]
fn use_without_alias_takes_the_module_name() {
    let main = "aqua Main\n\nuse \"lib.aqua\"\n\nfunc f(x: u32) -> Lib.Math.Pair:\n  r <- Lib.Math.double(x)\n  <- Lib.Math.Pair(a = r)\n";
    let checked = check(&[("app/lib.aqua", LIB), ("app/main.aqua", main)], "app/main.aqua", &[]);
    assert!(checked.is_ok(), "{:?}", checked.errors);
    assert_eq!(checked.program.modules.len(), 2);
}

#[test]
fn use_from_with_alias_keeps_only_the_picked_names() {
    let main = "aqua Main\n\nuse double from \"lib.aqua\" as M\n\nfunc f(x: u32) -> u32:\n  r <- M.double(x)\n  p = M.Pair(a = r)\n  <- r\n";
    let checked = check(&[("lib.aqua", LIB), ("main.aqua", main)], "main.aqua", &[]);
    assert_eq!(codes(&checked), ["T001"]);
}

#[test]
fn declares_star_reexports_imported_names() {
    let hub = "aqua Hub declares *\n\nimport \"lib.aqua\"\n";
    let main = "aqua Main\n\nimport \"hub\"\n\nfunc f(x: u32) -> u32:\n  r <- double(x)\n  <- r\n";
    let files = [("lib.aqua", LIB), ("hub.aqua", hub), ("main.aqua", main)];
    let checked = check(&files, "main.aqua", &[]);
    assert!(checked.is_ok(), "{:?}", checked.errors);
}

#[test]
fn import_roots_are_searched_in_order_after_the_importing_directory() {
    let first = "aqua First declares NAME\n\nconst NAME = \"first\"\n";
    let second = "aqua Second declares NAME\n\nconst NAME = 2\n";
    let main = "aqua Main\n\nimport \"shared.aqua\"\n\nfunc f() -> string:\n  <- NAME\n";
    let files = [("one/shared.aqua", first), ("two/shared.aqua", second), ("app/main.aqua", main)];
    assert!(check(&files, "app/main.aqua", &["one", "two"]).is_ok());
    assert_eq!(codes(&check(&files, "app/main.aqua", &["two", "one"])), ["T002"]);
    let missing = check(&files, "app/main.aqua", &[]);
    let searched = match &missing.errors[0].value {
        aqua_typecheck::TypeError::ModuleNotFound { searched, .. } => searched.clone(),
        other => panic!("unexpected {other:?}"),
    };
    // The importing folder, then (a package-like path) each node_modules up from it.
    assert_eq!(
        searched,
        ["app/shared.aqua", "app/node_modules/shared.aqua", "node_modules/shared.aqua"]
    );
}

#[test]
fn the_standard_library_is_embedded() {
    let main = "aqua Main\n\nimport \"@fluencelabs/aqua-lib/builtin\"\nimport Math from \"@fluencelabs/aqua-lib/math.aqua\"\n\nfunc f(peer: PeerId) -> i64:\n  on peer:\n    t <- Peer.timestamp_ms()\n    s <- Math.add(1, 2)\n  <- s\n";
    let checked = check(&[("main.aqua", main)], "main.aqua", &[]);
    assert!(checked.is_ok(), "{:?}", checked.errors);
}

#[test]
fn cycles_are_spelled_out() {
    let a = "aqua A declares *\n\nimport \"b.aqua\"\n";
    let b = "aqua B declares *\n\nimport \"c.aqua\"\n";
    let c = "aqua C declares *\n\nimport \"a.aqua\"\n";
    let checked = check(&[("a.aqua", a), ("b.aqua", b), ("c.aqua", c)], "a.aqua", &[]);
    match &checked.errors[..] {
        [error] => match &error.value {
            aqua_typecheck::TypeError::ImportCycle { cycle, .. } => {
                assert_eq!(cycle, &["a.aqua", "b.aqua", "c.aqua", "a.aqua"]);
            }
            other => panic!("unexpected {other:?}"),
        },
        other => panic!("expected one cycle error, found {other:?}"),
    }
}

#[test]
fn the_same_module_imported_twice_is_no_clash() {
    let main = "aqua Main\n\nimport \"lib.aqua\"\nimport double from \"lib.aqua\"\n\nfunc f(x: u32) -> u32:\n  r <- double(x)\n  <- r\n";
    let checked = check(&[("lib.aqua", LIB), ("main.aqua", main)], "main.aqua", &[]);
    assert!(checked.is_ok(), "{:?}", checked.errors);
}

#[test]
fn exports_list_functions_of_the_entry_module() {
    let main = "aqua Main\n\nexport f as g, double\n\nimport \"lib.aqua\"\n\nfunc f(x: u32) -> u32:\n  r <- double(x)\n  <- r\n";
    let checked = check(&[("lib.aqua", LIB), ("main.aqua", main)], "main.aqua", &[]);
    assert!(checked.is_ok(), "{:?}", checked.errors);
    let names: Vec<&str> = checked.program.exports.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["g", "double"]);
}

#[test]
fn every_aqua_lib_file_is_embedded() {
    let main = "aqua Main\n\nimport \"@fluencelabs/aqua-lib/builtin.aqua\"\nimport \"@fluencelabs/aqua-lib/math\"\nuse \"@fluencelabs/aqua-lib/subnet.aqua\"\nimport \"@fluencelabs/aqua-lib/workers.aqua\"\n\nfunc f(deal: string) -> ?PeerId, []SubnetLib.Worker, i64:\n  id <- Worker.get_worker_id(deal)\n  res <- SubnetLib.Subnet.resolve(deal)\n  n <- Math.add(1, 2)\n  <- id, res.workers, n\n";
    let checked = check(&[("main.aqua", main)], "main.aqua", &[]);
    assert!(checked.is_ok(), "{:?} {:?}", checked.syntax_errors, checked.errors);
    // workers.aqua imports `./builtin.aqua`: the embedded sibling, loaded once.
    let paths: Vec<&str> = checked.program.modules.iter().map(|m| m.path.as_str()).collect();
    assert_eq!(paths.iter().filter(|p| **p == "stdlib:builtin.aqua").count(), 1, "{paths:?}");
}

#[test]
fn packages_are_found_in_node_modules_up_from_the_importing_file() {
    let spell = "aqua Spell declares *\n\nconst SPELL = \"spell\"\n";
    let local = "aqua Local declares *\n\nconst SPELL = 7\n";
    let main =
        "aqua Main\n\nimport \"@acme/spell/spell.aqua\"\n\nfunc f() -> string:\n  <- SPELL\n";
    // Two folders up from the entry file, as Node.js walks.
    let files =
        [("/proj/node_modules/@acme/spell/spell.aqua", spell), ("/proj/src/app/main.aqua", main)];
    let checked = check(&files, "/proj/src/app/main.aqua", &[]);
    assert!(checked.is_ok(), "{:?}", checked.errors);
    // A nearer node_modules wins, and -I roots come before any node_modules.
    let nearer = [files[0], files[1], ("/proj/src/node_modules/@acme/spell/spell.aqua", local)];
    assert_eq!(codes(&check(&nearer, "/proj/src/app/main.aqua", &[])), ["T002"]);
    let rooted = [files[0], files[1], ("/lib/@acme/spell/spell.aqua", local)];
    assert_eq!(codes(&check(&rooted, "/proj/src/app/main.aqua", &["/lib"])), ["T002"]);
    // A relative import never looks in node_modules.
    let relative = "aqua Main\n\nimport \"./spell.aqua\"\n";
    let missing = check(&[files[0], ("/proj/main.aqua", relative)], "/proj/main.aqua", &[]);
    assert_eq!(codes(&missing), ["T023"]);
}

/// A [`MemoryLoader`] that counts how often each file is read.
#[derive(Default)]
struct CountingLoader {
    files: MemoryLoader,
    reads: std::collections::HashMap<PathBuf, usize>,
}

impl aqua_typecheck::SourceLoader for CountingLoader {
    fn load(&mut self, path: &Path) -> Result<String, aqua_typecheck::LoadError> {
        let source = self.files.load(path)?;
        *self.reads.entry(path.to_path_buf()).or_default() += 1;
        Ok(source)
    }
}

/// A folder: two files share an import, one imports a module with a type error, one names an
/// export that does not exist, and one imports that file.
const FOLDER: [(&str, &str); 7] = [
    ("lib.aqua", LIB),
    (
        "a.aqua",
        "aqua A\n\nexport fa\n\nimport \"lib.aqua\"\n\nfunc fa(x: u32) -> u32:\n  <- double(x)\n",
    ),
    (
        "b.aqua",
        "aqua B declares fb\n\nexport fb\n\nimport \"lib.aqua\"\n\nfunc fb(x: u32) -> u32:\n  <- double(x)\n",
    ),
    ("bad.aqua", "aqua Bad declares wrong\n\nfunc wrong() -> u32:\n  <- \"text\"\n"),
    (
        "uses_bad.aqua",
        "aqua UsesBad\n\nexport g\n\nimport \"bad.aqua\"\n\nfunc g() -> u32:\n  <- wrong()\n",
    ),
    (
        "bad_export.aqua",
        "aqua BadExport declares h\n\nexport h, missing\n\nfunc h() -> u32:\n  <- 1\n",
    ),
    (
        "uses_bad_export.aqua",
        "aqua UsesBadExport\n\nexport k\n\nimport \"bad_export.aqua\"\n\nfunc k() -> u32:\n  <- h()\n",
    ),
];

#[test]
fn checking_a_folder_loads_each_module_once_and_gives_each_file_its_own_outcome() {
    let mut loader = CountingLoader::default();
    for (path, source) in FOLDER {
        loader.files.add(path, source);
    }
    let paths: Vec<PathBuf> = FOLDER.iter().map(|(path, _)| PathBuf::from(path)).collect();
    let options = Options::default();
    let mut each = aqua_typecheck::check_each(&paths, &mut loader, &options);
    assert_eq!(each.len(), FOLDER.len());
    for (path, reads) in &loader.reads {
        assert_eq!(*reads, 1, "{} was read {reads} times", path.display());
    }
    // Each problem once, though `bad.aqua` is both checked and imported.
    assert_eq!(codes(&each.checked), ["T002", "T030"], "{:?}", each.checked.errors);
    for (index, (path, _)) in FOLDER.iter().enumerate() {
        let alone = check(&FOLDER, path, &[]);
        assert_eq!(each.is_ok(index), alone.is_ok(), "{path}");
        let program = &each.select(index).checked.program;
        let exported = |p: &aqua_typecheck::tast::Program| -> Vec<String> {
            p.exports.iter().map(|e| e.name.to_string()).collect()
        };
        assert_eq!(exported(program), exported(&alone.program), "{path}");
        let name = |p: &aqua_typecheck::tast::Program| {
            let entry = p.entry.map(|m| m.0 as usize);
            entry.and_then(|m| p.modules.get(m)).map(|m| m.name.to_string())
        };
        assert_eq!(name(program), name(&alone.program), "{path}");
    }
    let ok: Vec<bool> = (0..each.len()).map(|index| each.is_ok(index)).collect();
    assert_eq!(ok, [true, true, true, false, false, false, true]);
}

#[test]
fn a_file_of_the_folder_that_cannot_be_read_is_reported_alone() {
    let mut loader = MemoryLoader::new();
    loader.add("a.aqua", FOLDER[1].1);
    loader.add("lib.aqua", LIB);
    let paths = [PathBuf::from("gone.aqua"), PathBuf::from("a.aqua")];
    let each = aqua_typecheck::check_each(&paths, &mut loader, &Options::default());
    assert_eq!(codes(&each.checked), ["T023"]);
    assert!(!each.is_ok(0));
    assert!(each.is_ok(1));
    assert!(!each.is_ok(2), "no third file");
}

#[test]
fn files_are_grouped_by_the_modules_they_share_but_not_by_the_standard_library() {
    let mut loader = MemoryLoader::new();
    for (path, source) in FOLDER {
        loader.add(path, source);
    }
    let std = "aqua Std\n\nimport \"@fluencelabs/aqua-lib/builtin.aqua\"\n\nfunc s() -> string:\n  <- \"s\"\n";
    loader.add("std_only.aqua", std);
    loader.add("also_std.aqua", std.replace("Std", "AlsoStd"));
    let names = [
        "a.aqua",
        "bad.aqua",
        "std_only.aqua",
        "b.aqua",
        "gone.aqua",
        "uses_bad.aqua",
        "also_std.aqua",
        "lib.aqua",
    ];
    let paths: Vec<PathBuf> = names.iter().map(PathBuf::from).collect();
    let groups = aqua_typecheck::import_groups(&paths, &mut loader, &Options::default());
    // a, b and lib share lib; bad and uses_bad share bad; the others stand alone.
    assert_eq!(groups, [vec![0, 3, 7], vec![1, 5], vec![2], vec![4], vec![6]]);
}

/// A [`MemoryLoader`] with files that are there but cannot be read.
struct UnreadableLoader {
    files: MemoryLoader,
    unreadable: Vec<&'static str>,
}

impl aqua_typecheck::SourceLoader for UnreadableLoader {
    fn load(&mut self, path: &Path) -> Result<String, aqua_typecheck::LoadError> {
        match self.unreadable.iter().any(|p| Path::new(p) == path) {
            true => Err(aqua_typecheck::LoadError::Unreadable(
                "stream did not contain valid UTF-8".to_owned(),
            )),
            false => self.files.load(path),
        }
    }
}

#[test]
fn a_file_that_is_there_but_cannot_be_read_is_reported_as_such_not_as_missing() {
    let main =
        "aqua Main\n\nimport \"lib.aqua\"\n\nfunc f(x: u32) -> u32:\n  r <- double(x)\n  <- r\n";
    let mut files = MemoryLoader::new();
    // A readable `lib.aqua` further along the search: the unreadable one found first stops it.
    files.add("main.aqua", main).add("root/lib.aqua", LIB);
    let mut loader = UnreadableLoader { files, unreadable: vec!["lib.aqua", "broken.aqua"] };
    let options = Options { import_roots: vec![PathBuf::from("root")], constants: Vec::new() };
    let checked = aqua_typecheck::check(Path::new("main.aqua"), None, &mut loader, &options);
    assert_eq!(codes(&checked), ["T041", "T001"], "{:?}", checked.errors);
    let entry = aqua_typecheck::check(Path::new("broken.aqua"), None, &mut loader, &options);
    assert_eq!(codes(&entry), ["T041"]);
    let rendered = aqua_syntax::diagnostics::render_plain(&checked.files, &checked.diagnostics());
    let entry = aqua_syntax::diagnostics::render_plain(&entry.files, &entry.diagnostics());
    insta::assert_snapshot!(format!("{rendered}\n----- an entry file\n{entry}"));
}

#[test]
fn a_later_import_replaces_a_different_definition_with_a_warning() {
    // subnet.aqua's `Worker` is a data type, workers.aqua's a service: the later line wins.
    let main = "aqua Main\n\nimport \"@fluencelabs/aqua-lib/subnet.aqua\"\nimport \"@fluencelabs/aqua-lib/workers.aqua\"\n\nfunc f(deal: string) -> ?PeerId:\n  id <- Worker.get_worker_id(deal)\n  <- id\n";
    let checked = check(&[("main.aqua", main)], "main.aqua", &[]);
    assert!(checked.is_ok(), "{:?}", checked.errors);
    let warnings: Vec<&str> = checked.warnings.iter().map(|w| w.value.code()).collect();
    assert_eq!(warnings, ["T055", "T052"], "the replaced line's names are all unused");
    let swapped = main.replace(
        "subnet.aqua\"\nimport \"@fluencelabs/aqua-lib/workers",
        "workers.aqua\"\nimport \"@fluencelabs/aqua-lib/subnet",
    );
    assert_ne!(swapped, main);
    // Now `Worker` is subnet.aqua's data type, which cannot be called.
    assert_eq!(codes(&check(&[("main.aqua", &swapped)], "main.aqua", &[])), ["T031"]);
}

#[test]
fn two_copies_of_one_file_imported_mean_the_same_and_are_no_clash() {
    let copy = "aqua Types declares *\n\nalias CID: string\n\ndata Item:\n  cid: CID\n\nservice Store(\"store\"):\n  get(cid: CID) -> Item\n\nconst LIMIT = 3\n";
    let main = "aqua Main\n\nimport \"local/types.aqua\"\nimport \"package/types.aqua\"\n\nfunc f(cid: CID) -> Item, u32:\n  item <- Store.get(cid)\n  <- item, LIMIT\n";
    let files = [("local/types.aqua", copy), ("package/types.aqua", copy), ("main.aqua", main)];
    let checked = check(&files, "main.aqua", &[]);
    assert!(checked.is_ok(), "{:?}", checked.errors);
    let warnings: Vec<&str> = checked.warnings.iter().map(|w| w.value.code()).collect();
    assert_eq!(warnings, ["T052"], "only the second line is unused: its names are the first's");
}

/// The names of what the checked file exports to the host, in order.
fn export_names(checked: &Checked) -> Vec<&str> {
    checked.program.exports.iter().map(|e| e.name.as_str()).collect()
}

#[test]
fn what_imported_modules_export_is_exported_too_as_the_reference_does() {
    let lib = "aqua Lib declares *\n\nexport Srv, hello, other as renamed\n\nservice Srv(\"srv\"):\n  say(s: string)\n\nfunc hello(s: string):\n  Srv.say(s)\n\nfunc other():\n  Srv.say(\"x\")\n";
    let hub = "aqua Hub declares *\n\nimport \"lib.aqua\"\n";
    let partial = "aqua Partial declares hello\n\nexport hello, other\n\nfunc hello() -> string:\n  <- \"h\"\n\nfunc other() -> string:\n  <- \"o\"\n";
    let hidden = "aqua Hidden\n\nexport hello\n\nfunc hello() -> string:\n  <- \"h\"\n";
    let exports_with = |header: &str| {
        let main = format!("aqua Main\n\nexport main\n\n{header}\n\nfunc main():\n  x_ = 1\n");
        let files = [
            ("lib.aqua", lib),
            ("hub.aqua", hub),
            ("partial.aqua", partial),
            ("hidden.aqua", hidden),
            ("main.aqua", main.as_str()),
        ];
        let checked = check(&files, "main.aqua", &[]);
        assert!(checked.errors.is_empty(), "{header}: {:?}", checked.errors);
        export_names(&checked).into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    // A whole import brings the functions and services its module exports, under their
    // exported names, before the file's own.
    assert_eq!(exports_with("import \"lib.aqua\""), ["Srv", "hello", "renamed", "main"]);
    // Through a module that only imports it, too.
    assert_eq!(exports_with("import \"hub.aqua\""), ["Srv", "hello", "renamed", "main"]);
    // `import … from` brings only the names it picks; renamed on import, none.
    assert_eq!(exports_with("import hello from \"lib.aqua\""), ["hello", "main"]);
    assert_eq!(exports_with("import hello as hi from \"lib.aqua\""), ["main"]);
    // `use`, and what a module does not declare, bring none.
    assert_eq!(exports_with("use \"lib.aqua\""), ["main"]);
    assert_eq!(exports_with("import \"partial.aqua\""), ["hello", "main"]);
    assert_eq!(exports_with("import \"hidden.aqua\""), ["main"]);
}

#[test]
fn the_files_own_export_of_an_inherited_definition_wins() {
    let lib = "aqua Lib declares hello\n\nexport hello as lib_name\n\nfunc hello() -> string:\n  <- \"h\"\n";
    let main = "aqua Main\n\nexport hello as mine\n\nimport hello from \"lib.aqua\"\n";
    let checked = check(&[("lib.aqua", lib), ("main.aqua", main)], "main.aqua", &[]);
    assert!(checked.is_ok(), "{:?}", checked.errors);
    assert_eq!(export_names(&checked), ["mine"]);
}
