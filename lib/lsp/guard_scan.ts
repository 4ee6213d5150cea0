/**
 * The scan of the segment guard (see lib/lsp/segment_guard.ts): every
 * directory of the segment listed, symlinks, importable sources and server
 * configs judged, and the findings kept per directory so that a later
 * {@linkcode revalidateScan} lists again only the directories that changed.
 *
 * @module
 */
import { dirname, join, resolve } from "../path.ts";
import { isDenied, isWithin, type Segment } from "../segment/mod.ts";
import { maskedName, nameHasSecret } from "../segment/names.ts";
import { VCS_DIRS } from "../segment/denylist.ts";
import { UNSAFE_LINK_REASONS } from "../segment/skip.ts";
import { configLeaves, segmentRel } from "./guard_config.ts";
import { configFormatAt, isServedSource } from "./server_files.ts";

/** Most entries scanned before the scan gives up (and fails closed). */
export const GUARD_MAX_ENTRIES = 1_000_000;

/** Directories package managers fill with hard links (uv, pnpm): not checked for them. */
const PACKAGE_DIR = /(^|\/)(node_modules|site-packages|dist-packages|\.venv|venv|__pypackages__)\//;

/** One thing the scan found. */
export interface GuardFinding {
  /** Segment-relative path (control characters escaped). */
  rel: string;
  /**
   * `symlink_outside_segment`, `symlink_to_denied`, `denied_source`,
   * `hard_linked_source` or `unsafe_server_config`.
   */
  reason: string;
}

/** What one directory holds, as of its last listing. */
interface DirRecord {
  /** Modification time (ms) when listed. */
  mtime: number;
  /** True when it was modified shortly before it was listed: listed again next time. */
  recent: boolean;
  /** Findings among its entries. */
  findings: GuardFinding[];
  /** Its subdirectories (absolute). */
  subdirs: string[];
  /** Its server config files (absolute) with their mtime and size. */
  configs: Map<string, string>;
  /** Entries listed. */
  entries: number;
}

/** The result of a scan, kept and revalidated by {@linkcode GuardCache}. */
export interface GuardScan {
  /** Symlinks that leave the segment or land on a denied file. */
  unsafeLinks: number;
  /** Importable source files on the denylist. */
  deniedSources: number;
  /** Server configs naming a path outside the segment. */
  unsafeConfigs: number;
  /** True when the scan stopped at {@linkcode GUARD_MAX_ENTRIES}. */
  incomplete: boolean;
  /** The first findings (at most 5), for the message. */
  examples: GuardFinding[];
  /** Entries looked at. */
  entries: number;
  /** Per directory (absolute path): what it held when last listed. */
  dirs: Map<string, DirRecord>;
  /** `performance.now()` of the last full scan. */
  at: number;
}

/**
 * A directory modified this close before it was listed may change again
 * within the same mtime tick (file systems keep coarse times, Deno reports
 * milliseconds): it is listed again at the next revalidation.
 */
const RECENT_MS = 1000;

const EXAMPLES_KEPT = 5;

