//! What `aqua run` says when a run goes wrong, in Aqua terms: every message points at the Aqua
//! code (file, line, column, the source shown as `aqua check` shows it) through the source map.
//!
//! - X001: an error reached the client (the function failed);
//! - X002: a service call failed on the way (a warning: the program may have caught it);
//! - X003: an interpreter error on a peer (an uncaught error, data over a limit, …);
//! - X004: no result, the particle's TTL ran out;
//! - X005: no result, the client is still waiting (on a `join` or gate, for the particle);
//!
//! with notes on peers that were down and particles that were dropped.

use air_codegen::source_map::{Construct, Origin, preorder};
use air_network::{CallRecord, Network, RunReport, Stop};
use air_syntax::ast::{CallOutput, FoldIterable, Instruction, Program, Span as AirSpan, ValueKind};
use codespan_reporting::diagnostic::{Diagnostic, Label};
use serde_json::Value as Json;

use crate::commands::air_map::LocatedScript;

/// Everything the messages are made from.
pub struct Context<'a> {
    /// The script that ran, with its source map.
    pub script: &'a LocatedScript,
    /// The network, for peer names.
    pub network: &'a Network,
    /// Peer ids shown as names in messages.
    pub names: &'a super::peers::PeerNames,
    /// What happened.
    pub report: &'a RunReport,
    /// The particle's TTL in ms.
    pub ttl: u32,
}

impl Context<'_> {
    /// A peer's name, from its id or name.
    fn peer_name<'n>(&'n self, id: &'n str) -> &'n str {
        self.network.name_of(id).unwrap_or(id)
    }

    fn origin_of_call(&self, call: &CallRecord) -> Option<Origin> {
        self.script.origin(call.span)
    }
}

/// `file:line:column: code` of an origin (the code's first line).
pub fn place(files: &aqua_syntax::SourceMap, origin: Origin) -> String {
    use codespan_reporting::files::Files;
    let name = files.name(origin.file).unwrap_or_default();
    let (line, column) = files
        .location(origin.file, origin.span.start as usize)
        .map_or((0, 0), |l| (l.line_number, l.column_number));
    let code = files
        .source(origin.file)
        .and_then(|source| source.get(origin.span.range()))
        .and_then(|code| code.lines().next())
        .unwrap_or("");
    // A function's header can be long: its first words say which it is.
    let code = if code.chars().count() > 60 {
        format!("{}…", code.chars().take(59).collect::<String>())
    } else {
        code.to_owned()
    };
    format!("{name}:{line}:{column}: {code}")
}

/// The line (from 1) an origin starts on.
pub fn line(files: &aqua_syntax::SourceMap, origin: Origin) -> usize {
    use codespan_reporting::files::Files;
    files.line_index(origin.file, origin.span.start as usize).map_or(0, |index| index + 1)
}

/// Labels an origin, or gives none when the instruction could not be found.
fn label(origin: Option<Origin>, message: String) -> Vec<Label<usize>> {
    origin
        .map(|origin| vec![Label::primary(origin.file, origin.span.range()).with_message(message)])
        .unwrap_or_default()
}

/// The error a `fail` passed on: AquaVM's rethrow of a caught error (10006) carries it as
/// text, `fail with '<error object>' is used without corresponding xor`.
fn rethrown(error: &Json) -> Option<Json> {
    let message = error.get("message")?.as_str()?;
    let inner =
        message.strip_prefix("fail with '")?.strip_suffix("' is used without corresponding xor")?;
    let inner: Json = serde_json::from_str(inner).ok()?;
    inner.get("message").is_some().then_some(inner)
}

/// X001: the error object that reached the client, at the Aqua code that raised it. An error
/// passed on by `fail` rethrows (an `if`, `try` or `on` block's error path) is shown as it was
/// first raised, with a note on how many times it was passed on.
pub fn client_error(context: &Context<'_>, error: &Json) -> (Diagnostic<usize>, Option<Origin>) {
    let mut error = error;
    let mut original;
    let mut passes = 0;
    while let Some(inner) = rethrown(error) {
        original = inner;
        error = &original;
        passes += 1;
    }
    let peer = error.get("peer_id").and_then(Json::as_str).map(|id| context.peer_name(id));
    let message = error.get("message").and_then(Json::as_str).unwrap_or("unknown error");
    let message = context.names.show_text(message);
    let origin = error
        .get("instruction")
        .and_then(Json::as_str)
        .and_then(|text| context.script.origin_of_text(text));
    let code = error.get("error_code").and_then(Json::as_i64);
    let mut notes = Vec::new();
    if let Some(code) = code {
        notes.push(format!("error code {code}"));
    }
    if passes > 0 {
        let times = if passes == 1 { "once".to_owned() } else { format!("{passes} times") };
        notes.push(format!("passed on to the client by `fail` {times} (error code 10006)"));
    }
    notes.extend(aqua_names(context.script, &message));
    let what = match origin.map(|o| o.construct) {
        Some(Construct::Call) => "this call failed",
        Some(Construct::If) => "an error in this `if` was passed on",
        Some(Construct::On) => "an error here was passed on",
        _ => "the error was raised here",
    };
    let diagnostic = Diagnostic::error()
        .with_code("X001")
        .with_message(function_failed(peer, &message))
        .with_labels(label(origin, at_peer(what, "on", peer)))
        .with_notes(notes);
    (diagnostic, origin)
}

