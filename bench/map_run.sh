#!/usr/bin/env bash
# Whole-process `map` benchmarks (docs/benchmarks.md "Map"): cold (the
# persistent AST cache cleared before each run: every skeleton and tag is
# parsed) and warm (the cache primed: skeletons and tags are lookups), on
# copies of the corpora, then the quality measure (bench/map_quality.ts).
#
#   bash bench/map_run.sh [CORPUS=/work/bench-corpus] [WORK=/tmp/trifecta-map-bench]
# Env: RUNS (default 5), CORPORA (default "django large"). The focus is
# django/apps/config.py in both (the large corpus holds django too).
# Needs: deno (or DENO="npx --yes deno@2.9.6"), hyperfine.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${1:-/work/bench-corpus}
WORK=${2:-/tmp/trifecta-map-bench}
RUNS=${RUNS:-5}
CORPORA=${CORPORA:-django large}
DENO=${DENO:-deno}
FLAGS="--unstable-raw-imports --allow-read --allow-write --allow-env --allow-run --allow-sys"
TRI="$DENO run $FLAGS $REPO/main.ts"
echo "machine: $(nproc) cores, $(uname -srm), load: $(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p "$WORK"
for name in $CORPORA; do
  dir="$WORK/$name"
  rm -rf "$dir"
  cp -r "$CORPUS/$name" "$dir"
  rm -rf "$dir/.trifecta" "$dir/_ctx"
  focus="django/apps/config.py"
  echo "== $name"
  hyperfine --runs "$RUNS" --export-json "$WORK/cold_$name.json" \
    --prepare "$TRI cache clear -s $dir --persist-cache --telemetry off" \
    -n "map cold $name" "$TRI map -s $dir --focus $focus --persist-cache --telemetry off"
  $TRI map -s "$dir" --focus "$focus" --persist-cache --telemetry off > /dev/null
  hyperfine --runs "$RUNS" --warmup 1 --export-json "$WORK/warm_$name.json" \
    -n "map warm $name" "$TRI map -s $dir --focus $focus --persist-cache --telemetry off" \
    -n "map warm $name, no focus" "$TRI map -s $dir --persist-cache --telemetry off"
done
# Medians (hyperfine prints means; the machine is shared and noisy).
for f in "$WORK"/cold_*.json "$WORK"/warm_*.json; do
  python3 - "$f" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f'{r["command"]}: median {r["median"]:.2f} s, user {r["user"]:.2f} s, '
          f'min {r["min"]:.2f} s, max {r["max"]:.2f} s')
PY
done
$DENO run -A "$REPO/bench/map_quality.ts" "$WORK/django" 50 1024
