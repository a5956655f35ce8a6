#!/usr/bin/env bash
# Whole-process compile time of `aqua compile` against the reference compiler (`compile.mjs` of
# `reference/setup.sh`) on the examples and on a generated 10,000-function program.
# Usage (from the repository root): crates/air-codegen/scripts/bench.sh [AQUA_BINARY]
set -euo pipefail
AQUA=${1:-target/release/aqua}
REF=${AQUA_REF_DIR:-$HOME/.cache/aqua-reference}
WORK=$(mktemp -d)
N=${N:-10000}
{
  echo "aqua Big declares *"
  echo
  printf "export "
  for i in $(seq 1 "$N"); do printf "g%d" "$i"; [ "$i" -lt "$N" ] && printf ", "; done
  echo; echo
  echo "service Srv(\"srv\"):"
  echo "  call(s: string) -> string"
  echo
  for i in $(seq 1 "$N"); do
    echo "func g$i(peer: string, s: string) -> string:"
    echo "  on peer:"
    echo "    r <- Srv.call(s)"
    echo "  <- r"
    echo
  done
} > "$WORK/big.aqua"
now() { date +%s.%N; }
time_it() { local start end; start=$(now); "$@" > /dev/null 2>&1 || true; end=$(now); echo "$end - $start" | bc; }
ours_examples=0; ref_examples=0
for file in tests/data/aqua/*.aqua; do
  case "$file" in *36-compile-errors*|*19-stream-maps*) continue;; esac
  ours_examples=$(echo "$ours_examples + $(time_it "$AQUA" compile --json "$file")" | bc)
  if command -v node >/dev/null && [ -f "$REF/compile.mjs" ]; then
    ref_examples=$(echo "$ref_examples + $(time_it node "$REF/compile.mjs" "$file" tests/data/aqua)" | bc)
  fi
done
ours_big=$(time_it "$AQUA" compile --json "$WORK/big.aqua")
echo "examples (one process per file): ours ${ours_examples}s, reference ${ref_examples}s"
echo "$N functions: ours ${ours_big}s"
if command -v node >/dev/null && [ -f "$REF/compile.mjs" ]; then
  ref_big=$(time_it timeout "${REF_TIMEOUT:-900}" node "$REF/compile.mjs" "$WORK/big.aqua")
  echo "$N functions: reference ${ref_big}s (ratio $(echo "scale=1; $ref_big / $ours_big" | bc)x)"
  echo "examples ratio: $(echo "scale=1; $ref_examples / $ours_examples" | bc)x"
fi
rm -rf "$WORK"
