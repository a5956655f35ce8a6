//! Deploying a Wasm service at run time as a Fluence peer's API does: `dist.add_module` (base64
//! module bytes, here a WebAssembly component in text form), `make_blueprint`, `add_blueprint`,
//! `srv.create`, calls by id and alias, `srv.remove`; and the errors of nox along the way
//! (texts as nox 0.28 gives them, copied here).

use std::collections::BTreeMap;

use air_network::{
    Client, MockBehaviour, MockService, Network, PeerEnv, RunOptions, ServiceCall, ServiceRegistry,
};
use air_vm::KeyPair;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// `greet(name: string) -> string`, answering `Hello, <name>!`.
const GREETING: &str = include_str!("../../air-wasm-host/tests/components/greeting.wat");

/// One peer, `host`, in a network with `client` and `bob`.
struct Host {
    registry: ServiceRegistry,
    key: KeyPair,
    network: Vec<String>,
}

impl Host {
    fn new() -> Host {
        let network = ["client", "host", "bob"].iter().map(|name| id(name)).collect();
        Host { registry: ServiceRegistry::default(), key: KeyPair::from_name("host"), network }
    }

    /// A call from a particle of `init`, as `(ret_code, result)`.
    fn call_from(
        &mut self,
        init: &str,
        service: &str,
        function: &str,
        args: Value,
    ) -> (i32, Value) {
        let args = args.as_array().expect("arguments are an array").clone();
        let (peer_id, init_id) = (self.key.peer_id(), id(init));
        let call = ServiceCall {
            service,
            function,
            args: &args,
            peer_id: &peer_id,
            init_peer_id: &init_id,
            particle_id: "p1",
            now: 0,
            tetraplets: &[],
        };
        let env = PeerEnv { key: &self.key, network: &self.network };
        let answer = self.registry.call(&call, &env);
        assert_eq!(answer.after_ms, 0, "{service}.{function} answers at once");
        (answer.reply.ret_code, answer.reply.result)
    }

    fn call(&mut self, service: &str, function: &str, args: Value) -> (i32, Value) {
        self.call_from("client", service, function, args)
    }

    /// The result of a call that must succeed.
    fn ok(&mut self, service: &str, function: &str, args: Value) -> Value {
        let (code, result) = self.call(service, function, args.clone());
        assert_eq!(code, 0, "{service}.{function}({args}) failed: {result}");
        result
    }

    /// The message of a call that must fail; it must start with `prefix`.
    fn fails(&mut self, service: &str, function: &str, args: Value, prefix: &str) {
        self.fails_from("client", service, function, args, prefix);
    }

    fn fails_from(&mut self, init: &str, service: &str, function: &str, args: Value, prefix: &str) {
        let (code, result) = self.call_from(init, service, function, args.clone());
        assert_eq!(code, 1, "{service}.{function}({args}) did not fail: {result}");
        let message = result.as_str().unwrap_or_default();
        assert!(message.starts_with(prefix), "{service}.{function}({args}): {message:?}");
    }

    /// Adds the greeting module and its blueprint; returns both ids.
    fn deploy(&mut self) -> (String, String) {
        let config = self.ok("dist", "default_module_config", json!(["greeting"]));
        let module = self.ok("dist", "add_module", json!([BASE64.encode(GREETING), config]));
        let blueprint = self.ok("dist", "make_blueprint", json!(["greeting", [module]]));
        let blueprint_id = self.ok("dist", "add_blueprint", json!([blueprint]));
        (text(&module), text(&blueprint_id))
    }
}

fn id(name: &str) -> String {
    KeyPair::from_name(name).peer_id()
}

fn text(value: &Value) -> String {
    value.as_str().expect("a string").to_string()
}

/// CIDv1, raw codec, sha2-256, base32 lower case with the multibase prefix `b`.
fn cid(bytes: &[u8]) -> String {
    let binary = [&[0x01, 0x55, 0x12, 0x20][..], &Sha256::digest(bytes)].concat();
    format!("b{}", data_encoding::BASE32_NOPAD.encode(&binary).to_lowercase())
}

