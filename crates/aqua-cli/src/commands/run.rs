//! `aqua run`: compiles one call of an Aqua function, runs it on a simulated network of peers and
//! prints the function's result as JSON.
//!
//! The network comes from a TOML file (peers, relay, mocked and Wasm services) or is a default one:
//! a relay and three peers with the built-in services. The client (init peer) is `client`.

mod arguments;
#[cfg(feature = "wasm")]
mod declaration;
mod explain;
mod graph;
mod peers;
mod progress;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use air_network::{
    Client, ClientEvent, Faults, Hop, MockService, Network, NetworkFile, RunOptions, RunSettings,
    Script, ServiceSource, Stop,
};
use serde_json::Value as Json;

use crate::cli::{ColorChoice, RunArgs};
use crate::commands::air_map::LocatedScript;
use crate::commands::input::{FsLoader, parse_constants};
use crate::commands::run::peers::PeerNames;
use crate::commands::{budget, legacy};
use crate::render;

/// The client's peer name.
const CLIENT: &str = "client";

/// Runs `aqua run`: exit 0 with the result on stdout, 1 when compiling or running failed, 2 for
/// bad arguments or unreadable files.
pub fn run(args: &RunArgs, color: ColorChoice) -> ExitCode {
    if let Err(code) = legacy::check_run(args) {
        return code;
    }
    match prepare(args, color) {
        Ok(prepared) => execute(args, prepared, color),
        Err(code) => code,
    }
}

/// The network, its relay, the compiled call and its arguments.
struct Prepared {
    network: Network,
    /// Peer names and ids, the client first.
    peers: Vec<(String, String)>,
    relay: String,
    script: Script,
    /// The script as printed, with its source map.
    located: LocatedScript,
    /// The Aqua files of the program.
    files: aqua_syntax::SourceMap,
    /// The peers' names, for markers in and ids out.
    names: PeerNames,
    /// Whether the function has results, so that the client must get a response.
    has_results: bool,
    data: BTreeMap<String, Json>,
    /// The network file's run settings.
    settings: RunSettings,
    /// The network file's latencies per peer and link.
    faults: Faults,
}

fn prepare(args: &RunArgs, color: ColorChoice) -> Result<Prepared, ExitCode> {
    let usage = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    };
    let file = args.file.as_deref().unwrap_or(Path::new(""));
    // An unreadable file is a bad argument (exit 2), as for `check` and `compile`.
    if let Err(error) = std::fs::metadata(file) {
        return Err(usage(format!("cannot read `{}`: {error}", file.display())));
    }
    let LoadedNetwork { mut network, relay, hosted, settings, faults } = match &args.network {
        Some(path) => load_network(path).map_err(usage)?,
        None => default_network(),
    };
    for name in &args.down {
        match network.peer_mut(name) {
            Some(peer) => peer.down_at = Some(0),
            None => return Err(usage(format!("--down {name}: there is no peer `{name}`"))),
        }
    }
    let names = PeerNames::new(&network);
    let data = read_data(args, &names).map_err(usage)?;
    let call = names.resolve_call(&args.func).map_err(usage)?;
    let constants = parse_constants(&args.constants)?;
    let options = aqua_typecheck::Options { import_roots: args.imports.clone(), constants };
    let checked = aqua_typecheck::check(file, None, &mut FsLoader, &options);
    let diagnostics = checked.diagnostics();
    render::emit(&checked.files, &diagnostics, color);
    if !checked.is_ok() {
        return Err(ExitCode::FAILURE);
    }
    check_declarations(&checked, &hosted, color)?;
    let problems = arguments::check(&checked.program, &args.func, &data);
    if !problems.is_empty() {
        let call = codespan_reporting::files::SimpleFile::new("-f", args.func.as_str());
        render::emit(&call, &problems, color);
        let severity = codespan_reporting::diagnostic::Severity::Error;
        if problems.iter().any(|problem| problem.severity == severity) {
            return Err(ExitCode::FAILURE);
        }
    }
    let compiled = air_codegen::compile_call(&checked.program, &call, &args.lowering.options())
        .map_err(|error| {
            eprintln!("error: cannot compile `{}`: {error}", args.func);
            ExitCode::FAILURE
        })?;
    let has_results = !compiled.meta.results.is_empty();
    let mut peers: Vec<(String, String)> =
        network.peers().map(|peer| (peer.name.clone(), peer.id.clone())).collect();
    peers.sort_by_key(|(name, _)| name != CLIENT);
    // The peers run the printed script parsed back: a call's span is then its place in the
    // text, which the source map knows.
    let located = LocatedScript::new(&compiled).unwrap_or_else(|error| {
        eprintln!("warning: messages of this run cannot name Aqua lines: {error}");
        LocatedScript::unmapped(&compiled)
    });
    let script = Script::from(located.program.clone());
    let files = checked.files;
    Ok(Prepared {
        network,
        peers,
        relay,
        script,
        located,
        files,
        names,
        has_results,
        data,
        settings,
        faults,
    })
}

