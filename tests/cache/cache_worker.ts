/**
 * A subprocess for the multi-process cache tests: `deno run -A
 * tests/cache/cache_worker.ts <mode> <segment> …`. Prints one JSON line.
 *
 * Modes:
 * - `write <segment> <prefix> <n>`: set n distinct keys.
 * - `roundtrip <segment> <key>`: get; on a miss set; report hit/miss.
 * - `mixed <segment> <worker> <n>`: n gets and sets over shared and own keys.
 * - `hold-lock <segment> <ms>`: hold the create/migrate/recover lock for ms.
 *
 * @module
 */
import { acquireLockSync } from "../../lib/file_lock.ts";
import { openStateFile } from "../../lib/safe_dir.ts";
import {
  cacheDbPath,
  cacheKey,
  createAstCache,
  describeCache,
  explainLookup,
} from "../../lib/cache/mod.ts";
import { contentSha256Hex, resolveSegment } from "../../lib/segment/mod.ts";
import { Telemetry } from "../../lib/telemetry/mod.ts";

const [mode, segDir, a = "", b = "0"] = Deno.args;
if (mode === undefined || segDir === undefined) {
  throw new Error("usage: cache_worker.ts MODE SEGMENT_DIR [NAME] [COUNT|MS]");
}
const segment = await resolveSegment(segDir);

/** A realistic value for key `name`. */
function valueFor(name: string): unknown {
  return { name, symbols: [{ kind: "function", name: `f_${name}`, start_line: 1, end_line: 2 }] };
}

/** A key whose hash part is derived from `name`. */
function keyFor(name: string): string {
  return cacheKey(segment.id, `src/${name}.py`, contentSha256Hex(name));
}

if (mode === "hold-lock") {
  const attempt = acquireLockSync(openStateFile(`${cacheDbPath(segment)}.lock`), {
    waitMs: 10_000,
  });
  if (!attempt.ok) throw new Error("could not take the lock");
  console.log(JSON.stringify({ locked: true }));
  await new Promise((r) => setTimeout(r, Number(a)));
  attempt.lock.release();
  Deno.exit(0);
}

const telemetry = Deno.env.get("WORKER_TELEMETRY") === "1"
  ? Telemetry.open(segment, { level: "lite" })
  : undefined;
const cache = createAstCache({ segment, persist: true, telemetry });
const out: Record<string, unknown> = { backend: cache.backend };

if (mode === "write") {
  const n = Number(b);
  for (let i = 0; i < n; i++) cache.set(keyFor(`${a}-${i}`), valueFor(`${a}-${i}`));
  out.written = n;
} else if (mode === "roundtrip") {
  const key = keyFor(a);
  const value = cache.get(key);
  Object.assign(out, explainLookup(cache, value !== undefined, { fileRel: `src/${a}.py` }));
  out.value = value ?? null;
  if (value === undefined) cache.set(key, valueFor(a));
  out.info = describeCache(cache);
} else if (mode === "mixed") {
  const n = Number(b);
  const written: string[] = [];
  let bad = 0;
  for (let i = 0; i < n; i++) {
    // Deterministic mix: 1 in 3 writes, the rest reads of shared and own keys.
    const name = i % 2 === 0 ? `shared-${i % 25}` : `${a}-${i % 40}`;
    if (i % 3 === 0) {
      cache.set(keyFor(name), valueFor(name));
      written.push(name);
    } else {
      const v = cache.get(keyFor(name)) as { name?: string } | undefined;
      if (v !== undefined && v.name !== name) bad++;
    }
  }
  out.written = [...new Set(written)];
  out.bad = bad;
} else {
  throw new Error(`unknown mode ${mode}`);
}
out.after = describeCache(cache);
cache.close();
await telemetry?.flush();
console.log(JSON.stringify(out));