// deno-lint-ignore no-control-regex -- these are the characters matched on purpose
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Escape control characters so a hostile name cannot fake output lines. */
function shown(rel: string): string {
  return rel.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

function mtimeOf(info: Deno.FileInfo): number {
  return info.mtime?.getTime() ?? -1;
}

function statKey(info: Deno.FileInfo): string {
  return `${mtimeOf(info)}:${info.size}`;
}

/** Classify one symlink: an unsafe-link reason, or undefined when it is safe. */
function linkReason(segment: Segment, abs: string): string | undefined {
  let real: string;
  try {
    real = Deno.realPathSync(abs);
  } catch (err) {
    if (err instanceof Deno.errors.FilesystemLoop) return undefined; // nothing to read through
    if (err instanceof Deno.errors.NotCapable) return UNSAFE_LINK_REASONS[0]; // leads out of the grant
    if (!(err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory)) {
      throw err;
    }
    // Dangling: judge the target as written, since it may be created later.
    let target: string;
    try {
      target = Deno.readLinkSync(abs);
    } catch (inner) {
      // Removed between the listing and now: nothing left to read through.
      if (inner instanceof Deno.errors.NotFound) return undefined;
      throw inner;
    }
    const lexical = resolve(dirname(abs), target);
    if (!isWithin(segment.root, lexical)) return UNSAFE_LINK_REASONS[0];
    return isDenied(segmentRel(segment.root, lexical)) ? UNSAFE_LINK_REASONS[1] : undefined;
  }
  if (!isWithin(segment.root, real)) return UNSAFE_LINK_REASONS[0];
  return real !== segment.root && isDenied(segmentRel(segment.root, real))
    ? UNSAFE_LINK_REASONS[1]
    : undefined;
}

/** True when a regular file has more than one hard link. */
function hardLinked(abs: string): boolean {
  try {
    const info = Deno.lstatSync(abs);
    return info.isFile && (info.nlink ?? 1) > 1;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false; // removed meanwhile
    throw err;
  }
}

/** List one directory: its findings, subdirectories and configs. */
function listDir(segment: Segment, dir: string): DirRecord | undefined {
  let mtime: number;
  let entries: Deno.DirEntry[];
  const listedAt = Date.now();
  try {
    mtime = mtimeOf(Deno.statSync(dir));
    entries = [...Deno.readDirSync(dir)];
  } catch (err) {
    // Removed or made unreadable meanwhile: the server cannot read it either.
    if (
      err instanceof Deno.errors.NotFound || err instanceof Deno.errors.PermissionDenied ||
      err instanceof Deno.errors.NotADirectory
    ) return undefined;
    throw err;
  }
  const record: DirRecord = {
    mtime,
    recent: mtime < 0 || mtime >= listedAt - RECENT_MS,
    findings: [],
    subdirs: [],
    configs: new Map(),
    entries: entries.length,
  };
  for (const entry of entries) {
    const abs = join(dir, entry.name);
    const rel = segmentRel(segment.root, abs);
    if (entry.isSymlink) {
      const reason = linkReason(segment, abs);
      if (reason) {
        record.findings.push({ rel: shown(rel), reason });
        continue;
      }
    } else if (entry.isDirectory) {
      if (!VCS_DIRS.has(entry.name)) record.subdirs.push(abs);
      continue;
    } else if (!entry.isFile) continue;
    // A regular file, or a link that stays inside onto a file or directory.
    // A file a language server may load as code (an extension of a language with a server).
    if (isServedSource(entry.name)) {
      // A path holding a secret is left out by the walker (`secret_in_name`)
      // and is shown masked: neither its content nor its name may surface.
      if (isDenied(rel) || nameHasSecret(rel)) {
        record.findings.push({ rel: shown(maskedName(rel)), reason: "denied_source" });
      } else if (entry.isFile && !PACKAGE_DIR.test(rel) && hardLinked(abs)) {
        record.findings.push({ rel: shown(rel), reason: "hard_linked_source" });
      }
    }
    // A config a server reads here (the registry's `configFiles`).
    const format = configFormatAt(entry.name, rel, dir === segment.root);
    if (format === undefined) continue;
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(abs);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue; // removed meanwhile
      throw err;
    }
    if (!info.isFile) continue;
    record.configs.set(abs, statKey(info));
    if (mtimeOf(info) >= listedAt - RECENT_MS) record.recent = true; // edited in place just now
    if (configLeaves(segment, abs, format)) {
      record.findings.push({ rel: shown(rel), reason: "unsafe_server_config" });
    }
  }
  return record;
}

/** List `top` and everything under it into `dirs`; false when the entry cap was hit. */
function listTree(segment: Segment, top: string, dirs: Map<string, DirRecord>): boolean {
  let entries = 0;
  for (const r of dirs.values()) entries += r.entries;
  const stack = [top];
  let dir: string | undefined;
  while ((dir = stack.pop()) !== undefined) {
    const record = listDir(segment, dir);
    if (!record) continue;
    dirs.set(dir, record);
    entries += record.entries;
    if (entries > GUARD_MAX_ENTRIES) return false;
    stack.push(...record.subdirs);
  }
  return true;
}

