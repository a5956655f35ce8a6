//! Small constructors of AIR trees (spans are dummies: generated code has no source text).
//!
//! This module only builds nodes; it decides nothing about what to emit.

use air_syntax::ast::*;

const S: Span = Span::DUMMY;

/// `name`
pub fn scalar(name: &str) -> Value {
    Value::new(ValueKind::Scalar { name: name.to_owned(), lens: None }, S)
}

/// `#name`
pub fn canon_value(name: &str) -> Value {
    Value::new(ValueKind::CanonStream { name: name.to_owned(), lens: None }, S)
}

/// `"text"`
pub fn string(text: &str) -> Value {
    Value::new(ValueKind::Str(text.to_owned()), S)
}

/// An integer.
pub fn int(value: i64) -> Value {
    Value::new(ValueKind::Int(value), S)
}

/// `true` / `false`
pub fn boolean(value: bool) -> Value {
    Value::new(ValueKind::Bool(value), S)
}

/// `%init_peer_id%`
pub fn init_peer() -> Value {
    Value::new(ValueKind::InitPeerId, S)
}

/// `:error:`
pub fn error_value() -> Value {
    Value::new(ValueKind::Error(None), S)
}

/// A name node.
pub fn name(text: &str) -> Name {
    Name::new(text, S)
}

/// `(call peer (service function) [args] output?)`
pub fn call(
    peer: Value,
    service: Value,
    function: &str,
    args: Vec<Value>,
    output: Option<String>,
) -> Instruction {
    Instruction::Call(Box::new(Call {
        peer,
        service,
        function: string(function),
        args,
        output: output.map(|o| CallOutput::Scalar(name(&o))),
        span: S,
    }))
}

/// `(ap value scalar)`
pub fn ap(argument: Value, result: &str) -> Instruction {
    Instruction::Ap(Box::new(Ap { argument, result: ApResult::Scalar(name(result)), span: S }))
}

/// `(ap value $stream)`
pub fn ap_stream(argument: Value, stream: &str) -> Instruction {
    Instruction::Ap(Box::new(Ap { argument, result: ApResult::Stream(name(stream)), span: S }))
}

/// `(ap (key value) %map)`
pub fn ap_map(key: Value, value: Value, map: &str) -> Instruction {
    Instruction::ApMap(Box::new(ApMap { key, value, map: name(map), span: S }))
}

/// `(canon peer $stream #canon)`
pub fn canon(peer: Value, stream: &str, canon: &str) -> Instruction {
    Instruction::Canon(Box::new(Canon {
        peer,
        form: CanonForm::Stream { stream: name(stream), canon: name(canon) },
        span: S,
    }))
}

/// `(canon peer %map scalar)`
pub fn canon_map_scalar(peer: Value, map: &str, scalar: &str) -> Instruction {
    Instruction::Canon(Box::new(Canon {
        peer,
        form: CanonForm::MapToScalar { map: name(map), scalar: name(scalar) },
        span: S,
    }))
}

/// `(canon peer %map #%canon)`
pub fn canon_map(peer: Value, map: &str, canon: &str) -> Instruction {
    Instruction::Canon(Box::new(Canon {
        peer,
        form: CanonForm::Map { map: name(map), canon: name(canon) },
        span: S,
    }))
}

fn pair(left: Instruction, right: Instruction) -> Box<Pair> {
    Box::new(Pair { left, right, span: S })
}

/// `(seq left right)`
pub fn seq(left: Instruction, right: Instruction) -> Instruction {
    Instruction::Seq(pair(left, right))
}

/// `(par left right)`
pub fn par(left: Instruction, right: Instruction) -> Instruction {
    Instruction::Par(pair(left, right))
}

/// `(xor left right)`
pub fn xor(left: Instruction, right: Instruction) -> Instruction {
    Instruction::Xor(pair(left, right))
}

/// `(null)`
pub fn null() -> Instruction {
    Instruction::Null(S)
}

