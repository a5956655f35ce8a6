//! The compact typed forms code generation reads: a named service's method call, a construction's
//! values named by their type, and an assignment's local typed by its value.

use std::path::Path;

use aqua_typecheck::tast::{Expr, ExprKind, Func, Program, Stmt, StmtKind};
use aqua_typecheck::{Checked, MemoryLoader, Options};

fn check(source: &str) -> Checked {
    let mut loader = MemoryLoader::new();
    loader.add("main.aqua", source);
    aqua_typecheck::check(Path::new("main.aqua"), None, &mut loader, &Options::default())
}

fn func<'p>(program: &'p Program, name: &str) -> &'p Func {
    program.functions.iter().find(|f| f.name == name).expect("the function is checked")
}

/// The statement's call: the expression of a call statement.
fn call_of(stmt: &Stmt) -> &Expr {
    match &stmt.kind {
        StmtKind::Call { call, .. } => call,
        other => panic!("not a call statement: {other:?}"),
    }
}

const SERVICE: &str =
    "aqua Main\n\nservice Store(\"store\"):\n  put(k: string)\n  load(k: string) -> string\n\n";

#[test]
fn a_named_service_method_is_the_method_by_index_with_the_id_in_force() {
    let source = format!(
        "{SERVICE}func f(k: string) -> string:\n  Store \"other\"\n  v <- Store.load(k)\n  <- v\n"
    );
    let checked = check(&source);
    assert!(checked.is_ok(), "{:?}", checked.errors);
    let body = &func(&checked.program, "f").body.stmts;
    let operands = call_of(&body[1]).kind.operands().expect("a call");
    let ExprKind::Method { service, method, id } = &operands.callee().kind else {
        panic!("callee: {:?}", operands.callee().kind);
    };
    let declared = &checked.program.services[service.0 as usize];
    assert_eq!(declared.name, "Store");
    assert_eq!(declared.ty.methods[*method as usize].0, "load");
    assert!(format!("{:?}", id.literal()).contains("other"), "the id in force: {id:?}");
    assert_eq!(operands.callee().ty.to_string(), "k: string -> string");
}

#[test]
fn a_construction_holds_one_value_per_field_named_by_its_type() {
    let source = "aqua Main\n\ndata Pair:\n  a: u32\n  b: string\n\nfunc f() -> Pair:\n  p = Pair(b = \"x\", a = 1)\n  q = Pair(b = \"y\")\n  <- p\n";
    let checked = check(source);
    assert_eq!(checked.errors.len(), 1, "the missing field: {:?}", checked.errors);
    let body = &func(&checked.program, "f").body.stmts;
    let value = |stmt: &Stmt| match &stmt.kind {
        StmtKind::Assign { value, .. } => value.as_ref().clone(),
        other => panic!("not an assignment: {other:?}"),
    };
    let given = value(&body[0]);
    let named: Vec<(String, String)> = given
        .named_fields()
        .map(|(name, value)| (name.to_string(), format!("{:?}", value.literal())))
        .collect();
    assert_eq!(named[0].0, "a");
    assert!(named[0].1.contains('1'), "{named:?}");
    assert_eq!(named[1].0, "b");
    // A missing field leaves an error value in its place, so the values still line up.
    let missing = value(&body[1]);
    let kinds: Vec<(String, bool)> = missing
        .named_fields()
        .map(|(name, value)| (name.to_string(), matches!(value.kind, ExprKind::Error)))
        .collect();
    assert_eq!(kinds, [("a".to_owned(), true), ("b".to_owned(), false)]);
}

#[test]
fn an_assignment_gives_its_local_the_value_type_and_the_name_span() {
    let source = format!("{SERVICE}func f(k: string) -> string:\n  total = k\n  <- total\n");
    let checked = check(&source);
    assert!(checked.is_ok(), "{:?}", checked.errors);
    let stmt = &func(&checked.program, "f").body.stmts[0];
    let binding = stmt.kind.assigned().expect("an assignment");
    assert_eq!(binding.name, "total");
    assert_eq!(binding.ty.to_string(), "string");
    assert_eq!(&source[binding.span.start as usize..binding.span.end as usize], "total");
    assert!(StmtKind::Return(Vec::new()).assigned().is_none());
}
