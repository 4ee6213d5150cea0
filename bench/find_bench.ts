/**
 * `ast find` in process, warm: the persistent AST cache holds every file of
 * the segment (filled once before the benches), so a call walks the tree,
 * stats each file, finds its skeleton by the stat key and ranks the rows;
 * nothing is read or parsed. The cases: a fresh index per call that looks
 * up every file's skeleton; a fresh index read from the snapshot in the
 * cache (what one CLI call does after start-up); the session index the MCP
 * server keeps; and the ranking alone over rows in memory.
 *
 *   TRIFECTA_BENCH_SEGMENT=/work/corpus/django deno bench --allow-read --allow-write \
 *     --allow-env --allow-sys --allow-run --unstable-raw-imports bench/find_bench.ts
 *
 * @module
 */
import { createAstCache } from "../lib/cache/mod.ts";
import { findSymbols } from "../lib/nav/find.ts";
import { SymbolIndex } from "../lib/nav/find_index.ts";
import { checkFindQuery, rankMatches } from "../lib/nav/find_query.ts";
import { resolveSegment } from "../lib/segment/mod.ts";

const root = Deno.env.get("TRIFECTA_BENCH_SEGMENT") ?? "/work/corpus/django";
const segment = await resolveSegment(root);
const cache = createAstCache({ persist: true, segment });
// Fill the persistent cache (the CLI's --persist-cache does the same on its first call).
const first = await findSymbols(segment, { pattern: "AppConfig" }, { cache, snapshot: true });
const session = new SymbolIndex();
const { rows } = await session.load(segment, { cache });
console.log(
  `segment ${root}: ${first.run.load.filesTotal} files, ${rows.length} symbols; ` +
    `first result ${first.items[0]?.path}:${first.items[0]?.qualified_name}`,
);

Deno.bench(
  "ast find AppConfig, warm SQLite cache, fresh index, every skeleton looked up",
  async () => {
    await findSymbols(segment, { pattern: "AppConfig" }, { cache });
  },
);

Deno.bench(
  "ast find AppConfig, warm SQLite cache, index snapshot (one CLI call's work)",
  async () => {
    await findSymbols(segment, { pattern: "AppConfig" }, { cache, snapshot: true });
  },
);

Deno.bench("ast find AppConfig, warm SQLite cache, session index (MCP)", async () => {
  await findSymbols(segment, { pattern: "AppConfig" }, { cache, index: session });
});

Deno.bench("ast find get_* --depth 1 --body, session index", async () => {
  await findSymbols(segment, { pattern: "get_*" }, {
    cache,
    index: session,
    depth: 1,
    includeBody: true,
  });
});

const exact = checkFindQuery({ pattern: "AppConfig" });
const substring = checkFindQuery({ pattern: "model" });
const glob = checkFindQuery({ pattern: "get_*" });

Deno.bench("rank only: exact name over every row", () => {
  rankMatches(rows, exact);
});

Deno.bench("rank only: substring over every row", () => {
  rankMatches(rows, substring);
});

Deno.bench("rank only: glob over every row", () => {
  rankMatches(rows, glob);
});

globalThis.addEventListener("unload", () => cache.close());
