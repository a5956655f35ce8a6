#!/usr/bin/env python3
"""Runs a corpus of Aqua files (e.g. a checkout of fluencelabs/aqua's integration-tests/aqua)
through our compiler and the reference, and compares behaviour. Nothing of the corpus is stored.

  tests/compat/corpus.py CORPUS_DIR [IMPORT_DIR...]

For every .aqua file under CORPUS_DIR: does the reference compiler (../shared/reference,
aqua-api 0.14.6) accept it, does ours (`aqua check`)? Then for every exported function of a file
both accept: its arguments get values by type (a string is the peer id of `worker`, so `on`
blocks run; a struct argument skips the function), every service call answers its arguments
("$args"), callbacks echo their first argument, and the scenario (client, relay, worker) runs
  1. the reference's AIR on Fluence's AquaVM (the expected behaviour),
  2. our AIR on Fluence's AquaVM,
  3. our AIR on our VM (`aqua air run --scenario`);
2 and 3 must make the same calls as 1 (error objects without their `instruction` text, also
inside quoted messages) and end with the same errors. Prints one line per difference and the
figures. AQUA=path/to/aqua (default target/debug/aqua), AQUA_REF_DIR as in record.py.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REF = Path(os.environ.get("AQUA_REF_DIR", Path.home() / ".cache" / "aqua-reference"))
AQUA = os.environ.get("AQUA", str(ROOT / "target" / "debug" / "aqua"))
SCALARS = {"string": "$peer:worker", "bool": True, "f32": 1.5, "f64": 1.5}


def run(args, **kwargs):
    try:
        return subprocess.run(args, capture_output=True, text=True, **kwargs)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, 124, "", "timed out")


def value_of(ty):
    """A value for an argument type (our meta's spelling), or None when we cannot make one."""
    if ty in SCALARS:
        return SCALARS[ty]
    if re.fullmatch(r"[ui](8|16|32|64)", ty):
        return 1
    for prefix in ("[]", "?", "*"):
        if ty.startswith(prefix):
            inner = value_of(ty[len(prefix):])
            return None if inner is None else [inner]
    return None


def reference(path, imports):
    out = run(["node", str(REF / "compile.mjs"), str(path), *map(str, imports)])
    try:
        return json.loads(out.stdout)
    except json.JSONDecodeError:
        return {"errors": [out.stderr[-500:] or "crashed"], "functions": {}}


def ours(path, imports):
    args = [AQUA, "--color", "never", "compile", str(path), "--json"]
    for directory in imports:
        args += ["-I", str(directory)]
    out = run(args)
    try:
        return json.loads(out.stdout)
    except json.JSONDecodeError:
        return {"errors": [out.stderr[-500:]], "functions": {}}


def oracle(scenario):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(scenario, file)
    try:
        out = run(["node", str(REF / "oracle.mjs"), file.name, "--json"], timeout=30)
    finally:
        os.unlink(file.name)
    return json.loads(out.stdout) if out.returncode == 0 else None


def our_vm(scenario):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(scenario, file)
    try:
        out = run([AQUA, "air", "run", "--scenario", file.name, "--json"], timeout=30)
    finally:
        os.unlink(file.name)
    try:
        return json.loads(out.stdout)
    except json.JSONDecodeError:
        return None


INSTRUCTION = re.compile(r'\\*"instruction\\*":\\*"(?:[^"\\]|\\.)*?\\*",?')


def comparable(summary):
    calls = []
    for call in summary["calls"]:
        args = []
        for arg in call["args"]:
            if isinstance(arg, dict):
                arg = {k: v for k, v in arg.items() if k != "instruction"}
                if isinstance(arg.get("message"), str):
                    arg["message"] = INSTRUCTION.sub("", arg["message"])
            args.append(arg)
        calls.append(json.dumps({**call, "args": args}, sort_keys=True))
    errors = sorted((e["peer"], e["ret_code"]) for e in summary["errors"])
    return sorted(calls), errors


def services_of(*airs):
    found = set()
    for air in airs:
        found |= set(re.findall(r'\("([^"]+)" "([^"]+)"\)', air))
    return found


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    corpus = Path(sys.argv[1]).resolve()
    imports = [corpus] + [Path(p).resolve() for p in sys.argv[2:]]
    files = sorted(corpus.rglob("*.aqua"))
    counts = {"files": len(files), "reference accepts": 0, "we accept": 0,
              "both accept": 0, "functions run": 0, "skipped": 0,
              "same on AquaVM": 0, "same on our VM": 0}
    for path in files:
        dirs = [path.parent] + imports
        ref, our = reference(path, dirs), ours(path, dirs)
        ref_ok, our_ok = not ref["errors"], not our["errors"]
        counts["reference accepts"] += ref_ok
        counts["we accept"] += our_ok
        name = path.relative_to(corpus)
        if ref_ok != our_ok:
            print(f"ACCEPT {name}: reference {'accepts' if ref_ok else 'rejects'}, "
                  f"we {'accept' if our_ok else 'reject'}: "
                  f"{(our['errors'] or ref['errors'])[0][:300]!r}")
        if not (ref_ok and our_ok):
            continue
        counts["both accept"] += 1
        for function, meta in sorted(our["functions"].items()):
            ref_air = ref["functions"].get(function)
            values = {a["name"]: value_of(a["type"]) for a in meta["args"]}
            if ref_air is None or any(v is None for v in values.values()):
                counts["skipped"] += 1
                continue
            services = {"client/getDataSrv/-relay-": "$peer:relay",
                        "client/callbackSrv/response": None,
                        "client/errorHandlingSrv/error": None}
            for arg, value in values.items():
                services[f"client/getDataSrv/{arg}"] = value
            for service, func in services_of(ref_air, meta["air"]):
                if service in ("getDataSrv", "errorHandlingSrv", "math", "cmp"):
                    continue
                key = f"*/{service}/{func}"
                if service == "callbackSrv":
                    key = f"client/{service}/{func}"
                services.setdefault(key, "$arg0" if service == "callbackSrv" else "$args")
            scenario = {"init_peer": "client", "peers": ["client", "relay", "worker"],
                        "particle_id": f"corpus-{name}-{function}", "timestamp": 1700000000000,
                        "ttl": 60000, "services": services}
            expected = oracle({**scenario, "air": ref_air})
            on_aquavm = oracle({**scenario, "air": meta["air"]})
            on_ours = our_vm({**scenario, "air": meta["air"]})
            if expected is None:
                counts["skipped"] += 1
                continue
            counts["functions run"] += 1
            want = comparable(expected)
            for label, got in (("AquaVM", on_aquavm), ("our VM", on_ours)):
                if got is not None and comparable(got) == want:
                    counts[f"same on {label}"] += 1
                else:
                    detail = "no result" if got is None else (
                        f"calls only in the reference: "
                        f"{[c for c in want[0] if c not in comparable(got)[0]][:2]}; ours only: "
                        f"{[c for c in comparable(got)[0] if c not in want[0]][:2]}; errors "
                        f"{want[1]} vs {comparable(got)[1]}")
                    print(f"BEHAVIOUR {name} {function} on {label}: {detail[:900]}")
    print(json.dumps(counts, indent=1))


if __name__ == "__main__":
    sys.exit(main())
