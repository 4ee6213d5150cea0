/**
 * The pending events of a watcher: file-system events turned into
 * segment-relative paths, coalesced into one set until the debounce fires,
 * and bounded. Events under trifecta's own directories, VCS metadata and
 * the directories the walker never enters are dropped here (the walker's
 * own `SKIPPED_DIRS` and `VCS_DIRS`, not a second list); every other path
 * is judged later by the walker itself (lib/watch/scan.ts). When more
 * paths are pending than the bound, or the platform says events were lost
 * (`flag: "rescan"`), the paths are dropped and a full re-scan is asked
 * for instead: memory stays bounded and nothing is missed.
 *
 * @module
 */
import { isWithin, relpath, SKIPPED_DIRS, VCS_DIRS } from "../segment/mod.ts";

/** A file-system event, as `Deno.watchFs` reports it (the fields read here). */
export interface RawEvent {
  /** `create`, `modify`, `rename`, `remove`, `access`, `any`, `other`. */
  kind: string;
  /** Absolute paths the event names. */
  paths: readonly string[];
  /** `rescan` when the platform lost events. */
  flag?: string | null;
}

/** Why a full re-scan was asked for. */
export type RescanReason =
  | "start"
  | "overflow"
  | "lost_events"
  | "watch_error"
  | "periodic"
  | "config_changed";

/** What the buffer held when taken. */
export interface PendingBatch {
  /** Segment-relative paths named by events, sorted. */
  paths: string[];
  /** Set when the whole segment must be re-scanned (the paths are then empty). */
  rescan?: RescanReason;
}

/** Paths pending at most, by default, before a full re-scan replaces them. */
export const DEFAULT_MAX_PENDING = 4096;

/** Options for {@linkcode EventBuffer}. */
export interface EventBufferOptions {
  /** Paths pending at most (default {@linkcode DEFAULT_MAX_PENDING}). */
  maxPending?: number;
}

/**
 * The segment-relative path of an event path, or undefined when the
 * watcher has no business with it: outside the segment, the root itself,
 * or under a directory the walker never enters.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { watchedRel } from "./events.ts";
 * equal(watchedRel("/repo", "/repo/src/app.py"), "src/app.py");
 * equal(watchedRel("/repo", "/repo/_ctx/pack.db"), undefined);
 * equal(watchedRel("/repo", "/repo/.git/index"), undefined);
 * equal(watchedRel("/repo", "/elsewhere/x.py"), undefined);
 * ```
 */
export function watchedRel(root: string, abs: string): string | undefined {
  if (!isWithin(root, abs)) return undefined;
  const rel = relpath(root, abs);
  if (rel === "." || rel === "") return undefined;
  const parts = rel.split("/");
  // A directory the walker never enters hides all below it; its own entry
  // (a file that happens to be named `dist`) is left to the walker.
  for (const [i, part] of parts.entries()) {
    if (VCS_DIRS.has(part)) return undefined;
    if (i < parts.length - 1 && SKIPPED_DIRS.has(part)) return undefined;
  }
  return rel;
}

/**
 * Events coalesced into a bounded set of paths (see the module doc).
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { EventBuffer } from "./events.ts";
 * const buf = new EventBuffer("/repo", { maxPending: 2 });
 * buf.add({ kind: "create", paths: ["/repo/a.py"] });
 * buf.add({ kind: "modify", paths: ["/repo/a.py"] });
 * buf.add({ kind: "access", paths: ["/repo/b.py"] }); // reads and closes change nothing
 * deepEqual(buf.take(), { paths: ["a.py"] });
 * for (const n of [1, 2, 3]) buf.add({ kind: "create", paths: [`/repo/f${n}.py`] });
 * deepEqual(buf.take(), { paths: [], rescan: "overflow" });
 * ```
 */
export class EventBuffer {
  #root: string;
  #max: number;
  #paths = new Set<string>();
  #rescan: RescanReason | undefined;

  /** A buffer for the segment whose real root is `root`. */
  constructor(root: string, options: EventBufferOptions = {}) {
    this.#root = root;
    this.#max = Math.max(1, options.maxPending ?? DEFAULT_MAX_PENDING);
  }

  /** True when nothing is pending. */
  get empty(): boolean {
    return this.#paths.size === 0 && this.#rescan === undefined;
  }

  /** Add one event; true when it left something to do. */
  add(event: RawEvent): boolean {
    if (event.flag === "rescan") {
      this.requestRescan("lost_events");
      return true;
    }
    if (event.kind === "access") return false;
    let queued = false;
    for (const abs of event.paths) {
      const rel = watchedRel(this.#root, abs);
      if (rel === undefined) continue;
      queued = true;
      if (this.#rescan !== undefined) continue; // a re-scan covers every path
      this.#paths.add(rel);
      if (this.#paths.size > this.#max) this.requestRescan("overflow");
    }
    return queued;
  }

  /** Ask for a full re-scan; pending paths are dropped (the re-scan covers them). */
  requestRescan(reason: RescanReason): void {
    this.#rescan ??= reason;
    this.#paths.clear();
  }

  /** Take what is pending and start empty. */
  take(): PendingBatch {
    const batch: PendingBatch = { paths: [...this.#paths].sort() };
    if (this.#rescan !== undefined) batch.rescan = this.#rescan;
    this.#paths.clear();
    this.#rescan = undefined;
    return batch;
  }
}
