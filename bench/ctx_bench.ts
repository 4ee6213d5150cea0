/**
 * Context-pack benchmark, in process: search latency p50/p95 over 100
 * queries, and tokens returned by `get` in skeleton vs raw mode for the same
 * ids. Run after a build of the segment:
 *
 *   deno run -A bench/ctx_bench.ts <segment>
 *
 * With `--store` (issue 16, the pack in SQLite): pack bytes against source
 * bytes, `get` of one chunk (a fresh open and one row each time, median of
 * 50), and `syncPack` after one changed file (median of 5):
 *
 *   deno run -A bench/ctx_bench.ts --store <segment>
 *
 * Prints one JSON object.
 *
 * @module
 */
import { getChunks, readPack, readPackChunks, searchPack, syncPack } from "../lib/context/mod.ts";
import { resolveSegment, type Segment } from "../lib/segment/mod.ts";
import { quantile as pct } from "../lib/telemetry/summary.ts";

/** The load average, when this process may read it (`/proc` needs `--allow-all`). */
function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").trim();
  } catch (err) {
    // Not granted or not Linux: bench/ctx_run.sh prints the load itself.
    if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.NotFound) {
      return "unknown";
    }
    throw err;
  }
}

/** `--store`: what the SQLite pack costs on disk, per `get`, per one-file sync. */
async function storeBench(segment: Segment): Promise<void> {
  const { pack, bytes } = await readPack(segment);
  const sourceBytes = pack.source_files.reduce((n, f) => n + f.bytes, 0);
  const ids = pack.chunks.filter((_, i) => i % Math.ceil(pack.chunks.length / 50) === 0)
    .map((c) => c.id);
  const gets: number[] = [];
  for (const id of ids) {
    const t0 = performance.now();
    const got = await readPackChunks(segment, [id]);
    getChunks(got.pack, [id], { mode: "raw", budget: 1_000_000 });
    gets.push(performance.now() - t0);
  }
  const target = pack.source_files.find((f) => f.path.endsWith(".py"))?.path;
  if (target === undefined) throw new Error("no .py file to change");
  const abs = `${segment.root}/${target}`;
  const original = await Deno.readTextFile(abs);
  const syncs: number[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      await Deno.writeTextFile(abs, `${original}\n# bench edit ${i}\n`);
      const t0 = performance.now();
      const r = await syncPack(segment);
      syncs.push(performance.now() - t0);
      if (r.changed !== 1 || r.mode !== "incremental") throw new Error(JSON.stringify(r));
    }
  } finally {
    await Deno.writeTextFile(abs, original);
    await syncPack(segment);
  }
  gets.sort((a, b) => a - b);
  syncs.sort((a, b) => a - b);
  console.log(JSON.stringify(
    {
      load: loadAverage(),
      chunks: pack.chunks.length,
      files: pack.source_files.length,
      pack_bytes: bytes,
      source_bytes: sourceBytes,
      pack_vs_source: +(bytes / sourceBytes).toFixed(3),
      get_one_chunk_ms: { p50: +pct(gets, 0.5).toFixed(2), p95: +pct(gets, 0.95).toFixed(2) },
      sync_one_changed_file_ms: { median: +pct(syncs, 0.5).toFixed(1), all: syncs.map(Math.round) },
    },
    null,
    2,
  ));
}

if (Deno.args[0] === "--store") {
  await storeBench(await resolveSegment(Deno.args[1] ?? "."));
  Deno.exit(0);
}

const segment = await resolveSegment(Deno.args[0] ?? ".");
const { pack } = await readPack(segment);

// 100 queries: identifiers defined in the corpus, every n-th one, plus a few phrases.
const names: string[] = [];
for (const c of pack.chunks) {
  for (const m of c.text.matchAll(/^\s*(?:def|class)\s+([A-Za-z_]\w{3,})/gm)) {
    if (m[1]) names.push(m[1]);
  }
}
const unique = [...new Set(names)].sort();
const step = Math.max(1, Math.floor(unique.length / 90));
const queries = unique.filter((_, i) => i % step === 0).slice(0, 90);
queries.push(
  "queryset filter",
  "migration autodetector",
  "csrf token",
  "template loader",
  "form validation",
  "database router",
  "middleware request",
  "password hasher",
  "cache backend",
  "url resolver",
);

// Warm-up (page cache, SQLite statement cache), not measured.
for (const q of queries.slice(0, 5)) await searchPack(segment, q, { limit: 5 });
const times: number[] = [];
const hitIds: string[] = [];
let zero = 0;
for (const q of queries) {
  const t0 = performance.now();
  const r = await searchPack(segment, q, { limit: 5 });
  times.push(performance.now() - t0);
  const top = r.hits[0];
  if (top === undefined) zero++;
  else if (!hitIds.includes(top.id)) hitIds.push(top.id);
}
const timesNoStale: number[] = [];
for (const q of queries) {
  const t0 = performance.now();
  await searchPack(segment, q, { limit: 5, checkStale: false });
  timesNoStale.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
timesNoStale.sort((a, b) => a - b);

const big = 1_000_000_000;
const raw = getChunks(pack, hitIds, { mode: "raw", budget: big });
const skel = getChunks(pack, hitIds, { mode: "skeleton", budget: big });
const excerpt = getChunks(pack, hitIds, { mode: "excerpt", budget: big });
const methods: Record<string, number> = {};
for (const c of pack.chunks) methods[c.chunking_method] = (methods[c.chunking_method] ?? 0) + 1;

console.log(JSON.stringify(
  {
    chunks: pack.chunks.length,
    files: pack.source_files.length,
    chunking_methods: methods,
    queries: queries.length,
    zero_hit_queries: zero,
    search_ms: {
      p50: +pct(times, 0.5).toFixed(2),
      p95: +pct(times, 0.95).toFixed(2),
      max: +pct(times, 1).toFixed(2),
    },
    search_ms_without_stale_check: {
      p50: +pct(timesNoStale, 0.5).toFixed(2),
      p95: +pct(timesNoStale, 0.95).toFixed(2),
    },
    get_tokens_same_ids: {
      ids: hitIds.length,
      raw: raw.total_tokens,
      excerpt: excerpt.total_tokens,
      skeleton: skel.total_tokens,
      skeleton_vs_raw: +(skel.total_tokens / Math.max(1, raw.total_tokens)).toFixed(3),
    },
  },
  null,
  2,
));