/// Reports (and fails on) Aqua declarations that disagree with the Wasm components they name.
#[cfg(feature = "wasm")]
fn check_declarations(
    checked: &aqua_typecheck::Checked,
    hosted: &[declaration::HostedComponent],
    color: ColorChoice,
) -> Result<(), ExitCode> {
    let diagnostics = declaration::check(&checked.program, hosted);
    render::emit(&checked.files, &diagnostics, color);
    if diagnostics.is_empty() { Ok(()) } else { Err(ExitCode::FAILURE) }
}

#[cfg(not(feature = "wasm"))]
fn check_declarations(
    _: &aqua_typecheck::Checked,
    _: &[HostedComponent],
    _: ColorChoice,
) -> Result<(), ExitCode> {
    Ok(())
}

fn execute(args: &RunArgs, prepared: Prepared, color: ColorChoice) -> ExitCode {
    let Prepared {
        mut network,
        peers,
        relay,
        script,
        located,
        files,
        names,
        has_results,
        data,
        settings,
        faults,
    } = prepared;
    let relay_id = network.id_of(&relay).unwrap_or_default().to_string();
    let mut options = run_options(args, &settings, faults);
    // The client is connected to its relay alone, as a js-client is; a script compiled with
    // `--no-relay` is for a client that reaches every peer.
    if !args.lowering.no_relay {
        options.client_relay = Some(relay.clone());
    }
    budget::apply(&args.budget, &mut options);
    let mut progress = progress::Progress::start();
    let client = Client::new(data, &relay_id);
    let report = network
        .run_watched(&script, CLIENT, client, &options, &mut |report| progress.update(report));
    progress.finish(&report);
    if args.trace {
        // Call arguments and results show peer ids: the legend names them.
        let width = peers.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
        eprintln!("peers:");
        for (name, id) in &peers {
            eprintln!("  {name:<width$}  {id}");
        }
        let place = |span: air_syntax::ast::Span| {
            located.origin(span).map(|origin| explain::place(&files, origin))
        };
        for hop in &report.hops {
            eprintln!("{}", describe_hop(hop, &place, &names));
        }
    }
    // Each call of a callback, as the client saw it.
    for event in &report.client.events {
        if let ClientEvent::Callback { name, args } = event {
            let args: Vec<String> = args.iter().map(|arg| names.show(arg).to_string()).collect();
            eprintln!("callback {name}({})", args.join(", "));
        }
    }
    let context = explain::Context {
        script: &located,
        network: &network,
        names: &names,
        report: &report,
        ttl: options.ttl,
    };
    let outcome = outcome(&context, has_results, budget::exceeded(&args.budget, &report));
    if let Some(path) = &args.graph {
        let text = match &outcome {
            Ok(result) => format!("result: {}", names.show(result)),
            Err(diagnostics) => aqua_syntax::diagnostics::render_plain(&files, diagnostics),
        };
        let origin = |span: air_syntax::ast::Span| {
            let origin = located.origin(span)?;
            Some((explain::line(&files, origin), explain::place(&files, origin)))
        };
        let show = |text: &str| names.show_text(text);
        let caption =
            graph::Caption { call: &args.func, outcome: &text, origin: &origin, show: &show };
        let html = graph::render(&report, &peers, &caption);
        if let Err(error) = std::fs::write(path, html) {
            eprintln!("error: cannot write `{}`: {error}", path.display());
            return ExitCode::from(2);
        }
    }
    match outcome {
        Ok(result) => {
            println!("{}", pretty(&names.show(&result)));
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            render::emit(&files, &diagnostics, color);
            ExitCode::FAILURE
        }
    }
}

/// Why a run gave no result: the run's diagnostics in Aqua terms.
type Failure = Vec<codespan_reporting::diagnostic::Diagnostic<usize>>;

