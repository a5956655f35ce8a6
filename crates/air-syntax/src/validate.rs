//! Static validation of a parsed script (spec section 3.3), the checks AquaVM runs after parsing
//! and reports as parse errors.
//!
//! Definitions are found in a first pass and uses are checked against text order in a second,
//! as AquaVM does: a use is valid when a definition of the same kind starts earlier in the text,
//! or when it is the iterator of an enclosing fold. This module reports; it never changes the tree.

use foldhash::HashMap;

use crate::ast::{
    Accessor, ApResult, CallOutput, CanonForm, FailKind, FoldIterable, Instruction, Lens, Name,
    Program, Span, Value, ValueKind, VariableKind,
};
use crate::error::ValidationError;

/// Runs every static check and returns the errors in text order.
pub fn validate(program: &Program) -> Vec<ValidationError> {
    let mut definitions = Definitions::default();
    definitions.collect(&program.body);
    let mut validator = Validator { definitions, folds: Vec::new(), errors: Vec::new() };
    validator.instruction(&program.body);
    validator.errors.sort_by_key(ValidationError::span);
    validator.errors
}

/// The earliest definition offset of each variable, by kind and name.
#[derive(Default)]
struct Definitions<'a> {
    first: HashMap<(VariableKind, &'a str), u32>,
}

impl<'a> Definitions<'a> {
    fn define(&mut self, kind: VariableKind, name: &'a Name) {
        let position = self.first.entry((kind, name.name.as_str())).or_insert(name.span.start);
        *position = (*position).min(name.span.start);
    }

    fn is_defined_before(&self, kind: VariableKind, name: &str, position: u32) -> bool {
        self.first.get(&(kind, name)).is_some_and(|&defined| defined < position)
    }

    fn collect(&mut self, instruction: &'a Instruction) {
        match instruction {
            Instruction::Call(call) => match &call.output {
                Some(CallOutput::Scalar(name)) => self.define(VariableKind::Scalar, name),
                Some(CallOutput::Stream(name)) => self.define(VariableKind::Stream, name),
                None => {}
            },
            Instruction::Canon(canon) => match &canon.form {
                CanonForm::Stream { canon, .. } => self.define(VariableKind::CanonStream, canon),
                CanonForm::Map { canon, .. } => self.define(VariableKind::CanonStreamMap, canon),
                CanonForm::MapToScalar { scalar, .. } => self.define(VariableKind::Scalar, scalar),
            },
            Instruction::Ap(ap) => match &ap.result {
                ApResult::Scalar(name) => self.define(VariableKind::Scalar, name),
                ApResult::Stream(name) => self.define(VariableKind::Stream, name),
            },
            Instruction::ApMap(ap) => self.define(VariableKind::StreamMap, &ap.map),
            Instruction::Seq(pair) | Instruction::Par(pair) | Instruction::Xor(pair) => {
                self.collect(&pair.left);
                self.collect(&pair.right);
            }
            Instruction::New(new) => {
                self.define(new.variable.kind, &new.variable.name);
                self.collect(&new.body);
            }
            Instruction::Fold(fold) => {
                self.collect(&fold.body);
                if let Some(last) = &fold.last {
                    self.collect(last);
                }
            }
            Instruction::Match(match_) | Instruction::Mismatch(match_) => {
                self.collect(&match_.body);
            }
            Instruction::Null(_)
            | Instruction::Never(_)
            | Instruction::Fail(_)
            | Instruction::Next(_) => {}
        }
    }
}

/// An enclosing fold while walking its body.
struct FoldFrame<'a> {
    iterator: &'a Name,
    over_stream: bool,
    first_next: Option<Span>,
}

struct Validator<'a> {
    definitions: Definitions<'a>,
    folds: Vec<FoldFrame<'a>>,
    errors: Vec<ValidationError>,
}

/// A `next` found in a subtree: the index of its fold frame and its span.
type FoundNext = Option<(usize, Span)>;

impl<'a> Validator<'a> {
    /// Checks one instruction and returns the first `next` inside it that belongs to an
    /// enclosing stream fold, so that `seq` can reject instructions after it.
    fn instruction(&mut self, instruction: &'a Instruction) -> FoundNext {
        match instruction {
            Instruction::Call(call) => {
                self.value(&call.peer);
                self.value(&call.service);
                self.value(&call.function);
                call.args.iter().for_each(|arg| self.value(arg));
                None
            }
            Instruction::Canon(canon) => {
                // Canonicalizing an undefined stream is legal: only the peer is a use.
                self.value(&canon.peer);
                None
            }
            Instruction::Ap(ap) => {
                self.value(&ap.argument);
                None
            }
            Instruction::ApMap(ap) => {
                self.map_key(&ap.key);
                self.value(&ap.key);
                self.value(&ap.value);
                None
            }
            // AquaVM rejects an instruction after a stream fold's `next` in a `par` as in a
            // `seq` (`xor` is allowed): the reference compiler emits `(par (next i) (null))`
            // for an empty `for … rec` body.
            Instruction::Seq(pair) | Instruction::Par(pair) => {
                let left = self.instruction(&pair.left);
                let right = self.instruction(&pair.right);
                if let Some((_, next)) = left {
                    self.errors.push(ValidationError::InstructionAfterNext {
                        span: pair.right.span(),
                        next,
                    });
                }
                left.or(right)
            }
            Instruction::Xor(pair) => {
                let left = self.instruction(&pair.left);
                let right = self.instruction(&pair.right);
                left.or(right)
            }
            Instruction::Null(_) | Instruction::Never(_) => None,
            Instruction::New(new) => {
                let name = &new.variable.name;
                let frame = self.iterator_frame(&name.name);
                if let (VariableKind::Scalar, Some(frame)) = (new.variable.kind, frame) {
                    let fold = self.folds[frame].iterator.span;
                    self.errors.push(ValidationError::NewOnIterator {
                        name: name.name.clone(),
                        span: name.span,
                        fold,
                    });
                }
                self.instruction(&new.body)
            }
            Instruction::Fail(fail) => {
                self.fail(&fail.kind);
                None
            }
            Instruction::Fold(fold) => self.fold(fold),
            Instruction::Next(next) => self.next(&next.iterator, next.span),
            Instruction::Match(match_) | Instruction::Mismatch(match_) => {
                self.value(&match_.left);
                self.value(&match_.right);
                self.instruction(&match_.body)
            }
        }
    }

