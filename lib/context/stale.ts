/**
 * Quick stale check: compare the files on disk with the sizes and mtimes the
 * pack recorded, and re-read (through the read boundary) only the files
 * whose size or mtime moved at all. A file the boundary now refuses (turned
 * into a symlink out of the segment, a key file, a FIFO …) counts as
 * changed: the next build leaves it out.
 *
 * @module
 */
import { join } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { contentSha256Hex, readInsideSync, type Segment } from "../segment/mod.ts";
import { normalizeNewlines } from "./text.ts";

/** A source file as recorded at build time. */
export interface RecordedSource {
  /** Segment-relative path. */
  path: string;
  /** sha256 of the normalised (secret-masked) text. */
  sha256: string;
  /** mtime, epoch seconds. */
  mtime: number;
  /** Size in bytes (0 or absent in packs that did not record it). */
  bytes?: number;
}

/** What {@linkcode checkStale} found. */
export interface StaleReport {
  /** True when a file changed or disappeared. */
  stale: boolean;
  /** Files whose content changed (or that the read boundary now refuses). */
  changed: string[];
  /** Files that disappeared. */
  missing: string[];
}

/**
 * Whether `lstat` shows the file at `abs` as a regular file (not a symlink)
 * with the recorded size and mtime: the rule by which `ctx sync` and a quick
 * validate leave a file unread.
 */
export function statMatches(abs: string, recorded: { bytes?: number; mtime: number }): boolean {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(abs);
  } catch (err) {
    // Gone or unreadable: the caller's read through the boundary names it.
    if (err instanceof Error) return false;
    throw err;
  }
  const mtime = (info.mtime?.getTime() ?? 0) / 1000;
  return info.isFile && info.size === recorded.bytes && Math.abs(mtime - recorded.mtime) < 1e-6;
}

/** The hash a build records for a file's text: sha256 of the normalised, masked text. */
export function textSha256(maskedText: string): string {
  return contentSha256Hex(normalizeNewlines(maskedText));
}

/** Compare recorded sources with the disk (cheap: stat first, read only on doubt). */
export function checkStale(segment: Segment, sources: readonly RecordedSource[]): StaleReport {
  const changed: string[] = [];
  const missing: string[] = [];
  for (const s of sources) {
    let info: Deno.FileInfo | undefined;
    try {
      info = Deno.statSync(join(segment.root, s.path));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        missing.push(s.path);
        continue;
      }
      // Anything else (a loop, a path the grants do not cover): the
      // boundary below names it; here it only means "look closer".
      info = undefined;
    }
    if (info) {
      const mtime = (info.mtime?.getTime() ?? 0) / 1000;
      if (s.bytes !== undefined && info.size === s.bytes && Math.abs(mtime - s.mtime) < 1e-6) {
        continue;
      }
    }
    let text: string;
    try {
      text = readInsideSync(segment, s.path).text;
    } catch (err) {
      if (err instanceof TrifectaError && err.code === "FILE_NOT_FOUND") missing.push(s.path);
      else if (err instanceof TrifectaError) changed.push(s.path);
      else throw err;
      continue;
    }
    if (textSha256(text) !== s.sha256) changed.push(s.path);
  }
  return { stale: changed.length + missing.length > 0, changed, missing };
}
