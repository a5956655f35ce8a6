//! `aqua compile`: output files, JSON output, compiler options, `--call` and errors.

use crate::support::{aqua, data_file, stderr, stdout};

fn out_dir(name: &str) -> std::path::PathBuf {
    crate::support::scratch_path(&format!("compile-{name}"))
}

#[test]
fn compile_writes_one_script_per_export_and_a_description() {
    let dir = out_dir("files");
    let out = aqua(&["compile", &data_file("aqua", "01-hello.aqua"), "-o", &dir.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for function in ["hello", "noReturn"] {
        let air = std::fs::read_to_string(dir.join(format!("01-hello.{function}.air")))
            .expect("the script was written");
        assert!(air_syntax::parse_and_validate(&air).is_ok(), "{air}");
    }
    let meta = std::fs::read_to_string(dir.join("01-hello.meta.json")).expect("meta written");
    let meta: serde_json::Value = serde_json::from_str(&meta).expect("JSON");
    assert_eq!(meta["functions"]["hello"]["args"][0]["name"], "name");
    assert_eq!(meta["functions"]["hello"]["results"][0], "string");
    assert_eq!(meta["functions"]["hello"]["services"][0]["id"], "greeting");
}

#[test]
fn compile_writes_a_source_map_beside_each_script() {
    let dir = out_dir("maps");
    let source_path = data_file("aqua", "28-func-inlining.aqua");
    let out = aqua(&["compile", &source_path, "-o", &dir.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let air = std::fs::read_to_string(dir.join("28-func-inlining.outer.air")).expect("the AIR");
    let map = std::fs::read_to_string(dir.join("28-func-inlining.outer.air.map.json"))
        .expect("the source map was written");
    let map: serde_json::Value = serde_json::from_str(&map).expect("JSON");
    assert_eq!(map["version"], 1);
    assert_eq!(map["air"], "28-func-inlining.outer.air");
    let source = std::fs::read_to_string(&source_path).expect("the Aqua file");
    let sources = map["sources"].as_array().expect("sources");
    assert!(sources[0].as_str().is_some_and(|s| s.ends_with("28-func-inlining.aqua")));
    // Both calls of `Srv.call` (inlined twice, once inside `on peer`) come from the one line of
    // `helper` that calls it; every entry's AIR span is an instruction of the text.
    let instructions = map["instructions"].as_array().expect("instructions");
    let span = |entry: &serde_json::Value, key: &str| {
        let pair = entry[key].as_array().expect("a span");
        pair[0].as_u64().unwrap() as usize..pair[1].as_u64().unwrap() as usize
    };
    let calls: Vec<&serde_json::Value> = instructions
        .iter()
        .filter(|entry| air[span(entry, "air")].contains("(\"srv\" \"call\")"))
        .filter(|entry| entry["instruction"] == "call")
        .collect();
    assert_eq!(calls.len(), 2, "{map}");
    for call in calls {
        assert_eq!(&source[span(call, "span")], "Srv.call(s)");
        assert_eq!((call["line"].as_u64(), call["construct"].as_str()), (Some(11), Some("call")));
    }
    for entry in instructions {
        assert!(air[span(entry, "air")].starts_with('('), "{entry}");
    }
    assert_eq!(map["names"]["tmp-0"]["name"], "tmp");
}

#[test]
fn compile_json_prints_functions_errors_and_warnings() {
    let out = aqua(&["compile", "--json", &data_file("aqua", "22-callbacks.aqua")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let with_callback = &json["functions"]["withCallback"];
    assert!(
        with_callback["air"].as_str().is_some_and(|air| air.contains("\"callbackSrv\" \"log\""))
    );
    assert_eq!(with_callback["callbacks"].as_array().map(Vec::len), Some(2));
    assert_eq!(json["errors"], serde_json::json!([]));
}

#[test]
fn compile_reports_check_errors_and_exits_1() {
    let out = aqua(&["compile", "--json", &data_file("aqua", "36-compile-errors.aqua")]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let errors = json["errors"].as_array().expect("errors");
    // The same shape as `aqua check --format json`: one object per diagnostic.
    let t002 = errors.iter().find(|e| e["code"] == "T002").expect("a T002 error");
    assert_eq!(t002["severity"], "error");
    assert!(t002["file"].as_str().is_some_and(|f| f.ends_with("36-compile-errors.aqua")));
    assert!(t002["line"].as_u64().is_some_and(|line| line > 1), "{t002}");
    assert!(t002["message"].as_str().is_some_and(|m| m.starts_with("type mismatch")), "{t002}");
    assert_eq!(json["functions"], serde_json::json!({}));
}

#[test]
fn compile_options_change_the_script() {
    let file = data_file("aqua", "30-compiler-options.aqua");
    let air = |flags: &[&str]| {
        let mut args = vec!["compile", "--json", file.as_str()];
        args.extend_from_slice(flags);
        let json: serde_json::Value = serde_json::from_str(&stdout(&aqua(&args))).expect("JSON");
        json["functions"]["noResult"]["air"].as_str().unwrap_or_default().to_owned()
    };
    assert!(air(&[]).contains("-relay-"));
    assert!(!air(&["--no-relay"]).contains("-relay-"));
    assert!(!air(&[]).contains("\"response\""));
    assert!(air(&["--empty-response"]).contains("\"response\""));
    assert!(air(&["--tracing"]).contains("tracingEvent"));
}

#[test]
fn compile_call_inlines_literals_and_fetches_names() {
    let out =
        aqua(&["compile", &data_file("aqua", "33-function-call.aqua"), "--call", "greet(who, 3)"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let air = stdout(&out);
    assert!(air.contains("(call %init_peer_id% (\"getDataSrv\" \"who\") [] who)"), "{air}");
    assert!(air.contains("[who 3]"), "{air}");
    let bad = aqua(&["compile", &data_file("aqua", "33-function-call.aqua"), "--call", "nope(1)"]);
    assert_eq!(bad.status.code(), Some(1));
    // A string with a quote inside once reached the AIR as a script that does not parse; a bad
    // call is the input's fault, not an internal error.
    let quoted = "greet(\"a\" \"b\", 3)";
    let bad = aqua(&["compile", &data_file("aqua", "33-function-call.aqua"), "--call", quoted]);
    assert_eq!(bad.status.code(), Some(1));
    let message = stderr(&bad);
    assert!(message.contains("L007 invalid function call") && !message.contains("internal"));
    assert!(stdout(&bad).is_empty(), "{}", stdout(&bad));
}

#[test]
fn compile_call_gives_a_stream_parameter_an_array_and_refuses_a_single_literal() {
    let file = crate::support::data_file("run", "literals.aqua");
    let out = aqua(&["compile", &file, "--call", r#"append(["a", x])"#]);
    assert!(out.status.success(), "{}", stderr(&out));
    let air = stdout(&out);
    assert!(air.contains(r#"(ap "a" $s)"#) && air.contains("(ap x $s)"), "{air}");
    // It stopped with internal error L003; a literal for a stream is the call's fault.
    let bad = aqua(&["compile", &file, "--call", r#"append("a")"#]);
    assert_eq!(bad.status.code(), Some(1));
    let message = stderr(&bad);
    assert!(message.contains("L007 invalid function call") && !message.contains("internal"));
}

#[test]
fn every_target_mirrors_the_input_folders() {
    let dir = out_dir("mirror");
    let input = out_dir("mirror-src");
    std::fs::create_dir_all(input.join("a/deep")).expect("input folders");
    std::fs::create_dir_all(input.join("b")).expect("input folders");
    let hello = std::fs::read_to_string(data_file("aqua", "01-hello.aqua")).expect("example");
    let callbacks =
        std::fs::read_to_string(data_file("aqua", "22-callbacks.aqua")).expect("example");
    std::fs::write(input.join("a/deep/x.aqua"), &hello).expect("write");
    std::fs::write(input.join("b/x.aqua"), &callbacks).expect("write");
    let (input, out) = (input.to_string_lossy().into_owned(), dir.to_string_lossy().into_owned());
    for (flags, files) in [
        (vec![], vec!["a/deep/x.hello.air", "a/deep/x.meta.json", "b/x.withCallback.air"]),
        (vec!["--air"], vec!["a/deep/x.hello.air", "b/x.meta.json"]),
        (vec!["--target", "ts"], vec!["a/deep/x.ts", "b/x.ts"]),
        (vec!["--target", "js"], vec!["a/deep/x.js", "a/deep/x.d.ts", "b/x.js", "b/x.d.ts"]),
        (vec!["--js"], vec!["a/deep/x.js", "b/x.d.ts"]),
    ] {
        let _ = std::fs::remove_dir_all(&dir);
        let mut args = vec!["compile", input.as_str(), "-o", out.as_str()];
        args.extend(flags.iter().copied());
        let run = aqua(&args);
        assert!(run.status.success(), "{flags:?}: {}", stderr(&run));
        for file in files {
            assert!(dir.join(file).is_file(), "{flags:?}: `{file}` was not written");
        }
    }
    let ts = std::fs::read_to_string(dir.join("b/x.d.ts")).unwrap_or_default();
    assert!(ts.contains("export declare function withCallback("), "{ts}");
    assert!(ts.contains("ParticleContext$$"), "{ts}");
}

#[test]
fn meta_json_carries_the_type_descriptors() {
    let dir = out_dir("meta-defs");
    let file = data_file("aqua", "22-callbacks.aqua");
    let out = aqua(&["compile", &file, "-o", &dir.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let meta = std::fs::read_to_string(dir.join("22-callbacks.meta.json")).expect("meta written");
    let meta: serde_json::Value = serde_json::from_str(&meta).expect("JSON");
    let def = &meta["functions"]["withCallback"]["def"];
    assert_eq!(def["functionName"], "withCallback");
    assert_eq!(def["arrow"]["domain"]["fields"]["transform"]["tag"], "arrow");
    assert_eq!(def["names"]["responseSrv"], "callbackSrv");
}

#[test]
fn two_files_that_would_write_the_same_outputs_are_an_error() {
    let input = out_dir("collision-src");
    std::fs::create_dir_all(input.join("a")).expect("input folders");
    std::fs::create_dir_all(input.join("b")).expect("input folders");
    let hello = std::fs::read_to_string(data_file("aqua", "01-hello.aqua")).expect("example");
    std::fs::write(input.join("a/x.aqua"), &hello).expect("write");
    std::fs::write(input.join("b/x.aqua"), &hello).expect("write");
    let dir = out_dir("collision");
    let (a, b) = (input.join("a/x.aqua"), input.join("b/x.aqua"));
    let out = aqua(&[
        "compile",
        &a.to_string_lossy(),
        &b.to_string_lossy(),
        "-o",
        &dir.to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("would both write `x.*`"), "{}", stderr(&out));
    assert!(!dir.exists(), "nothing is written");
    // The same file given twice is no collision.
    let out = aqua(&[
        "compile",
        &a.to_string_lossy(),
        &a.to_string_lossy(),
        "-o",
        &dir.to_string_lossy(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_bad_target_or_output_folder_exits_2() {
    let file = data_file("aqua", "01-hello.aqua");
    let out = aqua(&["compile", &file, "-o", &out_dir("bad").to_string_lossy(), "--target", "wat"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("invalid value 'wat'"), "{}", stderr(&out));
    let blocker = out_dir("blocker");
    std::fs::write(&blocker, "a file, not a folder").expect("write");
    let inside = blocker.join("out");
    let out = aqua(&["compile", &file, "-o", &inside.to_string_lossy(), "--target", "ts"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot create"), "{}", stderr(&out));
    let out = aqua(&["compile", &file, "--json", "--target", "js"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_function_named_by_a_javascript_reserved_word_is_an_error_for_client_targets() {
    let source = "aqua Words declares *\n\nexport delete, keep\n\nfunc delete(new: string) -> string:\n  <- new\n\nfunc keep(new: string) -> string:\n  <- new\n";
    let file = crate::support::temp_file("words.aqua", source);
    let dir = out_dir("words");
    let out =
        aqua(&["compile", &file.to_string_lossy(), "-o", &dir.to_string_lossy(), "--target", "ts"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("C003 `delete` is a reserved word of JavaScript"),
        "{}",
        stderr(&out)
    );
    let ts = std::fs::read_to_string(dir.join("words.ts")).expect("the other function is written");
    assert!(ts.contains("export function keep(\n    new_: string,"), "{ts}");
    assert!(!ts.contains("function delete"), "{ts}");
    // The air target is not concerned.
    let out = aqua(&["compile", &file.to_string_lossy(), "-o", &dir.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_type_js_client_cannot_carry_is_an_error_for_client_targets() {
    let source = "aqua Maps declares *\n\nexport S, f\n\nservice S(\"s\"):\n  m(x: %string) -> string\n\nfunc f(x: string) -> string:\n  <- x\n";
    let file = crate::support::temp_file("maps.aqua", source);
    let dir = out_dir("uncarried-maps");
    let out =
        aqua(&["compile", &file.to_string_lossy(), "-o", &dir.to_string_lossy(), "--target", "js"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("C001 `S.m`: the type `%string` cannot cross to js-client"),
        "{}",
        stderr(&out)
    );
    // meta.json of the air target describes what it can and leaves the service out.
    let out = aqua(&["compile", &file.to_string_lossy(), "-o", &dir.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let meta = std::fs::read_to_string(dir.join("maps.meta.json")).expect("meta written");
    let meta: serde_json::Value = serde_json::from_str(&meta).expect("JSON");
    assert_eq!(meta["functions"]["f"]["def"]["functionName"], "f");
    assert_eq!(meta["services"], serde_json::json!({}));
}

/// Every file under `dir` whose name starts with `stem.`, with its text.
fn outputs_of(dir: &std::path::Path, stem: &str) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|entry| entry.path()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|path| {
            let name = path.file_name()?.to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).ok()?;
            name.starts_with(&format!("{stem}.")).then_some((name, text))
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_folder_compiles_each_file_as_it_compiles_alone_and_reports_each_problem_once() {
    let input = out_dir("folder-src");
    let _ = std::fs::remove_dir_all(&input);
    std::fs::create_dir_all(&input).expect("input folder");
    let lib = "aqua Lib declares double\n\nfunc double(x: u32) -> u32:\n  <- x + x\n";
    let files = [
        ("lib.aqua", lib),
        (
            "a.aqua",
            "aqua A\n\nexport fa\n\nimport \"lib.aqua\"\n\nfunc fa(x: u32) -> u32:\n  r <- double(x)\n  <- double(r)\n",
        ),
        (
            "b.aqua",
            "aqua B\n\nexport fb\n\nimport \"lib.aqua\"\n\nfunc fb(x: u32) -> u32:\n  <- double(x)\n",
        ),
        ("bad.aqua", "aqua Bad declares wrong\n\nfunc wrong() -> u32:\n  <- \"text\"\n"),
        (
            "uses_bad.aqua",
            "aqua UsesBad\n\nexport g\n\nimport \"bad.aqua\"\n\nfunc g() -> u32:\n  <- wrong()\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(input.join(name), text).expect("write");
    }
    for target in ["air", "ts"] {
        let folder_out = out_dir(&format!("folder-{target}"));
        let _ = std::fs::remove_dir_all(&folder_out);
        let run = aqua(&[
            "compile",
            &input.to_string_lossy(),
            "-o",
            &folder_out.to_string_lossy(),
            "--target",
            target,
        ]);
        assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
        assert_eq!(stderr(&run).matches("error[T002]").count(), 1, "{}", stderr(&run));
        assert!(outputs_of(&folder_out, "uses_bad").is_empty(), "a file importing an error");
        assert!(outputs_of(&folder_out, "bad").is_empty(), "a file with an error");
        for stem in ["a", "b"] {
            let alone_out = out_dir(&format!("alone-{target}-{stem}"));
            let _ = std::fs::remove_dir_all(&alone_out);
            let file = input.join(format!("{stem}.aqua"));
            let args = [
                "compile",
                &file.to_string_lossy(),
                "-o",
                &alone_out.to_string_lossy(),
                "--target",
                target,
            ];
            let run = aqua(&args);
            assert!(run.status.success(), "{}", stderr(&run));
            let alone = outputs_of(&alone_out, stem);
            assert!(!alone.is_empty(), "{stem}: nothing written");
            assert_eq!(outputs_of(&folder_out, stem), alone, "{target}: {stem}");
        }
    }
}

/// A link to an enclosing folder makes a loop: each folder is compiled once, not once per way
/// round the loop (the walk once went as deep as the system resolves links, 40 copies).
#[cfg(unix)]
#[test]
fn a_folder_linked_from_inside_itself_is_compiled_once() {
    let input = out_dir("loop-src");
    std::fs::create_dir_all(input.join("a")).expect("input folder");
    let hello = std::fs::read_to_string(data_file("aqua", "01-hello.aqua")).expect("example");
    std::fs::write(input.join("a/hello.aqua"), hello).expect("write");
    std::os::unix::fs::symlink("..", input.join("a/up")).expect("link");
    let output = out_dir("loop-out");
    let out = aqua(&["compile", &input.to_string_lossy(), "-o", &output.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut scripts = Vec::new();
    let mut pending = vec![output.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("output folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "air") {
                scripts.push(path);
            }
        }
    }
    scripts.sort();
    let expected = ["a/hello.hello.air", "a/hello.noReturn.air"].map(|name| output.join(name));
    assert_eq!(scripts, expected, "{scripts:?}");
}

#[test]
fn an_output_path_that_is_a_file_is_named_as_such() {
    let file = out_dir("a-file");
    std::fs::create_dir_all(file.parent().expect("scratch folder")).expect("scratch folder");
    std::fs::write(&file, "not a folder").expect("write");
    let out =
        aqua(&["compile", &data_file("aqua", "01-hello.aqua"), "-o", &file.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("it is a file, not a folder"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), "not a folder");
}
