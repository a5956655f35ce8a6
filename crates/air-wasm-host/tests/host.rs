//! Components written in the text format, loaded and called through the JSON boundary.

use air_wasm_host::{
    CallError, DeclarationMismatch, ExpectedFunction, Limits, LoadError, ServiceType, WasmService,
    aqua_declaration, check_declaration,
};
use serde_json::json;

const GREETING: &[u8] = include_bytes!("components/greeting.wat");
const MATH: &[u8] = include_bytes!("components/math.wat");

fn math() -> WasmService {
    WasmService::load(MATH, Limits::default()).expect("math.wat loads")
}

#[test]
fn strings_go_in_and_come_back() {
    let mut service = WasmService::load(GREETING, Limits::default()).expect("greeting.wat loads");
    assert_eq!(service.call("greet", &[json!("Aqua")]), Ok(json!("Hello, Aqua!")));
    // A second call reuses the instance.
    assert_eq!(service.call("greet", &[json!("peer")]), Ok(json!("Hello, peer!")));
}

#[test]
fn scalars_lists_options_and_records_convert_both_ways() {
    let mut service = math();
    assert_eq!(service.call("add", &[json!(2), json!(40)]), Ok(json!(42)));
    assert_eq!(
        service.call("stats", &[json!([1, 2, 3, 10])]),
        Ok(json!({"count": 4, "total": 16}))
    );
    assert_eq!(service.call("half", &[json!([10])]), Ok(json!([5])));
    assert_eq!(service.call("half", &[json!([])]), Ok(json!([])));
    assert_eq!(service.call("half", &[json!(null)]), Ok(json!([])));
    assert_eq!(service.call("is_even", &[json!(-4)]), Ok(json!(true)));
    assert_eq!(service.call("is-even", &[json!(7)]), Ok(json!(false)));
}

#[test]
fn signatures_are_read_from_the_component() {
    let service = math();
    let names: Vec<&str> = service.functions().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["add", "stats", "half", "is-even", "spin", "crash", "hog"]);
    let stats = &service.functions()[1];
    assert_eq!(
        stats.params,
        vec![("xs".to_string(), ServiceType::List(Box::new(ServiceType::U32)))]
    );
    assert_eq!(
        stats.result,
        Some(ServiceType::Record(vec![
            ("count".into(), ServiceType::U32),
            ("total".into(), ServiceType::U64)
        ]))
    );
}

