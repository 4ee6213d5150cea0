#!/usr/bin/env bash
# Parity of trifecta's C skeleton with clang's AST (bench/oracles/clang):
# skeleton of a corpus with trifecta (--json), then the comparison.
#   bash bench/compare_c.sh CORPUS_DIR [OUT_JSON] [-- CLANG_FLAGS…]
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
LANG_NAME=${LANG_NAME:-c}
DIR=$(cd "${1:?usage: compare_c.sh CORPUS_DIR [OUT_JSON] [-- CLANG_FLAGS…]}" && pwd)
shift
OUT=/tmp/trifecta-skeleton-$LANG_NAME-$(basename "$DIR").json
if [ $# -gt 0 ] && [ "$1" != "--" ]; then OUT=$1; shift; fi
DENO=${DENO:-deno}
start=$(date +%s.%N)
$DENO run --unstable-raw-imports --allow-read --allow-write --allow-env --allow-run --allow-sys \
  "$REPO/main.ts" ast skeleton --json --telemetry off -s "$DIR" . > "$OUT"
end=$(date +%s.%N)
echo "trifecta skeleton time: $(echo "$end - $start" | bc)s"
python3 "$REPO/bench/oracles/clang/compare.py" "$LANG_NAME" "$DIR" "$OUT" --show 30 "$@"
