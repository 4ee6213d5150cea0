/**
 * What a batch sets off (lib/watch/refresh.ts): the changed sources are
 * parsed into the AST cache, the pack syncer and the servers' hook get the
 * batch, and a step that fails is reported by its code without stopping the
 * others.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { createAstCache } from "../../lib/cache/mod.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { refreshBatch, type WatchBatch } from "../../lib/watch/mod.ts";

Deno.test("a batch warms the cache, reaches the pack and the servers; a failed step is reported alone", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-refresh-" });
  try {
    await Deno.writeTextFile(`${dir}/a.py`, "def f():\n    return 1\n");
    await Deno.writeTextFile(`${dir}/notes.md`, "# notes\n");
    const segment = await resolveSegment(dir);
    const cache = createAstCache({ persist: false, segment });
    const synced: (readonly string[] | undefined)[] = [];
    const told: WatchBatch[] = [];
    const batch: WatchBatch = {
      added: ["a.py", "notes.md"],
      changed: [],
      deleted: ["b.py"],
      ms: 1,
    };
    try {
      const report = await refreshBatch(segment, batch, {
        cache,
        syncPack: (paths) => {
          synced.push(paths);
          return Promise.reject(new TrifectaError("PACK_LOCKED", "another build holds the lock"));
        },
        notifyServers: (b) => {
          told.push(b);
          return Promise.resolve();
        },
      });
      equal(report.parsed, 1, "a.py parsed; notes.md is no source");
      ok(cache.stats().entries > 0, "the skeleton is in the cache");
      deepEqual(synced, [["a.py", "notes.md", "b.py"]]);
      deepEqual(told, [batch], "the servers are told although the pack step failed");
      deepEqual(report.errors, { pack: "PACK_LOCKED" });
      equal(report.pack, undefined);
    } finally {
      cache.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
