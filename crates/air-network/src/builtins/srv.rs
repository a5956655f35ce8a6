//! The `srv` service: Wasm services created at run time from blueprints (`srv.create`), their
//! aliases, records and interfaces, and their removal; and calls that reach such a service by
//! its id or an alias. Errors are nox's `ServiceError`s, wrapped.

use std::fmt;

use super::args::{Args, Failure};
use super::dist::ModuleError;
use super::state::Created;
use super::{Context, Outcome, PeerState, guard};
use air_vm::value::JValue;

/// The scope a service lives in: a simulated peer is always the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerScope {
    /// The peer itself (nox also has workers).
    Host,
}

/// A peer id in an error (its `Debug` is nox's `PeerId("…")`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerId(pub String);

/// nox's `ServiceError`, for the cases a simulation meets.
#[derive(Debug)]
pub enum ServiceError {
    /// No service with this id or alias.
    NoSuchService(String, PeerScope),
    /// No service with this alias.
    NoSuchAlias(String, PeerScope),
    /// The caller may not do this.
    Forbidden {
        /// The particle's init peer.
        user: PeerId,
        /// What it tried.
        function: &'static str,
        /// Why it may not.
        reason: &'static str,
    },
    /// The alias is a service's id.
    AliasAsServiceId(String),
    /// The alias is reserved.
    ForbiddenAlias(String),
    /// A module or blueprint error.
    ModuleError(ModuleError),
    /// The component could not be instantiated.
    Engine(String),
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServiceError::NoSuchService(id, scope) => {
                write!(f, "Service with id '{id}' not found on {scope:?}")
            }
            ServiceError::NoSuchAlias(alias, scope) => {
                write!(f, "Service with alias '{alias}' is not found on worker '{scope:?}'")
            }
            ServiceError::Forbidden { user, function, reason } => write!(
                f,
                "Forbidden. User id '{}' cannot call function '{function}': {reason}",
                user.0
            ),
            ServiceError::AliasAsServiceId(alias) => {
                write!(f, "Cannot add alias '{alias}' because there is a service with that id")
            }
            ServiceError::ForbiddenAlias(alias) => {
                write!(f, "Cannot add alias '{alias}' because it is reserved")
            }
            ServiceError::ModuleError(error) => error.fmt(f),
            ServiceError::Engine(message) => f.write_str(message),
        }
    }
}

impl From<ServiceError> for Failure {
    fn from(error: ServiceError) -> Failure {
        Failure::wrapped(&error)
    }
}

/// The id of the service with this id or alias, or nox's error.
pub fn find(state: &PeerState, id_or_alias: &str) -> Result<String, Failure> {
    state
        .resolve(id_or_alias)
        .map(str::to_owned)
        .ok_or_else(|| ServiceError::NoSuchService(id_or_alias.into(), PeerScope::Host).into())
}

/// An `srv` function, or `None` for an unknown one.
pub fn call(
    state: &mut PeerState,
    ctx: &Context<'_>,
    function: &str,
    args: &[JValue],
) -> Option<Outcome> {
    let mut next = Args::new(args);
    let result = match function {
        "create" => guard(&state.options, ctx).and_then(|()| {
            let blueprint_id: String = next.next("blueprint_id")?;
            create(state, ctx, &blueprint_id).map(JValue::String)
        }),
        "remove" => {
            return Some(guard(&state.options, ctx).and_then(|()| remove(state, ctx, args)).into());
        }
        "add_alias" => {
            return Some(
                guard(&state.options, ctx).and_then(|()| add_alias(state, ctx, args)).into(),
            );
        }
        "list" => Ok(JValue::Array(
            state.services.iter().map(|(id, created)| record(id, created, ctx)).collect(),
        )),
        "resolve_alias" => next.next::<String>("alias").map_err(Failure::from).and_then(|alias| {
            state
                .aliases
                .get(&alias)
                .map(|id| JValue::String(id.clone()))
                .ok_or_else(|| ServiceError::NoSuchAlias(alias.clone(), PeerScope::Host).into())
        }),
        "resolve_alias_opt" => next.next::<String>("alias").map_err(Failure::from).map(|alias| {
            JValue::Array(
                state.aliases.get(&alias).map(|id| id.clone().into()).into_iter().collect(),
            )
        }),
        "get_interface" => {
            next.next::<String>("service_id").map_err(Failure::from).and_then(|id| {
                let id = find(state, &id)?;
                Ok(state.services[&id].interface.clone())
            })
        }
        "info" => {
            next.next::<String>("service_id_or_alias").map_err(Failure::from).and_then(|id| {
                let id = find(state, &id)?;
                Ok(record(&id, &state.services[&id], ctx))
            })
        }
        _ => return None,
    };
    Some(result.into())
}

/// Calls a service created at run time (`srv.create`) by its id or an alias; `None` when the
/// peer has no such service.
pub fn call_created(
    state: &mut PeerState,
    service: &str,
    function: &str,
    args: &[JValue],
) -> Option<Outcome> {
    let id = state.resolve(service)?.to_owned();
    let created = state.services.get_mut(&id)?;
    Some(invoke(&mut created.instance, function, args))
}

