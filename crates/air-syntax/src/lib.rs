//! The AIR language: its AST, a hand-written lexer with a recursive-descent parser (LALRPOP reports the
//! errors), the static validator of AquaVM and the canonical printer of the reference compiler.
//!
//! `air-codegen` builds [`Program`]s and prints them; `air-vm` parses, validates and runs them.
//! This crate depends on no other crate of the workspace and does no IO.
//!
//! ```
//! let program = air_syntax::parse("(seq (null) (never))").expect("valid AIR");
//! assert!(air_syntax::validate(&program).is_empty());
//! assert_eq!(air_syntax::print_pretty(&program), "(seq\n (null)\n (never)\n)\n");
//! ```

// Library code never panics on input and never prints: errors are values (tests may unwrap).
#![deny(missing_docs, clippy::unwrap_used, clippy::expect_used)]
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod ast;
mod descent;
pub mod diagnostics;
pub mod document;
pub mod error;
pub mod lexer;
#[cfg(test)]
mod lexer_oracle;
mod parser;
pub mod printer;
pub mod validate;

pub use ast::*;
pub use diagnostics::render_plain;
pub use document::{Segment, format_document, parse_scripts, split_scripts};
pub use error::{AirSyntaxError, FormatError, LexError, LexErrorKind, ValidationError};
pub use parser::{parse, parse_at, parse_fast, parse_with_lalrpop};
pub use printer::{MAX_INDENT, float_fits, float_text, print_compact, print_pretty, print_value};
pub use validate::validate;

/// Parses and validates one script, returning the program or every error found.
pub fn parse_and_validate(src: &str) -> Result<Program, CheckError> {
    let program = parse(src).map_err(CheckError::Syntax)?;
    let errors = validate(&program);
    if errors.is_empty() { Ok(program) } else { Err(CheckError::Invalid(errors)) }
}

/// Why [`parse_and_validate`] failed; displayed as the parse error, or the validation errors
/// joined by `; `.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// The script does not parse.
    #[error(transparent)]
    Syntax(AirSyntaxError),
    /// The script parses but fails validation.
    #[error("{}", join_errors(.0))]
    Invalid(Vec<ValidationError>),
}

fn join_errors(errors: &[ValidationError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}
