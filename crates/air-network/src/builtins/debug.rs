//! `debug.stringify`, `run-console.print` and `stat`. Stats are not collected (nox's answer
//! when collection is off).

use super::args::{Args, Failure};
use super::srv::find;
use super::{Context, Options, Outcome, PeerState, guard};
use air_vm::value::JValue;

/// `debug.stringify`: compact JSON text of the one argument, of all of them as an array, or of
/// the string `<empty argument list>`.
pub fn debug(function: &str, args: &[JValue]) -> Option<Outcome> {
    if function != "stringify" {
        return None;
    }
    let text = match args {
        [] => r#""<empty argument list>""#.to_string(),
        [one] => one.to_string(),
        many => JValue::Array(many.to_vec()).to_string(),
    };
    Some(Outcome::Ok(JValue::String(text)))
}

/// `run-console.print`: logs nothing in a simulation and answers `""` (guarded).
pub fn console(options: &Options, ctx: &Context<'_>, function: &str) -> Option<Outcome> {
    (function == "print").then(|| guard(options, ctx).into())
}

/// `stat.service_stat` and `stat.service_memory`: the service must exist; then stats are
/// reported as disabled.
pub fn stat(state: &PeerState, function: &str, args: &[JValue]) -> Option<Outcome> {
    if function != "service_stat" && function != "service_memory" {
        return None;
    }
    Some(stats(state, args).into())
}

fn stats(state: &PeerState, args: &[JValue]) -> Result<JValue, Failure> {
    let id_or_alias: String = Args::new(args).next("service_id")?;
    find(state, &id_or_alias)?;
    Err(Failure::plain("Service stats collection is disabled"))
}
