#!/usr/bin/env bash
# Parity of trifecta's Java skeleton with javac's own tree API
# (com.sun.source, bench/oracles/java/SkeletonOracle.java, compiled to a temp
# dir): skeleton of a corpus with trifecta (--json, timed), the oracle over
# the same files (timed), then the comparison (bench/oracles/java/compare.py).
#   bash bench/compare_java.sh CORPUS_DIR [OUT_JSON]
# A corpus: the JDK's own sources, e.g.
#   mkdir -p /tmp/jdk-src && unzip -q -o /usr/lib/jvm/openjdk-17/lib/src.zip \
#     'java.base/java/util/*' 'java.base/java/lang/*' -d /tmp/jdk-src
#   bash bench/compare_java.sh /tmp/jdk-src
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:?usage: compare_java.sh CORPUS_DIR [OUT_JSON]}
OUT=${2:-/tmp/trifecta-skeleton-java-$(basename "$DIR").json}
DENO=${DENO:-deno}
CLASSES=$(mktemp -d)
trap 'rm -rf "$CLASSES"' EXIT
javac -d "$CLASSES" "$REPO/bench/oracles/java/SkeletonOracle.java"
start=$(date +%s%N)
$DENO run --unstable-raw-imports --allow-read --allow-write --allow-env --allow-run --allow-sys \
  "$REPO/main.ts" ast skeleton --json --telemetry off -s "$DIR" . > "$OUT"
echo "trifecta skeleton time: $(( ($(date +%s%N) - start) / 1000000 )) ms"
start=$(date +%s%N)
(cd "$DIR" && find . -name '*.java' -type f | sed 's|^\./||' | sort) |
  java -cp "$CLASSES" SkeletonOracle "$DIR" > "$OUT.oracle.jsonl"
echo "javac oracle time: $(( ($(date +%s%N) - start) / 1000000 )) ms"
python3 "$REPO/bench/oracles/java/compare.py" java "$OUT.oracle.jsonl" "$OUT" --show "${SHOW:-20}"