/** Forget `top` and everything recorded under it. */
function dropTree(top: string, dirs: Map<string, DirRecord>): void {
  const prefix = top + "/";
  for (const dir of [...dirs.keys()]) {
    if (dir === top || dir.startsWith(prefix)) dirs.delete(dir);
  }
}

/** Recompute the totals of a scan from its directory records. */
function totals(scan: GuardScan): GuardScan {
  scan.unsafeLinks = 0;
  scan.deniedSources = 0;
  scan.unsafeConfigs = 0;
  scan.entries = 0;
  scan.examples = [];
  for (const record of scan.dirs.values()) {
    scan.entries += record.entries;
    for (const f of record.findings) {
      if (f.reason === "denied_source" || f.reason === "hard_linked_source") scan.deniedSources++;
      else if (f.reason === "unsafe_server_config") scan.unsafeConfigs++;
      else scan.unsafeLinks++;
      if (scan.examples.length < EXAMPLES_KEPT) scan.examples.push(f);
    }
  }
  return scan;
}

/**
 * Scan the whole segment (see lib/lsp/segment_guard.ts). Synchronous: it is a tight
 * loop of directory reads, and a daemon answers nothing else meanwhile.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { resolveSegment } from "../segment/mod.ts";
 * import { scanSegmentGuard } from "./guard_scan.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.py`, "x = 1\n");
 * const segment = await resolveSegment(dir);
 * equal(scanSegmentGuard(segment).unsafeLinks, 0);
 * await Deno.symlink("/etc", `${dir}/out`); // leaves the segment
 * equal(scanSegmentGuard(segment).unsafeLinks, 1);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function scanSegmentGuard(segment: Segment): GuardScan {
  const scan: GuardScan = {
    unsafeLinks: 0,
    deniedSources: 0,
    unsafeConfigs: 0,
    incomplete: false,
    examples: [],
    entries: 0,
    dirs: new Map(),
    at: performance.now(),
  };
  scan.incomplete = !listTree(segment, segment.root, scan.dirs);
  return totals(scan);
}

/**
 * Bring a scan up to date in place: every directory is stat'ed; one whose
 * mtime changed, or that was modified shortly before its last listing, is
 * listed again (a new subdirectory is listed whole, a vanished one is
 * forgotten); every config file is stat'ed and checked again when it
 * changed. Returns the number of directories listed again.
 */
export function revalidateScan(segment: Segment, scan: GuardScan): number {
  if (scan.incomplete) {
    Object.assign(scan, scanSegmentGuard(segment));
    return scan.dirs.size;
  }
  let relisted = 0;
  for (const [dir, record] of [...scan.dirs]) {
    if (!scan.dirs.has(dir)) continue; // dropped with a parent meanwhile
    let mtime: number | undefined;
    try {
      mtime = mtimeOf(Deno.statSync(dir));
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory)) {
        throw err;
      }
    }
    let changedConfig = false;
    for (const [abs, key] of record.configs) {
      try {
        if (statKey(Deno.statSync(abs)) !== key) changedConfig = true;
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
        changedConfig = true;
      }
    }
    if (mtime === record.mtime && !record.recent && !changedConfig) continue;
    relisted++;
    const fresh = mtime === undefined ? undefined : listDir(segment, dir);
    if (!fresh) {
      dropTree(dir, scan.dirs);
      continue;
    }
    scan.dirs.set(dir, fresh);
    for (const gone of record.subdirs.filter((d) => !fresh.subdirs.includes(d))) {
      dropTree(gone, scan.dirs);
    }
    for (const added of fresh.subdirs.filter((d) => !scan.dirs.has(d))) {
      if (!listTree(segment, added, scan.dirs)) scan.incomplete = true;
    }
  }
  totals(scan);
  return relisted;
}
