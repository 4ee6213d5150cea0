/**
 * The watcher's pack sync: after a batch, the segment's context pack is
 * synced incrementally for the batch's paths (`syncPack`, under the pack
 * lock, one write transaction), but only when the segment has a pack (the
 * SQLite pack, or a legacy JSON one the sync replaces). A segment without
 * a pack stays without one: building it is `trifecta ctx build`'s (or the
 * MCP `pack_sync` tool's) job.
 *
 * @module
 */
import type { AstCache } from "../cache/mod.ts";
import { LEGACY_PACK_REL, PACK_REL, syncPack } from "../context/mod.ts";
import { join } from "../path.ts";
import type { Segment } from "../segment/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import type { PackSyncer } from "./refresh.ts";

/** True when the segment has a pack file (current or legacy) to sync. */
export function hasPack(segment: Segment): boolean {
  for (const rel of [PACK_REL, LEGACY_PACK_REL]) {
    try {
      if (Deno.lstatSync(join(segment.root, rel)).isFile) return true;
    } catch (err) {
      // Absent is the common case; anything else is the sync's to report.
      if (!(err instanceof Deno.errors.NotFound)) return true;
    }
  }
  return false;
}

/** Paths owed to the pack at most before the next sync compares every file instead. */
export const MAX_OWED_PATHS = 4096;

/**
 * A syncer that does not lose a batch when a sync fails (the pack locked by
 * a build, a full disk): a sync told `paths` takes every other file as
 * unchanged, so the paths of a failed sync are owed and added to the next
 * one; past {@linkcode MAX_OWED_PATHS} the next sync compares every file.
 * Calls run one at a time, in order.
 *
 * @example
 * ```ts
 * import { deepEqual, rejects } from "node:assert/strict";
 * import { withCarryOver } from "./pack.ts";
 * const asked: (readonly string[] | undefined)[] = [];
 * let fail = true;
 * const sync = withCarryOver(async (paths) => {
 *   asked.push(paths);
 *   if (fail) throw new Error("pack locked");
 *   return { added: 0, changed: 2, deleted: 0 };
 * });
 * await rejects(sync(["a.py"]));
 * fail = false;
 * await sync(["b.py"]);
 * await sync(["c.py"]);
 * deepEqual(asked, [["a.py"], ["a.py", "b.py"], ["c.py"]]);
 * ```
 */
export function withCarryOver(sync: PackSyncer): PackSyncer {
  let owed: Set<string> | undefined = new Set();
  // One sync at a time: what is owed is settled by the one before.
  let last: Promise<unknown> = Promise.resolve();
  const once = async (paths: readonly string[] | undefined, segment: Segment | undefined) => {
    const all = owed === undefined || paths === undefined
      ? undefined
      : [...new Set([...owed, ...paths])].sort();
    try {
      const r = await sync(all, segment);
      owed = new Set();
      return r;
    } catch (err) {
      owed = all === undefined || all.length > MAX_OWED_PATHS ? undefined : new Set(all);
      throw err;
    }
  };
  return (paths, segment) => {
    const run = last.then(() => once(paths, segment));
    last = run.catch(() => {}); // a failure is the caller's; the next call still runs
    return run;
  };
}

/** Options for {@linkcode packSyncerFor}. */
export interface PackSyncerOptions {
  /** AST cache for the sync's parses. */
  cache?: AstCache;
  /** Telemetry for the sync's events. */
  telemetry?: Telemetry;
}

/**
 * A {@linkcode PackSyncer} over `syncPack` (with {@linkcode withCarryOver}):
 * undefined (nothing done) when the segment has no pack.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { resolveSegment } from "../segment/mod.ts";
 * import { packSyncerFor } from "./pack.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/a.py`, "x = 1\n");
 * const sync = packSyncerFor(await resolveSegment(dir));
 * equal(await sync(["a.py"]), undefined); // no pack: none is built
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function packSyncerFor(segment: Segment, options: PackSyncerOptions = {}): PackSyncer {
  return withCarryOver(async (paths, current) => {
    // The batch's segment, when given: a config glob added while watching applies.
    const seg = current ?? segment;
    if (!hasPack(seg)) return undefined;
    const r = await syncPack(seg, { ...options, paths });
    return { added: r.added, changed: r.changed, deleted: r.deleted, mode: r.mode };
  });
}
