#!/usr/bin/env bash
# Context-pack benchmark on the django corpus (see docs/benchmarks.md); for issue 16 run it on
# a copy of /work/corpus/large too: bash bench/ctx_run.sh /work/corpus/large
#   bash bench/ctx_run.sh [CORPUS_DIR]   (default /work/bench-corpus/django)
# The corpus is copied to a temp dir first: a build writes _ctx/ into it.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
CORPUS="${1:-/work/bench-corpus/django}"
DENO="${DENO:-deno}"
WORK="$(mktemp -d /tmp/trifecta-ctx-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$CORPUS" "$WORK/seg"
SEG="$WORK/seg"
FLAGS=(--allow-read --allow-write --allow-env --allow-run --allow-sys --unstable-raw-imports)
CLI=("$DENO" run "${FLAGS[@]}" "$HERE/main.ts")
export TRIFECTA_NO_TELEMETRY=1

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(deno --version | head -1)"
echo "== corpus: $(find "$SEG" -type f -name '*.py' | wc -l) .py files, $(du -sh "$SEG" | cut -f1)"

echo "== ctx build, cold (memory AST cache; no persistent cache)"
hyperfine --warmup 1 --runs 5 --export-json "$WORK/build_cold.json" \
  "${CLI[*]} ctx build -s $SEG"

echo "== ctx build, warm persistent AST cache (--persist-cache, cache filled by the warm-up)"
rm -rf "$SEG/.trifecta"
hyperfine --warmup 1 --runs 5 --export-json "$WORK/build_warm.json" \
  "${CLI[*]} ctx build -s $SEG --persist-cache"

echo "== peak RSS of one cold build"
/usr/bin/time -v "${CLI[@]}" ctx build -s "$SEG" 2>&1 >/dev/null | grep -E "Maximum resident|Elapsed" || true

echo "== in-process search p50/p95 over 100 queries, skeleton vs raw tokens"
"$DENO" run "${FLAGS[@]}" "$HERE/bench/ctx_bench.ts" "$SEG" | tee "$WORK/inproc.json"

echo "== ctx search as a CLI call (hyperfine, 3 queries x 20 runs)"
hyperfine --warmup 2 --runs 20 \
  "${CLI[*]} ctx search -s $SEG -q queryset" \
  "${CLI[*]} ctx search -s $SEG -q 'csrf token'" \
  "${CLI[*]} ctx search -s $SEG -q get_object_or_404"

echo "== the pack in SQLite (issue 16): pack bytes / source bytes, get of one chunk, sync after one changed file (in process)"
"$DENO" run "${FLAGS[@]}" "$HERE/bench/ctx_bench.ts" --store "$SEG" | tee "$WORK/store.json"

echo "== ctx build cold vs ast skeleton cold, same tree, interleaved (--no-persist-cache: no AST cache kept)"
for i in 1 2; do
  s0=$(date +%s%N); "${CLI[@]}" ast skeleton "$SEG" -s "$SEG" --no-persist-cache >/dev/null; s1=$(date +%s%N)
  rm -rf "$SEG/_ctx"
  b0=$(date +%s%N); "${CLI[@]}" ctx build --no-persist-cache -s "$SEG" >/dev/null; b1=$(date +%s%N)
  echo "load $(cut -d' ' -f1-3 /proc/loadavg): skeleton $(((s1 - s0) / 1000000)) ms, ctx build $(((b1 - b0) / 1000000)) ms"
done
