#!/usr/bin/env python3
"""Regenerates the conformance suite of the bundled examples (tests/conformance/examples/).

For every case below (an example, one of its functions, argument values), this script
  1. translates the example's network file (examples/NAME.toml) into a scenario of the reference
     oracle (/work/shared/reference/oracle.mjs): the client, the relay and the peers, the mocked
     services, and the client's own services (getDataSrv with the arguments, callbackSrv,
     errorHandlingSrv);
  2. compiles the example with Fluence's compiler (compile.mjs) and with ours (`aqua compile --json`);
  3. runs BOTH scripts on Fluence's AquaVM (oracle.mjs --json) and checks that they make the same
     calls and give the client the same result (see `compare` and `comparable` for what may
     legitimately differ);
  4. writes CASE.json (the scenario, with the reference compiler's AIR in "air") and
     CASE.expected.json (what AquaVM did with that AIR: calls, client result, errors, hops).

`cargo test` (tests/examples_conformance.rs) then checks, without Node.js, that our compiler's AIR
and the stored reference AIR both give those calls and that result on our VM.

Usage, from anywhere:  tests/conformance/examples/regenerate.py
  AQUA=path/to/aqua       our binary (default: `cargo build -p aqua-cli`, then
                          ${CARGO_TARGET_DIR:-target}/debug/aqua)
  AQUA_REF_DIR=dir        the reference toolchain (default: ~/.cache/aqua-reference, installed by
                          /work/shared/reference/setup.sh)
Exits 0 with "skipped: ..." when Node.js or the reference toolchain is missing, 1 when the two
compilers' scripts disagree on AquaVM (nothing is written for that case then).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
REF = Path(os.environ.get("AQUA_REF_DIR", Path.home() / ".cache" / "aqua-reference"))
CLIENT = "client"

# Every runnable example (all but wasm-greeting, whose service is a Wasm component the oracle
# cannot host). Arguments are given by parameter name, as `aqua run --data` takes them; a string
# that names a peer of the network stands for that peer's id (as in `aqua run`).
CASES = [
    {
        "name": "pipeline",
        "example": "pipeline",
        "function": "pipeline",
        "args": {"key": "k", "fetcher": "alice", "transformer": "bob", "storer": "carol"},
        "description": "fetch on alice, transform on bob, store on carol; only the receipt returns",
    },
    {
        "name": "pipeline-no-store-on-storer",
        "example": "pipeline",
        "function": "pipeline",
        "args": {"key": "k", "fetcher": "alice", "transformer": "bob", "storer": "bob"},
        "description": "bob hosts no store service: the failure travels back to the client's "
        "errorHandlingSrv",
    },
    {
        "name": "greeting-one",
        "example": "greeting",
        "function": "greetOne",
        "args": {"peer": "alice", "name": "x"},
        "description": "one greeting on alice through the relay",
    },
    {
        "name": "greeting-all",
        "example": "greeting",
        "function": "greetAll",
        "args": {"peers": ["alice", "bob", "carol"], "name": "hi"},
        "description": "for … par over three workers, join on the last answer",
    },
    {
        "name": "failover-backup-answers",
        "example": "failover",
        "function": "lookup",
        "args": {"name": "x", "primary": "alice", "backup": "bob"},
        "description": "alice's directory fails, otherwise asks bob's",
    },
    {
        "name": "failover-primary-answers",
        "example": "failover",
        "function": "lookup",
        "args": {"name": "x", "primary": "bob", "backup": "alice"},
        "description": "bob answers first: the otherwise branch never runs",
    },
    {
        "name": "failover-both-fail",
        "example": "failover",
        "function": "lookup",
        "args": {"name": "x", "primary": "alice", "backup": "alice"},
        "description": "both directories fail: the error reaches the client's errorHandlingSrv",
    },
    {
        "name": "aggregate",
        "example": "aggregate",
        "function": "totals",
        "args": {"peers": ["alice", "bob", "carol"]},
        "description": "three meters push into one stream, the client sums it",
    },
    {
        "name": "aggregate-reversed",
        "example": "aggregate",
        "function": "totals",
        "args": {"peers": ["carol", "bob", "alice"]},
        "description": "the same meters in the other order",
    },
]


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def translate_mock(behaviour, where):
    """A mocked function of a network file, as an oracle result template."""
    if "result" in behaviour:
        return behaviour["result"]
    if behaviour.get("echo"):
        # `echo = true` returns the argument of a one-argument function (every echoing function
        # of the examples has one), which the oracle spells "$arg0".
        return "$arg0"
    if "error" in behaviour:
        return {"$error": behaviour.get("code", 1), "message": behaviour["error"]}
    sys.exit(f"{where}: unknown mock {behaviour}")


def with_peers(value, peers):
    """Argument data with peer names replaced by the oracle's `$peer:NAME`."""
    if isinstance(value, str) and value in peers:
        return f"$peer:{value}"
    if isinstance(value, list):
        return [with_peers(item, peers) for item in value]
    return value


