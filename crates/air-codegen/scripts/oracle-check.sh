#!/usr/bin/env bash
# Runs every conformance scenario with OUR compiled AIR on Fluence's reference AquaVM (the oracle of
# `reference/setup.sh`) and compares the calls with the expected run. Needs Node.js and the
# reference installed; skips with a message otherwise.
# Usage: crates/air-codegen/scripts/oracle-check.sh [AQUA_BINARY]  (from the repository root)
set -euo pipefail
AQUA=${1:-target/debug/aqua}
REF=${AQUA_REF_DIR:-$HOME/.cache/aqua-reference}
if ! command -v node >/dev/null || [ ! -f "$REF/oracle.mjs" ]; then
  echo "skipped: Node.js or the reference oracle ($REF/oracle.mjs) is missing"; exit 0
fi
python3 - "$AQUA" "$REF" <<'PY'
import json, subprocess, sys, glob, os, tempfile
aqua, ref = sys.argv[1], sys.argv[2]
passed, failed = 0, []
for path in sorted(glob.glob("tests/conformance/*.json")):
    if path.endswith(".expected.json"): continue
    name = os.path.basename(path)[:-5]
    scenario = json.load(open(path))
    src = "tests/data/aqua/" + os.path.basename(scenario["source"])
    flags = scenario.get("compiler_options", "defaults")
    args = [aqua, "compile", src, "--json"]
    if flags.startswith("--funcCall="):
        args = [aqua, "compile", src, "--call", flags[len("--funcCall="):].split(" --data")[0]]
    else:
        if "--noXor" in flags: args.append("--no-xor")
        if "--noRelay" in flags: args.append("--no-relay")
        if "--tracing" in flags: args.append("--tracing")
        if "--noEmptyResponse=false" in flags: args.append("--empty-response")
        if flags.startswith("--const="): args += ["--const", flags[len("--const="):]]
    out = subprocess.run(args, capture_output=True, text=True).stdout
    air = out if flags.startswith("--funcCall=") else json.loads(out)["functions"][scenario["function"]]["air"]
    scenario["air"] = air
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(scenario, f)
    run = subprocess.run(["node", ref + "/oracle.mjs", f.name, "--json"], capture_output=True, text=True)
    os.unlink(f.name)
    try:
        ours = json.loads(run.stdout)
    except Exception:
        failed.append((name, "oracle failed: " + run.stderr[-300:])); continue
    expected = json.load(open(path[:-5] + ".expected.json"))
    key = lambda s: sorted(json.dumps(c, sort_keys=True) for c in s["calls"])
    if key(ours) != key(expected) or ours["errors"]:
        failed.append((name, {"missing": [c for c in key(expected) if c not in key(ours)], "extra": [c for c in key(ours) if c not in key(expected)], "errors": ours["errors"]}))
    else:
        passed += 1
for name, why in failed:
    print("DIFF", name, json.dumps(why)[:1500])
print(f"our AIR on the reference AquaVM: {passed} of {passed + len(failed)} scenarios match")
PY