/// The function's result, or what went wrong: the client's error or why no result came, then
/// the failed calls and interpreter errors of the run.
/// `budget` says which budget cut the run short, if one did: the run then failed whatever
/// reached the client.
fn outcome(
    context: &explain::Context<'_>,
    has_results: bool,
    budget: Option<String>,
) -> Result<Json, Failure> {
    let report = context.report;
    let mut diagnostics = Vec::new();
    let mut reported = None;
    if let Some(message) = budget {
        let mut no_result = explain::no_result(context);
        no_result.notes.insert(0, format!("help: {message}"));
        diagnostics.push(no_result);
    } else if let Some(error) = report.client.error() {
        let error = error.first().cloned().unwrap_or(Json::Null);
        let (diagnostic, origin) = explain::client_error(context, &error);
        diagnostics.push(diagnostic);
        reported = origin;
    } else {
        match report.client.response() {
            Some([one]) => return Ok(one.clone()),
            Some(many) => return Ok(Json::Array(many.to_vec())),
            // A function without results sends no response: finishing without an error is
            // success.
            None if report.stop == Stop::Done && !has_results => return Ok(Json::Null),
            None => diagnostics.push(explain::no_result(context)),
        }
    }
    diagnostics.extend(explain::failed_calls(context, reported));
    diagnostics.extend(explain::interpreter_errors(context));
    Err(diagnostics)
}

fn pretty(value: &Json) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

fn describe_hop(
    hop: &Hop,
    place: &dyn Fn(air_syntax::ast::Span) -> Option<String>,
    names: &PeerNames,
) -> String {
    let from = hop.from.as_deref().unwrap_or("(start)");
    let mut text = format!("[{:>5} ms] {from} -> {}", hop.at, hop.to);
    if let Some(why) = hop.dropped {
        text.push_str(&format!(": dropped ({why})"));
        return text;
    }
    for call in &hop.calls {
        let args = names.show(&Json::Array(call.args.clone()));
        let status = if call.ret_code == 0 { "=" } else { "failed:" };
        let result = match &call.result {
            Json::String(message) if call.ret_code != 0 => Json::String(names.show_text(message)),
            other => names.show(other),
        };
        text.push_str(&format!(
            "\n    {}.{}({args}) {status} {result}",
            call.service, call.function
        ));
        if let Some(place) = place(call.span) {
            text.push_str(&format!("\n      at {place}"));
        }
    }
    for error in &hop.errors {
        let message = names.show_text(&error.message);
        text.push_str(&format!("\n    interpreter error {}: {message}", error.ret_code));
    }
    for id in &hop.unreachable {
        text.push_str(&format!("\n    the particle was sent to {id}, which is not in the network"));
    }
    for name in &hop.cut_off {
        text.push_str(&format!(
            "\n    the particle was sent to {name} directly, which it cannot reach: the client \
             exchanges particles with its relay alone"
        ));
    }
    if !hop.next.is_empty() {
        text.push_str(&format!("\n    sends to {}", hop.next.join(", ")));
        // The code that moved the particle to each peer.
        for next in &hop.next {
            if let Some(place) = hop.sent_by.get(next).and_then(|span| place(*span)) {
                text.push_str(&format!("\n      to {next} by {place}"));
            }
        }
    }
    text
}

/// The run's options: the flags, else the network file's settings, else the defaults.
fn run_options(args: &RunArgs, settings: &RunSettings, faults: Faults) -> RunOptions {
    let defaults = RunOptions::default();
    let mut faults = faults;
    faults.latency_ms = settings.latency.unwrap_or(faults.latency_ms);
    faults.loss = args.loss.or(settings.loss).unwrap_or(faults.loss);
    faults.duplication = settings.duplication.unwrap_or(faults.duplication);
    RunOptions {
        seed: args.seed.or(settings.seed).unwrap_or(defaults.seed),
        ttl: args.ttl.or(settings.ttl).unwrap_or(defaults.ttl),
        faults,
        ..defaults
    }
}

/// A network ready to run, with its relay and the Wasm components its peers host.
struct LoadedNetwork {
    network: Network,
    relay: String,
    hosted: Vec<HostedComponent>,
    /// The run's settings from the network file.
    settings: RunSettings,
    /// Latencies per peer and per link from the network file.
    faults: Faults,
}

#[cfg(feature = "wasm")]
use declaration::HostedComponent;

