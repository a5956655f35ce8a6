//! The canonical AIR printer, in two layouts.
//!
//! The pretty layout is the reference compiler's (`Air.show` in aqua-api 0.14.6): one space of
//! indent per nesting level, leaves on one line, composite instructions with their children on
//! the following lines and the closing parenthesis on its own line, a newline after every
//! instruction, and two spaces before the target of `canon`. Nesting deeper than [`MAX_INDENT`]
//! levels (a long chain of `seq`) is indented by [`MAX_INDENT`] spaces only, so the output stays
//! linear in the program where the reference's grows with the square of the chain. The compact
//! layout prints the whole script on one line with single spaces. Both parse back to the same
//! tree.
//!
//! The printer never fails and never checks validity; it must not escape strings (AIR has no
//! escapes), so a string holding `"` cannot be printed faithfully.

use std::fmt::{self, Write};

use crate::ast::{
    Accessor, ApResult, CallOutput, CanonForm, FailKind, FoldIterable, Instruction, Lens, Name,
    Program, Value, ValueKind, Variable, VariableKind,
};

/// The deepest indentation of the pretty layout, in spaces: instructions nested deeper sit at
/// this column. Every script nested less deeply is laid out exactly as the reference does.
pub const MAX_INDENT: usize = 64;

/// Prints a program in the reference compiler's indented layout, ending with a newline.
pub fn print_pretty(program: &Program) -> String {
    Printer { out: String::new(), pretty: true }.program(&program.body)
}

/// Prints a program on one line, without a trailing newline.
pub fn print_compact(program: &Program) -> String {
    Printer { out: String::new(), pretty: false }.program(&program.body)
}

/// Prints one value as it appears in a script, such as `x.$.a.[0]`.
pub fn print_value(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

impl fmt::Display for Program {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&print_pretty(self))
    }
}

impl fmt::Display for Value {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&print_value(self))
    }
}

struct Printer {
    out: String,
    pretty: bool,
}

/// One step of the walk: the walk keeps its own stack, so a chain of any length prints without
/// deep recursion.
enum Task<'p> {
    /// Print an instruction nested `depth` levels deep.
    Open(&'p Instruction, usize),
    /// Close a composite instruction nested `depth` levels deep, after its children.
    Close(usize),
}

impl Printer {
    fn program(mut self, body: &Instruction) -> String {
        let mut tasks = vec![Task::Open(body, 0)];
        while let Some(task) = tasks.pop() {
            match task {
                Task::Open(instruction, depth) => {
                    let children = self.open(instruction, depth);
                    if children.iter().all(Option::is_none) {
                        self.close(None);
                        continue;
                    }
                    if self.pretty {
                        self.out.push('\n');
                    }
                    tasks.push(Task::Close(depth));
                    let children = children.into_iter().rev().flatten();
                    tasks.extend(children.map(|child| Task::Open(child, depth + 1)));
                }
                Task::Close(depth) => self.close(Some(depth)),
            }
        }
        self.out
    }

