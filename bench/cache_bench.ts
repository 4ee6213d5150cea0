/**
 * AST cache micro-benchmarks: get/set for memory and SQLite, the telemetry
 * wrapper's overhead, and (printed once) database size per 10,000 entries and
 * per-op p50/p95 measured directly.
 *
 *   deno bench --allow-read --allow-write --allow-env --allow-sys bench/cache_bench.ts
 *
 * @module
 */
import {
  cacheKey,
  createAstCache,
  databaseFileBytes,
  MemoryLruCache,
  TelemetryAstCache,
} from "../lib/cache/mod.ts";
import { contentSha256Hex, resolveSegment } from "../lib/segment/mod.ts";
import { Telemetry } from "../lib/telemetry/mod.ts";
import { skeletonValue } from "./skeleton_value.ts";

const N = 10_000;

const dir = await Deno.makeTempDir({ prefix: "trifecta-bench-" });
const segment = await resolveSegment(dir);
const keys = Array.from(
  { length: N },
  (_, i) => cacheKey(segment.id, `src/pkg/mod_${i}.py`, contentSha256Hex(String(i))),
);
const values = keys.map((_, i) => skeletonValue(i));
const valueBytes = JSON.stringify(values[0]).length;

/** Key number `i % N`. */
function key(i: number): string {
  const k = keys[i % N];
  if (k === undefined) throw new Error(`no key ${i % N} of ${keys.length}`);
  return k;
}

/** Value number `i % N`. */
function value(i: number): unknown {
  return values[i % N];
}

const memory = new MemoryLruCache();
for (let i = 0; i < N; i++) memory.set(key(i), value(i));

const sqlite = createAstCache({ segment, persist: true });
for (let i = 0; i < N; i++) sqlite.set(key(i), value(i));
sqlite.stats(); // flush

const telDir = await Deno.makeTempDir({ prefix: "trifecta-bench-tel-" });
const telSegment = await resolveSegment(telDir);
const telemetry = Telemetry.open(telSegment, { level: "lite" });
const wrapped = new TelemetryAstCache(new MemoryLruCache(), telemetry, segment.id);
for (let i = 0; i < N; i++) wrapped.set(key(i), value(i));

function percentiles(fn: (i: number) => void, n: number): { p50: number; p95: number } {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    fn(i);
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { p50: t[Math.floor(n * 0.5)] ?? NaN, p95: t[Math.floor(n * 0.95)] ?? NaN };
}

// Direct per-operation percentiles (performance.now() resolution is 1 µs or better here).
const rounds = 20_000;
const direct = {
  "memory get": percentiles((i) => memory.get(key(i)), rounds),
  "memory set": percentiles((i) => memory.set(key(i), value(i)), rounds),
  "sqlite get": percentiles((i) => sqlite.get(key(i)), rounds),
  "sqlite set": percentiles((i) => sqlite.set(key(i), value(i)), 5_000),
  "memory get + telemetry (lite)": percentiles((i) => wrapped.get(key(i)), 5_000),
};
sqlite.stats();
const dbBytes = databaseFileBytes(`${segment.root}/.trifecta/cache/ast_cache.db`);
console.log(`value size: ${valueBytes} bytes JSON`);
console.log(
  `database size for ${N} entries: ${(dbBytes / 1e6).toFixed(1)} MB (db+wal+shm)`,
);
for (const [name, p] of Object.entries(direct)) {
  console.log(`${name}: p50 ${(p.p50 * 1000).toFixed(1)} µs, p95 ${(p.p95 * 1000).toFixed(1)} µs`);
}

let i = 0;
Deno.bench("memory get (hit)", { group: "get" }, () => {
  memory.get(key(i++));
});
Deno.bench("sqlite get (hit)", { group: "get" }, () => {
  sqlite.get(key(i++));
});
Deno.bench("memory get + telemetry wrapper (lite, events.jsonl)", { group: "get" }, () => {
  wrapped.get(key(i++));
});
Deno.bench("memory set", { group: "set" }, () => {
  memory.set(key(i), value(i++));
});
Deno.bench("sqlite set (upsert)", { group: "set" }, () => {
  sqlite.set(key(i), value(i++));
});
Deno.bench("sqlite open (quick_check of a 10k-entry db)", { group: "open", n: 20 }, () => {
  createAstCache({ segment, persist: true }).close();
});

globalThis.addEventListener("unload", () => {
  sqlite.close();
  Deno.removeSync(dir, { recursive: true });
  Deno.removeSync(telDir, { recursive: true });
});
