//! The Aqua formatter: prints a parsed file in one canonical layout (`docs/formatting.md`) and
//! keeps every `--` comment where it was written.
//!
//! Laws, checked by the property tests: the output parses to the same tree as the input (spans
//! aside), formatting twice gives what formatting once gave, and the comments come out in equal
//! number and order. A file with syntax errors is never formatted. This crate does no IO.

// Library code never panics on input and never prints: errors are values (tests may unwrap).
#![deny(missing_docs, clippy::unwrap_used, clippy::expect_used)]
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod doc;
mod expr;
mod item;
mod printer;
mod stmt;
pub mod trivia;

use aqua_syntax::SyntaxError;
use aqua_syntax::ast::Module;

pub use printer::{INDENT_WIDTH, MAX_WIDTH};

/// Formats one source file, or returns its syntax errors (the text is then left as it is).
pub fn format(src: &str) -> Result<String, Vec<SyntaxError>> {
    format_with_width(src, MAX_WIDTH)
}

/// Formats one source file with lines that aim at `width` columns instead of [`MAX_WIDTH`].
pub fn format_with_width(src: &str, width: usize) -> Result<String, Vec<SyntaxError>> {
    let parsed = aqua_syntax::parse(src);
    if !parsed.errors.is_empty() {
        return Err(parsed.errors);
    }
    Ok(format_module_with_width(src, &parsed.module, width))
}

/// Formats a module parsed without errors from `src`.
pub fn format_module(src: &str, module: &Module) -> String {
    format_module_with_width(src, module, MAX_WIDTH)
}

fn format_module_with_width(src: &str, module: &Module, width: usize) -> String {
    let mut printer = printer::Printer::new(src, trivia::Comments::of(src), width);
    item::module(&mut printer, module);
    let formatted = printer.finish();
    // A byte order mark the file opens with stays: formatting changes layout, not encoding.
    match src.starts_with(aqua_syntax::layout::BYTE_ORDER_MARK) {
        true => format!("{}{formatted}", aqua_syntax::layout::BYTE_ORDER_MARK),
        false => formatted,
    }
}
