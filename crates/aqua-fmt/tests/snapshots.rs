//! Snapshots of the formatter's output: every example workflow in `examples/`, and hand-written
//! messy inputs in `tests/messy/` (shown with their source).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // Tests read their fixtures from disk.

#[path = "support/common.rs"]
mod common;

#[test]
fn examples_are_formatted() {
    insta::glob!("../../../examples", "*.aqua", |path| {
        let src = std::fs::read_to_string(path).expect("readable example");
        let formatted = common::check_laws(&path.display().to_string(), &src);
        insta::assert_snapshot!(formatted);
    });
}

#[test]
fn messy_inputs_are_formatted() {
    insta::glob!("messy", "*.aqua", |path| {
        let src = std::fs::read_to_string(path).expect("readable input");
        let formatted = common::check_laws(&path.display().to_string(), &src);
        insta::assert_snapshot!(format!("----- SOURCE\n{src}----- FORMATTED\n{formatted}"));
    });
}

#[test]
fn edge_cases() {
    let cases = [
        ("header only", "\n\naqua A   \n\n\n"),
        ("comments around the header", "-- one\n\n\n-- two\naqua A\n-- three\n\n\n-- four\n"),
        ("no final newline", "aqua A\nfunc f():\n  Op.noop()"),
        (
            "multi-line string kept",
            "aqua A\nfunc f() -> string:\n    <- \"line one\n  line two\"\n",
        ),
        (
            "multi-line string in a commented call",
            "aqua A\nfunc f():\n    Op.call(\"a\n  b\", -- c\n        x)\n",
        ),
        (
            "comment in a signature",
            "aqua A\nfunc f(a: u32, -- the a\n         b: u32):\n    Op.noop()\n",
        ),
        (
            // Among several results an arrow keeps its parentheses; a lone one needs none.
            "arrow results",
            "aqua A\nfunc f() -> (string -> string, string), (u8 -> u8):\n  g = (s: string) -> (string -> u8), u8:\n    <- h, 1\n  <- c, d\nfunc k() -> (string -> string, string):\n  <- c\n",
        ),
        (
            "comments in a data type",
            "aqua A\ndata D: -- d\n    -- f\n    f: u32 -- after f\n\n\n    g: u32\n    -- end\n-- top\n",
        ),
    ];
    let mut report = String::new();
    for (name, src) in cases {
        let formatted = common::check_laws(name, src);
        report.push_str(&format!(
            "===== {name}\n----- SOURCE\n{src}\n----- FORMATTED\n{formatted}\n"
        ));
    }
    insta::assert_snapshot!(report);
}
