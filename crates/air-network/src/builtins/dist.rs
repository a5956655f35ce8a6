//! The `dist` service: modules (WebAssembly components, as base64 or vault bytes, binary or
//! text) and blueprints, addressed by CID. Only a config's `name` is used, as on nox; a module
//! is checked and its interface read when it is added (with the `wasm` feature).

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::json;

use super::args::{Args, Decode, Failure};
use super::cid::{cid_of, is_cid};
use super::state::{Blueprint, Module};
use super::{Context, Outcome, PeerState, guard, vault};
use air_vm::value::JValue;

/// nox's `ModuleError`, for the cases a simulation meets.
#[derive(Debug)]
pub enum ModuleError {
    /// No blueprint with this id.
    BlueprintNotFound {
        /// The blueprint id.
        id: String,
    },
    /// A blueprint without modules.
    EmptyDependenciesList {
        /// The blueprint (its name, as nox reports it).
        id: String,
    },
    /// `add_module`'s bytes are not base64.
    ModuleInvalidBase64 {
        /// The decoder's error.
        err: base64::DecodeError,
    },
    /// A blueprint names a module that was never added.
    ModuleNotFound {
        /// The module's CID.
        cid: String,
    },
    /// The bytes are not a component this host can run.
    InvalidModule {
        /// Why.
        reason: String,
    },
}

impl fmt::Display for ModuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModuleError::BlueprintNotFound { id } => write!(f, "Blueprint '{id}' wasn't found"),
            ModuleError::EmptyDependenciesList { id } => {
                write!(f, "Blueprint '{id}' has empty list of dependencies")
            }
            ModuleError::ModuleInvalidBase64 { err } => {
                write!(f, "Error while decoding module bytes from base64: {err}")
            }
            ModuleError::ModuleNotFound { cid } => write!(f, "Module with CID {cid} wasn't found"),
            ModuleError::InvalidModule { reason } => write!(f, "Invalid module: {reason}"),
        }
    }
}

impl From<ModuleError> for Failure {
    fn from(error: ModuleError) -> Failure {
        Failure::wrapped(&error)
    }
}

/// A module config: an object with at least a string `name`.
struct NamedConfig(String);

impl Decode for NamedConfig {
    fn type_name() -> String {
        "fluence_app_service::TomlMarineNamedModuleConfig".into()
    }
    fn decode(value: &JValue) -> Option<NamedConfig> {
        value.get("name")?.as_str().map(|name| NamedConfig(name.to_owned()))
    }
}

/// A module CID.
struct Cid(String);

impl Decode for Cid {
    fn type_name() -> String {
        "cid_utils::Hash".into()
    }
    fn decode(value: &JValue) -> Option<Cid> {
        value.as_str().filter(|text| is_cid(text)).map(|text| Cid(text.to_owned()))
    }
}

