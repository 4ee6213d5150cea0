#!/usr/bin/env bash
# `ctx search` as a CLI call for the query shapes whose cost used to blow up
# (one-letter prefix tails, words in nearly every row, many terms, a very
# long term, stop words), and two normal queries, before/after: each run
# calls the BEFORE checkout and this one in turn (order alternating), so
# both see the same load. Prints the median of RUNS runs per shape and
# /proc/loadavg before and after.
#   usage: BEFORE=/path/to/other/checkout [RUNS=3] bash bench/ctx_search_worst.sh SEGMENT
#   (SEGMENT: a segment with a pack: `ctx build -s SEGMENT` first; only read)
set -euo pipefail
AFTER="$(cd "$(dirname "$0")/.." && pwd)"
BEFORE="${BEFORE:?set BEFORE to the checkout to compare with}"
SEG="${1:?usage: BEFORE=<checkout> bash bench/ctx_search_worst.sh SEGMENT}"
RUNS="${RUNS:-3}"
F=(--allow-read --allow-write --allow-env --allow-run --allow-sys --unstable-raw-imports)
export TRIFECTA_NO_TELEMETRY=1 TRIFECTA_PROGRESS=0
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
LONG="$(printf 'a_%.0s' $(seq 2000))b"
names=(normal words bench_S x_y_z_a def stop many16 pre2_16 long_term star_word)
queries=(
  "get_model"
  "cache backend timeout"
  "bench_S"
  "x_y z_a b_c"
  "def"
  "the of and to in is"
  "def self return import class from if else for in not none true false print with"
  "se re co de in ge pa ma pr ex fo te ca st to is"
  "$LONG"
  "se*"
)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); runs per shape: $RUNS"
for c in "$BEFORE" "$AFTER"; do deno run "${F[@]}" "$c/main.ts" ctx search -s "$SEG" -q warmup >/dev/null; done
printf '%-12s %10s %10s\n' shape "before ms" "after ms"
for i in "${!names[@]}"; do
  q="${queries[$i]}"
  b="" a=""
  for ((r = 0; r < RUNS; r++)); do
    if (((r + i) % 2 == 0)); then order=(before after); else order=(after before); fi
    for o in "${order[@]}"; do
      c="$BEFORE"; [ "$o" = after ] && c="$AFTER"
      t=$(ms deno run "${F[@]}" "$c/main.ts" ctx search -s "$SEG" -q "$q" --json)
      if [ "$o" = before ]; then b="$b $t"; else a="$a $t"; fi
    done
  done
  printf '%-12s %10s %10s\n' "${names[$i]}" "$(echo "$b" | median)" "$(echo "$a" | median)"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
