#!/usr/bin/env bash
# Start-up cost of the CLI: `--version` (answered before the CLI loads) and
# `--help` (loads commander) from the checkout, and `--version` of the bundle
# (dist/trifecta.js, built here by tools/bundle.ts into a temp dir), against
# a bare `deno run` of an empty script, measured in the same hyperfine run
# (compare rows of one run only: the machine's load moves). With BASE=<checkout> the
# base's `--version` from source and from its bundle (built with that
# checkout's own tools/bundle.ts, else a plain `deno bundle`) join the run.
# Prints medians and user+system CPU, then the ratios bundle/source.
#   usage: [BASE=<checkout>] bash bench/startup_run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo 'Deno.exit(0);' > "$tmp/empty.ts"

bundle() { # <checkout> <out>
  if [ -f "$1/tools/bundle.ts" ]; then
    (cd "$1" && deno run --allow-read --allow-write --allow-run tools/bundle.ts "$2" > /dev/null)
  else
    (cd "$1" && deno bundle --quiet --unstable-raw-imports --platform=deno -o "$2" main.ts)
  fi
}

# Deno keeps a V8 code cache per module file, written by a run that gets past
# start-up (a `--version` run does not): one real command per bundle first,
# as an agent's first call would, so each row measures a warm code cache.
mkdir "$tmp/seg" && echo 'def f(): pass' > "$tmp/seg/a.py"
prime() {
  deno run --allow-read --allow-env "$1" ast skeleton a.py -s "$tmp/seg" --telemetry off > /dev/null
}

bundle "$PWD" "$tmp/now.js"
prime "$tmp/now.js"
cmds=(
  -n 'deno run empty.ts (floor)' "deno run $tmp/empty.ts"
  -n 'trifecta --version' 'deno run --allow-read --allow-env main.ts --version'
  -n 'trifecta --help' 'deno run --allow-read --allow-env main.ts --help'
  -n 'bundle --version' "deno run --allow-read --allow-env $tmp/now.js --version"
)
if [ -n "${BASE:-}" ]; then
  bundle "$BASE" "$tmp/base.js"
  prime "$tmp/base.js"
  cmds+=(
    -n 'base --version' "deno run --allow-read --allow-env $BASE/main.ts --version"
    -n 'base bundle --version' "deno run --allow-read --allow-env $tmp/base.js --version"
  )
fi
echo "load before: $(cat /proc/loadavg)"
hyperfine -N --warmup 3 -r "$runs" --export-json "$tmp/run.json" "${cmds[@]}"
echo "load after: $(cat /proc/loadavg)"
ls -l "$tmp"/*.js | awk '{ printf "%s %.1f MB\n", $NF, $5 / 1e6 }' | sed "s|$tmp/||"
deno eval --quiet '
const { results } = JSON.parse(Deno.readTextFileSync(Deno.args[0]));
const row = (name) => results.find((r) => r.command === name);
for (const r of results) {
  console.log(`${r.command.padEnd(28)} median ${(r.median * 1e3).toFixed(1)} ms, user+sys ${((r.user + r.system) * 1e3).toFixed(1)} ms`);
}
const ratio = (a, b) => row(a) && row(b)
  ? console.log(`${a} / ${b}: ${(row(a).median / row(b).median).toFixed(2)} (CPU ${((row(a).user + row(a).system) / (row(b).user + row(b).system)).toFixed(2)})`)
  : undefined;
ratio("bundle --version", "trifecta --version");
ratio("base bundle --version", "base --version");
ratio("bundle --version", "base bundle --version");
ratio("trifecta --version", "base --version");
' "$tmp/run.json"