/// A `dist` function, or `None` for an unknown one.
pub fn call(
    state: &mut PeerState,
    ctx: &Context<'_>,
    function: &str,
    args: &[JValue],
) -> Option<Outcome> {
    let mut next = Args::new(args);
    let result = match function {
        "add_module" => guard(&state.options, ctx).and_then(|()| {
            let bytes: String = next.next("module_bytes")?;
            let NamedConfig(name) = next.next("config")?;
            let bytes = BASE64.decode(bytes).map_err(|err| ModuleError::ModuleInvalidBase64 { err })?;
            add_module(state, name, bytes)
        }),
        "add_module_from_vault" => guard(&state.options, ctx).and_then(|()| {
            let path: String = next.next("module_path")?;
            let NamedConfig(name) = next.next("config")?;
            let bytes = vault::read(state, ctx, &path)?.into_bytes();
            add_module(state, name, bytes)
        }),
        "add_module_bytes_from_vault" => guard(&state.options, ctx).and_then(|()| {
            let name: String = next.next("module_name")?;
            let path: String = next.next("module_path")?;
            let bytes = vault::read(state, ctx, &path)?.into_bytes();
            add_module(state, name, bytes)
        }),
        "default_module_config" => next
            .next::<String>("module_name")
            .map(|name| json!({"name": name, "load_from": null, "file_name": null}))
            .map_err(Failure::from),
        "make_module_config" => make_module_config(args),
        "load_module_config" => next.next::<String>("config_path").map_err(Failure::from).and_then(
            |path| {
                let text = vault::read(state, ctx, &path)?;
                serde_json::from_str(&text).map_err(|error| {
                    Failure(format!(
                        "Error: Error parsing module config from vault {path:?}: {error}\nIncorrectVaultModuleConfig {{ config_path: {path:?}, err: {error:?} }}"
                    ))
                })
            },
        ),
        "make_blueprint" => make_blueprint(args),
        "add_blueprint" => guard(&state.options, ctx).and_then(|()| {
            let text: String = next.next("blueprint")?;
            let blueprint = parse_blueprint(&text).map_err(|error| {
                Failure::plain(format!("Error deserializing blueprint from IPLD: {error}"))
            })?;
            add_blueprint(state, blueprint)
        }),
        "load_blueprint" => next.next::<String>("blueprint_path").map_err(Failure::from).and_then(
            |path| {
                let text = vault::read(state, ctx, &path)?;
                let blueprint = parse_blueprint(&text).map_err(|error| {
                    Failure::plain(format!("Error parsing blueprint from vault {path:?}: {error}"))
                })?;
                Ok(JValue::String(dag_json(&blueprint.name, &blueprint.dependencies)))
            },
        ),
        "list_modules" => Ok(JValue::Array(
            state
                .modules
                .iter()
                .map(|(cid, module)| json!({"name": module.name, "hash": cid, "config": module.config}))
                .collect(),
        )),
        "get_module_interface" => next.next::<String>("hex_hash").map_err(Failure::from).and_then(
            |cid| match state.modules.get(&cid) {
                Some(module) => module.interface.clone().map_err(Failure::plain),
                None => Err(Failure::plain(ModuleError::ModuleNotFound { cid }.to_string())),
            },
        ),
        "list_blueprints" => Ok(JValue::Array(state.blueprints.values().map(Blueprint::to_json).collect())),
        "get_blueprint" => next.next::<String>("blueprint_id").map_err(Failure::from).and_then(|id| {
            match state.blueprints.get(&id) {
                Some(blueprint) => Ok(blueprint.to_json()),
                None => Err(ModuleError::BlueprintNotFound { id }.into()),
            }
        }),
        _ => return None,
    };
    Some(result.into())
}

/// Stores a module under its CID, after checking that it is a component this host can run.
fn add_module(state: &mut PeerState, name: String, bytes: Vec<u8>) -> Result<JValue, Failure> {
    let interface = read_interface(&bytes)?;
    let cid = cid_of(&bytes);
    let config = json!({
        "logger_enabled": false,
        "wasi": {"preopened_files": ["tmp"], "mapped_dirs": {"tmp": "."}},
    });
    state.modules.insert(cid.clone(), Module { name, bytes, config, interface });
    Ok(JValue::String(cid))
}

#[cfg(feature = "wasm")]
fn read_interface(bytes: &[u8]) -> Result<Result<JValue, String>, Failure> {
    let service = air_wasm_host::WasmService::load(bytes, air_wasm_host::Limits::default())
        .map_err(|error| ModuleError::InvalidModule { reason: error.to_string() })?;
    Ok(Ok(super::interface::interface(service.functions())))
}

#[cfg(not(feature = "wasm"))]
fn read_interface(_bytes: &[u8]) -> Result<Result<JValue, String>, Failure> {
    Ok(Err("the interface of a module cannot be read: air-network was built without its `wasm` feature"
        .into()))
}

