/**
 * Helpers for the cache tests: temp segments and worker subprocesses.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { resolveSegment, type Segment } from "../../lib/segment/mod.ts";
import type { EventFields } from "../../lib/telemetry/mod.ts";

const WORKER = fileURLToPath(new URL("./cache_worker.ts", import.meta.url));

/** A fresh temp segment; call `cleanup` when done. */
export async function tempSegment(): Promise<{ segment: Segment; cleanup: () => Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-cache-" });
  const segment = await resolveSegment(dir);
  return { segment, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

/** What a worker printed and how it exited. */
export interface WorkerResult {
  /** Exit code. */
  code: number;
  /** The JSON line it printed (parsed), or null. */
  json: Record<string, unknown> | null;
  /** Standard error. */
  stderr: string;
}

/** Options for {@linkcode spawnWorker}. */
export interface SpawnWorkerOptions {
  /** Extra environment. */
  env?: Record<string, string>;
}

/** Run `cache_worker.ts` with `args` to completion. */
export async function runWorker(
  args: string[],
  options: SpawnWorkerOptions = {},
): Promise<WorkerResult> {
  const out = await spawnWorker(args, options).output();
  const stdout = new TextDecoder().decode(out.stdout).trim().split("\n").filter(Boolean);
  const last = stdout.at(-1);
  return {
    code: out.code,
    json: last === undefined ? null : JSON.parse(last),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/** Start `cache_worker.ts` with `args` (stdout and stderr piped). */
export function spawnWorker(args: string[], options: SpawnWorkerOptions = {}): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", WORKER, ...args],
    env: { TRIFECTA_AST_PERSIST: "0", ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Parsed lines of the segment's `events.jsonl` ([] when absent). */
export async function readEvents(segmentRoot: string): Promise<Record<string, unknown>[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${segmentRoot}/_ctx/telemetry/events.jsonl`);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

/** A recording event sink (for unit tests of event fields). */
export interface RecordedEvent {
  /** Event name. */
  cmd: string;
  /** Args. */
  args: Record<string, unknown>;
  /** Result. */
  result: Record<string, unknown>;
  /** Timing. */
  timingMs: number;
  /** Extra fields. */
  x: Record<string, unknown>;
}

/** A sink that keeps events in memory. */
export function recordingSink(): {
  enabled: true;
  events: RecordedEvent[];
  event: (cmd: string, fields?: EventFields) => void;
} {
  const events: RecordedEvent[] = [];
  return {
    enabled: true,
    events,
    event(cmd, fields = {}) {
      events.push({
        cmd,
        args: fields.args ?? {},
        result: fields.result ?? {},
        timingMs: fields.timingMs ?? 1,
        x: fields.extra ?? {},
      });
    },
  };
}

/** Kinds of damage done to a database file by {@linkcode corruptFile}. */
export type Corruption = "header" | "pages" | "truncate";

/** A deterministic pseudo-random byte stream (xorshift). */
function noise(n: number, seed = 12345): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Damage a (closed) database file: random header, clobbered pages, or truncation to half. */
export function corruptFile(path: string, kind: Corruption): void {
  const size = Deno.statSync(path).size;
  const f = Deno.openSync(path, { read: true, write: true });
  try {
    if (kind === "header") {
      f.writeSync(noise(100));
    } else if (kind === "pages") {
      // Keep page 1 (header, schema root), clobber every later page.
      f.seekSync(4096, Deno.SeekMode.Start);
      f.writeSync(noise(size - 4096));
    } else {
      f.truncateSync(Math.floor(size / 2 / 4096) * 4096 + 1000);
    }
  } finally {
    f.close();
  }
}

/** Fill a database at `segment` with `n` entries of ~`bytes` each, then close it. */
export async function fillDatabase(segment: Segment, n: number, bytes = 500): Promise<string[]> {
  const { createAstCache, cacheKey } = await import("../../lib/cache/mod.ts");
  const cache = createAstCache({ segment, persist: true });
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = cacheKey(segment.id, `src/f${i}.py`, i.toString(16).padStart(16, "0"));
    cache.set(key, { i, pad: "p".repeat(bytes) });
    keys.push(key);
  }
  cache.close();
  return keys;
}
