//! The architecture invariants of ARCHITECTURE.md, checked mechanically: which crate may depend
//! on which (from `cargo metadata`), which library crates ban IO, clocks, the environment and
//! printing (their `clippy.toml`), and that no crate has a file-level import cycle.

#![allow(clippy::disallowed_methods)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every workspace package's dependencies: name to `(dependency, kind)` (kind `normal`, `dev`
/// or `build`).
fn dependencies() -> BTreeMap<String, Vec<(String, String)>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--no-deps", "--format-version", "1", "--offline"])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    let packages = metadata["packages"].as_array().expect("packages");
    packages
        .iter()
        .map(|package| {
            let deps = package["dependencies"].as_array().into_iter().flatten();
            let deps = deps.map(|dep| {
                let name = dep["name"].as_str().unwrap_or_default().to_owned();
                (name, dep["kind"].as_str().unwrap_or("normal").to_owned())
            });
            (package["name"].as_str().unwrap_or_default().to_owned(), deps.collect())
        })
        .collect()
}

#[test]
fn air_vm_is_the_interpreter_alone() {
    let all = dependencies();
    let air_vm = all.get("air-vm").expect("air-vm is a workspace member");
    let forbidden = ["air-network", "toml", "base64", "data-encoding", "air-wasm-host"];
    for (dep, kind) in air_vm {
        assert!(
            !forbidden.contains(&dep.as_str()) && !dep.starts_with("aqua-"),
            "air-vm must not depend on {dep} ({kind}): it is the interpreter alone"
        );
    }
    let ours: BTreeSet<&str> = all.keys().map(String::as_str).collect();
    let air_syntax = all.get("air-syntax").expect("air-syntax is a workspace member");
    for (dep, kind) in air_syntax {
        assert!(
            !ours.contains(dep.as_str()),
            "air-syntax must depend on no crate of ours: {dep} ({kind})"
        );
    }
}

#[test]
fn only_air_network_runs_the_interpreter() {
    for (package, deps) in dependencies() {
        let runs_vm = deps.iter().any(|(dep, kind)| dep == "air-vm" && kind != "dev");
        assert!(
            !runs_vm || package == "air-network",
            "{package} depends on air-vm: only air-network may call its step function (tests \
             and benchmarks aside); go through air_network::invoke"
        );
    }
}

#[test]
fn library_crates_ban_io_clocks_environment_and_printing() {
    let required = [
        "std::fs::read_to_string",
        "std::fs::read\"",
        "std::fs::write",
        "std::env::var",
        "std::path::Path::exists",
        "std::time::Instant::now",
        "std::time::SystemTime::now",
        "std::println",
        "std::eprintln",
        "std::print\"",
        "std::eprint\"",
    ];
    for (package, _) in dependencies() {
        if package == "aqua-cli" {
            continue;
        }
        let path = root().join("crates").join(&package).join("clippy.toml");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        for entry in required {
            assert!(text.contains(entry), "{} must ban {entry}", path.display());
        }
    }
}

#[test]
fn no_file_level_import_cycles() {
    let mut found = Vec::new();
    for crate_dir in std::fs::read_dir(root().join("crates")).expect("crates/") {
        let src = crate_dir.expect("entry").path().join("src");
        if src.is_dir() {
            found.extend(cycles_in(&src));
        }
    }
    assert!(found.is_empty(), "file-level import cycles:\n{}", found.join("\n"));
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let dir = crate::support::scratch_path("cycles");
    std::fs::create_dir_all(dir.join("a")).expect("temp dir");
    std::fs::write(dir.join("lib.rs"), "mod a;\nmod b;\n").expect("write");
    std::fs::write(dir.join("a.rs"), "mod inner;\nuse crate::b::f;\n").expect("write");
    std::fs::write(dir.join("a/inner.rs"), "use super::super::b;\n").expect("write");
    std::fs::write(dir.join("b.rs"), "use crate::{a::inner::{g}, c};\n").expect("write");
    assert_eq!(cycles_in(&dir), [format!("{}: a -> b -> a", dir.display())]);
    std::fs::write(dir.join("b.rs"), "// crate::a::x in a comment\n").expect("write");
    assert!(cycles_in(&dir).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The cycles among sibling modules of one crate, as `src: a -> b -> a` lines. A file that
/// names a module (by `crate::`, `super::` or `self::` paths, in `use` or in code) depends on it;
/// a reference between a module and its own ancestors or descendants does not count, and a
/// reference into a sibling's subtree is a dependency on the sibling.
fn cycles_in(src: &Path) -> Vec<String> {
    let files = rust_files(src);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|(module, _)| module.clone()).collect();
    // Edges between siblings, keyed by their parent module.
    let mut edges: BTreeMap<Vec<String>, BTreeSet<(String, String)>> = BTreeMap::new();
    for (module, path) in &files {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        for target in referenced_paths(&code_only(&text), module) {
            let target = longest_module(&target, &modules);
            let common = module.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common < module.len() && common < target.len() {
                let parent = module[..common].to_vec();
                let edge = (module[common].clone(), target[common].clone());
                edges.entry(parent).or_default().insert(edge);
            }
        }
    }
    let mut cycles = Vec::new();
    for (parent, edges) in edges {
        for cycle in find_cycles(&edges) {
            let prefix: String = parent.iter().map(|name| format!("{name}::")).collect();
            let names: Vec<String> = cycle.iter().map(|name| format!("{prefix}{name}")).collect();
            cycles.push(format!("{}: {}", src.display(), names.join(" -> ")));
        }
    }
    cycles
}

/// Every `.rs` file under `src` with its module path (`lib.rs`/`main.rs` is the root).
fn rust_files(src: &Path) -> Vec<(Vec<String>, PathBuf)> {
    let mut files = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).expect("under src").with_extension("");
            let mut module: Vec<String> =
                relative.iter().map(|part| part.to_string_lossy().into_owned()).collect();
            if matches!(module.as_slice(), [only] if only == "lib" || only == "main")
                || module.last().is_some_and(|last| last == "mod")
            {
                module.pop();
            }
            files.push((module, path));
        }
    }
    files.sort();
    files
}

