#!/usr/bin/env bash
# Warm `ast skeleton --json --persist-cache` of this checkout (NEW) against
# another checkout (BASE, e.g. the commit before) and a cold Universal Ctags
# JSON run, as a paired loop: each round runs the three in turn (order
# rotated), so load from other processes hits all of them alike. Prints per
# corpus the median wall time, user+sys CPU and peak RSS of each, and the
# ratios NEW/ctags and NEW/BASE.
#
#   bash bench/skeleton_warm_ab.sh BASE CORPUS_DIR... [ROUNDS=9]
#
# Each corpus is copied twice with its timestamps (cp -a: files older than the
# cache's 2 s trust window, as in a real checkout), once per checkout, and each
# copy is primed by a cold run and one warm run. Env: ROUNDS (default 9), DENO (default deno).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
BASE=${1:?usage: skeleton_warm_ab.sh BASE CORPUS_DIR...}
shift
ROUNDS=${ROUNDS:-9}
DENO=${DENO:-deno}
FLAGS="--unstable-raw-imports --allow-read --allow-write --allow-env --allow-run --allow-sys"
CTAGS="ctags -R --output-format=json --fields=+neKS --languages=Python,TypeScript,JavaScript -f -"
# Under load a large file can pass the parse time budget and be skipped, and
# so never cached: a warm run would then parse it every time.
export TRIFECTA_PARSE_BUDGET_MS=${TRIFECTA_PARSE_BUDGET_MS:-600000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

measure() { # label cmd...: one run, appends "label wall_s cpu_s rss_kb" to $WORK/runs
  local label=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/t" "$@" > /dev/null 2>&1
  awk -v l="$label" '{printf "%s %s %.3f %s\n", l, $1, $2 + $3, $4}' "$WORK/t" >> "$WORK/runs"
}

echo "machine: $(nproc) cores, load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for src in "$@"; do
  name=$(basename "$src")
  cp -a "$src" "$WORK/new_$name"
  cp -a "$src" "$WORK/base_$name"
  NEW_CMD=("$DENO" run $FLAGS "$REPO/main.ts" ast skeleton --telemetry off --json --persist-cache -s "$WORK/new_$name" .)
  BASE_CMD=("$DENO" run $FLAGS "$BASE/main.ts" ast skeleton --telemetry off --json --persist-cache -s "$WORK/base_$name" .)
  # Prime, then one run more: a file copied in the last 2 s is re-verified once.
  for _ in 1 2; do
    "${NEW_CMD[@]}" > /dev/null 2>&1
    "${BASE_CMD[@]}" > /dev/null 2>&1
  done
  : > "$WORK/runs"
  for ((i = 0; i < ROUNDS; i++)); do
    case $((i % 3)) in
      0) order="new base ctags" ;;
      1) order="base ctags new" ;;
      *) order="ctags new base" ;;
    esac
    for who in $order; do
      case $who in
        new) measure new "${NEW_CMD[@]}" ;;
        base) measure base "${BASE_CMD[@]}" ;;
        ctags) measure ctags $CTAGS "$src" ;;
      esac
    done
  done
  echo "== $name ($ROUNDS rounds; load now: $(cut -d' ' -f1-3 /proc/loadavg))"
  python3 - "$WORK/runs" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
med = {}
for who in ("new", "base", "ctags"):
    r = [x for x in rows if x[0] == who]
    med[who] = [statistics.median(float(x[i]) for x in r) for i in (1, 2, 3)]
    w, c, m = med[who]
    print(f"  {who:5s}  wall {w:.3f} s  cpu {c:.3f} s  rss {m / 1024:.0f} MB")
n, b, k = med["new"], med["base"], med["ctags"]
print(f"  new/ctags: wall {n[0] / k[0]:.2f}x  cpu {n[1] / k[1]:.2f}x")
print(f"  new/base:  wall {n[0] / b[0]:.2f}x  cpu {n[1] / b[1]:.2f}x  rss {n[2] / b[2]:.2f}x")
EOF
  rm -rf "$WORK/new_$name" "$WORK/base_$name"
done
