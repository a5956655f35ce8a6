//! The `sig` service: ed25519 signatures with the peer's own key. A decoding failure of the
//! data is a soft failure inside the result, as on nox. nox's origin checks (the particle must
//! come from the peer itself and the data from `registry`) apply only with
//! [`Options::sig_origin_checks`]; they read the data's tetraplet.

use serde_json::json;

use super::args::{Args, Failure};
use super::{Context, Options, Outcome};
use air_vm::value::JValue;

/// A `sig` function, or `None` for an unknown one.
pub fn call(
    options: &Options,
    ctx: &Context<'_>,
    function: &str,
    args: &[JValue],
) -> Option<Outcome> {
    let result = match function {
        "sign" => sign(options, ctx, args),
        "verify" => verify(ctx, args),
        "get_peer_id" => Ok(JValue::String(ctx.peer_id.to_owned())),
        _ => return None,
    };
    Some(result.into())
}

/// `sign(data)`: `{success, error: [message], signature: [bytes]}`.
fn sign(options: &Options, ctx: &Context<'_>, args: &[JValue]) -> Result<JValue, Failure> {
    if options.sig_origin_checks && !options.is_privileged(ctx.peer_id, ctx.init_peer_id) {
        return Err(Failure::plain(format!(
            "peer '{}' is not allowed to sign data on '{}'",
            ctx.init_peer_id, ctx.peer_id
        )));
    }
    let data = match Args::new(args).next::<Vec<u8>>("data") {
        Ok(data) => data,
        Err(error) => return Ok(soft_failure(Failure::from(error).0)),
    };
    if options.sig_origin_checks {
        check_origin(ctx)?;
    }
    let Some(key) = ctx.key else {
        return Ok(soft_failure("this peer has no key to sign with".into()));
    };
    Ok(match key.sign_bytes(&data) {
        Some(signature) => json!({"success": true, "error": [], "signature": [signature.to_vec()]}),
        None => soft_failure("data in the particle data's signature domain is not signed".into()),
    })
}

fn soft_failure(message: String) -> JValue {
    json!({"success": false, "error": [message], "signature": []})
}

/// The data must come from `registry.get_record_bytes` or `get_record_metadata_bytes` on this
/// peer, as a whole value.
fn check_origin(ctx: &Context<'_>) -> Result<(), Failure> {
    let tetraplet = ctx.tetraplets.first().map(Vec::as_slice);
    let Some([tetraplet]) = tetraplet else {
        return Err(Failure::plain(format!(
            "expected tetraplet for a scalar argument, got tetraplet for an array: {tetraplet:?}, tetraplets"
        )));
    };
    if *tetraplet.peer_pk != *ctx.peer_id {
        return Err(Failure::plain(format!(
            "data is expected to be produced by service 'registry' on peer '{}', was from peer '{}'",
            ctx.peer_id, tetraplet.peer_pk
        )));
    }
    let duplet = (&*tetraplet.service_id, &*tetraplet.function_name);
    if duplet != ("registry", "get_record_bytes")
        && duplet != ("registry", "get_record_metadata_bytes")
    {
        return Err(Failure::plain(format!(
            "data is expected to result from a call to 'registry.get_record_bytes' or 'registry.get_record_metadata_bytes', was from '{}.{}'",
            tetraplet.service_id, tetraplet.function_name
        )));
    }
    if !tetraplet.lens.is_empty() {
        return Err(Failure::plain("lens for data tetraplet is expected to be empty"));
    }
    Ok(())
}

/// `verify(signature, data)`: whether the peer's key signed `data`; a malformed signature is
/// `false`.
fn verify(ctx: &Context<'_>, args: &[JValue]) -> Result<JValue, Failure> {
    let mut next = Args::new(args);
    let signature: Vec<u8> = next.next("signature")?;
    let data: Vec<u8> = next.next("data")?;
    Ok(JValue::Bool(ctx.key.is_some_and(|key| key.verify_bytes(&data, &signature))))
}
