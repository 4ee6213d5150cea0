#!/usr/bin/env bash
# Parity of trifecta's C# skeleton with a scanner of our own
# (bench/oracles/csharp/skeleton_oracle.py: no C# compiler parser API is at
# hand; Mono's mcs has no tree dump): skeleton of a corpus with trifecta
# (--json, timed), the oracle over the same files (timed), then the
# comparison (bench/oracles/java/compare.py, shared with Java).
#   bash bench/compare_csharp.sh CORPUS_DIR [OUT_JSON]
# (DENO="npx --yes deno@2.9.6" when deno is not on PATH)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:?usage: compare_csharp.sh CORPUS_DIR [OUT_JSON]}
OUT=${2:-/tmp/trifecta-skeleton-csharp-$(basename "$DIR").json}
DENO=${DENO:-deno}
start=$(date +%s%N)
$DENO run --unstable-raw-imports --allow-read --allow-write --allow-env --allow-run --allow-sys \
  "$REPO/main.ts" ast skeleton --json --telemetry off -s "$DIR" . > "$OUT"
echo "trifecta skeleton time: $(( ($(date +%s%N) - start) / 1000000 )) ms"
# A file skipped past its time budget (a loaded machine) is "not in the
# skeleton" below: name it. TRIFECTA_PARSE_BUDGET_MS=30000 rules that out.
python3 -c 'import json, sys
for s in json.load(open(sys.argv[1]))["skipped"]:
    if s["path"].endswith(".cs"): print("trifecta skipped:", s["path"], s["reason"])' "$OUT"
start=$(date +%s%N)
(cd "$DIR" && find . -name '*.cs' -type f | sed 's|^\./||' | sort) |
  python3 "$REPO/bench/oracles/csharp/skeleton_oracle.py" "$DIR" > "$OUT.oracle.jsonl"
echo "oracle (own scanner) time: $(( ($(date +%s%N) - start) / 1000000 )) ms"
python3 "$REPO/bench/oracles/java/compare.py" csharp "$OUT.oracle.jsonl" "$OUT" --show "${SHOW:-20}"
