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
import { skeletonValue } from "./skeleton_value.ts";

const dir = await Deno.makeTempDir({ prefix: "trifecta-size-" });
try {
  const segment = await resolveSegment(dir);
  const cache = createAstCache({ segment, persist: true });
  let valueBytes = 0;
  for (let i = 0; i < 10_000; i++) {
    const value = skeletonValue(i);
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
