#!/usr/bin/env bash
# `ctx search` as a CLI call, one process per query, over distinct queries
# (every 60th def/class name of the corpus), with the `--version` start-up
# floor measured in the same run. Prints p50/p95/max in ms.
#   usage: bash bench/ctx_cli_latency.sh [CORPUS_DIR]   (default /work/bench-corpus/django)
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
CORPUS="${1:-/work/bench-corpus/django}"
WORK="$(mktemp -d /tmp/trifecta-ctx-cli.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$CORPUS" "$WORK/seg"
F=(--allow-read --allow-write --allow-env --allow-run --allow-sys --unstable-raw-imports)
export TRIFECTA_NO_TELEMETRY=1
deno run "${F[@]}" "$HERE/main.ts" ctx build -s "$WORK/seg" >/dev/null
grep -rhoE "^(class|def) [A-Za-z_]+" "$WORK/seg" --include=*.py | awk 'length($2) >= 2 {print $2}' | sort -u |
  awk 'NR%60==0 && ++n<=100' > "$WORK/queries.txt"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); queries: $(wc -l < "$WORK/queries.txt")"
for _ in 1 2 3; do deno run "${F[@]}" "$HERE/main.ts" ctx search -s "$WORK/seg" -q warmup >/dev/null; done
stats() { python3 -c '
import sys
t=sorted(int(x)/1000 for x in open(sys.argv[1])); n=len(t)
print("n %d p50 %.1f ms p95 %.1f ms max %.1f ms" % (n, t[n//2], t[int(n*0.95)], t[-1]))' "$1"; }
: > "$WORK/search.txt"
while read -r q; do
  s=$(date +%s%N); deno run "${F[@]}" "$HERE/main.ts" ctx search -s "$WORK/seg" -q "$q" >/dev/null
  e=$(date +%s%N); echo $(((e - s) / 1000)) >> "$WORK/search.txt"
done < "$WORK/queries.txt"
echo -n "ctx search (CLI): "; stats "$WORK/search.txt"
# ctx get of one chunk per call (issue 16: one row read from _ctx/context_pack.db), 30 distinct ids.
python3 -c '
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
rows = db.execute("SELECT id FROM chunks ORDER BY rowid").fetchall()
for r in rows[:: max(1, len(rows) // 30)][:30]: print(r[0])' "$WORK/seg/_ctx/context_pack.db" > "$WORK/ids.txt"
: > "$WORK/get.txt"
while read -r id; do
  s=$(date +%s%N); deno run "${F[@]}" "$HERE/main.ts" ctx get -s "$WORK/seg" -i "$id" >/dev/null
  e=$(date +%s%N); echo $(((e - s) / 1000)) >> "$WORK/get.txt"
done < "$WORK/ids.txt"
echo -n "ctx get, one chunk (CLI): "; stats "$WORK/get.txt"
: > "$WORK/version.txt"
for _ in $(seq 30); do
  s=$(date +%s%N); deno run "$HERE/main.ts" --version >/dev/null
  e=$(date +%s%N); echo $(((e - s) / 1000)) >> "$WORK/version.txt"
done
echo -n "--version (floor): "; stats "$WORK/version.txt"
