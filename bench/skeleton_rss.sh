#!/usr/bin/env bash
# Peak memory (RSS) of a cold `ast skeleton` against the parse floor
# (bench/parse_floor.ts: bare web-tree-sitter parsing of the same files,
# same worker count), issue 17's memory target. Runs interleaved (floor,
# ours[, base] per round) so a load change hits all alike; prints each run
# and the medians, the ratio ours/floor, and the load before and after.
#
#   bash bench/skeleton_rss.sh DIR [RUNS=3]
#
# Env: BASE (a second checkout, e.g. /work/main: its cold run joins each
# round as "base"), DENO (default deno). Output goes to a pipe (`cat >
# /dev/null`), as when an agent reads it; a fresh DIR/.trifecta before each
# run of ours (no persistent cache is used: `--no-persist-cache`).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:?usage: skeleton_rss.sh DIR [RUNS]}
RUNS=${2:-3}
BASE=${BASE:-}
DENO=${DENO:-deno}
W=$(nproc)
FLAGS="--unstable-raw-imports --allow-read --allow-write --allow-env --allow-run --allow-sys"

TIMES=$(mktemp)
peak() { # label command... -> "label KB seconds", the command's stdout piped away
  local label=$1
  shift
  /usr/bin/time -o "$TIMES" -f "%M %e" "$@" 2>/dev/null | cat >/dev/null
  echo "$label $(tail -1 "$TIMES")"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "load before: $(cat /proc/loadavg)"
results=$(mktemp)
for ((i = 1; i <= RUNS; i++)); do
  peak floor "$DENO" run --unstable-raw-imports --allow-read "$REPO/bench/parse_floor.ts" "$DIR" "$W" | tee -a "$results"
  rm -rf "$DIR/.trifecta"
  peak ours "$DENO" run $FLAGS "$REPO/main.ts" ast skeleton --telemetry off --no-persist-cache -s "$DIR" . |
    tee -a "$results"
  if [[ -n $BASE ]]; then
    rm -rf "$DIR/.trifecta"
    peak base "$DENO" run $FLAGS "$BASE/main.ts" ast skeleton --telemetry off --no-persist-cache -s "$DIR" . |
      tee -a "$results"
  fi
done
rm -rf "$DIR/.trifecta"
echo "load after: $(cat /proc/loadavg)"
for label in floor ours ${BASE:+base}; do
  kb=$(awk -v l="$label" '$1 == l { print $2 }' "$results" | median)
  s=$(awk -v l="$label" '$1 == l { print $3 }' "$results" | median)
  echo "median $label: $((kb / 1024)) MB, ${s} s"
done
floor=$(awk '$1 == "floor" { print $2 }' "$results" | median)
ours=$(awk '$1 == "ours" { print $2 }' "$results" | median)
awk -v o="$ours" -v f="$floor" 'BEGIN { printf "ours/floor peak RSS: %.2fx\n", o / f }'
rm -f "$results" "$TIMES"
