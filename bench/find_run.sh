#!/usr/bin/env bash
# `ast find` warm latency on a corpus (a temp copy, so caches and telemetry
# land there): as a CLI call with --persist-cache after one filling call,
# against `--version` in the same run (hyperfine if installed, else a loop of
# whole-process runs with medians), then in process (deno bench,
# bench/find_bench.ts). Results: docs/benchmarks.md "ast find".
#   usage: bash bench/find_run.sh [CORPUS_DIR] [RUNS]   (default /work/bench-corpus/django; RUNS, or $RUNS, default 20)
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
CORPUS="${1:-/work/bench-corpus/django}"
RUNS="${2:-${RUNS:-20}}"
WORK="$(mktemp -d /tmp/trifecta-find-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$CORPUS" "$WORK/seg"
# Old mtimes, as a checkout's files have: the stat-keyed lookups trust them.
find "$WORK/seg" -type f -exec touch -d '1 hour ago' {} +
F=(--allow-read --allow-write --allow-env --allow-run --allow-sys --unstable-raw-imports)
export TRIFECTA_NO_TELEMETRY=1
FIND=(deno run "${F[@]}" "$HERE/main.ts" ast find AppConfig -s "$WORK/seg" --persist-cache)
"${FIND[@]}" | head -4  # fills the persistent cache
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 2 -r "$RUNS" --export-json "$WORK/h.json" \
    -n 'trifecta --version' "deno run --allow-read --allow-env $HERE/main.ts --version" \
    -n 'ast find AppConfig (warm, --persist-cache)' "${FIND[*]}"
  deno eval "const r = JSON.parse(Deno.readTextFileSync('$WORK/h.json')).results;
const m = r.map((x) => x.median * 1000);
for (const [i, x] of r.entries()) console.log('median ' + x.command + ': ' + m[i].toFixed(1) + ' ms');
console.log('ratio find / --version (medians): ' + (m[1] / m[0]).toFixed(2));"
else
  median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]/1000 " ms"}'; }
  for name in version find; do
    : > "$WORK/$name.txt"
    for _ in $(seq "$RUNS"); do
      s=$(date +%s%N)
      if [ "$name" = version ]; then deno run --allow-read --allow-env "$HERE/main.ts" --version
      else "${FIND[@]}"; fi >/dev/null
      e=$(date +%s%N); echo $(((e - s) / 1000)) >> "$WORK/$name.txt"
    done
    echo "$name median: $(median "$WORK/$name.txt")"
  done
fi
TRIFECTA_BENCH_SEGMENT="$WORK/seg" deno bench "${F[@]}" "$HERE/bench/find_bench.ts"
