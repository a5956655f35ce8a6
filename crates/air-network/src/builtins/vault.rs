//! `vault`: a particle's files, kept in memory on the peer (`dist` reads modules and configs
//! from it).

use sha2::{Digest, Sha256};

use super::args::{Args, Failure};
use super::{Context, Outcome, PeerState};
use air_vm::value::JValue;

/// Where nox mounts particle vaults.
const VAULT_PREFIX: &str = "/tmp/vault";

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
