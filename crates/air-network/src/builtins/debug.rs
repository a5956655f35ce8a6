//! `debug.stringify`, `run-console.print`, `stat` and `vault`. Stats are not collected (nox's
//! answer when collection is off); a particle's vault is kept in memory on the peer.

use sha2::{Digest, Sha256};

use super::args::{Args, Failure};
use super::srv::{find, guard};
use super::{Context, Options, Outcome, PeerState};
use air_vm::value::JValue;

/// Where nox mounts particle vaults (`particle-execution/src/particle_vault.rs`).
const VAULT_PREFIX: &str = "/tmp/vault";

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

/// `vault.put(data)` and `vault.cat(path)`: files of the current particle, in memory.
pub fn vault(
    state: &mut PeerState,
    ctx: &Context<'_>,
    function: &str,
    args: &[JValue],
) -> Option<Outcome> {
    let result = match function {
        "put" => put(state, ctx, args),
        "cat" => Args::new(args)
            .next::<String>("path")
            .map_err(Failure::from)
            .and_then(|path| read(state, ctx, &path))
            .map(JValue::String),
        _ => return None,
    };
    Some(result.into())
}

fn put(state: &mut PeerState, ctx: &Context<'_>, args: &[JValue]) -> Result<JValue, Failure> {
    let data: String = Args::new(args).next("data")?;
    let name = state.next_uuid(ctx.peer_id);
    let files = state.vault.entry(ctx.particle_id.to_string()).or_default();
    files.insert(name.clone(), data);
    Ok(JValue::String(format!("{}/{name}", vault_dir(ctx))))
}

/// A vault file of the current particle, by its full virtual path or its name.
pub fn read(state: &PeerState, ctx: &Context<'_>, path: &str) -> Result<String, Failure> {
    let dir = vault_dir(ctx);
    let name = path.strip_prefix(&dir).map_or(path, |rest| rest.trim_start_matches('/'));
    state
        .vault
        .get(ctx.particle_id)
        .and_then(|files| files.get(name))
        .cloned()
        .ok_or_else(|| Failure::plain(format!("Error reading vault file `{path}`")))
}

/// `/tmp/vault/<particle id>-<token>`; the token is derived from the peer and the particle.
fn vault_dir(ctx: &Context<'_>) -> String {
    let digest = Sha256::digest(format!("{}/{}", ctx.peer_id, ctx.particle_id));
    let token: String = digest[..4].iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{VAULT_PREFIX}/{}-{token}", ctx.particle_id)
}
