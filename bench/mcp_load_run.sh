#!/usr/bin/env bash
# Cheap MCP calls while a skeleton of the whole large corpus runs in the same
# session, on a temp copy (caches, telemetry and _ctx land there, never in
# the shared corpus). Usage:
#   bash bench/mcp_load_run.sh [corpus]
# Results: docs/benchmarks.md "MCP: cheap calls during a whole-tree skeleton".
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-/work/corpus/large}
SEG=$(mktemp -d /tmp/trifecta-mcp-load.XXXXXX)
trap 'rm -rf "$SEG"' EXIT
cp -r "$CORPUS/." "$SEG/"
rm -rf "$SEG/_ctx"
cat /proc/loadavg
# deno on PATH, else the pinned one through npx.
if command -v deno >/dev/null; then DENO=(deno); else DENO=(npx --yes deno@2.9.6); fi
"${DENO[@]}" run -A --unstable-raw-imports bench/mcp_load_bench.ts "$SEG"
cat /proc/loadavg
