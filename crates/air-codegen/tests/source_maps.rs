//! Source maps: every instruction of every compiled example maps back to the Aqua code it came
//! from, and the kind of code agrees with the instruction (a hop to an `on`, a `match` to an
//! `if`, …). The AIR itself is what the snapshots of `examples.rs` hold: source maps change none.

use std::path::{Path, PathBuf};

use air_codegen::source_map::{Construct, Origin, preorder};
use air_codegen::{CompiledFunction, Options};
use air_syntax::ast::{CanonForm, Instruction, ValueKind};

use crate::support::{FsLoader, data_dir, example_stems};

/// Every Aqua program of `tests/data/aqua` and `examples`.
fn programs() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = example_stems()
        .iter()
        .map(|stem| data_dir().join(format!("data/aqua/{stem}.aqua")))
        .collect();
    let examples = data_dir().join("../examples");
    let mut workflows: Vec<PathBuf> = std::fs::read_dir(&examples)
        .expect("examples exists")
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "aqua"))
        .collect();
    workflows.sort();
    paths.extend(workflows);
    paths
}

fn compile(path: &Path) -> (aqua_typecheck::Checked, Vec<CompiledFunction>) {
    let checked =
        aqua_typecheck::check(path, None, &mut FsLoader, &aqua_typecheck::Options::default());
    assert!(checked.is_ok(), "{} has errors", path.display());
    let compiled = air_codegen::compile(&checked.program, &Options::default())
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    (checked, compiled)
}

/// What an instruction is, for the laws: `None` for the ones the issue does not ask about.
fn kind(instruction: &Instruction) -> Option<&'static str> {
    match instruction {
        Instruction::Call(_) => Some("call"),
        Instruction::New(new) if is_hop(&new.body) => Some("hop"),
        Instruction::New(_) => Some("new"),
        Instruction::Fold(_) => Some("fold"),
        Instruction::Match(_) | Instruction::Mismatch(_) => Some("match"),
        _ => None,
    }
}

/// `(canon peer $-hop- #-hopc-)`: the body of a hop.
fn is_hop(body: &Instruction) -> bool {
    matches!(body, Instruction::Canon(canon)
        if matches!(&canon.form, CanonForm::Stream { stream, .. } if stream.name == "-hop-"))
}

/// The function name of a call, when it is a literal.
fn function_name(instruction: &Instruction) -> Option<&str> {
    match instruction {
        Instruction::Call(call) => match &call.function.kind {
            ValueKind::Str(name) => Some(name),
            _ => None,
        },
        _ => None,
    }
}

fn service_name(instruction: &Instruction) -> Option<&str> {
    match instruction {
        Instruction::Call(call) => match &call.service.kind {
            ValueKind::Str(name) => Some(name),
            _ => None,
        },
        _ => None,
    }
}

/// Checks one instruction's origin against the source; the error names what is wrong.
fn check(instruction: &Instruction, origin: &Origin, source: &str) -> Result<(), String> {
    let text = source
        .get(origin.span.range())
        .filter(|text| !text.trim().is_empty())
        .ok_or_else(|| format!("span {:?} is empty or outside the file", origin.span))?;
    let starts = |words: &[&str]| words.iter().any(|word| text.starts_with(word));
    let agrees = match (kind(instruction), origin.construct) {
        (_, Construct::On) => starts(&["on "]),
        (_, Construct::If) => starts(&["if "]),
        (_, Construct::For) => starts(&["for ", "parseq "]),
        (_, Construct::Join) => starts(&["join "]) || text.ends_with(']') || text.contains('!'),
        (_, Construct::Par) => starts(&["par ", "co "]) || text.contains("\npar "),
        (_, Construct::Function) => starts(&["func "]),
        (_, Construct::Call) => text.contains('('),
        (Some("hop"), _) => false,
        _ => true,
    };
    if !agrees {
        return Err(format!("a {:?} from `{text}`", origin.construct));
    }
    // The calling convention's calls come from the function, and only they do.
    let convention = matches!(
        (service_name(instruction), function_name(instruction)),
        (Some("getDataSrv" | "errorHandlingSrv"), _) | (Some("callbackSrv"), Some("response"))
    );
    if convention != (origin.construct == Construct::Function && kind(instruction) == Some("call"))
        && kind(instruction) == Some("call")
    {
        return Err(format!("a convention call from a {:?} `{text}`", origin.construct));
    }
    Ok(())
}

#[test]
fn every_instruction_of_every_program_maps_to_its_aqua_source() {
    let mut checked_count = 0;
    for path in programs() {
        let (checked, compiled) = compile(&path);
        for function in &compiled {
            let instructions = preorder(&function.air.body);
            let map = &function.source_map;
            assert_eq!(instructions.len(), map.instructions.len(), "{}", path.display());
            // The map pairs with the printed text parsed back: the same instructions in order.
            let parsed = air_syntax::parse(&air_syntax::print_pretty(&function.air)).unwrap();
            let located = map.locate(&parsed).expect("the map fits its script");
            for (instruction, (air_span, origin)) in instructions.iter().zip(&located) {
                let Some(kind) = kind(instruction) else { continue };
                let source = checked.files.source(origin.file).expect("a loaded file");
                if let Err(problem) = check(instruction, origin, source) {
                    panic!(
                        "{} {}: the {kind} at {air_span:?} of the AIR maps to {problem}",
                        path.display(),
                        function.meta.name
                    );
                }
                checked_count += 1;
            }
        }
    }
    assert!(checked_count > 800, "only {checked_count} instructions checked");
}

/// The map of one small program, readable: every call, hop, fold, match and `new` with the
/// Aqua line it comes from, and the generated names with the Aqua names they stand for.
#[test]
fn the_map_of_a_program_with_inlining_reads_back_to_aqua() {
    let path = data_dir().join("data/aqua/28-func-inlining.aqua");
    let (checked, compiled) = compile(&path);
    let mut document = String::new();
    for function in &compiled {
        document.push_str(&format!("function {}\n", function.meta.name));
        let instructions = preorder(&function.air.body);
        for (instruction, origin) in instructions.iter().zip(&function.source_map.instructions) {
            let Some(kind) = kind(instruction) else { continue };
            let source = checked.files.source(origin.file).expect("a loaded file");
            let line = source[..origin.span.start as usize].matches('\n').count() + 1;
            let text = source[origin.span.range()].lines().next().unwrap_or("");
            let what = match instruction {
                Instruction::Call(_) => format!(
                    "call {}.{}",
                    service_name(instruction).unwrap_or("?"),
                    function_name(instruction).unwrap_or("?")
                ),
                _ => kind.to_owned(),
            };
            document.push_str(&format!(
                "  {what:<32} {:<8} line {line:>3}: {text}\n",
                origin.construct.name()
            ));
        }
        for (air, origin) in &function.source_map.names {
            document.push_str(&format!("  name {air} = {}\n", origin.name));
        }
    }
    insta::assert_snapshot!(document);
}