def scenario_for(case, network):
    peers = [CLIENT] + [p for p in network["peers"] if p != CLIENT]
    relay = network.get("relay", network["peers"][0])
    services = {f"{CLIENT}/getDataSrv/-relay-": f"$peer:{relay}"}
    for arg, value in case["args"].items():
        services[f"{CLIENT}/getDataSrv/{arg}"] = with_peers(value, peers)
    services[f"{CLIENT}/callbackSrv/response"] = None
    services[f"{CLIENT}/errorHandlingSrv/error"] = None
    for service in network.get("service", []):
        if "wasm" in service:
            sys.exit(f"{case['name']}: a Wasm service cannot run on the oracle")
        for host in service.get("peers", network["peers"]):
            for function, behaviour in service.get("functions", {}).items():
                services[f"{host}/{service['id']}/{function}"] = translate_mock(
                    behaviour, f"{case['example']}.toml"
                )
    return {
        "description": case["description"],
        "source": f"examples/{case['example']}.aqua",
        "network": f"examples/{case['example']}.toml",
        "function": case["function"],
        "args": case["args"],
        "init_peer": CLIENT,
        "peers": peers,
        "particle_id": f"examples-{case['name']}",
        "timestamp": 1700000000000,
        "ttl": 60000,
        "services": services,
    }