/// `make_module_config(name, mem_pages_count?, max_heap_size?, logger_enabled?,
/// preopened_files?, envs?, mapped_dirs?, mounted_binaries?, logging_mask?)`: a config object;
/// pairs become objects, absent options are left out, and (as on nox 0.28) the memory limits
/// and preopened files are read but not kept.
fn make_module_config(args: &[JValue]) -> Result<JValue, Failure> {
    let mut next = Args::new(args);
    let name: String = next.next("name")?;
    let _mem_pages_count: Option<u32> = next.next_opt("mem_pages_count")?;
    let _max_heap_size: Option<String> = next.next_opt("max_heap_size")?;
    let logger_enabled: Option<bool> = next.next_opt("logger_enabled")?;
    let _preopened_files: Option<Vec<String>> = next.next_opt("preopened_files")?;
    let envs: Option<Vec<Vec<String>>> = next.next_opt("envs")?;
    let mapped_dirs: Option<Vec<Vec<String>>> = next.next_opt("mapped_dirs")?;
    let mounted_binaries: Option<Vec<Vec<String>>> = next.next_opt("mounted_binaries")?;
    let logging_mask: Option<i32> = next.next_opt("logging_mask")?;
    let mut wasi = serde_json::Map::new();
    if let Some(envs) = envs {
        wasi.insert("envs".into(), table(envs));
    }
    if let Some(dirs) = mapped_dirs {
        wasi.insert("mapped_dirs".into(), table(dirs));
    }
    let mut config = json!({"name": name, "load_from": null, "file_name": null, "wasi": wasi});
    if let Some(object) = config.as_object_mut() {
        if let Some(enabled) = logger_enabled {
            object.insert("logger_enabled".into(), enabled.into());
        }
        if let Some(mask) = logging_mask {
            object.insert("logging_mask".into(), mask.into());
        }
        if let Some(binaries) = mounted_binaries {
            object.insert("mounted_binaries".into(), table(binaries));
        }
    }
    Ok(config)
}

/// `[[k, v], …]` as `{k: v, …}`.
fn table(pairs: Vec<Vec<String>>) -> JValue {
    JValue::Object(
        pairs
            .into_iter()
            .filter_map(|pair| match pair.as_slice() {
                [key, value, ..] => Some((key.clone(), JValue::String(value.clone()))),
                _ => None,
            })
            .collect(),
    )
}

/// `make_blueprint(name, dependencies)`: the blueprint as a DAG-JSON string.
fn make_blueprint(args: &[JValue]) -> Result<JValue, Failure> {
    let mut next = Args::new(args);
    let name: String = next.next("name")?;
    let dependencies: Vec<Cid> = next.next("dependencies")?;
    let dependencies: Vec<String> = dependencies.into_iter().map(|Cid(cid)| cid).collect();
    Ok(JValue::String(dag_json(&name, &dependencies)))
}

/// `{"dependencies":[{"/":"<cid>"},…],"name":"<name>"}`: DAG-JSON, keys sorted.
fn dag_json(name: &str, dependencies: &[String]) -> String {
    let links: Vec<JValue> = dependencies.iter().map(|cid| json!({"/": cid})).collect();
    json!({"dependencies": links, "name": name}).to_string()
}

/// A blueprint read from DAG-JSON; its id is the CID of its canonical DAG-JSON bytes.
fn parse_blueprint(text: &str) -> Result<Blueprint, String> {
    let value: JValue = serde_json::from_str(text).map_err(|error| error.to_string())?;
    let name = match value.get("name") {
        Some(JValue::String(name)) => name.clone(),
        Some(other) => return Err(format!("invalid type: {other}, expected a string `name`")),
        None => return Err("missing field `name`".into()),
    };
    let links = match value.get("dependencies") {
        Some(JValue::Array(links)) => links,
        Some(other) => return Err(format!("invalid type: {other}, expected a list of links")),
        None => return Err("missing field `dependencies`".into()),
    };
    let mut dependencies = Vec::with_capacity(links.len());
    for link in links {
        match link.get("/").and_then(JValue::as_str) {
            Some(cid) if is_cid(cid) => dependencies.push(cid.to_owned()),
            _ => return Err(format!("invalid link {link}, expected {{\"/\": CID}}")),
        }
    }
    let id = cid_of(dag_json(&name, &dependencies).as_bytes());
    Ok(Blueprint { id, name, dependencies })
}

fn add_blueprint(state: &mut PeerState, blueprint: Blueprint) -> Result<JValue, Failure> {
    if blueprint.dependencies.is_empty() {
        return Err(ModuleError::EmptyDependenciesList { id: blueprint.name }.into());
    }
    let id = blueprint.id.clone();
    state.blueprints.insert(id.clone(), blueprint);
    Ok(JValue::String(id))
}
