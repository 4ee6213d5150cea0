/**
 * Database size per 10,000 skeleton-sized entries, after the last connection
 * closed (WAL checkpointed and removed):
 *
 *   deno run --allow-read --allow-write --allow-env bench/cache_size.ts
 *
 * @module
 */
import { cacheKey, createAstCache } from "../lib/cache/mod.ts";
import { contentSha256Hex, resolveSegment } from "../lib/segment/mod.ts";

const dir = await Deno.makeTempDir({ prefix: "trifecta-size-" });
try {
  const segment = await resolveSegment(dir);
  const cache = createAstCache({ segment, persist: true });
  let valueBytes = 0;
  for (let i = 0; i < 10_000; i++) {
    const symbols = Array.from({ length: 8 }, (_, s) => ({
      kind: s === 0 ? "class" : "method",
      name: `name_${i}_${s}`,
      qualified_name: `Klass${i}.name_${i}_${s}`,
      start_line: s * 10 + 1,
      end_line: s * 10 + 9,
      signature: `def name_${i}_${s}(self, arg_one: int, arg_two: str = "x") -> None:`,
      decorators: s % 3 === 0 ? ["@property"] : [],
      doc: "Return the thing computed from the arguments.",
      children: [],
    }));
    const value = { path: `src/pkg/mod_${i}.py`, language: "python", symbols };
    valueBytes += JSON.stringify(value).length;
    cache.set(cacheKey(segment.id, `src/pkg/mod_${i}.py`, contentSha256Hex(String(i))), value, {
      fileRel: `src/pkg/mod_${i}.py`,
      fileMtimeMs: 1_700_000_000_000,
      fileSize: 4000,
    });
  }
  cache.close();
  const db = Deno.statSync(`${dir}/.trifecta/cache/ast_cache.db`).size;
  console.log(
    `10000 entries: values ${(valueBytes / 1e6).toFixed(1)} MB, database file ${
      (db / 1e6).toFixed(1)
    } MB (${(db / valueBytes).toFixed(2)}x the values)`,
  );
} finally {
  await Deno.remove(dir, { recursive: true });
}
