/**
 * What a batch of changes sets off: changed and added source files are
 * parsed into the AST cache (so the next skeleton is warm; a deleted file
 * needs nothing, the cache is keyed by content), the context pack is synced
 * for those paths when the segment has one (never built here: a segment
 * without a pack stays without one), and the language servers are told
 * (through a hook: only an MCP session runs them). One failing step does not
 * stop the others; each outcome is in the report.
 *
 * @module
 */
import { languageOf, type ParsePool, skeletonOfFiles } from "../ast/mod.ts";
import type { AstCache } from "../cache/mod.ts";
import { toTrifectaError } from "../errors.ts";
import { join } from "../path.ts";
import type { Segment } from "../segment/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import type { WatchBatch } from "./watcher.ts";

/** What a pack sync reports (the counts watch passes on). */
export interface PackSyncCounts {
  /** Files added to the pack. */
  added: number;
  /** Files re-chunked. */
  changed: number;
  /** Files dropped from the pack. */
  deleted: number;
  /** `incremental`, or `full` when the sync had to rebuild. */
  mode?: string;
}

/**
 * Syncs the pack for the given paths (undefined: compare every file);
 * resolves undefined when the segment has no pack. `segment`: the one the
 * batch was scanned under (its config globs), when it is not the syncer's own.
 */
export type PackSyncer = (
  paths: readonly string[] | undefined,
  segment?: Segment,
) => Promise<PackSyncCounts | undefined>;

/** Options for {@linkcode refreshBatch}. */
export interface RefreshOptions {
  /** AST cache to warm (none: no pre-parse). */
  cache?: AstCache;
  /** Parse workers to use (default: made for the batch and closed). */
  pool?: ParsePool;
  /** Telemetry for the parse events and the `watch.batch` event. */
  telemetry?: Telemetry;
  /** The pack sync (none: the pack is left alone). */
  syncPack?: PackSyncer;
  /** Tells the language servers (an MCP session's hook). */
  notifyServers?: (batch: WatchBatch) => Promise<void>;
}

/** What {@linkcode refreshBatch} did. */
export interface RefreshReport {
  /** Source files parsed into the cache (or found there). */
  parsed: number;
  /** The pack's sync counts; absent when there is no pack or no syncer. */
  pack?: PackSyncCounts;
  /** Error codes of the steps that failed, by step (`parse`, `pack`, `lsp`). */
  errors: Record<string, string>;
}

/** Run `step`, recording a failure's code under `name` instead of throwing. */
async function attempt<T>(
  errors: Record<string, string>,
  name: string,
  step: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await step();
  } catch (err) {
    // Each step stands alone: a failed sync must not keep the servers stale.
    errors[name] = toTrifectaError(err).code;
    return undefined;
  }
}

/**
 * Refresh the cache, the pack and the servers for one batch (see the
 * module doc). The batch's own segment (the config globs it was scanned
 * under, `WatchBatch.segment`) wins over `segment`.
 */
export async function refreshBatch(
  start: Segment,
  batch: WatchBatch,
  options: RefreshOptions = {},
): Promise<RefreshReport> {
  const segment = batch.segment ?? start;
  const began = performance.now();
  const errors: Record<string, string> = {};
  const sources = [...batch.added, ...batch.changed]
    .filter((rel) => languageOf(rel) !== undefined)
    .map((rel) => ({ rel, abs: join(segment.root, rel) }));
  let parsed = 0;
  const { cache, pool, telemetry, syncPack, notifyServers } = options;
  if (cache !== undefined && sources.length > 0) {
    const done = await attempt(
      errors,
      "parse",
      () => skeletonOfFiles(segment, sources, { cache, pool, telemetry }),
    );
    parsed = done?.stats.parsed ?? 0;
  }
  const paths = [...batch.added, ...batch.changed, ...batch.deleted];
  const pack = syncPack
    ? await attempt(errors, "pack", () => syncPack(paths, batch.segment))
    : undefined;
  if (notifyServers) await attempt(errors, "lsp", () => notifyServers(batch));
  telemetry?.event("watch.batch", {
    args: { rescan: batch.rescan ?? null },
    result: {
      status: Object.keys(errors).length > 0 ? "error" : "ok",
      added: batch.added.length,
      changed: batch.changed.length,
      deleted: batch.deleted.length,
      parsed,
      pack_mode: pack?.mode ?? null,
      ...(Object.keys(errors).length > 0 ? { errors } : {}),
    },
    timingMs: batch.ms + (performance.now() - began),
  });
  const report: RefreshReport = { parsed, errors };
  if (pack !== undefined) report.pack = pack;
  return report;
}