#[cfg(feature = "wasm")]
fn invoke(instance: &mut super::state::Instance, function: &str, args: &[JValue]) -> Outcome {
    match instance.call(function, args) {
        Ok(value) => Outcome::Ok(value),
        Err(error) => Outcome::Err(Failure::wrapped(&error).0),
    }
}

#[cfg(not(feature = "wasm"))]
fn invoke(instance: &mut super::state::Instance, _function: &str, _args: &[JValue]) -> Outcome {
    match *instance {}
}

/// `{id, blueprint_id, service_type, owner_id, aliases, worker_id}`.
fn record(id: &str, created: &Created, ctx: &Context<'_>) -> JValue {
    serde_json::json!({
        "id": id,
        "blueprint_id": created.blueprint_id,
        "service_type": "service",
        "owner_id": created.owner_id,
        "aliases": created.aliases,
        "worker_id": ctx.peer_id,
    })
}

/// Instantiates the blueprint's facade (its last dependency) as a new service owned by the
/// particle's init peer.
fn create(state: &mut PeerState, ctx: &Context<'_>, blueprint_id: &str) -> Result<String, Failure> {
    let blueprint = state.blueprints.get(blueprint_id).cloned().ok_or_else(|| {
        ServiceError::ModuleError(ModuleError::BlueprintNotFound { id: blueprint_id.into() })
    })?;
    let mut modules = Vec::with_capacity(blueprint.dependencies.len());
    for cid in &blueprint.dependencies {
        let module = state.modules.get(cid).ok_or_else(|| {
            ServiceError::ModuleError(ModuleError::ModuleNotFound { cid: cid.clone() })
        })?;
        modules.push(module);
    }
    let Some(facade) = modules.last() else {
        return Err(ServiceError::ModuleError(ModuleError::EmptyDependenciesList {
            id: blueprint_id.into(),
        })
        .into());
    };
    let interface = facade.interface.clone().unwrap_or(JValue::Null);
    let instance = instantiate(&facade.bytes)?;
    let id = state.next_uuid(ctx.peer_id);
    let created = Created {
        blueprint_id: blueprint_id.into(),
        owner_id: ctx.init_peer_id.into(),
        aliases: Vec::new(),
        interface,
        instance,
    };
    state.services.insert(id.clone(), created);
    Ok(id)
}

#[cfg(feature = "wasm")]
fn instantiate(bytes: &[u8]) -> Result<super::state::Instance, Failure> {
    air_wasm_host::WasmService::load(bytes, air_wasm_host::Limits::default())
        .map_err(|error| ServiceError::Engine(error.to_string()).into())
}

#[cfg(not(feature = "wasm"))]
fn instantiate(_bytes: &[u8]) -> Result<super::state::Instance, Failure> {
    Err(ServiceError::Engine(
        "cannot create a Wasm service: air-vm was built without its `wasm` feature".into(),
    )
    .into())
}

/// `remove(service_id_or_alias)`: the owner, the peer itself or a privileged peer removes a
/// service with its aliases.
fn remove(state: &mut PeerState, ctx: &Context<'_>, args: &[JValue]) -> Result<(), Failure> {
    let id_or_alias: String = Args::new(args).next("service_id_or_alias")?;
    let id = find(state, &id_or_alias)?;
    let owner = &state.services[&id].owner_id;
    if *owner != ctx.init_peer_id && !state.options.is_privileged(ctx.peer_id, ctx.init_peer_id) {
        return Err(ServiceError::Forbidden {
            user: PeerId(ctx.init_peer_id.into()),
            function: "remove_service",
            reason: "only creator can remove service",
        }
        .into());
    }
    if let Some(created) = state.services.remove(&id) {
        for alias in created.aliases {
            state.aliases.remove(&alias);
        }
    }
    Ok(())
}

/// `add_alias(alias, service_id)`: points the alias at the service (given by id), moving it
/// from another service if it was there. (nox also lets only the host add aliases on the host;
/// with guards on, the guard has already refused everyone else.)
fn add_alias(state: &mut PeerState, ctx: &Context<'_>, args: &[JValue]) -> Result<(), Failure> {
    let mut next = Args::new(args);
    let alias: String = next.next("alias")?;
    let service_id: String = next.next("service_id")?;
    let privileged = state.options.is_privileged(ctx.peer_id, ctx.init_peer_id);
    if state.services.contains_key(&alias) {
        return Err(ServiceError::AliasAsServiceId(alias).into());
    }
    if alias == "spell" || alias == "self" || (alias == "worker-spell" && !privileged) {
        return Err(ServiceError::ForbiddenAlias(alias).into());
    }
    if !state.services.contains_key(&service_id) {
        return Err(ServiceError::NoSuchService(service_id, PeerScope::Host).into());
    }
    if let Some(previous) = state.aliases.insert(alias.clone(), service_id.clone())
        && let Some(created) = state.services.get_mut(&previous)
    {
        created.aliases.retain(|taken| *taken != alias);
    }
    if let Some(created) = state.services.get_mut(&service_id) {
        created.aliases.push(alias);
    }
    Ok(())
}
