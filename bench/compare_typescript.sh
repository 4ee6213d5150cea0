#!/usr/bin/env bash
# Parity of trifecta's TypeScript/JavaScript skeleton with the TypeScript
# compiler's own parser (npm:typescript@5.8.3, bench/oracles/typescript):
# skeleton of a corpus with trifecta (--json, timed), then the comparison
# (bench/oracles/typescript/compare.ts), TypeScript and JavaScript apart.
#   bash bench/compare_typescript.sh [CORPUS_DIR=/tmp/trifecta-ts-corpus] [OUT_JSON]
# The default corpus is built on first use from packages already on this
# machine, copied (never written in place): from Deno's npm cache zod 3.25.76
# (whole package), hono 4.13.19 and @modelcontextprotocol/sdk 1.32.2 (dist),
# ajv 8.20.0 (lib, TS sources, and dist), jose 6.2.18, protobufjs 8.8.1,
# express 5.3.0, commander 14.0.3, fast-check 4.10.2, TypeScript 5.8.3's
# lib/*.d.ts; and npm (/usr/lib/node_modules/npm: bin, lib, index.js, and
# its bundled packages node_modules/* as npm-deps/). Directories named
# `dist` are renamed `dist_` (trifecta's walker skips `dist/`) and files over
# 2 MiB (trifecta's read limit) are left out.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-/tmp/trifecta-ts-corpus}
OUT=${2:-/tmp/trifecta-skeleton-ts-$(basename "$DIR").json}
DENO=${DENO:-deno}
if [ "$DIR" = /tmp/trifecta-ts-corpus ] && [ ! -d "$DIR" ]; then
  NPM_CACHE=$($DENO info --json | sed -n 's/.*"npmCache": *"\([^"]*\)".*/\1/p')
  R=$NPM_CACHE/registry.npmjs.org
  mkdir -p "$DIR"
  cp -r "$R/zod/3.25.76" "$DIR/zod-3.25.76"
  cp -r "$R/hono/4.13.19/dist" "$DIR/hono-4.13.19"
  cp -r "$R/@modelcontextprotocol/sdk/1.32.2/dist" "$DIR/mcp-sdk-1.32.2"
  for p in ajv/8.20.0 jose/6.2.18 protobufjs/8.8.1 express/5.3.0 commander/14.0.3 \
    fast-check/4.10.2; do
    cp -r "$R/$p" "$DIR/${p%%/*}-${p##*/}"
  done
  mkdir -p "$DIR/typescript-5.8.3"
  cp "$R"/typescript/5.8.3/lib/*.d.ts "$DIR/typescript-5.8.3/"
  NPM=/usr/lib/node_modules/npm
  NPM_V=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$NPM/package.json")
  mkdir -p "$DIR/npm-$NPM_V"
  cp -r "$NPM/bin" "$NPM/lib" "$NPM/index.js" "$DIR/npm-$NPM_V/"
  cp -r "$NPM/node_modules" "$DIR/npm-$NPM_V/npm-deps"
  find "$DIR" -depth -type d -name dist -execdir mv dist dist_ \;
  find "$DIR" -type f -size +2048k -delete
fi
start=$(date +%s.%N)
$DENO run --unstable-raw-imports --allow-read --allow-write --allow-env --allow-run --allow-sys \
  "$REPO/main.ts" ast skeleton --json --telemetry off -s "$DIR" . > "$OUT"
end=$(date +%s.%N)
echo "trifecta skeleton time: $(echo "$end - $start" | bc)s (load $(uptime | sed 's/.*load average: //'))"
$DENO run --allow-read --allow-env --allow-sys "$REPO/bench/oracles/typescript/compare.ts" "$DIR" "$OUT" --show "${SHOW:-20}"
