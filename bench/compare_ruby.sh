#!/usr/bin/env bash
# Parity of trifecta's Ruby skeleton with Ruby's own parser (Ripper):
# skeleton of a corpus with trifecta (--json, timed), then the comparison
# (bench/oracles/ruby/compare.rb).
#   bash bench/compare_ruby.sh [CORPUS_DIR=/usr/lib/ruby/3.1.0] [OUT_JSON]
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-/usr/lib/ruby/3.1.0}
OUT=${2:-/tmp/trifecta-skeleton-ruby-$(basename "$DIR").json}
DENO=${DENO:-deno}
start=$(date +%s%N)
$DENO run --unstable-raw-imports --allow-read --allow-write --allow-env --allow-run --allow-sys \
  "$REPO/main.ts" ast skeleton --json --telemetry off -s "$DIR" . > "$OUT"
echo "trifecta skeleton time: $(( ($(date +%s%N) - start) / 1000000 )) ms"
ruby "$REPO/bench/oracles/ruby/compare.rb" "$DIR" "$OUT" --show "${SHOW:-20}"