/// A note for each generated AIR variable a message names (as a whole word), with the Aqua
/// name it stands for: messages of the interpreter speak AIR.
fn aqua_names(script: &LocatedScript, message: &str) -> Vec<String> {
    let mut seen: Vec<&str> = Vec::new();
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    for word in message.split(|c: char| !is_name_char(c)) {
        let word = word.trim_matches('-');
        if word.is_empty() || seen.contains(&word) {
            continue;
        }
        if let Some(aqua) = script.aqua_name(word)
            && aqua != word
        {
            seen.push(word);
        }
    }
    seen.into_iter()
        .filter_map(|word| {
            let aqua = script.aqua_name(word)?;
            Some(format!("`{word}` is the AIR name of the Aqua `{aqua}`"))
        })
        .collect()
}

/// The one-line text of a failure, as the graph's caption shows it.
pub fn function_failed(peer: Option<&str>, message: &str) -> String {
    at_peer("the function failed", "on peer", peer) + ": " + message
}

/// `what on peer` (`on` being the words before the peer), or `what` alone when the error names
/// no peer (an `ap` error has none).
fn at_peer(what: &str, on: &str, peer: Option<&str>) -> String {
    match peer {
        Some(peer) => format!("{what} {on} {peer}"),
        None => what.to_owned(),
    }
}

/// X002: every service call that failed, at its Aqua call, except those at `skip` (already
/// reported as the client's error).
pub fn failed_calls(context: &Context<'_>, skip: Option<Origin>) -> Vec<Diagnostic<usize>> {
    let mut diagnostics = Vec::new();
    for call in context.report.hops.iter().flat_map(|hop| &hop.calls) {
        if call.ret_code == 0 {
            continue;
        }
        let origin = context.origin_of_call(call);
        if origin.is_some() && origin == skip {
            continue;
        }
        let peer = context.peer_name(&call.peer);
        let message = match &call.result {
            Json::String(text) => context.names.show_text(text),
            other => context.names.show(other).to_string(),
        };
        let mut notes = vec![format!("error code {}", call.ret_code)];
        if call.unknown_service {
            notes.push(format!("peer {peer} has no service `{}`", call.service));
        }
        diagnostics.push(
            Diagnostic::warning()
                .with_code("X002")
                .with_message(format!(
                    "the call {}.{} failed on peer {peer}: {message}",
                    call.service, call.function
                ))
                .with_labels(label(origin, format!("this call failed on {peer}")))
                .with_notes(notes),
        );
    }
    diagnostics
}

/// X003: every failed invocation of the interpreter, on any peer.
pub fn interpreter_errors(context: &Context<'_>) -> Vec<Diagnostic<usize>> {
    let mut diagnostics = Vec::new();
    for hop in &context.report.hops {
        let peer = context.peer_name(&hop.to);
        // Where the peer was: the last failed call of the hop (the uncaught error it raised),
        // else the last call it made before failing.
        let failed = hop.calls.iter().rev().find(|call| call.ret_code != 0);
        let (call, what) = match failed {
            Some(call) => (Some(call), "after this call failed"),
            None => (hop.calls.last(), "after this call"),
        };
        let origin = call.and_then(|call| context.origin_of_call(call));
        for error in &hop.errors {
            let notes = aqua_names(context.script, &error.message);
            diagnostics.push(
                Diagnostic::error()
                    .with_code("X003")
                    .with_message(format!(
                        "interpreter error {} on peer {peer}: {}",
                        error.ret_code,
                        context.names.show_text(&error.message)
                    ))
                    .with_labels(label(origin, format!("{what} on {peer}")))
                    .with_notes(notes),
            );
        }
    }
    diagnostics
}