/// Without WebAssembly support no component is ever hosted.
#[cfg(not(feature = "wasm"))]
enum HostedComponent {}

/// A relay and three peers with the built-in services, plus the client.
fn default_network() -> LoadedNetwork {
    LoadedNetwork {
        network: Network::with_peers([CLIENT, "relay", "alice", "bob", "carol"]),
        relay: "relay".into(),
        hosted: Vec::new(),
        settings: RunSettings::default(),
        faults: Faults::default(),
    }
}

/// Reads a network file and the Wasm components it names (relative to the file).
fn load_network(path: &Path) -> Result<LoadedNetwork, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let file = NetworkFile::from_toml(&text).map_err(|e| format!("`{}`: {e}", path.display()))?;
    let mut names: Vec<&str> = file.peers.iter().map(String::as_str).collect();
    if !names.contains(&CLIENT) {
        names.push(CLIENT);
    }
    let mut network = Network::with_peers(names);
    let mut hosted = Vec::new();
    for service in &file.services {
        let hosts: Vec<String> =
            if service.peers.is_empty() { file.peers.clone() } else { service.peers.clone() };
        for host in hosts {
            let Some(peer) = network.peer_mut(&host) else { continue };
            match &service.source {
                ServiceSource::Mock(functions) => {
                    let delays = functions
                        .iter()
                        .filter(|(_, spec)| spec.delay_ms > 0)
                        .map(|(name, spec)| (name.clone(), spec.delay_ms))
                        .collect();
                    let functions = functions
                        .iter()
                        .map(|(name, spec)| (name.clone(), spec.behaviour.clone()))
                        .collect();
                    let mock = MockService { functions, delays };
                    peer.services.insert(service.id.clone(), Box::new(mock));
                }
                ServiceSource::Wasm(file_name) => {
                    let component = path.parent().unwrap_or(Path::new(".")).join(file_name);
                    let (service_box, component) = wasm_service(&component, &service.id, &host)?;
                    peer.services.insert(service.id.clone(), service_box);
                    hosted.push(component);
                }
            }
        }
    }
    for (name, settings) in &file.peer_settings {
        if let Some(peer) = network.peer_mut(name) {
            peer.down_at = settings.down_at;
        }
    }
    let faults = Faults {
        peer_latency: file
            .peer_settings
            .iter()
            .filter_map(|(name, settings)| Some((name.clone(), settings.latency?)))
            .collect(),
        link_latency: file
            .links
            .iter()
            .map(|link| (link.from.clone(), link.to.clone(), link.latency))
            .collect(),
        ..Faults::default()
    };
    Ok(LoadedNetwork { network, relay: file.relay, hosted, settings: file.settings, faults })
}

#[cfg(feature = "wasm")]
fn wasm_service(
    path: &Path,
    service_id: &str,
    peer: &str,
) -> Result<(Box<dyn air_network::Service>, HostedComponent), String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let service = air_wasm_host::WasmService::load(&bytes, air_wasm_host::Limits::default())
        .map_err(|e| format!("`{}`: {e}", path.display()))?;
    let hosted = HostedComponent {
        service_id: service_id.to_string(),
        peer: peer.to_string(),
        file: path.display().to_string(),
        functions: service.functions().to_vec(),
    };
    Ok((Box::new(air_network::WasmBacked(service)), hosted))
}

#[cfg(not(feature = "wasm"))]
fn wasm_service(
    path: &Path,
    _: &str,
    _: &str,
) -> Result<(Box<dyn air_network::Service>, HostedComponent), String> {
    Err(format!("`{}`: this `aqua` was built without WebAssembly support", path.display()))
}

/// The arguments, with the peer markers (`"@alice"`) replaced by the peers' ids.
fn read_data(args: &RunArgs, names: &PeerNames) -> Result<BTreeMap<String, Json>, String> {
    let text = match (&args.data, &args.data_file) {
        (Some(text), _) => text.clone(),
        (None, Some(path)) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?,
        (None, None) => return Ok(BTreeMap::new()),
    };
    let json: Json =
        serde_json::from_str(&text).map_err(|e| format!("the data is not valid JSON: {e}"))?;
    let Json::Object(object) = json else {
        return Err("the data must be a JSON object of argument names to values".into());
    };
    object
        .into_iter()
        .map(|(name, value)| {
            Ok((name.clone(), names.resolve(value).map_err(|e| format!("--data `{name}`: {e}"))?))
        })
        .collect()
}
