//! `aqua compile`: output files, JSON output, compiler options, `--call` and errors.

use crate::support::{aqua, data_file, stderr, stdout};

fn out_dir(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("aqua-compile-tests-{}-{name}", std::process::id()))
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
}
