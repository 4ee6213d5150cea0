#!/usr/bin/env bash
# Parity of trifecta's PHP skeleton with PHP's own tokenizer (PhpToken in
# parser mode) read by a token-level walker of ours: skeleton of a corpus
# with trifecta (--json, timed), then the comparison
# (bench/oracles/php/compare.php).
#   bash bench/compare_php.sh [CORPUS_DIR=/usr/share/php] [OUT_JSON]
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-/usr/share/php}
OUT=${2:-/tmp/trifecta-skeleton-php-$(basename "$DIR").json}
DENO=${DENO:-deno}
start=$(date +%s%N)
$DENO run --unstable-raw-imports --allow-read --allow-write --allow-env --allow-run --allow-sys \
  "$REPO/main.ts" ast skeleton --json --telemetry off -s "$DIR" . > "$OUT"
echo "trifecta skeleton time: $(( ($(date +%s%N) - start) / 1000000 )) ms"
php "$REPO/bench/oracles/php/compare.php" "$DIR" "$OUT" --show "${SHOW:-20}"
