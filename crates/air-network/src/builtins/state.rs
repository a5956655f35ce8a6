//! What the built-ins of one peer remember between calls: modules and blueprints (`dist`),
//! services created at run time and their aliases (`srv`), particle vaults (`vault`), the
//! counter behind service ids, and the options that turn nox's access checks on.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use air_vm::value::JValue;

/// Checks a Fluence peer makes that a simulation usually does without.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// nox's access guard: functions that change the peer (`srv.create`, `srv.remove`,
    /// `srv.add_alias`, `dist.add_module*`, `dist.add_blueprint`, `peer.connect`,
    /// `run-console.print`) answer only particles of the peer itself or of a privileged peer.
    pub guards: bool,
    /// Peer ids that pass the guards besides the peer itself (nox's management peer).
    pub privileged: Vec<String>,
    /// `sig.sign`'s checks: the particle must come from the peer itself (or a privileged peer)
    /// and the data from `registry.get_record_bytes` or `get_record_metadata_bytes` on it.
    pub sig_origin_checks: bool,
}

impl Options {
    /// Whether the particle's init peer may do what the peer itself may.
    pub fn is_privileged(&self, peer_id: &str, init_peer_id: &str) -> bool {
        init_peer_id == peer_id || self.privileged.iter().any(|id| id == init_peer_id)
    }
}

/// A module added with `dist.add_module`.
#[derive(Debug, Clone)]
pub struct Module {
    /// The name its config gave.
    pub name: String,
    /// The component's bytes (binary or text).
    pub bytes: Vec<u8>,
    /// The config `list_modules` shows.
    pub config: JValue,
    /// Its interface (`dist.get_module_interface`), or why none could be read.
    pub interface: Result<JValue, String>,
}

/// A blueprint added with `dist.add_blueprint`.
#[derive(Debug, Clone, PartialEq)]
pub struct Blueprint {
    /// Its CID.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Module CIDs; the last is the facade.
    pub dependencies: Vec<String>,
}

impl Blueprint {
    /// `{name, id, dependencies}`, as `dist.get_blueprint` shows it.
    pub fn to_json(&self) -> JValue {
        serde_json::json!({"name": self.name, "id": self.id, "dependencies": self.dependencies})
    }
}

/// The Wasm component behind a service created at run time.
#[cfg(feature = "wasm")]
pub type Instance = air_wasm_host::WasmService;

/// Without WebAssembly support no service is ever created.
#[cfg(not(feature = "wasm"))]
#[derive(Debug)]
pub enum Instance {}

/// A service created with `srv.create`.
#[derive(Debug)]
pub struct Created {
    /// The blueprint it was created from.
    pub blueprint_id: String,
    /// The init peer of the particle that created it.
    pub owner_id: String,
    /// Its aliases, oldest first.
    pub aliases: Vec<String>,
    /// Its facade's interface.
    pub interface: JValue,
    /// The running component.
    pub instance: Instance,
}

/// The built-ins' state on one peer.
#[derive(Debug, Default)]
pub struct PeerState {
    /// Which of nox's checks apply.
    pub options: Options,
    pub(super) modules: BTreeMap<String, Module>,
    pub(super) blueprints: BTreeMap<String, Blueprint>,
    pub(super) services: BTreeMap<String, Created>,
    pub(super) aliases: BTreeMap<String, String>,
    /// Files by particle id, then by name.
    pub(super) vault: BTreeMap<String, BTreeMap<String, String>>,
    counter: u64,
}

impl PeerState {
    /// The id of the service with this id or alias.
    pub fn resolve(&self, id_or_alias: &str) -> Option<&str> {
        if let Some((id, _)) = self.services.get_key_value(id_or_alias) {
            return Some(id);
        }
        self.aliases.get(id_or_alias).map(String::as_str)
    }

    /// The ids of the services created at run time, in id order.
    pub fn service_ids(&self) -> impl Iterator<Item = &str> {
        self.services.keys().map(String::as_str)
    }

    /// The ids of the modules added, in id order.
    pub fn module_ids(&self) -> impl Iterator<Item = &str> {
        self.modules.keys().map(String::as_str)
    }

    /// A new id in the shape of a UUID v4, derived from the peer id and a counter, so that
    /// runs repeat.
    pub(super) fn next_uuid(&mut self, peer_id: &str) -> String {
        self.counter += 1;
        let mut bytes: [u8; 16] = [0; 16];
        let digest = Sha256::digest(format!("{peer_id}/{}", self.counter));
        bytes.copy_from_slice(&digest[..16]);
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
    }
}
