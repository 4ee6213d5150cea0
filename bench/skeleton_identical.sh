#!/usr/bin/env bash
# Byte-identical outputs check of `ast skeleton`: runs this checkout over
# each corpus cold (fresh .trifecta, no persistent cache) and warm
# (persistent cache primed by one run), as JSON and as text, and `cmp`s each
# output with the reference file of the same name in REF. Prints IDENTICAL,
# or the first difference of every file that differs (exit 1).
#
#   bash bench/skeleton_identical.sh REF [CORPUS=/tmp/c17]
#
# Files: REF/<name>_{cold,warm}.{json,txt} for each corpus <name>.
# SAVE=1 writes the references instead of comparing; CHECKOUT=<dir> runs
# that checkout instead of this one (e.g. SAVE=1 CHECKOUT=<the commit before>).
# The corpus must be at the same absolute path for both runs: cache keys
# name the segment. Env: CORPORA (default "django large"), DENO (default deno),
# KEYS=strict (compare cache keys with their extraction fingerprint even
# against references that have none).
set -euo pipefail
REPO=${CHECKOUT:-$(cd "$(dirname "$0")/.." && pwd)}
REF=${1:?usage: skeleton_identical.sh REF [CORPUS]}
CORPUS=${2:-/tmp/c17}
CORPORA=${CORPORA:-django large}
DENO=${DENO:-deno}
FLAGS="--unstable-raw-imports --allow-read --allow-write --allow-env --allow-run --allow-sys"
TRI="$DENO run $FLAGS $REPO/main.ts ast skeleton --telemetry off"
# The parse time budget would make a big file's outcome depend on the load
# (PARSE_TOO_COMPLEX on a busy machine): lift it, the references have no such skip.
export TRIFECTA_PARSE_BUDGET_MS=${TRIFECTA_PARSE_BUDGET_MS:-600000}
# Once the persistent cache is the default (issue 16), a cold run says so.
COLD=""
if $TRI --help 2>/dev/null | grep -q -- "--no-persist-cache"; then COLD="--no-persist-cache"; fi
mkdir -p "$REF"
# Two runs on one corpus would share (and wipe) its .trifecta: one at a time.
exec 9> "$CORPUS/.skeleton_identical.lock"
flock -n 9 || { echo "waiting for another skeleton_identical.sh run on $CORPUS" >&2; flock 9; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
status=0

check() { # name: compare $OUT/name with $REF/name (or save it)
  # Cache keys end in the extraction fingerprint since issue 17's third
  # round (`…:4.<8 hex>`, docs/cache.md): the one intended difference from
  # references made before it. KEYS=strict compares them as they are.
  if [ "${KEYS:-}" != strict ] && [ "${SAVE:-}" != 1 ] && ! grep -q '"cache_key":"[^"]*:[0-9]*\.[0-9a-f]\{8\}"' "$REF/$1" 2>/dev/null; then
    sed -E -i 's/("cache_key":"[^"]*:[0-9]+)\.[0-9a-f]{8}"/\1"/g' "$OUT/$1"
  fi
  if [ "${SAVE:-}" = 1 ]; then
    cp "$OUT/$1" "$REF/$1"
    echo "saved $REF/$1"
  elif ! cmp "$REF/$1" "$OUT/$1"; then
    status=1
    # The first differing line of each, cut short (outputs are long lines).
    diff <(tr ',' '\n' < "$REF/$1") <(tr ',' '\n' < "$OUT/$1") | head -6 | cut -c1-200 || true
  fi
}

for name in $CORPORA; do
  dir="$CORPUS/$name"
  [ -d "$dir" ] || { echo "no corpus $dir" >&2; exit 2; }
  rm -rf "$dir/.trifecta" "$dir/_ctx"
  $TRI $COLD --json -s "$dir" . > "$OUT/${name}_cold.json"
  check "${name}_cold.json"
  $TRI $COLD -s "$dir" . > "$OUT/${name}_cold.txt"
  check "${name}_cold.txt"
  $TRI --persist-cache --json -s "$dir" . > /dev/null
  $TRI --persist-cache --json -s "$dir" . > "$OUT/${name}_warm.json"
  check "${name}_warm.json"
  $TRI --persist-cache -s "$dir" . > "$OUT/${name}_warm.txt"
  check "${name}_warm.txt"
  rm -rf "$dir/.trifecta" "$dir/_ctx"
done
if [ "${SAVE:-}" != 1 ]; then
  if [ $status = 0 ]; then echo IDENTICAL; else echo DIFFERENT; fi
fi
exit $status