def oracle(scenario, air):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump({**scenario, "air": air}, file)
    try:
        out = run(["node", str(REF / "oracle.mjs"), file.name, "--json"])
    finally:
        os.unlink(file.name)
    if out.returncode != 0:
        sys.exit(f"{scenario['particle_id']}: the oracle failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout)


def client_call(summary, service, function):
    """The arguments of the client's call of service.function, or None if it never came."""
    for call in summary["calls"]:
        if call["peer"] == CLIENT and (call["service"], call["function"]) == (service, function):
            return call["args"]
    return None


def comparable(call):
    """A call as compared between the two compilers' scripts: everything but the `instruction`
    of an error object passed as an argument, which is the text of the failing AIR instruction and
    so names each compiler's own variables."""
    args = [
        {k: v for k, v in a.items() if k != "instruction"} if isinstance(a, dict) else a
        for a in call["args"]
    ]
    return json.dumps({**call, "args": args}, sort_keys=True)


def compare(name, ref, ours):
    """Differences between the reference AIR's and our AIR's runs on AquaVM (empty when equal):
    the calls as a multiset (`comparable`), the client's result, and which steps failed. The hops
    are not compared: our compiler may route differently (it sends an error from a remote `on`
    straight to the next handler instead of first back to the client), which changes the hops and
    the interleaving of calls on different peers but not the calls."""
    problems = []
    want = sorted(comparable(c) for c in ref["calls"])
    got = sorted(comparable(c) for c in ours["calls"])
    if want != got:
        problems.append(
            "calls differ:\n  only with the reference AIR: "
            + json.dumps([c for c in want if c not in got], indent=1)
            + "\n  only with our AIR: "
            + json.dumps([c for c in got if c not in want], indent=1)
        )
    if client_call(ref, "callbackSrv", "response") != client_call(ours, "callbackSrv", "response"):
        problems.append(f"client result differs: {client_call(ours, 'callbackSrv', 'response')}")
    failed = lambda summary: [(e["peer"], e["ret_code"]) for e in summary["errors"]]
    if failed(ref) != failed(ours):
        problems.append(f"failed steps differ: {ref['errors']} vs {ours['errors']}")
    return [f"{name}: {p}" for p in problems]


def dump(document):
    """A top-level object with one line per field, per service mock, per call and per error, so
    that a change shows as a small diff."""
    compact = lambda value: json.dumps(value, ensure_ascii=False)
    lines = []
    for key, value in document.items():
        if isinstance(value, dict) and value:
            inner = [f"    {compact(k)}: {compact(v)}" for k, v in value.items()]
            text = "{\n" + ",\n".join(inner) + "\n  }"
        elif isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
            text = "[\n" + ",\n".join(f"    {compact(x)}" for x in value) + "\n  ]"
        else:
            text = compact(value)
        lines.append(f"  {compact(key)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}"


def main():
    if shutil.which("node") is None:
        print("skipped: Node.js is not installed (tests/conformance/examples/ left as is)")
        return 0
    if not (REF / "oracle.mjs").is_file() or not (REF / "compile.mjs").is_file():
        print(f"skipped: the reference toolchain is not in {REF} "
              "(run /work/shared/reference/setup.sh; tests/conformance/examples/ left as is)")
        return 0
    aqua = os.environ.get("AQUA")
    if aqua is None:
        build = run(["cargo", "build", "--quiet", "-p", "aqua-cli"], cwd=ROOT)
        if build.returncode != 0:
            sys.exit(f"cargo build -p aqua-cli failed:\n{build.stderr[-3000:]}")
        target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        aqua = str((ROOT / target / "debug" / "aqua").resolve())
    versions = json.loads((REF / "package.json").read_text())["dependencies"]
    recorded_by = (
        "tests/conformance/examples/regenerate.py: the AIR of Fluence's compiler (@fluencelabs/"
        f"aqua-api {versions['@fluencelabs/aqua-api']}) run on Fluence's AquaVM (@fluencelabs/avm "
        f"{versions['@fluencelabs/avm']}) by the reference oracle"
    )

    reference_air, our_air = {}, {}
    for example in sorted({case["example"] for case in CASES}):
        source = ROOT / "examples" / f"{example}.aqua"
        out = run(["node", str(REF / "compile.mjs"), str(source)])
        compiled = json.loads(out.stdout) if out.returncode == 0 else {"errors": [out.stderr]}
        if compiled["errors"]:
            sys.exit(f"{example}: the reference compiler failed: {compiled['errors']}")
        reference_air[example] = compiled["functions"]
        out = run([aqua, "--color", "never", "compile", str(source), "--json"])
        if out.returncode != 0:
            sys.exit(f"{example}: aqua compile failed:\n{out.stdout}{out.stderr}")
        our_air[example] = {f: v["air"] for f, v in json.loads(out.stdout)["functions"].items()}

    failures, written = [], set()
    for case in CASES:
        example, function = case["example"], case["function"]
        network = tomllib.loads((ROOT / "examples" / f"{example}.toml").read_text())
        scenario = scenario_for(case, network)
        ref = oracle(scenario, reference_air[example][function])
        ours = oracle(scenario, our_air[example][function])
        problems = compare(case["name"], ref, ours)
        if problems:
            failures += problems
            continue
        expected = {
            "recorded_by": recorded_by,
            "response": client_call(ref, "callbackSrv", "response"),
            "error_response": client_call(ref, "errorHandlingSrv", "error"),
            "errors": ref["errors"],
            "hops": ref["hops"],
            "peers": ref["peers"],
            "calls": ref["calls"],
        }
        scenario["air"] = reference_air[example][function]
        for suffix, value in ((".json", scenario), (".expected.json", expected)):
            path = HERE / f"{case['name']}{suffix}"
            path.write_text(dump(value) + "\n")
            written.add(path.name)
        status = "error response" if expected["error_response"] is not None else "response"
        print(f"{case['name']}: {len(ref['calls'])} calls, {ref['hops']} hops, {status}; "
              f"our AIR: {len(ours['calls'])} calls, {ours['hops']} hops, the same calls")
    for stale in HERE.glob("*.json"):
        if stale.name not in written and not failures:
            stale.unlink()
            print(f"removed {stale.name} (no such case any more)")
    for failure in failures:
        print("DIFFERENCE", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
