#!/usr/bin/env bash
# How close to the parse floor a tree-sitter skeleton can get: the floor
# (bench/parse_floor.ts) alone, the floor plus one extraction step whose
# result is dropped (FLOOR_EXTRA: minquery, query, pruned, walk; see
# parse_floor.ts), and trifecta's cold `ast skeleton`, all run in
# interleaved rounds over one directory. Prints, per row, the median wall
# and CPU (user + system) time and their ratios to the floor's, and peak RSS.
#
#   RUNS=5 bash bench/floor_bounds.sh DIR
#
# A step's ratio is a lower bound for any extractor that does that step:
# the floor's workers, start-up and reads are shared, nothing is assembled,
# masked, sent to the main thread or written.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:?usage: bash bench/floor_bounds.sh DIR}
RUNS=${RUNS:-5}
DENO=${DENO:-deno}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
FLOOR="$DENO run --unstable-raw-imports --allow-read --allow-env $REPO/bench/parse_floor.ts $DIR"
TRI="$DENO run --unstable-raw-imports --allow-read --allow-write --allow-env --allow-run --allow-sys"
TRI="$TRI $REPO/main.ts ast skeleton --telemetry off --no-persist-cache -s $DIR ."
STEPS="floor minquery query pruned walk"

measure() { # LABEL CMD…: appends "wall_ms rss_kb cpu_ms" to $OUT/m_LABEL
  local label=$1 t0 t1
  shift
  t0=$(date +%s%N)
  if ! /usr/bin/time -f "%M %U %S" -o "$OUT/time" "$@" > /dev/null 2> "$OUT/err"; then
    echo "FAILED: $label: $(tail -3 "$OUT/err")" >&2
    exit 1
  fi
  t1=$(date +%s%N)
  echo "$(((t1 - t0) / 1000000)) $(awk '{printf "%d %d", $1, ($2 + $3) * 1000}' "$OUT/time")" \
    >> "$OUT/m_$label"
}
median() { # LABEL COLUMN (1 wall, 2 RSS kB, 3 CPU)
  cut -d' ' -f"$2" "$OUT/m_$1" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); runs: $RUNS; dir: $DIR"
for _ in $(seq "$RUNS"); do
  for step in $STEPS; do
    extra=${step#floor}
    measure "$step" env FLOOR_EXTRA="$extra" $FLOOR
  done
  measure cold $TRI
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
wall=$(median floor 1)
cpu=$(median floor 3)
for row in $STEPS cold; do
  awk -v r="$row" -v w="$(median "$row" 1)" -v c="$(median "$row" 3)" -v m="$(median "$row" 2)" \
    -v fw="$wall" -v fc="$cpu" 'BEGIN {
      printf "  %-9s wall %6d ms %5.2fx   CPU %6d ms %5.2fx   RSS %4d MB\n", r, w, w / fw, c, c / fc, m / 1024
    }'
done
