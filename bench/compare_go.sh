#!/usr/bin/env bash
# Parity of trifecta's Go skeleton with Go's own go/parser + go/ast:
# skeleton of a corpus with trifecta (--json), then the comparison by
# bench/oracles/go/main.go (files under testdata/ skipped).
#   bash bench/compare_go.sh [CORPUS_DIR=/usr/lib/go-1.19/src] [OUT_JSON]
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-/usr/lib/go-1.19/src}
OUT=${2:-/tmp/trifecta-skeleton-go-$(basename "$DIR").json}
DENO=${DENO:-deno}
start=$(date +%s.%N)
$DENO run --unstable-raw-imports --allow-read --allow-write --allow-env --allow-run --allow-sys \
  "$REPO/main.ts" ast skeleton --json --telemetry off -s "$DIR" . > "$OUT"
end=$(date +%s.%N)
echo "trifecta skeleton time: $(echo "$end - $start" | bc)s (load $(uptime | sed "s/.*load average: //"))"
# The oracle runs with its own caches in /tmp, offline (it needs only the standard library).
cd "$REPO/bench/oracles/go"
GOCACHE=${GOCACHE:-/tmp/trifecta-go-oracle-cache} GOFLAGS=-mod=mod GOPROXY=off GO111MODULE=off \
  go run main.go -show "${SHOW:-20}" "$DIR" "$OUT"
