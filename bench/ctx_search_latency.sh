#!/usr/bin/env bash
# `ctx search` and one-file `ctx sync` as CLI calls on a segment that has a
# pack, before/after: each step runs the BEFORE checkout and this one in turn
# (order alternating), so both see the same load. Prints p50/p95/max (search,
# 30 distinct queries: every Nth def/class name of the corpus) and the median
# of 5 one-file syncs (a line appended to one .py file before each), with
# `--version` timed in the same loops and /proc/loadavg before and after.
#   usage: BEFORE=/path/to/other/checkout bash bench/ctx_search_latency.sh SEGMENT
#   (SEGMENT: a copy of a corpus with a pack: `ctx build -s SEGMENT` first; it is written to)
set -euo pipefail
AFTER="$(cd "$(dirname "$0")/.." && pwd)"
BEFORE="${BEFORE:?set BEFORE to the checkout to compare with}"
SEG="${1:?usage: BEFORE=<checkout> bash bench/ctx_search_latency.sh SEGMENT}"
F=(--allow-read --allow-write --allow-env --allow-run --allow-sys --unstable-raw-imports)
export TRIFECTA_NO_TELEMETRY=1 TRIFECTA_PROGRESS=0
WORK="$(mktemp -d /tmp/trifecta-ctx-search.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(((e - s) / 1000)); }
stats() { python3 -c '
import sys
t=sorted(int(x)/1000 for x in open(sys.argv[1])); n=len(t)
print("n %d p50 %.1f ms p95 %.1f ms max %.1f ms" % (n, t[n//2], t[min(n-1, int(n*0.95))], t[-1]))' "$1"; }
grep -rhoE "^(class|def) [A-Za-z_]+" "$SEG" --include=*.py | awk 'length($2) >= 4 {print $2}' |
  sort -u > "$WORK/names.txt"
awk -v n="$(wc -l < "$WORK/names.txt")" 'BEGIN { s = int(n / 30); if (s < 1) s = 1 }
  NR % s == 0 && ++k <= 30' "$WORK/names.txt" > "$WORK/queries.txt"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); queries: $(wc -l < "$WORK/queries.txt")"
for c in "$BEFORE" "$AFTER"; do deno run "${F[@]}" "$c/main.ts" ctx search -s "$SEG" -q warmup >/dev/null; done
: > "$WORK/s_before" && : > "$WORK/s_after" && : > "$WORK/version"
i=0
while read -r q; do
  if ((i++ % 2 == 0)); then order=(before after); else order=(after before); fi
  for o in "${order[@]}"; do
    c="$BEFORE"; [ "$o" = after ] && c="$AFTER"
    ms deno run "${F[@]}" "$c/main.ts" ctx search -s "$SEG" -q "$q" >> "$WORK/s_$o"
  done
  ms deno run "$AFTER/main.ts" --version >> "$WORK/version"
done < "$WORK/queries.txt"
echo -n "ctx search before: "; stats "$WORK/s_before"
echo -n "ctx search after:  "; stats "$WORK/s_after"
# One changed file per sync: the same file, a line appended before each run.
PY="$(find "$SEG" -name '*.py' -size +2k -not -path '*/_ctx/*' | sort | awk 'NR == 1')"
: > "$WORK/y_before" && : > "$WORK/y_after"
for i in 1 2 3 4 5; do
  if ((i % 2 == 1)); then order=(before after); else order=(after before); fi
  for o in "${order[@]}"; do
    c="$BEFORE"; [ "$o" = after ] && c="$AFTER"
    echo "# bench edit $i $o" >> "$PY"
    ms deno run "${F[@]}" "$c/main.ts" ctx sync -s "$SEG" >> "$WORK/y_$o"
  done
  ms deno run "$AFTER/main.ts" --version >> "$WORK/version"
done
echo -n "ctx sync, one file, before: "; stats "$WORK/y_before"
echo -n "ctx sync, one file, after:  "; stats "$WORK/y_after"
echo -n "--version (same loops): "; stats "$WORK/version"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); edited: ${PY#"$SEG"/}"
