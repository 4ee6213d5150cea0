/**
 * Context-pack benchmark, in process: search latency p50/p95 over 100
 * queries, and tokens returned by `get` in skeleton vs raw mode for the same
 * ids. Run after a build of the segment:
 *
 *   deno run -A bench/ctx_bench.ts <segment>
 *
 * Prints one JSON object.
 *
 * @module
 */
import { getChunks, readPack, searchPack } from "../lib/context/mod.ts";
import { resolveSegment } from "../lib/segment/mod.ts";
import { quantile as pct } from "../lib/telemetry/summary.ts";

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
