/**
 * `ctx search` reads only the rows it needs (`search_source.ts` rowSource):
 * for the same pack and query its result is the one the whole-pack read
 * gives (wholePackSource, what search did before), over many queries on a
 * real pack (a copy of this checkout's own code and docs), with a file
 * changed, one deleted, and a deny glob added after the build (which the
 * whole read's per-process reuse must honour too).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import {
  buildPack,
  openIndex,
  readPack,
  type SearchOptions,
  searchPack,
} from "../../lib/context/mod.ts";
import { DEFAULT_LIMIT, searchOpen } from "../../lib/context/search.ts";
import { wholePackSource } from "../../lib/context/search_source.ts";
import { resolveSegment, type Segment } from "../../lib/segment/mod.ts";
import { removeSegment } from "./helpers.ts";

const CHECKOUT = fileURLToPath(new URL("../../", import.meta.url));

/** A segment holding a copy of this checkout's context, segment and CLI code, and its docs. */
async function checkoutCopy(): Promise<Segment> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-search-rows-" });
  for (const sub of ["lib/context", "lib/segment", "lib/cli", "docs"]) {
    await Deno.mkdir(join(dir, sub), { recursive: true });
    for await (const e of Deno.readDir(join(CHECKOUT, sub))) {
      if (e.isFile) await Deno.copyFile(join(CHECKOUT, sub, e.name), join(dir, sub, e.name));
    }
  }
  return await resolveSegment(dir);
}

/** Queries: every 7th function name of the copy, and words, phrases and edge cases. */
async function queriesOf(seg: Segment): Promise<string[]> {
  const names = new Set<string>();
  for await (const e of Deno.readDir(join(seg.root, "lib/context"))) {
    const text = await Deno.readTextFile(join(seg.root, "lib/context", e.name));
    for (const m of text.matchAll(/function (\w{2,})/g)) names.add(m[1] ?? "");
  }
  const picked = [...names].sort().filter((_, i) => i % 7 === 0);
  return [
    ...picked,
    "pack",
    "search index bm25",
    "validate",
    "deny glob",
    "ab",
    "zz",
    "qqxjvwz",
    "ctx get",
    "lib/context/pack_io.ts",
    "SegmentPath",
    '"quoted" words',
    "stale sync",
    "x y",
    "trusted_segments",
  ];
}

/** Both reads' results for `query`, as JSON (an error as its code and message). */
async function both(
  seg: Segment,
  query: string,
  options: SearchOptions,
): Promise<[string, string]> {
  const show = (p: Promise<unknown>) =>
    p.then((r) => JSON.stringify(r), (e: unknown) => `error ${String(e)}`);
  const rows = await show(searchPack(seg, query, options));
  const whole = await show((async () => {
    const { pack } = await readPack(seg);
    const db = openIndex(seg);
    try {
      const request = { query, limit: options.limit ?? DEFAULT_LIMIT, options };
      return searchOpen(seg, { source: wholePackSource(pack, seg), db }, request);
    } finally {
      db.close();
    }
  })());
  return [rows, whole];
}

/** Every query with three option sets gives the same result from both reads. */
async function assertSame(seg: Segment, queries: readonly string[], what: string): Promise<void> {
  const sets: SearchOptions[] = [{}, { explain: true, limit: 20 }, { limit: 1 }];
  for (const q of queries) {
    for (const options of sets) {
      const [rows, whole] = await both(seg, q, options);
      assert.equal(rows, whole, `${what}: ${q} ${JSON.stringify(options)}`);
    }
  }
}

Deno.test("search from the hits' rows answers as search from the whole pack, on a real pack", async () => {
  const seg = await checkoutCopy();
  try {
    await buildPack(seg);
    const queries = await queriesOf(seg);
    assert.ok(queries.length >= 30, `${queries.length} queries`);
    await assertSame(seg, queries, "fresh");
    const some = await searchPack(seg, "pack", { limit: 20 });
    assert.equal(some.hits.length, 20, "a query with many hits");
    assert.ok(some.total_matches > 20);

    // A file changed and one deleted since the build: stale warnings.
    await Deno.writeTextFile(join(seg.root, "lib/context/pack_io.ts"), "export const x = 1;\n");
    await Deno.remove(join(seg.root, "lib/context/search.ts"));
    await assertSame(seg, queries, "stale");
    assert.equal((await searchPack(seg, "searchPack", { limit: 20 })).stale.stale, true);

    // A deny glob added after the build: its chunks are dropped, not served.
    const denied = { ...seg, extraDeny: ["lib/cli/*"] };
    // A whole pack read earlier in this process (without the glob) is not served again.
    const whole = (await readPack(denied)).pack;
    assert.ok(whole.chunks.every((c) => !c.source_path.startsWith("lib/cli/")), "whole read");
    await assertSame(denied, queries, "denied");
    const r = await searchPack(denied, "handler", { limit: 20 });
    assert.ok(r.hits.every((h) => !h.path.startsWith("lib/cli/")), "no denied path served");
    assert.ok(r.hits.length > 0, "other hits still served");
  } finally {
    await removeSegment(seg);
  }
});
