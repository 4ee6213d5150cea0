#!/usr/bin/env bash
# LSP benchmarks: one-shot (cold) definition vs the warm daemon, end-to-end
# CLI wall time; time to READY; daemon memory. Usage:
#   bash bench/lsp_run.sh [segment]   (default: a temp copy of fixtures/example)
# Needs hyperfine. Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
SEG=${1:-}
if [ -z "$SEG" ]; then
  SEG=$(mktemp -d /tmp/trifecta-lsp-bench.XXXXXX)
  cp -r fixtures/example/. "$SEG/"
  trap 'deno run $FLAGS_NET main.ts lsp daemon stop -s "$SEG" >/dev/null 2>&1 || true; rm -rf "$SEG"' EXIT
fi
SEG=$(realpath "$SEG")
LOC=src/inventory/service.py:11:25
FLAGS="--allow-read --allow-write --allow-env --allow-run --allow-sys=osRelease,uid,hostname --unstable-raw-imports"
SOCK=$(deno run $FLAGS main.ts lsp daemon status -s "$SEG" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["socket"])')
FLAGS_NET="$FLAGS --allow-net=unix:$SOCK"
OUT=${OUT:-/tmp/trifecta-lsp-bench}
mkdir -p "$OUT"
export TRIFECTA_NO_TELEMETRY=${TRIFECTA_NO_TELEMETRY:-0}

echo "== floor: --version and AST-only (TRIFECTA_LSP=0) definition"
hyperfine -N --warmup 3 --runs 30 --export-json "$OUT/floor.json" \
  "deno run $FLAGS main.ts --version" \
  "env TRIFECTA_LSP=0 deno run $FLAGS main.ts lsp definition $LOC -s $SEG"

echo "== one-shot (cold pyright per call)"
hyperfine -N --warmup 1 --runs ${COLD_RUNS:-10} --export-json "$OUT/oneshot.json" \
  "env TRIFECTA_LSP_DAEMON=0 deno run $FLAGS main.ts lsp definition $LOC -s $SEG --require-lsp"

echo "== warm daemon"
deno run $FLAGS_NET main.ts lsp daemon start -s "$SEG" --ttl 600
for _ in $(seq 1 900); do
  st=$(deno run $FLAGS_NET main.ts lsp daemon status -s "$SEG" --json)
  echo "$st" | grep -q '"state": "READY"' && break
  sleep 0.2
done
# Telemetry on (the default level, lite) and off, the full CLI (commander)
# for comparison, and the start-up floor, all in one run.
hyperfine -N --warmup 5 --runs ${WARM_RUNS:-50} --export-json "$OUT/warm.json" \
  "deno run $FLAGS_NET main.ts lsp definition $LOC -s $SEG --require-lsp" \
  "env TRIFECTA_NO_TELEMETRY=1 deno run $FLAGS_NET main.ts lsp definition $LOC -s $SEG --require-lsp" \
  "env TRIFECTA_NO_FAST_PATH=1 deno run $FLAGS_NET main.ts lsp definition $LOC -s $SEG --require-lsp" \
  "deno run $FLAGS main.ts --version"

echo "== daemon memory (RSS)"
st=$(deno run $FLAGS_NET main.ts lsp daemon status -s "$SEG" --json)
DPID=$(echo "$st" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
SPID=$(echo "$st" | python3 -c 'import json,sys; print(json.load(sys.stdin)["server_pid"])')
echo "daemon pid $DPID: $(grep VmRSS /proc/$DPID/status)"
echo "server pid $SPID: $(grep VmRSS /proc/$SPID/status)"
deno run $FLAGS_NET main.ts lsp daemon stop -s "$SEG"

echo "== time to READY (spawn → publishDiagnostics of the warm-up file)"
deno run -A bench/lsp_ready.ts "$SEG" src/inventory/service.py ${READY_RUNS:-5}

python3 - "$OUT" "$FLAGS_NET" "$FLAGS" <<'PY'
import json, sys, statistics
out = sys.argv[1]
for name in ["floor", "oneshot", "warm"]:
    for r in json.load(open(f"{out}/{name}.json"))["results"]:
        t = sorted(r["times"])
        p95 = t[min(len(t) - 1, int(0.95 * len(t)))]
        cmd = r["command"].replace(sys.argv[2], "$FLAGS_NET").replace(sys.argv[3], "$FLAGS")
        print(f"{name:8s} p50 {statistics.median(t)*1000:8.1f} ms  p95 {p95*1000:8.1f} ms  n={len(t)}  {cmd[:110]}")
PY
