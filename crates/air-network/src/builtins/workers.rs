//! `worker` and `subnet` (workers.aqua, subnet.aqua): a simulated peer is one scope, with no
//! workers, deals or chain. `worker.list` and `worker.get_worker_id` answer that there are no
//! workers; `subnet.resolve` fails softly inside its result, as nox reports failures; the other
//! functions fail and say that workers are not simulated.

use super::Outcome;
use super::args::Args;
use air_vm::value::JValue;

/// A `worker` or `subnet` function, or `None` for an unknown one.
pub fn call(service: &str, function: &str, args: &[JValue]) -> Option<Outcome> {
    let unsupported = || {
        Outcome::Err(format!(
            "{service}.{function}: workers are not simulated (each simulated peer is a host \
             without workers)"
        ))
    };
    Some(match (service, function) {
        ("worker", "list") => Outcome::Ok(JValue::Array(Vec::new())),
        ("worker", "get_worker_id") => match Args::new(args).next::<String>("deal_id") {
            Ok(_) => Outcome::Ok(JValue::Array(Vec::new())),
            Err(error) => Outcome::Err(super::Failure::from(error).0),
        },
        ("worker", "create" | "remove" | "activate" | "deactivate" | "is_active") => unsupported(),
        ("subnet", "resolve") => match Args::new(args).next::<String>("deal_id") {
            Ok(_) => Outcome::Ok(serde_json::json!({
                "success": false,
                "error": ["subnets are not simulated: there is no chain to resolve deals on"],
                "workers": [],
            })),
            Err(error) => Outcome::Err(super::Failure::from(error).0),
        },
        _ => return None,
    })
}
