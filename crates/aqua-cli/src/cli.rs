//! The command-line interface, declared with clap's derive API. No behaviour lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Aqua toolchain: parse, check, compile and run Aqua workflows and AIR scripts.
#[derive(Debug, Parser)]
#[command(name = "aqua", version, about, long_about = None)]
pub struct Cli {
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// When diagnostics are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when standard error is a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse an Aqua file and print its syntax tree.
    Parse(ParseArgs),
    /// Type-check Aqua files (and everything they import).
    Check(CheckArgs),
    /// Compile Aqua files to AIR (one script per exported function), or to TypeScript or
    /// JavaScript for js-client.
    Compile(CompileArgs),
    /// Format Aqua files in place in the canonical layout (`-` formats standard input).
    Fmt(FmtArgs),
    /// Run the language server on standard input and output (for editors).
    Lsp,
    /// Compile a function call and run it on a simulated network of peers.
    Run(RunArgs),
    /// Tools for AIR scripts.
    #[command(subcommand)]
    Air(AirCommand),
    /// Tools for services.
    #[command(subcommand)]
    Service(ServiceCommand),
}

/// Arguments of `aqua run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The Aqua file.
    #[arg(required_unless_present = "old_input")]
    pub file: Option<PathBuf>,
    /// The call to run, e.g. `-f 'greet(name, 3)'`; names are taken from `--data`.
    #[arg(short = 'f', long = "func", value_name = "CALL")]
    pub func: String,
    /// The arguments as a JSON object: `{"name": "Aqua"}`. The string `"@alice"` stands for
    /// the id of the network's peer `alice` (`"@@x"` is the text `@x`), here and in the string
    /// literals of `-f`.
    #[arg(long, value_name = "JSON", conflicts_with = "data_file")]
    pub data: Option<String>,
    /// Read the arguments from a JSON file.
    #[arg(long, value_name = "FILE")]
    pub data_file: Option<PathBuf>,
    /// The network file (TOML); default: a relay and three peers with the built-in services.
    #[arg(long, value_name = "FILE")]
    pub network: Option<PathBuf>,
    /// An import root (repeatable, in order).
    #[arg(short = 'I', long = "import", value_name = "DIR")]
    pub imports: Vec<PathBuf>,
    /// Override a constant: `--const 'NAME = VALUE'` (repeatable).
    #[arg(long = "const", value_name = "NAME = VALUE")]
    pub constants: Vec<String>,
    /// Print each hop on stderr: from, to, the calls made there and their results.
    #[arg(long)]
    pub trace: bool,
    /// Write the run as a sequence diagram (one HTML file that opens offline): the particle's
    /// hops between peers, with the calls made on each.
    #[arg(long, value_name = "FILE.html")]
    pub graph: Option<PathBuf>,
    /// The seed of the simulated network's random choices (default: the network file's, or 0).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// The particle's time to live in ms (default: the network file's, or 60000).
    #[arg(long, value_name = "MS")]
    pub ttl: Option<u32>,
    /// The probability that a particle is lost on a hop (default: the network file's, or 0).
    #[arg(long, value_name = "P")]
    pub loss: Option<f64>,
    /// A peer that is down from the start and drops every particle (repeatable).
    #[arg(long, value_name = "PEER")]
    pub down: Vec<String>,
    /// Limits on the work of the run.
    #[command(flatten)]
    pub budget: BudgetArgs,
    /// How Aqua is lowered to AIR.
    #[command(flatten)]
    pub lowering: LoweringArgs,
    /// The reference CLI's `-i/--input`: the file is positional here.
    #[arg(short = 'i', long = "input", value_name = "PATH", hide = true)]
    pub old_input: Option<PathBuf>,
    /// The reference CLI's `--addr` (a relay of a real network): `aqua run` simulates peers.
    #[arg(long = "addr", value_name = "MULTIADDR", hide = true)]
    pub old_addr: Option<String>,
    /// The reference CLI's `--data-path`: `--data-file` here.
    #[arg(long = "data-path", value_name = "FILE", hide = true)]
    pub old_data_path: Option<PathBuf>,
}

