#!/usr/bin/env bash
# Start-up cost of the CLI: `--version` (answered before the CLI loads) and
# `--help` (loads commander), against a bare `deno run` of an empty script,
# measured in the same hyperfine run.
#   usage: bash bench/startup_run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
empty=$(mktemp --suffix=.ts)
echo 'Deno.exit(0);' > "$empty"
hyperfine -N --warmup 3 -r "$runs" \
  -n 'deno run empty.ts (floor)' "deno run $empty" \
  -n 'trifecta --version' 'deno run --allow-read --allow-env main.ts --version' \
  -n 'trifecta --help' 'deno run --allow-read --allow-env main.ts --help'
rm -f "$empty"
