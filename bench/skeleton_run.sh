#!/usr/bin/env bash
# Whole-process skeleton benchmarks: trifecta `ast skeleton` cold and warm,
# the bare web-tree-sitter parse floor (same files, same worker count),
# repomix --compress and Universal Ctags, on django and the large corpus;
# wall time (hyperfine), peak RSS (/usr/bin/time -v), output tokens (bytes/4),
# and the CPython `ast` comparison. Every peer runs in the same session so
# the ratios hold on a noisy machine.
#
#   bash bench/skeleton_run.sh [CORPUS=/work/bench-corpus] [OUT=/tmp/trifecta-bench]
# Env: RUNS (default 5), PEERS (dir with node_modules/.bin/repomix, default
# /work/peers), CORPORA (default "django large").
# Needs: deno, hyperfine, /usr/bin/time, ctags (universal-ctags), node + repomix@1.14.0
# (`npm install repomix@1.14.0` in $PEERS; 1.14.0 is the last release for Node 20).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${1:-/work/bench-corpus}
OUT=${2:-/tmp/trifecta-bench}
RUNS=${RUNS:-5}
PEERS=${PEERS:-/work/peers}
CORPORA=${CORPORA:-django large}
W=$(nproc)
mkdir -p "$OUT"
FLAGS="--unstable-raw-imports --allow-read --allow-write --allow-env --allow-run --allow-sys"
TRI="deno run $FLAGS $REPO/main.ts ast skeleton --telemetry off"
FLOOR="deno run --unstable-raw-imports --allow-read $REPO/bench/parse_floor.ts"
REPOMIX="$PEERS/node_modules/.bin/repomix"
# ctags writes its JSON to stdout (-f -): it refuses to overwrite a JSON file it did not recognise as tags.
CTAGS="ctags -R --output-format=json --fields=+neKS --languages=Python,TypeScript,JavaScript -f -"

echo "machine: $(nproc) cores, $(uname -srm), deno $(deno --version | head -1 | cut -d' ' -f2), load: $(cut -d' ' -f1-3 /proc/loadavg)"
for name in $CORPORA; do
  dir="$CORPUS/$name"
  rm -rf "$dir/.trifecta" "$dir/_ctx"
  echo "== $name: $dir"
  # Outputs for the token comparison (one run each).
  $TRI -s "$dir" . > "$OUT/ours_$name.txt"
  $TRI --json -s "$dir" . > "$OUT/ours_$name.json"
  "$REPOMIX" --compress --quiet -o "$OUT/repomix_$name.xml" "$dir" > /dev/null
  $CTAGS "$dir" > "$OUT/ctags_$name.json"
  # Prime the persistent cache for the warm runs.
  $TRI --persist-cache -s "$dir" . > /dev/null
  hyperfine --warmup 1 --runs "$RUNS" --export-json "$OUT/hyperfine_$name.json" \
    --export-markdown "$OUT/hyperfine_$name.md" \
    -n "floor (parse only, $W workers)" "$FLOOR $dir $W" \
    -n "trifecta cold" "$TRI -s $dir ." \
    -n "trifecta warm (--persist-cache)" "$TRI --persist-cache -s $dir ." \
    -n "repomix 1.14.0 --compress" "$REPOMIX --compress --quiet -o $OUT/repomix_$name.xml $dir" \
    -n "ctags (json, signatures)" "$CTAGS $dir > /dev/null"
  echo "-- peak RSS ($name)"
  for cmd in "$FLOOR $dir $W" "$TRI -s $dir ." "$TRI --persist-cache -s $dir ." \
    "$REPOMIX --compress --quiet -o $OUT/repomix_$name.xml $dir" "$CTAGS $dir"; do
    rss=$( { /usr/bin/time -v $cmd > /dev/null; } 2>&1 | awk '/Maximum resident set size/ {print $6}')
    echo "  $((rss / 1024)) MB  $cmd"
  done
  echo "-- tokens ($name, bytes/4)"
  python3 "$REPO/bench/skeleton_tokens.py" "$OUT/ours_$name.json" \
    "trifecta text=$OUT/ours_$name.txt" "trifecta json=$OUT/ours_$name.json" \
    "repomix --compress=$OUT/repomix_$name.xml" "ctags json=$OUT/ctags_$name.json"
  echo "-- CPython ast comparison ($name)"
  python3 "$REPO/bench/compare_cpython_ast.py" "$dir" "$OUT/ours_$name.json" --show 10 || true
  rm -rf "$dir/.trifecta" "$dir/_ctx"
done
