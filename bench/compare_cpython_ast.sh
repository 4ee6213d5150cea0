#!/usr/bin/env bash
# Driver for compare_cpython_ast.py: skeleton of a corpus with trifecta
# (--json), then the comparison with CPython's `ast`.
#   bash bench/compare_cpython_ast.sh [CORPUS_DIR=/work/bench-corpus/django] [OUT_JSON]
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-/work/bench-corpus/django}
OUT=${2:-/tmp/trifecta-skeleton-$(basename "$DIR").json}
deno run --unstable-raw-imports --allow-read --allow-write --allow-env --allow-run --allow-sys \
  "$REPO/main.ts" ast skeleton --json --telemetry off -s "$DIR" . > "$OUT"
python3 "$REPO/bench/compare_cpython_ast.py" "$DIR" "$OUT" --show 20
