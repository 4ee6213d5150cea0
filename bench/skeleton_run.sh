#!/usr/bin/env bash
# Whole-process skeleton benchmarks, with the issue-17 ratios printed in one
# run: trifecta `ast skeleton` cold and warm, the bare web-tree-sitter parse
# floor (same files, same worker count), Universal Ctags and (when
# installed) repomix --compress, on django and the large corpus; and the
# `--version` start. Every command of a corpus runs once per round, rounds
# interleaved (A B C A B C …), so a load change hits all alike; wall time
# and peak RSS (/usr/bin/time) are medians over the rounds. Then output
# tokens (bytes/4) and the CPython `ast` comparison, one run each.
#
#   bash bench/skeleton_run.sh [CORPUS=/work/bench-corpus] [OUT=/tmp/trifecta-bench]
#
# Env: RUNS (rounds, default 5), CORPORA (default "django large"), PEERS (dir
# with node_modules/.bin/repomix, default /work/peers; skipped when absent),
# BASE (a second checkout, e.g. of the commit before a change: its cold, warm
# and --version run in the same rounds, as "base …"), DENO (default deno).
# Cold runs are really cold: no persistent cache (`--no-persist-cache` when
# the checkout has that flag, i.e. the persistent cache is its default), and
# a fresh .trifecta before each. Warm runs use `--persist-cache`, primed once
# (by a `--json` run, after the copy settled): `warm` is the issue's warm run,
# `--json`; `warm_text` the same cache with the text outline.
# Needs: deno, /usr/bin/time, ctags (universal-ctags), python3; node + repomix@1.14.0
# for the repomix figures (`npm install repomix@1.14.0` in $PEERS).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${1:-/work/bench-corpus}
OUT=${2:-/tmp/trifecta-bench}
RUNS=${RUNS:-5}
PEERS=${PEERS:-/work/peers}
CORPORA=${CORPORA:-django large}
BASE=${BASE:-}
DENO=${DENO:-deno}
W=$(nproc)
mkdir -p "$OUT"
FLAGS="--unstable-raw-imports --allow-read --allow-write --allow-env --allow-run --allow-sys"
FLOOR="$DENO run --unstable-raw-imports --allow-read $REPO/bench/parse_floor.ts"
REPOMIX_BIN="$PEERS/node_modules/.bin/repomix"
# ctags writes its JSON to stdout (-f -): it refuses to overwrite a JSON file it did not recognise as tags.
CTAGS="ctags -R --output-format=json --fields=+neKS --languages=Python,TypeScript,JavaScript -f -"

tri() { # checkout -> the skeleton command of that checkout
  echo "$DENO run $FLAGS $1/main.ts ast skeleton --telemetry off"
}
cold_flag() { # checkout -> the flag that keeps its run off the persistent cache
  if $DENO run $FLAGS "$1/main.ts" ast skeleton --help 2>/dev/null | grep -q -- "--no-persist-cache"; then
    echo "--no-persist-cache"
  fi
}

