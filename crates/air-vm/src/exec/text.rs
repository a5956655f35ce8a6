//! The one-line text of an instruction, as AquaVM prints it in the `instruction` field of error
//! objects (for example `call %init_peer_id% ("log" "put") ["b"] `, with the trailing space of a
//! call without output).

use air_syntax::{
    ApResult, CallOutput, CanonForm, FailKind, FoldIterable, Instruction, Value, ValueKind,
    print_value,
};

/// How AquaVM names a variable in an error about its value: a scalar by its name alone (lens
/// or not), a canon stream with its sign, anything else as written.
pub(crate) fn variable_name(value: &Value) -> String {
    match &value.kind {
        ValueKind::Scalar { name, .. } => name.clone(),
        ValueKind::CanonStream { name, .. } => format!("#{name}"),
        ValueKind::CanonStreamMap { name, .. } => format!("#%{name}"),
        _ => print_value(value),
    }
}

/// How AquaVM prints a fold's iterable in its error: a scalar by its name, or by its lens alone
/// when it has one (`.$.a` for `o.$.a`).
pub(crate) fn fold_iterable_text(value: &Value) -> String {
    let text = print_value(value);
    match &value.kind {
        ValueKind::Scalar { name, lens: Some(_) } => {
            text.strip_prefix(name.as_str()).map_or(text.clone(), str::to_owned)
        }
        _ => text,
    }
}

/// The instruction's text for error objects.
pub(crate) fn instruction_text(instruction: &Instruction) -> String {
    match instruction {
        Instruction::Call(call) => {
            let args: Vec<String> = call.args.iter().map(print_value).collect();
            let output = match &call.output {
                Some(CallOutput::Scalar(name)) => name.name.clone(),
                Some(CallOutput::Stream(name)) => format!("${}", name.name),
                None => String::new(),
            };
            format!(
                "call {} ({} {}) [{}] {}",
                print_value(&call.peer),
                print_value(&call.service),
                print_value(&call.function),
                args.join(" "),
                output
            )
        }
        Instruction::Canon(canon) => {
            let (source, target) = match &canon.form {
                CanonForm::Stream { stream, canon } => {
                    (format!("${}", stream.name), format!("#{}", canon.name))
                }
                CanonForm::Map { map, canon } => {
                    (format!("%{}", map.name), format!("#%{}", canon.name))
                }
                CanonForm::MapToScalar { map, scalar } => {
                    (format!("%{}", map.name), scalar.name.clone())
                }
            };
            format!("canon {} {source} {target}", print_value(&canon.peer))
        }
        Instruction::Ap(ap) => {
            let result = match &ap.result {
                ApResult::Scalar(name) => name.name.clone(),
                ApResult::Stream(name) => format!("${}", name.name),
            };
            format!("ap {} {result}", print_value(&ap.argument))
        }
        Instruction::ApMap(ap) => {
            format!("ap ({} {}) %{}", print_value(&ap.key), print_value(&ap.value), ap.map.name)
        }
        Instruction::Fail(fail) => match &fail.kind {
            FailKind::Value(value) => format!("fail {}", print_value(value)),
            FailKind::Literal { code, message, .. } => format!("fail {code} \"{message}\""),
            FailKind::LastError => "fail %last_error%".into(),
            FailKind::Error => "fail :error:".into(),
        },
        Instruction::Fold(fold) => {
            let iterable = match &fold.iterable {
                FoldIterable::Value(value) => print_value(value),
                FoldIterable::Stream(name) => format!("${}", name.name),
                FoldIterable::StreamMap(name) => format!("%{}", name.name),
            };
            format!("fold {iterable} {}", fold.iterator.name)
        }
        Instruction::Next(next) => format!("next {}", next.iterator.name),
        Instruction::Match(match_) => {
            format!("match {} {}", print_value(&match_.left), print_value(&match_.right))
        }
        Instruction::Mismatch(match_) => {
            format!("mismatch {} {}", print_value(&match_.left), print_value(&match_.right))
        }
        other => other.keyword().to_owned(),
    }
}