#[test]
fn the_aqua_declaration_names_records_and_uses_aqua_spellings() {
    let declaration = aqua_declaration("MathService", "math-svc", math().functions());
    insta::assert_snapshot!(declaration, @r#"
    data StatsResult:
      count: u32
      total: u64

    service MathService("math-svc"):
      add(a: u32, b: u32) -> u32
      stats(xs: []u32) -> StatsResult
      half(x: ?u32) -> ?u32
      is_even(x: i64) -> bool
      spin() -> u32
      crash() -> u32
      hog(pages: u32) -> u32
    "#);
}

#[test]
fn bad_arguments_are_failed_calls_with_a_reason() {
    let mut service = math();
    let error = service.call("add", &[json!("two"), json!(1)]).expect_err("a string is no u32");
    assert_eq!(error.to_string(), "argument `a` of `add`: expected u32, got \"two\"");
    let error = service.call("add", &[json!(-1), json!(1)]).expect_err("negative is no u32");
    assert!(matches!(error, CallError::Argument { .. }), "{error}");
    let error =
        service.call("add", &[json!(5_000_000_000u64), json!(1)]).expect_err("too large for u32");
    assert_eq!(error.to_string(), "argument `a` of `add`: 5000000000 does not fit in u32");
    let error = service.call("add", &[json!(1)]).expect_err("one argument is missing");
    assert_eq!(error, CallError::Arity { function: "add".into(), expected: 2, given: 1 });
    let error = service.call("stats", &[json!([1, "x"])]).expect_err("a list of numbers");
    assert!(error.to_string().contains("expected u32, got \"x\""), "{error}");
    let error = service.call("mul", &[]).expect_err("no such function");
    assert!(
        error.to_string().starts_with("service has no function `mul`; it has: add, stats"),
        "{error}"
    );
}

#[test]
fn traps_fuel_and_memory_exhaustion_are_failed_calls_and_the_service_recovers() {
    let limits = Limits { fuel: 100_000, memory: 4 << 20 };
    let mut service = WasmService::load(MATH, limits).expect("loads");
    let error = service.call("spin", &[]).expect_err("an endless loop");
    assert_eq!(error, CallError::OutOfFuel { function: "spin".into(), fuel: 100_000 });
    let error = service.call("crash", &[]).expect_err("unreachable");
    assert!(
        matches!(&error, CallError::Trap { reason, .. } if reason.contains("unreachable")),
        "{error}"
    );
    let error = service.call("hog", &[json!(1000)]).expect_err("64 MB is over the 4 MiB limit");
    assert_eq!(error, CallError::OutOfMemory { function: "hog".into(), limit: 4 << 20 });
    // Growing within the limit works, and the service still answers after the failures.
    assert_eq!(service.call("hog", &[json!(2)]), Ok(json!(1)));
    assert_eq!(service.call("add", &[json!(1), json!(2)]), Ok(json!(3)));
}

#[test]
fn invalid_components_are_load_errors() {
    let error =
        WasmService::load(b"(component (func", Limits::default()).expect_err("truncated text");
    assert!(matches!(error, LoadError::Invalid(_)), "{error}");
    let error = WasmService::load(b"\0asm garbage", Limits::default()).expect_err("garbage bytes");
    assert!(matches!(error, LoadError::Invalid(_)), "{error}");
    let core_module = b"(module (func (export \"f\")))";
    let error = WasmService::load(core_module, Limits::default())
        .expect_err("a core module is no component");
    assert!(matches!(error, LoadError::Invalid(_)), "{error}");
}

#[test]
fn unsupported_types_are_named_at_load_time() {
    let wat = br#"(component
      (core module $M (func (export "f") (param i32 i32) (result i32) (local.get 0)))
      (core instance $m (instantiate $M))
      (func (export "pair") (param "p" (tuple u32 u32)) (result u32) (canon lift (core func $m "f"))))"#;
    let error = WasmService::load(wat, Limits::default()).expect_err("tuples have no Aqua type");
    assert_eq!(
        error.to_string(),
        "function `pair` uses the component type `tuple`, which Aqua services cannot use"
    );
}

#[test]
fn declarations_are_checked_against_the_component() {
    let service = math();
    let good = vec![
        ExpectedFunction {
            name: "add".into(),
            params: vec![ServiceType::U32, ServiceType::U32],
            result: Some(ServiceType::U32),
        },
        ExpectedFunction {
            name: "is_even".into(),
            params: vec![ServiceType::I64],
            result: Some(ServiceType::Bool),
        },
    ];
    assert_eq!(check_declaration(&good, service.functions()), vec![]);
    let bad = vec![
        ExpectedFunction {
            name: "add".into(),
            params: vec![ServiceType::U32, ServiceType::String],
            result: Some(ServiceType::U32),
        },
        ExpectedFunction { name: "half".into(), params: vec![ServiceType::U32], result: None },
        ExpectedFunction { name: "mul".into(), params: vec![], result: None },
        ExpectedFunction { name: "spin".into(), params: vec![], result: Some(ServiceType::U64) },
    ];
    let mismatches = check_declaration(&bad, service.functions());
    let messages: Vec<String> = mismatches.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "argument 2 of `add` is `u32` in the component, but `string` in the declaration",
            "argument 1 of `half` is `?u32` in the component, but `u32` in the declaration",
            "`half` returns `?u32` in the component, but `()` in the declaration",
            "the component exports no function `mul`",
            "`spin` returns `u32` in the component, but `u64` in the declaration",
        ]
    );
    assert!(matches!(mismatches[3], DeclarationMismatch::Missing { .. }));
}