# measure LABEL CMD…: one run; appends "wall_ms peak_rss_kb cpu_ms" to $OUT/m_LABEL
# (cpu = user + system time of the process and its threads: less noisy than wall on a loaded machine).
measure() {
  local label=$1
  shift
  local t0 t1
  t0=$(date +%s%N)
  if ! /usr/bin/time -f "%M %U %S" -o "$OUT/rss.tmp" "$@" > /dev/null 2> "$OUT/err.tmp"; then
    echo "FAILED: $label: $(tail -3 "$OUT/err.tmp")" >&2
    return 1
  fi
  t1=$(date +%s%N)
  echo "$(((t1 - t0) / 1000000)) $(tail -1 "$OUT/rss.tmp" | awk '{printf "%d %d", $1, ($2 + $3) * 1000}')" \
    >> "$OUT/m_$label"
}
# median LABEL COLUMN (1 = wall ms, 2 = RSS kB, 3 = CPU ms)
median() {
  cut -d' ' -f"$2" "$OUT/m_$1" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
row() { # label: "label  wall ms  RSS MB  CPU ms"
  printf "  %-22s %7s ms %6s MB %7s ms CPU\n" "$1" "$(median "$1" 1)" "$(($(median "$1" 2) / 1024))" \
    "$(median "$1" 3)"
}

TRI=$(tri "$REPO")
COLD=$(cold_flag "$REPO")
if [ -n "$BASE" ]; then BTRI=$(tri "$BASE") && BCOLD=$(cold_flag "$BASE"); fi
HAVE_REPOMIX=0
[ -x "$REPOMIX_BIN" ] && HAVE_REPOMIX=1
rm -f "$OUT"/m_*
echo "machine: $(nproc) cores, $(uname -srm), deno $($DENO --version | head -1 | cut -d' ' -f2), rounds: $RUNS"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cold runs: ${COLD:-(memory cache is the default)}${BASE:+; base: ${BCOLD:-(memory cache is the default)}}"

# --version start, interleaved with the base's.
$DENO run $FLAGS "$REPO/main.ts" --version > /dev/null
for _ in $(seq "$RUNS"); do
  measure version $DENO run $FLAGS "$REPO/main.ts" --version
  [ -z "$BASE" ] || measure base_version $DENO run $FLAGS "$BASE/main.ts" --version
done

for name in $CORPORA; do
  dir="$CORPUS/$name"
  rm -rf "$dir/.trifecta" "$dir/_ctx"
  # Outputs for the token comparison (one run each).
  $TRI $COLD -s "$dir" . > "$OUT/ours_$name.txt"
  $TRI $COLD --json -s "$dir" . > "$OUT/ours_$name.json"
  $CTAGS "$dir" > "$OUT/ctags_$name.json"
  [ $HAVE_REPOMIX = 0 ] || "$REPOMIX_BIN" --compress --quiet -o "$OUT/repomix_$name.xml" "$dir" > /dev/null
  # Warm runs use their own copies (primed once), so the cold runs on $dir never
  # see a cache, and two checkouts never share one cache file.
  wdir="$OUT/warm_corpus/$name"
  bdir="$OUT/base_warm_corpus/$name"
  rm -rf "$wdir" "$bdir" && mkdir -p "$(dirname "$wdir")" && cp -r "$dir" "$wdir"
  [ -z "$BASE" ] || { mkdir -p "$(dirname "$bdir")" && cp -r "$dir" "$bdir"; }
  # The manifest trusts a row only once the file's ctime is 2 s (+1 s grain)
  # older than the read that verified it: let the copies settle, then prime.
  sleep 3.2
  $TRI --json --persist-cache -s "$wdir" . > /dev/null
  [ -z "$BASE" ] || $BTRI --json --persist-cache -s "$bdir" . > /dev/null
  fresh() { rm -rf "$dir/.trifecta" "$dir/_ctx"; }
  for _ in $(seq "$RUNS"); do
    measure "${name}_floor" $FLOOR "$dir" "$W"
    fresh && measure "${name}_cold" $TRI $COLD -s "$dir" .
    measure "${name}_warm" $TRI --json --persist-cache -s "$wdir" .
    measure "${name}_warm_text" $TRI --persist-cache -s "$wdir" .
    measure "${name}_ctags" $CTAGS "$dir"
    if [ -n "$BASE" ]; then
      fresh && measure "${name}_base_cold" $BTRI $BCOLD -s "$dir" .
      measure "${name}_base_warm" $BTRI --json --persist-cache -s "$bdir" .
      measure "${name}_base_warm_text" $BTRI --persist-cache -s "$bdir" .
    fi
    [ $HAVE_REPOMIX = 0 ] ||
      measure "${name}_repomix" "$REPOMIX_BIN" --compress --quiet -o "$OUT/repomix_$name.xml" "$dir"
  done
  echo "-- tokens ($name, bytes/4)"
  tok=("$OUT/ours_$name.json" "trifecta text=$OUT/ours_$name.txt" "trifecta json=$OUT/ours_$name.json")
  [ $HAVE_REPOMIX = 0 ] || tok+=("repomix (--compress)=$OUT/repomix_$name.xml")
  python3 "$REPO/bench/skeleton_tokens.py" "${tok[@]}" "ctags json=$OUT/ctags_$name.json"
  echo "-- CPython ast comparison ($name)"
  python3 "$REPO/bench/compare_cpython_ast.py" "$dir" "$OUT/ours_$name.json" --show 10 || true
  rm -rf "$dir/.trifecta" "$dir/_ctx" "$wdir" "$bdir"
done

echo "== medians over $RUNS interleaved rounds (wall, peak RSS, user+system CPU)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
row version
[ -z "$BASE" ] || row base_version
for name in $CORPORA; do
  echo " $name:"
  for l in floor cold warm warm_text ctags base_cold base_warm base_warm_text repomix; do
    [ -f "$OUT/m_${name}_$l" ] && row "${name}_$l"
  done
done
echo "== ratios (targets: cold/floor <= 1.2, RSS cold/floor <= 1.2 on large, warm (--json)/ctags <= 1.0)"
for name in $CORPORA; do
  for who in "" base_; do
    [ -f "$OUT/m_${name}_${who}cold" ] || continue
    floor=$(median "${name}_floor" 1)
    frss=$(median "${name}_floor" 2)
    ctags=$(median "${name}_ctags" 1)
    printf "  %-7s %-5s cold/floor %s (CPU %s)   RSS cold/floor %s   warm/ctags %s (text %s)\n" \
      "$name" "$(echo "${who:-now_}" | tr -d _)" \
      "$(ratio "$(median "${name}_${who}cold" 1)" "$floor")" \
      "$(ratio "$(median "${name}_${who}cold" 3)" "$(median "${name}_floor" 3)")" \
      "$(ratio "$(median "${name}_${who}cold" 2)" "$frss")" \
      "$(ratio "$(median "${name}_${who}warm" 1)" "$ctags")" \
      "$(ratio "$(median "${name}_${who}warm_text" 1)" "$ctags")"
  done
  if [ $HAVE_REPOMIX = 1 ]; then
    echo "  $name cold/repomix $(ratio "$(median "${name}_cold" 1)" "$(median "${name}_repomix" 1)")"
  fi
done
[ -z "$BASE" ] || echo "  --version now/base $(ratio "$(median version 1)" "$(median base_version 1)")"