/// `(never)`
pub fn never() -> Instruction {
    Instruction::Never(S)
}

/// `(fail :error:)`
pub fn fail_error() -> Instruction {
    Instruction::Fail(Box::new(Fail { kind: FailKind::Error, span: S }))
}

/// `(fail value)`
pub fn fail_value(value: Value) -> Instruction {
    Instruction::Fail(Box::new(Fail { kind: FailKind::Value(value), span: S }))
}

/// `(new variable body)`
pub fn new(kind: VariableKind, variable: &str, body: Instruction) -> Instruction {
    Instruction::New(Box::new(New {
        variable: Variable { kind, name: name(variable) },
        body,
        span: S,
    }))
}

/// `(fold iterable iterator body last)`
pub fn fold(
    iterable: FoldIterable,
    iterator: &str,
    body: Instruction,
    last: Instruction,
) -> Instruction {
    Instruction::Fold(Box::new(Fold {
        iterable,
        iterator: name(iterator),
        body,
        last: Some(last),
        span: S,
    }))
}

/// `(next iterator)`
pub fn next(iterator: &str) -> Instruction {
    Instruction::Next(Box::new(Next { iterator: name(iterator), span: S }))
}

/// `(match left right body)`
pub fn match_(left: Value, right: Value, body: Instruction) -> Instruction {
    Instruction::Match(Box::new(Match { left, right, body, span: S }))
}

/// `(mismatch left right body)`
pub fn mismatch(left: Value, right: Value, body: Instruction) -> Instruction {
    Instruction::Mismatch(Box::new(Match { left, right, body, span: S }))
}

/// The instructions in order, as the reference nests them: `(seq (seq a b) c)`; `(null)` if none.
pub fn seq_all(instructions: Vec<Instruction>) -> Instruction {
    let mut iter = instructions.into_iter();
    let Some(first) = iter.next() else { return null() };
    iter.fold(first, seq)
}

/// A hop: a no-op on `peer` that makes the particle go there,
/// `(new #-hopc- (canon peer $-hop- #-hopc-))`. `$-hop-` is never written, so it is always empty.
pub fn hop(peer: Value) -> Instruction {
    new(VariableKind::CanonStream, "-hopc-", canon(peer, HOP_STREAM, "-hopc-"))
}

/// The stream a [`hop`] snapshots.
const HOP_STREAM: &str = "-hop-";

/// Whether `canon` is the snapshot inside a [`hop`].
pub fn is_hop(canon: &Canon) -> bool {
    matches!(&canon.form, CanonForm::Stream { stream, .. } if stream.name == HOP_STREAM)
}

/// The value with one more accessor in its lens, or `None` when it has no place for a lens
/// (literals, `.length` functors).
pub fn with_accessor(value: &Value, accessor: Accessor) -> Option<Value> {
    fn extend(lens: &Option<Lens>, accessor: Accessor) -> Option<Option<Lens>> {
        match lens {
            None => Some(Some(Lens::Path(vec![accessor]))),
            Some(Lens::Path(path)) => {
                let mut path = path.clone();
                path.push(accessor);
                Some(Some(Lens::Path(path)))
            }
            Some(Lens::Length) => None,
        }
    }
    let kind = match &value.kind {
        ValueKind::Scalar { name, lens } => {
            ValueKind::Scalar { name: name.clone(), lens: extend(lens, accessor)? }
        }
        ValueKind::CanonStream { name, lens } => {
            ValueKind::CanonStream { name: name.clone(), lens: extend(lens, accessor)? }
        }
        ValueKind::CanonStreamMap { name, lens } => {
            ValueKind::CanonStreamMap { name: name.clone(), lens: extend(lens, accessor)? }
        }
        ValueKind::Error(lens) => ValueKind::Error(extend(lens, accessor)?),
        _ => return None,
    };
    Some(Value::new(kind, S))
}
