//! A simulated network of peers: each peer has an ed25519 key, services and the interpreter; a
//! scheduler delivers particles between them in simulated time and stops when the particle's work
//! is done or its TTL expires.
//!
//! Delivery is deterministic for a seed. Latency, loss, duplication (and, through random latency,
//! reordering) and peers that are down are options. The init peer plays the client: it answers
//! `getDataSrv` (arguments and `-relay-`), `callbackSrv` (results and callbacks) and
//! `errorHandlingSrv`. The network does no IO: Wasm services arrive as loaded components.

use std::collections::BTreeMap;

use air_vm::signature::KeyPair;

use crate::services::ServiceRegistry;

/// One simulated peer.
pub struct Peer {
    /// Its name, as used in network files and on the command line.
    pub name: String,
    /// Its key pair; the peer id is derived from it.
    pub key: KeyPair,
    /// Its peer id (`12D3KooW…`).
    pub id: String,
    /// The services it hosts, on top of the built-ins.
    pub services: ServiceRegistry,
    /// The peer goes down at this simulated time (ms; 0 is from the start) and drops every
    /// particle that arrives from then on.
    pub down_at: Option<u64>,
}

/// The peers of a simulated network, by name.
pub struct Network {
    peers: BTreeMap<String, Peer>,
}

impl Network {
    /// A network of peers with the given names, each with the built-in services only and keys
    /// derived from `sha256(name)` (as the reference oracle does).
    pub fn with_peers<'a>(names: impl IntoIterator<Item = &'a str>) -> Network {
        let mut peers = BTreeMap::new();
        for name in names {
            let key = KeyPair::from_name(name);
            let id = key.peer_id();
            peers.insert(
                name.to_string(),
                Peer {
                    name: name.to_string(),
                    key,
                    id,
                    services: ServiceRegistry::default(),
                    down_at: None,
                },
            );
        }
        Network { peers }
    }

    /// The peer with this name.
    pub fn peer(&self, name: &str) -> Option<&Peer> {
        self.peers.get(name)
    }

    /// The peer with this name, to add services or take it down.
    pub fn peer_mut(&mut self, name: &str) -> Option<&mut Peer> {
        self.peers.get_mut(name)
    }

    /// Every peer, in name order.
    pub fn peers(&self) -> impl Iterator<Item = &Peer> {
        self.peers.values()
    }

    /// Every peer, in name order, to add services.
    pub fn peers_mut(&mut self) -> impl Iterator<Item = &mut Peer> {
        self.peers.values_mut()
    }

    /// The name of the peer with this id.
    pub fn name_of(&self, id: &str) -> Option<&str> {
        self.peers.values().find(|peer| peer.id == id).map(|peer| peer.name.as_str())
    }

    /// The id of the peer with this name.
    pub fn id_of(&self, name: &str) -> Option<&str> {
        self.peers.get(name).map(|peer| peer.id.as_str())
    }
}