#[test]
fn modules_and_blueprints_are_content_addressed() {
    let mut host = Host::new();
    assert_eq!(
        host.ok("dist", "default_module_config", json!(["greeting"])),
        json!({"name": "greeting", "load_from": null, "file_name": null})
    );
    let (module, blueprint_id) = host.deploy();
    assert_eq!(module, cid(GREETING.as_bytes()));
    assert!(module.starts_with("bafkrei"), "{module}");
    let blueprint = host.ok("dist", "make_blueprint", json!(["greeting", [module]]));
    let dag_json = format!(r#"{{"dependencies":[{{"/":"{module}"}}],"name":"greeting"}}"#);
    assert_eq!(blueprint, json!(dag_json));
    assert_eq!(blueprint_id, cid(dag_json.as_bytes()));
    let record = json!({"name": "greeting", "id": blueprint_id, "dependencies": [module]});
    assert_eq!(host.ok("dist", "get_blueprint", json!([blueprint_id])), record);
    assert_eq!(host.ok("dist", "list_blueprints", json!([])), json!([record]));
    let modules = host.ok("dist", "list_modules", json!([]));
    assert_eq!(modules[0]["name"], json!("greeting"));
    assert_eq!(modules[0]["hash"], json!(module));
    assert_eq!(
        host.ok("dist", "get_module_interface", json!([module])),
        json!({
            "function_signatures": [
                {"name": "greet", "arguments": [["name", "string"]], "output_types": ["string"]}
            ],
            "record_types": [],
        })
    );
}

#[test]
fn module_configs_are_built_as_nox_builds_them() {
    let mut host = Host::new();
    let config = host.ok(
        "dist",
        "make_module_config",
        json!(["m", [1], [], [true], [], [[["A", "1"]]], [], [], [7]]),
    );
    assert_eq!(
        config,
        json!({
            "name": "m", "load_from": null, "file_name": null, "logger_enabled": true,
            "logging_mask": 7, "wasi": {"envs": {"A": "1"}},
        })
    );
    host.fails(
        "dist",
        "make_module_config",
        json!([{"an": "object"}]),
        "Error: Error deserializing field 'name': expected String, got {\"an\":\"object\"}",
    );
}

#[test]
fn dist_reports_nox_errors() {
    let mut host = Host::new();
    let config = json!({"name": "m"});
    host.fails(
        "dist",
        "add_module",
        json!(["not base64!", config]),
        "Error: Error while decoding module bytes from base64: ",
    );
    host.fails(
        "dist",
        "add_module",
        json!([BASE64.encode("(module"), config]),
        "Error: Invalid module: ",
    );
    host.fails(
        "dist",
        "add_module",
        json!([[1, 2, 3], config]),
        "Error: Error deserializing field 'module_bytes': expected String, got [1,2,3]",
    );
    host.fails(
        "dist",
        "add_module",
        json!([BASE64.encode(GREETING)]),
        "Error: Field 'config' is missing",
    );
    host.fails(
        "dist",
        "make_blueprint",
        json!(["x", ["not a cid"]]),
        "Error: Error deserializing field 'dependencies': ",
    );
    host.fails("dist", "add_blueprint", json!(["{"]), "Error deserializing blueprint from IPLD: ");
    host.fails(
        "dist",
        "add_blueprint",
        json!([r#"{"dependencies":[],"name":"empty"}"#]),
        "Error: Blueprint 'empty' has empty list of dependencies",
    );
    host.fails("dist", "get_blueprint", json!(["nope"]), "Error: Blueprint 'nope' wasn't found");
    host.fails("srv", "create", json!(["nope"]), "Error: Blueprint 'nope' wasn't found");
    host.fails(
        "dist",
        "add_module_from_vault",
        json!(["/tmp/x", config]),
        "Error reading vault file",
    );
}

#[test]
fn a_module_from_the_vault_deploys_too() {
    let mut host = Host::new();
    let path = host.ok("vault", "put", json!([GREETING]));
    let module = host.ok("dist", "add_module_from_vault", json!([path, {"name": "greeting"}]));
    assert_eq!(module, json!(cid(GREETING.as_bytes())));
}

#[test]
fn create_call_alias_and_remove() {
    let mut host = Host::new();
    let (_, blueprint_id) = host.deploy();
    let service = text(&host.ok("srv", "create", json!([blueprint_id])));
    let shape: Vec<usize> = service.split('-').map(str::len).collect();
    assert_eq!(shape, [8, 4, 4, 4, 12], "a UUID-shaped id: {service}");
    assert_eq!(&service[14..15], "4", "version 4");
    assert_eq!(host.ok(&service, "greet", json!(["Fluence"])), json!("Hello, Fluence!"));

    assert_eq!(host.ok("srv", "add_alias", json!(["greeter", service])), json!(""));
    assert_eq!(host.ok("greeter", "greet", json!(["alias"])), json!("Hello, alias!"));
    assert_eq!(host.ok("srv", "resolve_alias", json!(["greeter"])), json!(service));
    assert_eq!(host.ok("srv", "resolve_alias_opt", json!(["greeter"])), json!([service]));
    assert_eq!(host.ok("srv", "resolve_alias_opt", json!(["nobody"])), json!([]));
    let record = json!({
        "id": service, "blueprint_id": blueprint_id, "service_type": "service",
        "owner_id": id("client"), "aliases": ["greeter"], "worker_id": id("host"),
    });
    assert_eq!(host.ok("srv", "list", json!([])), json!([record]));
    assert_eq!(host.ok("srv", "info", json!(["greeter"])), record);
    let interface = host.ok("srv", "get_interface", json!(["greeter"]));
    assert_eq!(interface["function_signatures"][0]["name"], json!("greet"));

    host.fails(
        "srv",
        "resolve_alias",
        json!(["nobody"]),
        "Error: Service with alias 'nobody' is not found on worker 'Host'",
    );
    host.fails(
        "srv",
        "add_alias",
        json!([service, service]),
        &format!("Error: Cannot add alias '{service}' because there is a service with that id"),
    );
    host.fails(
        "srv",
        "add_alias",
        json!(["spell", service]),
        "Error: Cannot add alias 'spell' because it is reserved",
    );
    host.fails(
        "srv",
        "add_alias",
        json!(["other", "greeter"]),
        "Error: Service with id 'greeter' not found on Host",
    );
    host.fails(
        "srv",
        "info",
        json!(["nobody"]),
        "Error: Service with id 'nobody' not found on Host",
    );
    host.fails("greeter", "wave", json!([]), "Error: service has no function `wave`");
    host.fails("greeter", "greet", json!([1]), "Error: argument `name` of `greet`");
    host.fails_from(
        "bob",
        "srv",
        "remove",
        json!(["greeter"]),
        &format!(
            "Error: Forbidden. User id '{}' cannot call function 'remove_service': only creator can remove service",
            id("bob")
        ),
    );

    assert_eq!(host.ok("srv", "remove", json!(["greeter"])), json!(""));
    host.fails(
        &service,
        "greet",
        json!(["x"]),
        &format!("Service with id '{service}' not found (function greet)"),
    );
    assert_eq!(host.ok("srv", "resolve_alias_opt", json!(["greeter"])), json!([]));
    assert_eq!(host.ok("srv", "list", json!([])), json!([]));
    let again = text(&host.ok("srv", "create", json!([blueprint_id])));
    assert_ne!(again, service, "every service gets a new id");
}

#[test]
fn an_alias_moves_to_the_service_it_is_given_to() {
    let mut host = Host::new();
    let (_, blueprint_id) = host.deploy();
    let first = text(&host.ok("srv", "create", json!([blueprint_id])));
    let second = text(&host.ok("srv", "create", json!([blueprint_id])));
    host.ok("srv", "add_alias", json!(["greeter", first]));
    host.ok("srv", "add_alias", json!(["greeter", second]));
    assert_eq!(host.ok("srv", "resolve_alias", json!(["greeter"])), json!(second));
    assert_eq!(host.ok("srv", "info", json!([first]))["aliases"], json!([]));
    // The peer itself may remove any service.
    let (code, _) = host.call_from("host", "srv", "remove", json!([first]));
    assert_eq!(code, 0);
}

#[test]
fn lookup_order_is_configured_then_run_time_then_native() {
    let mut host = Host::new();
    let mock = MockService {
        functions: BTreeMap::from([("add".to_string(), MockBehaviour::Return(json!("mocked")))]),
        ..MockService::default()
    };
    host.registry.insert("math", Box::new(mock));
    assert_eq!(host.ok("math", "add", json!([1, 2])), json!("mocked"));
    let (_, blueprint_id) = host.deploy();
    let service = host.ok("srv", "create", json!([blueprint_id]));
    host.ok("srv", "add_alias", json!(["debug", service]));
    assert_eq!(host.ok("debug", "greet", json!(["alias"])), json!("Hello, alias!"));
    assert_eq!(host.ok("cmp", "gt", json!([2, 1])), json!(true));
}

/// The whole round trip as a particle: the client sends base64 module bytes to its relay, which
/// deploys, creates, aliases and calls the service, and returns the greetings.
#[test]
fn a_particle_deploys_and_calls_a_service_at_run_time() {
    let script = r#"
(seq
 (seq
  (call %init_peer_id% ("getDataSrv" "-relay-") [] -relay-)
  (call %init_peer_id% ("getDataSrv" "wasm") [] wasm)
 )
 (seq
  (seq
   (seq
    (call -relay- ("dist" "default_module_config") ["greeting"] config)
    (call -relay- ("dist" "add_module") [wasm config] module)
   )
   (seq
    (seq (ap module $deps) (canon -relay- $deps #deps))
    (seq
     (call -relay- ("dist" "make_blueprint") ["greeting" #deps] blueprint)
     (call -relay- ("dist" "add_blueprint") [blueprint] blueprint_id)
    )
   )
  )
  (seq
   (seq
    (call -relay- ("srv" "create") [blueprint_id] service_id)
    (call -relay- ("srv" "add_alias") ["greeter" service_id])
   )
   (seq
    (seq
     (call -relay- (service_id "greet") ["by id"] by_id)
     (call -relay- ("greeter" "greet") ["by alias"] by_alias)
    )
    (call %init_peer_id% ("callbackSrv" "response") [by_id by_alias service_id])
   )
  )
 )
)"#;
    let program = air_network::Script::from(air_syntax::parse(script).expect("the script parses"));
    let mut network = Network::with_peers(["client", "relay"]);
    let relay = network.id_of("relay").expect("relay").to_string();
    let data = BTreeMap::from([("wasm".to_string(), json!(BASE64.encode(GREETING)))]);
    let report = network.run(&program, "client", Client::new(data, &relay), &RunOptions::default());
    let response = report.client.response().expect("a response").to_vec();
    assert_eq!(response[..2], [json!("Hello, by id!"), json!("Hello, by alias!")]);
    let relay_services = network.peer("relay").expect("relay").services.builtins();
    let ids: Vec<&str> = relay_services.service_ids().collect();
    assert_eq!(ids, [text(&response[2])]);
    assert_eq!(relay_services.module_ids().count(), 1);
    let client = network.peer("client").expect("client");
    assert_eq!(client.services.builtins().service_ids().count(), 0, "state is per peer");
}

#[test]
fn an_interface_names_records_and_lists_every_function() {
    let mut host = Host::new();
    let math = include_str!("../../air-wasm-host/tests/components/math.wat");
    let module = host.ok("dist", "add_module", json!([BASE64.encode(math), {"name": "math"}]));
    let interface = host.ok("dist", "get_module_interface", json!([module]));
    let signatures = interface["function_signatures"].as_array().expect("signatures");
    let names: Vec<&str> = signatures.iter().filter_map(|f| f["name"].as_str()).collect();
    assert_eq!(names, ["add", "stats", "half", "is_even", "spin", "crash", "hog"]);
    assert_eq!(
        signatures[1],
        json!({"name": "stats", "arguments": [["xs", "[]u32"]], "output_types": ["StatsResult"]})
    );
    assert_eq!(
        signatures[2],
        json!({"name": "half", "arguments": [["x", "?u32"]], "output_types": ["?u32"]})
    );
    assert_eq!(
        interface["record_types"],
        json!([{"name": "StatsResult", "id": 0, "fields": [["count", "u32"], ["total", "u64"]]}])
    );
    host.fails(
        "dist",
        "get_module_interface",
        json!(["bafkreinope"]),
        "Module with CID bafkreinope wasn't found",
    );
}