    fn fold(&mut self, fold: &'a crate::ast::Fold) -> FoundNext {
        let over_stream = match &fold.iterable {
            FoldIterable::Value(value) => {
                self.value(value);
                false
            }
            FoldIterable::Stream(name) => {
                self.variable(VariableKind::Stream, &name.name, name.span);
                true
            }
            FoldIterable::StreamMap(name) => {
                self.variable(VariableKind::StreamMap, &name.name, name.span);
                true
            }
        };
        if let Some(frame) = self.iterator_frame(&fold.iterator.name) {
            self.errors.push(ValidationError::IteratorBoundTwice {
                name: fold.iterator.name.clone(),
                span: fold.iterator.span,
                first: self.folds[frame].iterator.span,
            });
        }
        let own = self.folds.len();
        self.folds.push(FoldFrame { iterator: &fold.iterator, over_stream, first_next: None });
        let mut found = self.instruction(&fold.body);
        if let Some(last) = &fold.last {
            found = found.or(self.instruction(last));
        }
        self.folds.pop();
        found.filter(|&(frame, _)| frame < own)
    }

    fn next(&mut self, iterator: &Name, span: Span) -> FoundNext {
        let Some(frame) = self.iterator_frame(&iterator.name) else {
            self.errors
                .push(ValidationError::UndefinedIterator { name: iterator.name.clone(), span });
            return None;
        };
        let fold = &mut self.folds[frame];
        match fold.first_next {
            Some(first) => self.errors.push(ValidationError::MultipleNext {
                name: iterator.name.clone(),
                span,
                first,
            }),
            None => fold.first_next = Some(span),
        }
        fold.over_stream.then_some((frame, span))
    }

    /// The index of the innermost enclosing fold whose iterator is `name`.
    fn iterator_frame(&self, name: &str) -> Option<usize> {
        self.folds.iter().rposition(|frame| frame.iterator.name == name)
    }

    fn fail(&mut self, kind: &'a FailKind) {
        match kind {
            FailKind::Value(value) => self.value(value),
            FailKind::Literal { code: 0, code_span, .. } => {
                self.errors.push(ValidationError::FailCodeZero { span: *code_span });
            }
            FailKind::Literal { .. } | FailKind::LastError | FailKind::Error => {}
        }
    }

    fn map_key(&mut self, key: &Value) {
        let supported = match &key.kind {
            ValueKind::Str(_) | ValueKind::Int(_) | ValueKind::Scalar { .. } => true,
            ValueKind::CanonStream { lens, .. } => lens.is_some(),
            _ => false,
        };
        if !supported {
            self.errors.push(ValidationError::UnsupportedMapKey { span: key.span });
        }
    }

    fn value(&mut self, value: &Value) {
        if let Some(Lens::Path(accessors)) = value_lens(value) {
            for accessor in accessors {
                if let Accessor::ByScalar(name) = accessor {
                    self.variable(VariableKind::Scalar, name, value.span);
                }
            }
        }
        match &value.kind {
            ValueKind::Scalar { name, .. } => {
                self.variable(VariableKind::Scalar, name, value.span);
            }
            ValueKind::CanonStream { name, .. } => {
                self.variable(VariableKind::CanonStream, name, value.span);
            }
            ValueKind::CanonStreamMap { name, .. } => {
                self.variable(VariableKind::CanonStreamMap, name, value.span);
            }
            _ => {}
        }
    }

    fn variable(&mut self, kind: VariableKind, name: &str, span: Span) {
        let is_iterator = kind == VariableKind::Scalar && self.iterator_frame(name).is_some();
        if is_iterator || self.definitions.is_defined_before(kind, name, span.start) {
            return;
        }
        let tag = match kind {
            VariableKind::Scalar => "",
            VariableKind::Stream => "$",
            VariableKind::StreamMap => "%",
            VariableKind::CanonStream => "#",
            VariableKind::CanonStreamMap => "#%",
        };
        self.errors.push(ValidationError::UndefinedVariable { name: format!("{tag}{name}"), span });
    }
}

fn value_lens(value: &Value) -> Option<&Lens> {
    match &value.kind {
        ValueKind::LastError(lens)
        | ValueKind::Error(lens)
        | ValueKind::Scalar { lens, .. }
        | ValueKind::CanonStream { lens, .. }
        | ValueKind::CanonStreamMap { lens, .. } => lens.as_ref(),
        _ => None,
    }
}
