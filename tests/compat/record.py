#!/usr/bin/env python3
"""Records how the compatibility programs (tests/compat/*.aqua) behave with Fluence's toolchain.

For every case below (a program, one of its exported functions, argument values, mocked services):
  1. compiles the program with Fluence's compiler (compile.mjs of ../shared/reference/);
  2. runs the reference AIR on Fluence's AquaVM over simulated peers (oracle.mjs --json);
  3. writes scenarios/CASE.json (the scenario, the reference AIR in "air") and
     scenarios/CASE.expected.json (AquaVM's summary: calls, errors, hops).

`cargo test -p air-codegen` (tests/compat.rs) then runs OUR AIR for the same function on our VM
and requires the same calls (an error object passed to a service is compared without its
`instruction`, the text of the failing AIR instruction), the same failed steps, and no more hops
than the reference AIR took.

Usage: tests/compat/record.py   (AQUA_REF_DIR=dir: the reference toolchain, by default
~/.cache/aqua-reference as installed by ../shared/reference/setup.sh). Exits 0 with "skipped" when
Node.js or the toolchain is missing.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "scenarios"
REF = Path(os.environ.get("AQUA_REF_DIR", Path.home() / ".cache" / "aqua-reference"))
FAIL = {"$error": 3, "message": "no such key"}

# name, program, function, args (by parameter name; "$peer:NAME" for a peer id), services
# (oracle mocks, peer/service/function), extra peers, description.
CASES = [
    ("else-error-reaches-client", "else-error", "lookup", {"key": "k", "cached": False},
     {"*/store/get": FAIL}, [],
     "a service error raised in an else branch reaches the client's errorHandlingSrv"),
    ("else-error-then-branch", "else-error", "lookup", {"key": "k", "cached": True},
     {"*/store/get": FAIL}, [],
     "the then branch runs; the failing else branch does not"),
    ("else-error-remote", "else-error", "lookupOn", {"key": "k", "cached": False, "peer": "$peer:worker"},
     {"*/store/get": FAIL}, ["worker"],
     "a service error raised in an else branch on another peer reaches the client"),
    ("else-error-if-fails", "else-error", "failInThen", {"key": "k"},
     {"*/store/get": FAIL}, [],
     "a service error raised in a then branch reaches the client"),
    ("callback-tail", "callback-hops", "tailCallback", {"peer": "$peer:worker"},
     {"*/srv/call": "got {arg0}", "client/callbackSrv/report": None}, ["worker"],
     "a callback as the last call of an on block"),
    ("callback-then-more", "callback-hops", "tailThenMore", {"peer": "$peer:worker"},
     {"*/srv/call": "got {arg0}", "client/callbackSrv/report": None}, ["worker"],
     "a callback ending an on block, then another on block on the same peer"),
    ("callback-in-helper", "callback-hops", "helperAtTail", {"peer": "$peer:worker"},
     {"*/srv/call": "got {arg0}", "client/callbackSrv/report": None}, ["worker"],
     "an inlined function whose callback is followed by a call on the remote peer"),
    ("callback-nested", "callback-hops", "nestedCallbacks", {"peer": "$peer:worker"},
     {"*/srv/call": "got {arg0}", "client/callbackSrv/report": None,
      "client/callbackSrv/shout": "{arg0}!"}, ["worker"],
     "a callback whose argument is another callback's result, ending an on block"),
    ("folding-literals", "constant-folding", "folded", {"idx": 4},
     {}, [], "comparisons and arithmetic on literals and constants make no math or cmp calls"),
    ("keyword-names", "keyword-names", "records", {"from": "here"},
     {"*/records/get": "r1", "*/records/route": "{arg0}-{arg1}"}, [],
     "values named rec and string"),
    ("keyword-names-store", "keyword-names", "store", {"data": "d", "alias": "a", "via": "v"},
     {"*/records/put": True}, [], "parameters named data, alias and via"),
    ("nil-describe-none", "nil-comparisons", "describe", {"timeout": []},
     {}, [], "an empty option equals nil"),
    ("nil-describe-some", "nil-comparisons", "describe", {"timeout": ["5s"]},
     {}, [], "a set option is not nil"),
    ("nil-empty-stream", "nil-comparisons", "emptyStream", {"xs": ["a", "b"]},
     {}, [], "a stream equals nil until something is pushed"),
    ("paren-apply-twice", "paren-arrow-types", "applyTwice", {"times": 2},
     {"client/callbackSrv/cb": "{arg0}+"}, [], "a callback parameter with a parenthesised arrow type"),
    ("paren-pick", "paren-arrow-types", "pick", {"x": "ab"},
     {}, [], "closures passed as parenthesised arrow parameters"),
    ("ability-paths", "ability-paths", "greetBoth", {"name": "ann"},
     {"*/greeter/greet": "hello {arg0}"}, [], "a member of an ability passed by its dotted path"),
    ("ability-streams-collect", "ability-streams", "collect", {"keys": ["a", "b"]},
     {"*/source/read": "v-{arg0}"}, [], "writes through an ability's stream member"),
    ("ability-streams-tags", "ability-streams", "tags", {"keys": ["a", "b"]},
     {"*/source/read": "v-{arg0}"}, [], "iterating an ability's stream member"),
    ("aqua-lib-imports", "aqua-lib-imports", "dealWorkers", {"deal": "d1"},
     {"*/worker/get_worker_id": ["$peer:relay"],
      "*/subnet/resolve": {"success": True, "error": [], "workers": [
          {"pat_id": "p", "host_id": "h1", "worker_id": []},
          {"pat_id": "q", "host_id": "h2", "worker_id": []}]}},
     [], "services of workers.aqua and subnet.aqua, and math.aqua"),
    ("parallel-loop-quiet", "parallel-loops", "pingAll",
     {"hub": "$peer:worker", "nodes": ["$peer:n1", "$peer:n2"]},
     {"*/node/ping": None}, ["worker", "n1", "n2"],
     "a parallel loop that binds nothing needs no hops back"),
    ("parallel-loop-through-gate", "parallel-loops", "collectThrough",
     {"hub": "$peer:worker", "gate": "$peer:gate", "nodes": ["$peer:n1", "$peer:n2"]},
     {"n1/node/name": "one", "n2/node/name": "two"}, ["worker", "gate", "n1", "n2"],
     "results of a parallel loop ending a block entered through a gateway reach the join"),
    ("parallel-loop-at-hub", "parallel-loops", "collectHere",
     {"hub": "$peer:worker", "gate": "$peer:gate", "keys": ["a", "b"]},
     {"worker/node/name": "hub"}, ["worker", "gate"],
     "a parallel loop calling the block's own peer, ending a block entered through a gateway"),
    ("stream-push-of-a-stream", "stream-push-of-a-stream", "collect", {"keys": ["a", "b"]},
     {"*/source/read": "v-{arg0}"}, [], "a stream pushed whole into a stream of arrays"),
    ("join-folded-below-zero", "join-folded-below-zero", "emptyRange", {},
     {}, [], "a join whose index folds below zero in a branch that never runs"),
]


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def scenario_for(name, program, function, args, services, peers, description):
    all_services = {"client/getDataSrv/-relay-": "$peer:relay"}
    for arg, value in args.items():
        all_services[f"client/getDataSrv/{arg}"] = value
    all_services["client/callbackSrv/response"] = None
    all_services["client/errorHandlingSrv/error"] = None
    all_services.update(services)
    return {
        "description": description,
        "source": f"{program}.aqua",
        "function": function,
        "init_peer": "client",
        "peers": ["client", "relay"] + peers,
        "particle_id": f"compat-{name}",
        "timestamp": 1700000000000,
        "ttl": 60000,
        "services": all_services,
    }


def oracle(scenario):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(scenario, file)
    try:
        out = run(["node", str(REF / "oracle.mjs"), file.name, "--json"])
    finally:
        os.unlink(file.name)
    if out.returncode != 0:
        sys.exit(f"{scenario['particle_id']}: the oracle failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout)


def main():
    if shutil.which("node") is None or not (REF / "oracle.mjs").is_file():
        print(f"skipped: Node.js or the reference toolchain in {REF} is missing")
        return 0
    OUT.mkdir(exist_ok=True)
    compiled = {}
    written = set()
    for name, program, function, args, services, peers, description in CASES:
        if program not in compiled:
            out = run(["node", str(REF / "compile.mjs"), str(HERE / f"{program}.aqua")])
            result = json.loads(out.stdout) if out.returncode == 0 else {"errors": [out.stderr]}
            if result["errors"]:
                sys.exit(f"{program}: the reference compiler failed: {result['errors']}")
            compiled[program] = result["functions"]
        scenario = scenario_for(name, program, function, args, services, peers, description)
        scenario["air"] = compiled[program][function]
        summary = oracle(scenario)
        for suffix, value in ((".json", scenario), (".expected.json", summary)):
            path = OUT / f"{name}{suffix}"
            path.write_text(json.dumps(value, indent=1, ensure_ascii=False) + "\n")
            written.add(path.name)
        print(f"{name}: {len(summary['calls'])} calls, {summary['hops']} hops, "
              f"errors {summary['errors']}")
    for stale in OUT.glob("*.json"):
        if stale.name not in written:
            stale.unlink()
            print(f"removed {stale.name} (no such case any more)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
