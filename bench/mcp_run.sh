#!/usr/bin/env bash
# MCP per-tool latency on the django corpus (a temp copy, so telemetry and
# caches land there, not in the shared corpus). Usage:
#   bash bench/mcp_run.sh [corpus] [runs]
# Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-/work/bench-corpus/django}
RUNS=${2:-50}
SEG=$(mktemp -d /tmp/trifecta-mcp-bench.XXXXXX)
trap 'rm -rf "$SEG"' EXIT
cp -r "$CORPUS/." "$SEG/"
deno run -A bench/mcp_bench.ts "$SEG" "$RUNS"
