//! Lowering of typed Aqua programs to AIR scripts that Fluence's AquaVM runs.
//!
//! Every exported function becomes one self-contained script with the reference compiler's
//! calling convention (`wrapper`): functions, closures and abilities are inlined, `on … via`
//! becomes hops (`topology`), and every name is fresh ([`names`]). Lowering of an error-free
//! program is total; a failure is an internal compiler error ([`LowerError`]), never a panic.
//! This crate does no IO.
//!
//! The output means what the reference compiler's means (the conformance scenarios run the same
//! calls on Fluence's AquaVM and on air-vm), but it is leaner, on purpose:
//!
//! - properties and indices stay lenses (`u.$.addr.city`) instead of `ap` chains, arguments
//!   are plain names (`name`, not `-name-arg-`), call results take the bound name;
//! - a hop is `(new #-hopc- (canon P $-hop- #-hopc-))`: the never-written `$-hop-` needs no `new`;
//! - `if` rethrows an error of its `then` branch with a `mismatch` guard instead of testing
//!   `:error:.$.error_code` (so a `then` failing with code 10001 is not mistaken for a false
//!   condition, a corner the reference gets wrong); an error of either branch is rethrown from a
//!   variable, so the client gets it wrapped as with the reference's AIR;
//! - operators on literals and constants are computed at compile time as the reference computes
//!   them (`fold.rs`), and a client callback that ends an `on` block is followed by no hops;
//! - an `on` block that emits nothing gets no hops, a `par` branch that binds nothing gets no
//!   return hops, and a stream gate reads its snapshot directly (`#s-gate.$.[0]`);
//! - a service method parameter named `id` receives its argument (the reference passes the
//!   service id, spec section 12, example 34).

// Library code never panics on input and never prints: errors are values (tests may unwrap).
#![deny(missing_docs, clippy::unwrap_used, clippy::expect_used)]
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod build;
pub use build::is_hop;
pub mod call_text;
mod depth;
pub mod error;
mod fold;
mod lower;
pub mod meta;
pub mod names;
pub mod source_map;
mod stmts;
mod wrapper;

use aqua_typecheck::tast::{ExportTarget, Func, FuncId, Program};
use source_map::Construct;

pub use error::LowerError;
pub use meta::FunctionMeta;
pub use source_map::SourceMap;

/// Compiler options, as the reference's `CommonArgs`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// `--no-xor`: no error routing around `on` and no error propagation wrappers around `if`.
    pub no_xor: bool,
    /// `--no-relay`: no `-relay-` argument and no relay hops; `HOST_PEER_ID` is the init peer.
    pub no_relay: bool,
    /// `--tracing`: `tracingSrv` events around every arrow call.
    pub tracing: bool,
    /// `--empty-response`: call `callbackSrv.response` even without results.
    pub empty_response: bool,
}

/// One compiled function.
#[derive(Debug, Clone)]
pub struct CompiledFunction {
    /// The script.
    pub air: air_syntax::Program,
    /// Its description for clients.
    pub meta: FunctionMeta,
    /// Where each instruction and generated name comes from in Aqua.
    pub source_map: SourceMap,
}

/// Compiles every function the entry module exports, in export order.
pub fn compile(program: &Program, options: &Options) -> Result<Vec<CompiledFunction>, LowerError> {
    let mut compiled = Vec::new();
    for export in &program.exports {
        if let ExportTarget::Func(id) = export.target {
            compiled.push(compile_function(program, id, &export.name, options)?);
        }
    }
    Ok(compiled)
}

/// Compiles one function as an exported script named `name`.
pub fn compile_function(
    program: &Program,
    id: FuncId,
    name: &str,
    options: &Options,
) -> Result<CompiledFunction, LowerError> {
    let func = program.functions.get(id.0 as usize).ok_or(LowerError::Dangling("a function"))?;
    let args = func.params.iter().map(|p| call_text::ScriptArg::Data(p.name.clone())).collect();
    lower_function(program, func, name, args, options)
}

/// Compiles a call such as `greet(who, 3)` into a self-contained script, as the reference's
/// `compileAquaCallFromPath`: names are fetched from `getDataSrv`, literals are inlined. The
/// function is looked up among the entry module's exports, then among all functions.
pub fn compile_call(
    program: &Program,
    call: &str,
    options: &Options,
) -> Result<CompiledFunction, LowerError> {
    let (name, args) = call_text::parse_call(call)?;
    let exported = program.exports.iter().find_map(|e| match e.target {
        ExportTarget::Func(id) if e.name == name => Some(id),
        _ => None,
    });
    let id = exported
        .or_else(|| program.functions.iter().rev().find(|f| f.name == name).map(|f| f.id))
        .ok_or_else(|| LowerError::BadCall(call.to_owned()))?;
    let func = program.functions.get(id.0 as usize).ok_or(LowerError::Dangling("a function"))?;
    if args.len() != func.params.len() {
        return Err(LowerError::BadCall(call.to_owned()));
    }
    // A stream parameter takes a name or an array, never a single literal.
    let literal_for_stream = args.iter().zip(&func.params).any(|(arg, param)| {
        matches!(arg, call_text::ScriptArg::Literal(_))
            && matches!(param.ty, aqua_typecheck::types::Type::Stream(_))
    });
    if literal_for_stream {
        return Err(LowerError::BadCall(call.to_owned()));
    }
    lower_function(program, func, &name, args, options)
}

/// The script of `func` with its arguments, its description and its source map.
fn lower_function(
    program: &Program,
    func: &Func,
    name: &str,
    args: Vec<call_text::ScriptArg>,
    options: &Options,
) -> Result<CompiledFunction, LowerError> {
    let mut lowerer = lower::Lowerer::new(program, options);
    let mut body = lowerer.lower_script(func, args)?;
    // What no statement emitted is the calling convention around the function.
    let convention =
        source_map::Origin { file: func.file, span: func.span, construct: Construct::Function };
    let source_map = std::mem::take(&mut lowerer.tagger).finish(&mut body, convention);
    let meta = FunctionMeta::new(name, func, std::mem::take(&mut lowerer.services_used));
    Ok(CompiledFunction { air: air_syntax::Program { body }, meta, source_map })
}
