//! The simulated network a program runs on: the client (init peer), its relay and three peers,
//! each answering the `Svc` functions of [`crate::generate::PRELUDE`] with its own mocked results
//! (so where a call ran shows in its result), and the client's `getDataSrv` / `callbackSrv` /
//! `errorHandlingSrv`.

use serde_json::{Map, Value, json};

use crate::program::{Given, Program};

/// The peers, by name; the first is the init peer.
pub const PEERS: &[&str] = &["client", "relay", "p1", "p2", "p3"];

/// Which peers the client (the init peer) exchanges particles with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reach {
    /// Every peer, as the reference oracle's network has it.
    #[default]
    Everyone,
    /// Its relay alone, as a js-client: particles between the client and other peers are not
    /// delivered, so AIR that sends them directly loses them.
    RelayOnly,
}

/// The scenario (the oracle's JSON format) that runs `air` for `program` on a network where
/// the client reaches `reach`.
pub fn scenario_on(program: &Program, air: &str, reach: Reach) -> Value {
    let mut scenario = json!({
        "air": air,
        "init_peer": PEERS[0],
        "peers": PEERS,
        "particle_id": "agree",
        "timestamp": 1_700_000_000_000u64,
        "ttl": 60_000,
        "services": mocks(program),
    });
    if reach == Reach::RelayOnly {
        scenario["client_relay"] = json!(PEERS[1]);
    }
    scenario
}

/// Every mock: the client's services, then `Svc` and `Op` on every peer.
pub fn mocks(program: &Program) -> Value {
    let mut services = Map::new();
    let mut put = |key: String, value: Value| {
        services.insert(key, value);
    };
    put("client/getDataSrv/-relay-".into(), json!("$peer:relay"));
    put("client/callbackSrv/response".into(), Value::Null);
    put("client/errorHandlingSrv/error".into(), Value::Null);
    for param in &program.params {
        match &param.given {
            Given::Data(value) => put(format!("client/getDataSrv/{}", param.name), value.clone()),
            Given::Callback(value) => {
                put(format!("client/callbackSrv/{}", param.name), value.clone())
            }
        }
    }
    put("*/op/noop".into(), Value::Null);
    for (index, peer) in PEERS.iter().enumerate() {
        // `svc2`, the id a program may resolve `Svc` to, answers with its id in every result.
        for (service, tag, offset) in [("svc", "", 0), ("svc2", "svc2@", 100)] {
            let number = index as u64 + 1 + offset;
            let mut mock = |function: &str, value: Value| {
                services.insert(format!("{peer}/{service}/{function}"), value);
            };
            mock("text", json!(format!("{tag}{peer}:{{arg0}}")));
            mock("num", json!(number));
            mock("flag", json!((index % 2 == 0) == (offset == 0)));
            mock("list", json!([format!("{tag}{peer}-a:{{arg0}}"), format!("{peer}-b")]));
            mock(
                "rec",
                json!({"name": format!("{tag}{peer}:{{arg0}}"), "n": number * 10, "tags": ["{arg0}"]}),
            );
            let failed = format!("{tag}failed on {peer}: {{arg0}}");
            mock("fail", json!({"$error": number, "message": failed}));
            // Fails on the client and on p1, succeeds elsewhere: `for … try` moves on to the next.
            let flaky = if index == 0 || index == 2 {
                json!({"$error": 7, "message": format!("{tag}flaky on {peer}")})
            } else {
                json!(format!("{tag}ok on {peer}: {{arg0}}"))
            };
            mock("flaky", flaky);
            mock("sink", Value::Null);
        }
    }
    Value::Object(services)
}