/// The text without comments and string literals (approximately: enough for paths).
fn code_only(text: &str) -> String {
    let mut code = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        code.push('\n');
                        break;
                    }
                }
            }
            'r' if chars.peek() == Some(&'#') => {
                // A raw string `r#"…"#`: skip to its end.
                chars.next();
                if chars.peek() == Some(&'"') {
                    let mut last = ' ';
                    for c in chars.by_ref() {
                        if last == '"' && c == '#' {
                            break;
                        }
                        last = c;
                    }
                    code.push_str("\"\"");
                }
            }
            '\'' => {
                // A character literal (`'"'`, `'\''`), or a lifetime.
                let mut ahead = chars.clone();
                match (ahead.next(), ahead.next()) {
                    (Some('\\'), _) => {
                        chars.next();
                        chars.next();
                        for c in chars.by_ref() {
                            if c == '\'' {
                                break;
                            }
                        }
                    }
                    (Some(_), Some('\'')) => {
                        chars.next();
                        chars.next();
                    }
                    _ => code.push(c),
                }
            }
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                code.push_str("\"\"");
            }
            _ => code.push(c),
        }
    }
    code
}

/// The absolute module paths named in `code` from `module`, with `use` groups expanded.
fn referenced_paths(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let tokens = tokenize(code);
    let mut paths = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let starts = matches!(tokens[i].as_str(), "crate" | "super" | "self")
            && tokens.get(i + 1).is_some_and(|t| t == "::")
            && (i == 0 || tokens[i - 1] != "::");
        if starts {
            let (found, next) = path_tree(&tokens, i, Vec::new());
            for path in found {
                if let Some(absolute) = absolute(&path, module) {
                    paths.push(absolute);
                }
            }
            i = next;
        } else {
            i += 1;
        }
    }
    paths
}

/// Identifiers, `::`, and single punctuation characters.
fn tokenize(code: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut chars = code.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            let mut end = start + c.len_utf8();
            while let Some(&(i, c)) = chars.peek() {
                if !(c.is_alphanumeric() || c == '_') {
                    break;
                }
                end = i + c.len_utf8();
                chars.next();
            }
            tokens.push(code[start..end].to_owned());
        } else if c == ':' && chars.peek().is_some_and(|&(_, c)| c == ':') {
            chars.next();
            tokens.push("::".into());
        } else if !c.is_whitespace() {
            tokens.push(c.to_string());
        }
    }
    tokens
}

/// Reads a path (and a `use` tree after it) from `tokens[at]`; returns the paths and the index
/// after them.
fn path_tree(tokens: &[String], at: usize, prefix: Vec<String>) -> (Vec<Vec<String>>, usize) {
    let mut path = prefix;
    let mut i = at;
    loop {
        match tokens.get(i).map(String::as_str) {
            Some("{") => {
                let mut paths = Vec::new();
                i += 1;
                while let Some(token) = tokens.get(i) {
                    match token.as_str() {
                        "}" => return (paths, i + 1),
                        "," => i += 1,
                        _ => {
                            let (found, next) = path_tree(tokens, i, path.clone());
                            paths.extend(found);
                            i = next.max(i + 1);
                        }
                    }
                }
                return (paths, i);
            }
            Some(token) if token.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                path.push(token.to_owned());
                i += 1;
                if tokens.get(i).map(String::as_str) == Some("::") {
                    i += 1;
                    continue;
                }
                if tokens.get(i).map(String::as_str) == Some("as") {
                    i += 2;
                }
                return (vec![path], i);
            }
            _ => return (vec![path], i),
        }
    }
}

/// A `crate::`/`super::`/`self::` path made absolute from `module`.
fn absolute(path: &[String], module: &[String]) -> Option<Vec<String>> {
    let mut base = module.to_vec();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    base.extend(rest.iter().filter(|part| *part != "self").cloned());
    Some(base)
}

