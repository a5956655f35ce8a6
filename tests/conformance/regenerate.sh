#!/usr/bin/env bash
# Regenerates the expected summaries of the hand-written scenarios in extra/ with the reference
# AquaVM (oracle.mjs, installed by ../../../shared/reference/setup.sh or $AQUA_REF_DIR). The 98
# reference scenarios at this level are copied from shared/conformance and are not regenerated.
# Usage: tests/conformance/regenerate.sh [REF_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ref=${1:-${AQUA_REF_DIR:-$HOME/.cache/aqua-reference}}
if [ ! -f "$ref/oracle.mjs" ]; then
  echo "no oracle in $ref: run shared/reference/setup.sh first" >&2
  exit 1
fi
for scenario in "$here"/extra/*.json; do
  case "$scenario" in *.expected.json) continue ;; esac
  node "$ref/oracle.mjs" "$scenario" --json > "${scenario%.json}.expected.json"
done
