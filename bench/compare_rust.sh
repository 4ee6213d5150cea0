#!/usr/bin/env bash
# Parity of trifecta's Rust skeleton with the `syn` crate: skeleton of a
# corpus with trifecta (--json), the oracle built offline by cargo against
# Debian's crate sources (bench/oracles/rust), then bench/compare_rust.py.
#   bash bench/compare_rust.sh [CORPUS_DIR=/tmp/trifecta-rust-corpus] [OUT_JSON]
# The default corpus is made of five crates of /usr/share/cargo/registry
# (regex, serde, syn, clap, rand), copied so that their `tests/` and
# `benches/` come along and nothing is written under /usr/share.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-/tmp/trifecta-rust-corpus}
OUT=${2:-/tmp/trifecta-skeleton-rust-$(basename "$DIR").json}
DENO=${DENO:-deno}
if [ "$DIR" = /tmp/trifecta-rust-corpus ] && [ ! -d "$DIR" ]; then
  mkdir -p "$DIR"
  for c in regex serde syn clap rand; do
    src=$(ls -d /usr/share/cargo/registry/"$c"-[0-9]* | sort -V | tail -1)
    cp -r "$src" "$DIR/"
  done
fi
TARGET=${CARGO_TARGET_DIR:-/tmp/trifecta-rust-oracle-target}
(cd "$REPO/bench/oracles/rust" && CARGO_TARGET_DIR=$TARGET cargo build --release --quiet)
start=$(date +%s.%N)
$DENO run --unstable-raw-imports --allow-read --allow-write --allow-env --allow-run --allow-sys \
  "$REPO/main.ts" ast skeleton --json --telemetry off -s "$DIR" . > "$OUT"
end=$(date +%s.%N)
echo "trifecta skeleton time: $(echo "$end - $start" | bc)s (load $(uptime | sed 's/.*load average: //'))"
python3 "$REPO/bench/compare_rust.py" "$DIR" "$OUT" "$TARGET/release/rust-oracle" --show "${SHOW:-20}"