/// X004 / X005: why no result came, with what the client waits for, the last calls made, and
/// the peers that were down or dropped particles.
pub fn no_result(context: &Context<'_>) -> Diagnostic<usize> {
    let report = context.report;
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    let waiting = pending_gates(context);
    for gate in &waiting {
        let stream = context.script.aqua_name(&gate.stream).unwrap_or(&gate.stream);
        let message = format!(
            "{} waits here for `{stream}`: values produced: {} of the {} it needs",
            if gate.at_client { "the client" } else { "a peer" },
            gate.produced,
            gate.needs
        );
        labels
            .push(Label::primary(gate.origin.file, gate.origin.span.range()).with_message(message));
    }
    let last = report.hops.iter().flat_map(|hop| &hop.calls).next_back();
    if waiting.is_empty()
        && let Some(origin) = last.and_then(|call| context.origin_of_call(call))
    {
        let call = last.map(|c| format!("{}.{}", c.service, c.function)).unwrap_or_default();
        labels.push(
            Label::secondary(origin.file, origin.span.range())
                .with_message(format!("the last call made: {call}")),
        );
    }
    notes.extend(dropped(context));
    notes.extend(unreachable(context));
    let (code, message) = match report.stop {
        Stop::TtlExpired => {
            ("X004", format!("no result: the particle's TTL of {} ms ran out", context.ttl))
        }
        Stop::StepLimit => ("X005", "no result: the run took too many steps".to_owned()),
        Stop::InstructionBudget => {
            ("X005", "no result: the run spent its instruction budget".to_owned())
        }
        Stop::Done if !waiting.is_empty() => {
            ("X005", "no result: the client is still waiting".to_owned())
        }
        Stop::Done => {
            ("X005", "no result: the particle stopped before reaching the client again".to_owned())
        }
    };
    let failed = report.hops.iter().flat_map(|hop| &hop.calls).filter(|c| c.ret_code != 0).count();
    if failed > 0 {
        notes.push(format!(
            "{failed} service call{} failed on the way (below)",
            if failed == 1 { "" } else { "s" }
        ));
    }
    let errors: usize = report.hops.iter().map(|hop| hop.errors.len()).sum();
    if errors > 0 {
        notes.push(format!("the interpreter failed {errors} time{} (below)", plural(errors)));
    }
    Diagnostic::error().with_code(code).with_message(message).with_labels(labels).with_notes(notes)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// One line per peer id the particle was sent to that no peer of the network has (a peer given
/// as text rather than as an id, usually), with the peers that sent it.
fn unreachable(context: &Context<'_>) -> Vec<String> {
    let mut lines: Vec<(&str, Vec<&str>)> = Vec::new();
    for hop in &context.report.hops {
        let from = context.peer_name(&hop.to);
        for id in &hop.unreachable {
            match lines.iter_mut().find(|(known, _)| known == id) {
                Some((_, senders)) if senders.contains(&from) => {}
                Some((_, senders)) => senders.push(from),
                None => lines.push((id, vec![from])),
            }
        }
    }
    lines
        .into_iter()
        .map(|(id, senders)| {
            format!(
                "the particle was sent to `{id}`, which is no peer of the network (by {})",
                senders.join(", ")
            )
        })
        .collect()
}

/// One line per peer that was down or dropped particles.
fn dropped(context: &Context<'_>) -> Vec<String> {
    let mut lines: Vec<(String, &'static str, Vec<String>)> = Vec::new();
    for hop in &context.report.hops {
        let Some(why) = hop.dropped else { continue };
        // A peer woken by itself is a service's late reply coming due.
        let why = if hop.from.as_deref() == Some(hop.to.as_str()) && why == "ttl expired" {
            "late reply"
        } else {
            why
        };
        let to = context.peer_name(&hop.to).to_owned();
        let from = hop.from.as_deref().map_or("(start)", |from| context.peer_name(from));
        let when = format!("at {} ms from {from}", hop.at);
        match lines.iter_mut().find(|(peer, reason, _)| *peer == to && *reason == why) {
            Some((_, _, times)) => times.push(when),
            None => lines.push((to, why, vec![when])),
        }
    }
    lines
        .into_iter()
        .map(|(peer, why, times)| {
            let what = match why {
                "peer down" => format!("peer {peer} was down"),
                "lost" => format!("particles to peer {peer} were lost"),
                "ttl expired" => format!("particles to peer {peer} arrived after the TTL"),
                "late reply" => format!("a service on peer {peer} answered after the TTL"),
                other => format!("particles to peer {peer} were dropped ({other})"),
            };
            format!(
                "{what}: {} particle{} dropped ({})",
                times.len(),
                plural(times.len()),
                times.join(", ")
            )
        })
        .collect()
}

/// A stream gate that did not open: the stream has fewer values than it waits for.
struct Gate {
    origin: Origin,
    /// The stream's AIR name.
    stream: String,
    /// How many values it waits for.
    needs: i64,
    /// How many values the calls writing the stream produced.
    produced: usize,
    /// Whether the client is the peer that waits.
    at_client: bool,
}

/// The first gate whose stream is written only by calls, and whose calls produced fewer values
/// than the gate needs: the run is blocked there. Gates fed otherwise, or waiting for a number
/// of values computed at run time, are not judged (that is not observable from outside the
/// peers).
fn pending_gates(context: &Context<'_>) -> Vec<Gate> {
    let program = &context.script.program;
    let writers = stream_writers(program);
    let mut gates = Vec::new();
    for instruction in preorder(&program.body) {
        let Instruction::New(new) = instruction else { continue };
        let Some(origin) = context.script.origin(new.span) else { continue };
        if origin.construct != Construct::Join {
            continue;
        }
        let Some((stream, needs, at_client)) = gate_shape(&new.body) else { continue };
        let Some(calls) = writers.get(&stream) else { continue };
        let Some(calls) = calls else { continue };
        let produced = context
            .report
            .hops
            .iter()
            .flat_map(|hop| &hop.calls)
            .filter(|call| call.ret_code == 0 && calls.contains(&call.span))
            .count();
        if let Some(needs) = needs
            && (produced as i64) < needs
        {
            gates.push(Gate { origin, stream, needs, produced, at_client });
            break;
        }
    }
    gates
}

/// `(new $T (seq (fold $S item … (match #iter.length SIZE (null)) …) (canon PEER $T #gate)))`:
/// the stream, the size when literal, and whether the canon is at the init peer.
fn gate_shape(body: &Instruction) -> Option<(String, Option<i64>, bool)> {
    let Instruction::Seq(pair) = body else { return None };
    let Instruction::Fold(fold) = &pair.left else { return None };
    let FoldIterable::Stream(stream) = &fold.iterable else { return None };
    let Instruction::Canon(canon) = &pair.right else { return None };
    let at_client = matches!(canon.peer.kind, ValueKind::InitPeerId);
    let needs = preorder(&fold.body).into_iter().find_map(|i| match i {
        Instruction::Match(test) => match test.right.kind {
            ValueKind::Int(n) => Some(Some(n)),
            _ => Some(None),
        },
        _ => None,
    })?;
    Some((stream.name.clone(), needs, at_client))
}

/// For each stream, the spans of the calls whose results are put into it, or `None` when
/// something else writes it too.
fn stream_writers(program: &Program) -> std::collections::HashMap<String, Option<Vec<AirSpan>>> {
    use std::collections::HashMap;
    let mut producers: HashMap<&str, Vec<AirSpan>> = HashMap::new();
    let instructions = preorder(&program.body);
    for instruction in &instructions {
        if let Instruction::Call(call) = instruction
            && let Some(CallOutput::Scalar(name)) = &call.output
        {
            producers.entry(name.name.as_str()).or_default().push(call.span);
        }
    }
    let mut writers: HashMap<String, Option<Vec<AirSpan>>> = HashMap::new();
    for instruction in &instructions {
        let (stream, calls) = match instruction {
            Instruction::Call(call) => match &call.output {
                Some(CallOutput::Stream(stream)) => (&stream.name, Some(vec![call.span])),
                _ => continue,
            },
            Instruction::Ap(ap) => match &ap.result {
                air_syntax::ast::ApResult::Stream(stream) => {
                    let calls = match &ap.argument.kind {
                        ValueKind::Scalar { name, lens: None } => {
                            producers.get(name.as_str()).cloned()
                        }
                        _ => None,
                    };
                    (&stream.name, calls)
                }
                _ => continue,
            },
            _ => continue,
        };
        let entry = writers.entry(stream.clone()).or_insert_with(|| Some(Vec::new()));
        match (entry.as_mut(), calls) {
            (Some(all), Some(calls)) => all.extend(calls),
            _ => *entry = None,
        }
    }
    writers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_names_in_a_message_are_given_their_aqua_names() {
        let source = "aqua T declares *\n\nexport f\n\nservice S(\"s\"):\n  get() -> string\n\nfunc g() -> string:\n  r <- S.get()\n  <- r\n\nfunc f() -> string:\n  a <- g()\n  b <- g()\n  <- b\n";
        let checked = aqua_typecheck::check(
            std::path::Path::new("t.aqua"),
            Some(source.to_owned()),
            &mut aqua_typecheck::MemoryLoader::new(),
            &aqua_typecheck::Options::default(),
        );
        assert!(checked.is_ok());
        let compiled = air_codegen::compile(&checked.program, &air_codegen::Options::default())
            .expect("compiles");
        let script = LocatedScript::new(&compiled[0]).expect("parses back");
        // The second inlining of `g` binds `r` as `r-0`.
        let notes = aqua_names(&script, "variable 'r-0' is not a string; r is fine");
        assert_eq!(notes, ["`r-0` is the AIR name of the Aqua `r`"]);
    }
}