/// Limits on the work of a run, so that a runaway script ends with an error instead of running
/// for ever.
#[derive(Debug, Clone, Copy, Args)]
pub struct BudgetArgs {
    /// The most instructions one step of a peer may execute, replayed ones included.
    #[arg(long, value_name = "N", default_value_t = air_network::DEFAULT_MAX_INSTRUCTIONS)]
    pub step_budget: u64,
    /// The most instructions all the steps of the run may execute together.
    #[arg(long, value_name = "N", default_value_t = air_network::DEFAULT_RUN_INSTRUCTIONS)]
    pub run_budget: u64,
}

/// The `aqua service` subcommands.
#[derive(Debug, Subcommand)]
pub enum ServiceCommand {
    /// Print the Aqua `service` declaration of a WebAssembly component (.wasm or .wat).
    FromWasm(FromWasmArgs),
}

/// Arguments of `aqua service from-wasm`.
#[derive(Debug, Args)]
pub struct FromWasmArgs {
    /// The component, binary (`.wasm`) or text (`.wat`).
    pub file: PathBuf,
    /// The service id to put in the declaration.
    #[arg(long)]
    pub id: String,
    /// The service name (default: the file name in PascalCase).
    #[arg(long)]
    pub name: Option<String>,
}

/// Arguments of `aqua check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Aqua files, or directories searched recursively for `.aqua` files.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// An import root, searched after the importing file's directory (repeatable, in order).
    #[arg(short = 'I', long = "import", value_name = "DIR")]
    pub imports: Vec<PathBuf>,
    /// Override a constant: `--const 'NAME = VALUE'` (repeatable).
    #[arg(long = "const", value_name = "NAME = VALUE")]
    pub constants: Vec<String>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
}

/// Output formats of `aqua check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Rendered diagnostics with source snippets on standard error.
    Human,
    /// One JSON object per diagnostic and line on standard output.
    Json,
    /// GitHub Actions workflow annotations on standard output.
    Github,
}

/// Arguments of `aqua fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Aqua files, directories searched recursively for `.aqua` files, or `-` for standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Rewrite nothing: list the files that would change and exit 1 if there are any.
    #[arg(long)]
    pub check: bool,
}

/// Arguments of `aqua parse`.
#[derive(Debug, Args)]
pub struct ParseArgs {
    /// The Aqua source file.
    pub file: PathBuf,
    /// Print the syntax tree as JSON instead of the indented debug form.
    #[arg(long)]
    pub json: bool,
}

/// The `aqua air` subcommands.
#[derive(Debug, Subcommand)]
pub enum AirCommand {
    /// Print an AIR file in canonical layout.
    Fmt(AirFmtArgs),
    /// Parse and validate an AIR file.
    Check(AirCheckArgs),
    /// Run an AIR script on a local peer, or a scenario over simulated peers.
    Run(AirRunArgs),
}

/// Arguments of `aqua air run`.
#[derive(Debug, Args)]
pub struct AirRunArgs {
    /// The AIR script, run on one local peer with the built-in services only.
    #[arg(required_unless_present = "scenario", conflicts_with = "scenario")]
    pub file: Option<PathBuf>,
    /// A scenario (peers, mocked services) in the reference oracle's format.
    #[arg(long, value_name = "SCENARIO.json")]
    pub scenario: Option<PathBuf>,
    /// With `--scenario`: print one JSON summary in the shape of `oracle.mjs --json`.
    #[arg(long, requires = "scenario")]
    pub json: bool,
    /// Write the data every peer holds at the end as `DIR/<peer>.data` (particle data format).
    #[arg(long, value_name = "DIR")]
    pub save_data: Option<PathBuf>,
    /// One invocation of one peer instead of a run: the data the peer kept from before (a file
    /// in the particle data format; empty for none).
    #[arg(long, value_name = "FILE", requires = "current_data", conflicts_with = "scenario")]
    pub prev_data: Option<PathBuf>,
    /// One invocation of one peer: the data that arrived.
    #[arg(long, value_name = "FILE", requires = "prev_data")]
    pub current_data: Option<PathBuf>,
    /// With `--prev-data`: the peer that runs the invocation (its key comes from its name).
    #[arg(long, value_name = "NAME", default_value = "local")]
    pub peer: String,
    /// With `--prev-data`: the peer that started the particle.
    #[arg(long, value_name = "NAME")]
    pub init_peer: Option<String>,
    /// With `--prev-data`: the particle id (signatures are bound to it).
    #[arg(long, value_name = "ID", default_value = "local-particle")]
    pub particle_id: String,
    /// Limits on the work of the run.
    #[command(flatten)]
    pub budget: BudgetArgs,
}