    /// Writes an instruction up to its children, which it returns in order.
    fn open<'p>(
        &mut self,
        instruction: &'p Instruction,
        depth: usize,
    ) -> [Option<&'p Instruction>; 2] {
        if self.pretty {
            self.indent(depth);
        } else if depth > 0 {
            self.out.push(' ');
        }
        self.out.push('(');
        self.out.push_str(instruction.keyword());
        match instruction {
            Instruction::Call(call) => {
                self.space_value(&call.peer);
                self.out.push_str(" (");
                write_value(&mut self.out, &call.service);
                self.space_value(&call.function);
                self.out.push_str(") [");
                for (idx, arg) in call.args.iter().enumerate() {
                    if idx > 0 {
                        self.out.push(' ');
                    }
                    write_value(&mut self.out, arg);
                }
                self.out.push(']');
                match &call.output {
                    Some(CallOutput::Scalar(name)) => self.space_tagged("", name),
                    Some(CallOutput::Stream(name)) => self.space_tagged("$", name),
                    None => {}
                }
            }
            Instruction::Canon(canon) => self.canon_body(&canon.peer, &canon.form),
            Instruction::Ap(ap) => {
                self.space_value(&ap.argument);
                match &ap.result {
                    ApResult::Scalar(name) => self.space_tagged("", name),
                    ApResult::Stream(name) => self.space_tagged("$", name),
                }
            }
            Instruction::ApMap(ap) => {
                self.out.push_str(" (");
                write_value(&mut self.out, &ap.key);
                self.space_value(&ap.value);
                self.out.push(')');
                self.space_tagged("%", &ap.map);
            }
            Instruction::Seq(pair) | Instruction::Par(pair) | Instruction::Xor(pair) => {
                return [Some(&pair.left), Some(&pair.right)];
            }
            Instruction::Null(_) | Instruction::Never(_) => {}
            Instruction::New(new) => {
                self.out.push(' ');
                write_variable(&mut self.out, &new.variable);
                return [Some(&new.body), None];
            }
            Instruction::Fail(fail) => self.fail_body(&fail.kind),
            Instruction::Fold(fold) => {
                match &fold.iterable {
                    FoldIterable::Value(value) => self.space_value(value),
                    FoldIterable::Stream(name) => self.space_tagged("$", name),
                    FoldIterable::StreamMap(name) => self.space_tagged("%", name),
                }
                self.space_tagged("", &fold.iterator);
                return [Some(&fold.body), fold.last.as_ref()];
            }
            Instruction::Next(next) => self.space_tagged("", &next.iterator),
            Instruction::Match(match_) | Instruction::Mismatch(match_) => {
                self.space_value(&match_.left);
                self.space_value(&match_.right);
                return [Some(&match_.body), None];
            }
        }
        [None, None]
    }

    /// Writes the closing parenthesis: on its own line at the instruction's indentation after
    /// children (`Some(depth)`), right after the instruction's last word for a leaf (`None`).
    fn close(&mut self, children_of: Option<usize>) {
        if let (true, Some(depth)) = (self.pretty, children_of) {
            self.indent(depth);
        }
        self.out.push(')');
        if self.pretty {
            self.out.push('\n');
        }
    }

    fn canon_body(&mut self, peer: &Value, form: &CanonForm) {
        self.space_value(peer);
        // The reference compiler puts two spaces before the target.
        let gap = if self.pretty { "  " } else { " " };
        match form {
            CanonForm::Stream { stream, canon } => {
                self.space_tagged("$", stream);
                self.out.push_str(gap);
                write_canon_name(&mut self.out, &canon.name, false);
            }
            CanonForm::Map { map, canon } => {
                self.space_tagged("%", map);
                self.out.push_str(gap);
                self.out.push_str("#%");
                self.out.push_str(&canon.name);
            }
            CanonForm::MapToScalar { map, scalar } => {
                self.space_tagged("%", map);
                self.out.push_str(gap);
                self.out.push_str(&scalar.name);
            }
        }
    }

    /// Writes the indentation of an instruction nested `depth` levels deep.
    fn indent(&mut self, depth: usize) {
        self.out.extend(std::iter::repeat_n(' ', depth.min(MAX_INDENT)));
    }

    fn fail_body(&mut self, kind: &FailKind) {
        match kind {
            FailKind::Value(value) => self.space_value(value),
            FailKind::Literal { code, message, .. } => {
                // Writing to a String cannot fail.
                let _ = write!(self.out, " {code} \"{message}\"");
            }
            FailKind::LastError => self.out.push_str(" %last_error%"),
            FailKind::Error => self.out.push_str(" :error:"),
        }
    }

    fn space_value(&mut self, value: &Value) {
        self.out.push(' ');
        write_value(&mut self.out, value);
    }

    fn space_tagged(&mut self, tag: &str, name: &Name) {
        self.out.push(' ');
        self.out.push_str(tag);
        self.out.push_str(&name.name);
    }
}

