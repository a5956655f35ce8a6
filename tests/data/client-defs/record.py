#!/usr/bin/env python3
"""Re-records the reference compiler's client definitions (tests/data/client-defs/).

For every .aqua file of tests/data/aqua/, examples/, examples/js-client/, tests/data/client/ and
tests/node/aqua/, this script compiles it with
Fluence's compiler (../shared/reference/compile.mjs with TARGET=ts and TARGET=js) and writes
  - tests/data/client-defs/<folder>/<stem>.json: {"functions": {name: FunctionCallDef},
    "services": {name: ServiceDef}} exactly as the reference describes them (plain JSON);
  - tests/data/client-defs/skipped.json: the files the reference rejects, with its first error line;
  - tests/node/reference/<stem>.ts, .js and .d.ts for the programs of the Node suite (tests/node/aqua/),
    and tests/node/reference/examples/<stem>.js for the examples: the reference's generated code,
    which the Node suite (tests/node/run.mjs) runs beside ours.

`cargo test -p aqua-client` compares our definitions with these files as JSON values; the Node suite
(tests/node/run.mjs) runs the stored generated code. Neither needs the reference.

Usage, from anywhere:  tests/data/client-defs/record.py
  AQUA_REF_DIR=dir   the reference toolchain (default: ~/.cache/aqua-reference, installed by
                     /work/shared/reference/setup.sh)
Exits 0 with "skipped: ..." when Node.js or the reference toolchain is missing.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
REF = Path(os.environ.get("AQUA_REF_DIR", Path.home() / ".cache" / "aqua-reference"))
FOLDERS = {
    "aqua": ROOT / "tests/data/aqua",
    "examples": ROOT / "examples",
    "js-client-app": ROOT / "examples/js-client",
    "client": ROOT / "tests/data/client",
    "node": ROOT / "tests/node/aqua",
}
GENERATED = ROOT / "tests/node/reference"


def compile_ref(path: Path, target: str) -> dict:
    env = dict(os.environ, TARGET=target)
    out = subprocess.run(["node", str(REF / "compile.mjs"), str(path)], env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def first_error_line(errors: list) -> str:
    lines = [line.strip() for line in errors[0].splitlines() if line.strip()]
    # "---- Syntax error: FILE:L:C", the source line, the caret line, the message
    where = lines[0].split(str(ROOT) + "/")[-1] if lines else ""
    return f"{where}: {' '.join(lines[3:])}" if len(lines) > 3 else where


def main() -> int:
    if shutil.which("node") is None or not (REF / "compile.mjs").exists():
        print(f"skipped: needs Node.js and the reference toolchain in {REF} (run setup.sh)")
        return 0
    skipped = {}
    for folder, source_dir in FOLDERS.items():
        out_dir = HERE / folder
        out_dir.mkdir(exist_ok=True)
        for path in sorted(source_dir.glob("*.aqua")):
            rel = str(path.relative_to(ROOT))
            result = compile_ref(path, "ts")
            if result["errors"]:
                skipped[rel] = "the reference rejects it: " + first_error_line(result["errors"])
                print(f"skip {rel}: {skipped[rel]}")
                continue
            defs = result["defs"]
            (out_dir / f"{path.stem}.json").write_text(json.dumps(defs, indent=2, sort_keys=True) + "\n")
            print(f"{rel}: {len(defs['functions'])} functions, {len(defs['services'])} services")
            if folder == "node":
                GENERATED.mkdir(exist_ok=True)
                (GENERATED / f"{path.stem}.ts").write_text(result["generated"][0]["tsSource"])
                js = compile_ref(path, "js")["generated"][0]
                (GENERATED / f"{path.stem}.js").write_text(js["jsSource"])
                (GENERATED / f"{path.stem}.d.ts").write_text(js["tsTypes"])
            if folder == "examples":
                (GENERATED / "examples").mkdir(parents=True, exist_ok=True)
                js = compile_ref(path, "js")["generated"][0]
                (GENERATED / "examples" / f"{path.stem}.js").write_text(js["jsSource"])
    (HERE / "skipped.json").write_text(json.dumps(skipped, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