/// The longest prefix of `path` that is a module of the crate.
fn longest_module(path: &[String], modules: &BTreeSet<Vec<String>>) -> Vec<String> {
    (0..=path.len())
        .rev()
        .map(|len| path[..len].to_vec())
        .find(|prefix| modules.contains(prefix))
        .unwrap_or_default()
}

/// One cycle per strongly connected component of more than one node, from its smallest node.
fn find_cycles(edges: &BTreeSet<(String, String)>) -> Vec<Vec<String>> {
    let nodes: BTreeSet<&String> = edges.iter().flat_map(|(a, b)| [a, b]).collect();
    let reaches = |from: &String, to: &String| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from];
        while let Some(node) = stack.pop() {
            for (a, b) in edges {
                if a == node && seen.insert(b) {
                    if b == to {
                        return true;
                    }
                    stack.push(b);
                }
            }
        }
        false
    };
    let mut cycles = Vec::new();
    let mut covered = BTreeSet::new();
    for &node in &nodes {
        if covered.contains(node) || !reaches(node, node) {
            continue;
        }
        // Walk a shortest way round: breadth-first back to `node`.
        let mut previous: BTreeMap<&String, &String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([node]);
        'search: while let Some(current) = queue.pop_front() {
            for (a, b) in edges {
                if a == current && !previous.contains_key(b) {
                    previous.insert(b, current);
                    if b == node {
                        break 'search;
                    }
                    queue.push_back(b);
                }
            }
        }
        let mut cycle = vec![node.clone()];
        let mut at = previous[node];
        while at != node {
            cycle.push(at.clone());
            at = previous[at];
        }
        cycle.push(node.clone());
        cycle.reverse();
        let members: Vec<&String> = nodes
            .iter()
            .copied()
            .filter(|other| reaches(node, other) && reaches(other, node))
            .collect();
        covered.extend(members);
        cycles.push(cycle);
    }
    cycles
}

#[test]
fn every_code_the_tools_emit_is_documented() {
    let docs = std::fs::read_to_string(root().join("docs/diagnostics.md")).expect("docs");
    let mut codes = BTreeSet::new();
    for crate_dir in std::fs::read_dir(root().join("crates")).expect("crates/") {
        let src = crate_dir.expect("entry").path().join("src");
        for (_, path) in rust_files(&src) {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            codes.extend(quoted_codes(&text));
            if path.ends_with("air-vm/src/error.rs") {
                codes.extend(return_codes(&text));
            }
        }
    }
    assert!(codes.len() > 100, "found only {} codes: the scan is broken", codes.len());
    let missing: Vec<&String> =
        codes.iter().filter(|code| !docs.contains(&format!("| {code} |"))).collect();
    assert!(missing.is_empty(), "codes missing from docs/diagnostics.md: {missing:?}");
}

/// Diagnostic codes at the start of string literals: `"T002"`, `"L001 unbound …"`.
fn quoted_codes(text: &str) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter_map(|literal| {
            let code = literal.get(..4)?;
            let well_formed = code.starts_with(|c: char| c.is_ascii_uppercase())
                && code[1..].chars().all(|c| c.is_ascii_digit())
                && literal[4..].chars().next().is_none_or(|c| c == ' ');
            well_formed.then(|| code.to_owned())
        })
        .collect()
}

/// The numeric codes of `fn code` match arms: `Variant(..) => 10000,`.
fn return_codes(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let (_, after) = line.split_once("=> ")?;
            let number = after.strip_suffix(',')?;
            number.chars().all(|c| c.is_ascii_digit()).then(|| number.to_owned())
        })
        .collect()
}

#[test]
fn comments_name_only_files_of_the_repository() {
    let mut dangling = Vec::new();
    for crate_dir in std::fs::read_dir(root().join("crates")).expect("crates/") {
        let crate_dir = crate_dir.expect("entry").path();
        for (_, path) in rust_files(&crate_dir.join("src")) {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for line in text.lines().filter(|line| line.trim_start().starts_with("//")) {
                for name in line.split('`').skip(1).step_by(2).filter(|name| is_file_path(name)) {
                    let bases =
                        [root(), crate_dir.clone(), crate_dir.join("src"), root().join("crates")];
                    if !bases.iter().any(|base| base.join(name).exists()) {
                        dangling.push(format!("{}: `{name}`", path.display()));
                    }
                }
            }
        }
    }
    assert!(
        dangling.is_empty(),
        "comments name files that are not in the repository:\n{}",
        dangling.join("\n")
    );
}

/// `dir/name.ext` with a known extension.
fn is_file_path(text: &str) -> bool {
    let extensions = [".md", ".rs", ".mjs", ".py", ".sh", ".json", ".toml", ".aqua", ".air"];
    text.contains('/')
        && !text.contains("...")
        && extensions.iter().any(|ext| text.ends_with(ext))
        && text.chars().all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
}