/// Arguments of `aqua air fmt`.
#[derive(Debug, Args)]
pub struct AirFmtArgs {
    /// The AIR file (may hold several scripts after `;; ==== function NAME` lines).
    pub file: PathBuf,
    /// Do not print; exit 1 when the file is not in canonical layout.
    #[arg(long)]
    pub check: bool,
    /// Print every script on one line instead of the indented layout.
    #[arg(long)]
    pub compact: bool,
}

/// Arguments of `aqua air check`.
#[derive(Debug, Args)]
pub struct AirCheckArgs {
    /// The AIR file.
    pub file: PathBuf,
}

/// The output of `aqua compile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompileTarget {
    /// One AIR script per exported function and a `meta.json` per file.
    Air,
    /// A TypeScript module per file for `@fluencelabs/js-client` 0.9.
    Ts,
    /// A JavaScript module and its `.d.ts` per file for `@fluencelabs/js-client` 0.9.
    Js,
}

impl CompileArgs {
    /// The target after `--js` / `--air`; `air` by default.
    pub fn target(&self) -> CompileTarget {
        match (self.target, self.js) {
            (Some(target), _) => target,
            (None, true) => CompileTarget::Js,
            (None, false) => CompileTarget::Air,
        }
    }
}

/// The options of lowering Aqua to AIR, shared by `aqua compile` and `aqua run`.
#[derive(Debug, Clone, Copy, Args)]
pub struct LoweringArgs {
    /// No error routing around `on` blocks and no error propagation around `if`.
    #[arg(long)]
    pub no_xor: bool,
    /// No `-relay-` argument and no relay hops.
    #[arg(long)]
    pub no_relay: bool,
    /// Report entering and leaving every arrow to `tracingSrv`.
    #[arg(long)]
    pub tracing: bool,
    /// Call `callbackSrv.response` even for functions without results.
    #[arg(long)]
    pub empty_response: bool,
}

impl LoweringArgs {
    /// The code generator's options.
    pub fn options(&self) -> air_codegen::Options {
        air_codegen::Options {
            no_xor: self.no_xor,
            no_relay: self.no_relay,
            tracing: self.tracing,
            empty_response: self.empty_response,
        }
    }
}

/// Arguments of `aqua compile`.
#[derive(Debug, Args)]
pub struct CompileArgs {
    /// Aqua files, or directories searched recursively for `.aqua` files.
    #[arg(required_unless_present = "old_input")]
    pub paths: Vec<PathBuf>,
    /// Where to write the output, mirroring the input folders: `<stem>.<function>.air` and
    /// `<stem>.meta.json` (air), `<stem>.ts` (ts), or `<stem>.js` and `<stem>.d.ts` (js).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// What to generate: AIR scripts, or client code for Fluence's js-client.
    #[arg(long, value_enum, value_name = "TARGET")]
    pub target: Option<CompileTarget>,
    /// The same as `--target js` (the reference CLI's spelling).
    #[arg(long, conflicts_with_all = ["target", "air"])]
    pub js: bool,
    /// The same as `--target air` (the reference CLI's spelling).
    #[arg(long, conflicts_with = "target")]
    pub air: bool,
    /// An import root, searched after the importing file's directory (repeatable, in order).
    #[arg(short = 'I', long = "import", value_name = "DIR")]
    pub imports: Vec<PathBuf>,
    /// Override a constant: `--const 'NAME = VALUE'` (repeatable).
    #[arg(long = "const", value_name = "NAME = VALUE")]
    pub constants: Vec<String>,
    /// How Aqua is lowered to AIR.
    #[command(flatten)]
    pub lowering: LoweringArgs,
    /// The reference CLI's `-i/--input`: the sources are positional here.
    #[arg(short = 'i', long = "input", value_name = "PATH", hide = true)]
    pub old_input: Vec<PathBuf>,
    /// Print `{"functions": {...}, "services": {...}, "errors": [...], "warnings": [...]}` to
    /// standard output: per function its AIR, arguments, callbacks and js-client definition, per
    /// service its js-client definition.
    #[arg(long)]
    pub json: bool,
    /// Compile one call, such as `'greet(who, 3)'`, into a self-contained script.
    #[arg(long, value_name = "CALL")]
    pub call: Option<String>,
}
