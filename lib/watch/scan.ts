/**
 * What the watcher knows of the segment: every file the walker admits,
 * with its size and mtime, and the comparison of a fresh scan of one
 * directory (or the whole segment) with it. Only the walker decides what
 * counts (`.gitignore`, the denylist, links that leave the segment, secret
 * names): a path it leaves out is never reported, so never read. Scans
 * stat files; they read none.
 *
 * @module
 */
import { join } from "../path.ts";
import { type Segment, walkFiles } from "../segment/mod.ts";

/** What a scan records of one file. */
export interface FileStamp {
  /** Modification time (ms). */
  mtimeMs: number;
  /** Size in bytes. */
  size: number;
}

/** Files by segment-relative path. */
export type FileStates = Map<string, FileStamp>;

/** Files added, changed and deleted, each sorted. */
export interface ChangeSet {
  /** New files. */
  added: string[];
  /** Files whose content may have changed. */
  changed: string[];
  /** Files gone (deleted, renamed away, or now refused by the walker). */
  deleted: string[];
}

/** Files stat'ed between two yields to the event loop. */
const STAT_SLICE = 256;

/**
 * Scan `dirRel` ("" for the whole segment): the walker's files under it,
 * with their stamps. A directory that is gone scans as empty.
 */
export async function scanDir(segment: Segment, dirRel: string): Promise<FileStates> {
  const states: FileStates = new Map();
  const { files } = await walkFiles(
    segment,
    dirRel === "" ? segment.root : join(segment.root, dirRel),
  );
  for (const [i, file] of files.entries()) {
    // Yield now and then: a re-scan of a large tree must not hold up an MCP session.
    if (i > 0 && i % STAT_SLICE === 0) await new Promise((r) => setTimeout(r, 0));
    try {
      const info = Deno.statSync(file.abs);
      states.set(file.rel, { mtimeMs: info.mtime?.getTime() ?? 0, size: info.size });
    } catch (err) {
      // Deleted since the walk listed it: it is simply not there.
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  return states;
}

/** True when `rel` is `dirRel` or below it ("" holds everything). */
export function isUnder(rel: string, dirRel: string): boolean {
  return dirRel === "" || rel === dirRel || rel.startsWith(`${dirRel}/`);
}

/** A fresh scan of one directory ("" for the whole segment). */
export interface DirScan {
  /** The directory scanned, segment-relative ("" for the root). */
  dirRel: string;
  /** What the scan found under it (empty when the directory is gone). */
  fresh: FileStates;
}

/** Options for {@linkcode applyScan}. */
export interface ApplyOptions {
  /** Paths events named: reported as changed when present before and after, even at the same stamp. */
  touched?: ReadonlySet<string>;
}

/**
 * Compare a fresh scan of a directory with what is known under it, update
 * `known` to match, and return the differences.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { applyScan, type FileStates } from "./scan.ts";
 * const known: FileStates = new Map([
 *   ["a.py", { mtimeMs: 1, size: 1 }],
 *   ["src/b.py", { mtimeMs: 1, size: 1 }],
 *   ["src/c.py", { mtimeMs: 1, size: 1 }],
 * ]);
 * const fresh: FileStates = new Map([
 *   ["src/b.py", { mtimeMs: 2, size: 1 }],
 *   ["src/d.py", { mtimeMs: 1, size: 1 }],
 * ]);
 * const out = applyScan(known, { dirRel: "src", fresh });
 * deepEqual(out, { added: ["src/d.py"], changed: ["src/b.py"], deleted: ["src/c.py"] });
 * deepEqual([...known.keys()].sort(), ["a.py", "src/b.py", "src/d.py"]);
 * ```
 */
export function applyScan(
  known: FileStates,
  scan: DirScan,
  options: ApplyOptions = {},
): ChangeSet {
  const out: ChangeSet = { added: [], changed: [], deleted: [] };
  for (const rel of [...known.keys()]) {
    if (!isUnder(rel, scan.dirRel) || scan.fresh.has(rel)) continue;
    known.delete(rel);
    out.deleted.push(rel);
  }
  for (const [rel, stamp] of scan.fresh) {
    const before = known.get(rel);
    known.set(rel, stamp);
    if (before === undefined) out.added.push(rel);
    else if (
      before.mtimeMs !== stamp.mtimeMs || before.size !== stamp.size ||
      options.touched?.has(rel)
    ) out.changed.push(rel);
  }
  return normaliseChanges([out]);
}

/**
 * Merge change sets into one: each list sorted, without duplicates (several
 * scan roots may meet).
 */
export function normaliseChanges(parts: readonly ChangeSet[]): ChangeSet {
  const uniq = (pick: (c: ChangeSet) => string[]) => [...new Set(parts.flatMap(pick))].sort();
  return {
    added: uniq((c) => c.added),
    changed: uniq((c) => c.changed),
    deleted: uniq((c) => c.deleted),
  };
}

/** True when nothing changed. */
export function isEmptyChange(changes: ChangeSet): boolean {
  return changes.added.length + changes.changed.length + changes.deleted.length === 0;
}

/**
 * True when a fresh scan of the whole segment differs from what is known
 * (a file added, gone, or with another stamp). Neither map is changed.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { differs, type FileStates } from "./scan.ts";
 * const known: FileStates = new Map([["a.py", { mtimeMs: 1, size: 1 }]]);
 * equal(differs(known, new Map([["a.py", { mtimeMs: 1, size: 1 }]])), false);
 * equal(differs(known, new Map([["a.py", { mtimeMs: 2, size: 1 }]])), true);
 * equal(differs(known, new Map()), true);
 * ```
 */
export function differs(known: FileStates, fresh: FileStates): boolean {
  if (known.size !== fresh.size) return true;
  for (const [rel, stamp] of fresh) {
    const before = known.get(rel);
    if (before === undefined || before.mtimeMs !== stamp.mtimeMs || before.size !== stamp.size) {
      return true;
    }
  }
  return false;
}
