//! Peer names in what `aqua run` reads and writes. A user names a peer where a peer id is
//! wanted with the marker `@NAME`, a string of its own: `"@alice"` in `--data` (at any depth)
//! and in the string literals of `-f` stands for alice's peer id; `"@@text"` is the text
//! `@text`; every other string is left as it is, so greeting `"bob"` greets "bob". In
//! everything the run prints (results, `--trace`, `--graph`, messages) a peer id is shown as
//! `@NAME` the same way.

use air_network::Network;
use serde_json::Value as Json;

/// The network's peers, by name and id.
pub struct PeerNames {
    /// (name, id), in the network's order.
    peers: Vec<(String, String)>,
}

impl PeerNames {
    /// The peers of `network`.
    pub fn new(network: &Network) -> PeerNames {
        PeerNames {
            peers: network.peers().map(|peer| (peer.name.clone(), peer.id.clone())).collect(),
        }
    }

    /// The string a marker stands for: `@NAME` a peer's id, `@@text` the text `@text`; an
    /// unmarked string itself. An error names a marker that names no peer.
    fn resolve_str(&self, text: &str) -> Result<String, String> {
        if let Some(escaped) = text.strip_prefix("@@") {
            return Ok(format!("@{escaped}"));
        }
        let Some(name) = text.strip_prefix('@') else { return Ok(text.to_owned()) };
        match self.peers.iter().find(|(known, _)| known == name) {
            Some((_, id)) => Ok(id.clone()),
            None => {
                let mut names: Vec<&str> =
                    self.peers.iter().map(|(name, _)| name.as_str()).collect();
                names.sort_unstable();
                Err(format!(
                    "`@{name}` names no peer of the network (its peers: {}); write `@@{name}` \
                     for the text `@{name}`",
                    names.join(", ")
                ))
            }
        }
    }

    /// A `--data` value with its markers replaced, in arrays and objects too.
    pub fn resolve(&self, value: Json) -> Result<Json, String> {
        Ok(match value {
            Json::String(text) => Json::String(self.resolve_str(&text)?),
            Json::Array(items) => {
                Json::Array(items.into_iter().map(|v| self.resolve(v)).collect::<Result<_, _>>()?)
            }
            Json::Object(fields) => Json::Object(
                fields
                    .into_iter()
                    .map(|(key, v)| Ok((key, self.resolve(v)?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => other,
        })
    }

    /// The call text of `-f` with the markers of its string literals replaced (Aqua strings
    /// have no escapes: a literal runs from one `"` to the next).
    pub fn resolve_call(&self, call: &str) -> Result<String, String> {
        let mut out = String::with_capacity(call.len());
        let mut parts = call.split('"');
        out.push_str(parts.next().unwrap_or_default());
        for (index, part) in parts.enumerate() {
            out.push('"');
            // Even parts are the insides of literals, odd ones the code between them.
            if index % 2 == 0 {
                out.push_str(&self.resolve_str(part)?);
            } else {
                out.push_str(part);
            }
        }
        Ok(out)
    }

    /// A value as the run shows it: a string that is a peer id as `@NAME` and one that starts
    /// with `@` as `@@…`, so that they read back as the same value; ids inside longer strings
    /// are shown as `@NAME` too (for reading, not for reading back).
    pub fn show(&self, value: &Json) -> Json {
        match value {
            Json::String(text) => Json::String(self.show_str(text)),
            Json::Array(items) => Json::Array(items.iter().map(|v| self.show(v)).collect()),
            Json::Object(fields) => {
                Json::Object(fields.iter().map(|(k, v)| (k.clone(), self.show(v))).collect())
            }
            other => other.clone(),
        }
    }

    fn show_str(&self, text: &str) -> String {
        match self.peers.iter().find(|(_, id)| id == text) {
            Some((name, _)) => format!("@{name}"),
            None if text.starts_with('@') => format!("@{}", self.show_text(text)),
            None => self.show_text(text),
        }
    }

    /// A message as the run shows it: every peer id in it as `@NAME`.
    pub fn show_text(&self, text: &str) -> String {
        let mut shown = text.to_owned();
        for (name, id) in &self.peers {
            if shown.contains(id.as_str()) {
                shown = shown.replace(id.as_str(), &format!("@{name}"));
            }
        }
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names() -> (PeerNames, String) {
        let network = Network::with_peers(["client", "alice"]);
        let alice = network.id_of("alice").expect("alice").to_owned();
        (PeerNames::new(&network), alice)
    }

    #[test]
    fn only_marked_strings_become_peer_ids_and_ids_show_as_marks() {
        let (names, alice) = names();
        let data = json!({"who": "alice", "at": "@alice", "all": ["@alice", {"p": "@@alice"}]});
        let resolved = names.resolve(data).expect("known peers");
        assert_eq!(resolved, json!({"who": "alice", "at": alice, "all": [alice, {"p": "@alice"}]}));
        // What is shown reads back as the same value.
        let shown = names.show(&resolved);
        assert_eq!(
            shown,
            json!({"who": "alice", "at": "@alice", "all": ["@alice", {"p": "@@alice"}]})
        );
        assert_eq!(names.resolve(shown).expect("known peers"), resolved);
        let error = names.resolve(json!("@dave")).expect_err("no such peer");
        assert!(error.contains("`@dave` names no peer of the network (its peers: alice, client)"));
    }

    #[test]
    fn markers_in_the_string_literals_of_a_call() {
        let (names, alice) = names();
        let call = names.resolve_call(r#"f(x, "@alice", ["a", "@alice"], "@@b")"#).expect("ok");
        assert_eq!(call, format!(r#"f(x, "{alice}", ["a", "{alice}"], "@b")"#));
        assert_eq!(names.show_text(&format!("sent to {alice}")), "sent to @alice");
        assert_eq!(names.show(&json!(format!("on {alice}"))), json!("on @alice"));
    }
}