fn write_variable(out: &mut String, variable: &Variable) {
    let tag = match variable.kind {
        VariableKind::Scalar => "",
        VariableKind::Stream => "$",
        VariableKind::StreamMap => "%",
        VariableKind::CanonStream => return write_canon_name(out, &variable.name.name, false),
        VariableKind::CanonStreamMap => "#%",
    };
    out.push_str(tag);
    out.push_str(&variable.name.name);
}

/// Writes a canon stream name with the reference compiler's legacy `#` tag, or with `#$` where
/// AquaVM would reject the legacy spelling (a one-character name with a lens).
fn write_canon_name(out: &mut String, name: &str, has_lens: bool) {
    let mut chars = name.chars();
    let short = chars.next().is_some() && chars.next().is_none();
    out.push_str(if short && has_lens { "#$" } else { "#" });
    out.push_str(name);
}

fn write_value(out: &mut String, value: &Value) {
    match &value.kind {
        ValueKind::InitPeerId => out.push_str("%init_peer_id%"),
        ValueKind::LastError(lens) => {
            out.push_str("%last_error%");
            write_lens(out, lens.as_ref());
        }
        ValueKind::Error(lens) => {
            out.push_str(":error:");
            write_lens(out, lens.as_ref());
        }
        ValueKind::Timestamp => out.push_str("%timestamp%"),
        ValueKind::Ttl => out.push_str("%ttl%"),
        ValueKind::Str(text) => {
            out.push('"');
            out.push_str(text);
            out.push('"');
        }
        ValueKind::Int(value) => {
            let _ = write!(out, "{value}");
        }
        ValueKind::Float(value) => write_float(out, *value),
        ValueKind::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        ValueKind::EmptyArray => out.push_str("[]"),
        ValueKind::Scalar { name, lens } => {
            out.push_str(name);
            write_lens(out, lens.as_ref());
        }
        ValueKind::CanonStream { name, lens } => {
            write_canon_name(out, name, lens.is_some());
            write_lens(out, lens.as_ref());
        }
        ValueKind::CanonStreamMap { name, lens } => {
            out.push_str("#%");
            out.push_str(name);
            write_lens(out, lens.as_ref());
        }
    }
}

/// A float as the printer writes it: Rust's shortest form, plus `.0` when that form has no dot.
/// AquaVM reads at most [`MAX_FLOAT_LENGTH`](crate::lexer::MAX_FLOAT_LENGTH) characters of it.
pub fn float_text(value: f64) -> String {
    let mut out = String::new();
    write_float(&mut out, value);
    out
}

/// Whether a script can carry `value` as a literal that AquaVM reads back: finite, and at most
/// [`MAX_FLOAT_LENGTH`](crate::lexer::MAX_FLOAT_LENGTH) characters as [`float_text`] writes it.
pub fn float_fits(value: f64) -> bool {
    value.is_finite() && float_text(value).chars().count() <= crate::lexer::MAX_FLOAT_LENGTH
}

/// Writes a float so that it reads back as a float: Rust's shortest form, plus `.0` when that
/// form has no dot.
fn write_float(out: &mut String, value: f64) {
    let start = out.len();
    let _ = write!(out, "{value}");
    if !out[start..].contains('.') {
        out.push_str(".0");
    }
}

fn write_lens(out: &mut String, lens: Option<&Lens>) {
    match lens {
        None => {}
        Some(Lens::Length) => out.push_str(".length"),
        Some(Lens::Path(accessors)) => {
            out.push_str(".$");
            for accessor in accessors {
                match accessor {
                    Accessor::Field(field) => {
                        out.push('.');
                        out.push_str(field);
                    }
                    Accessor::Index(idx) => {
                        let _ = write!(out, ".[{idx}]");
                    }
                    Accessor::ByScalar(name) => {
                        out.push_str(".[");
                        out.push_str(name);
                        out.push(']');
                    }
                }
            }
        }
    }
}
