/**
 * Quick stale check: compare the files on disk with the sizes and mtimes the
 * pack recorded, and re-hash only the files whose size or mtime moved at all.
 *
 * @module
 */
import { join } from "../path.ts";
import { contentSha256Hex, type Segment } from "../segment/mod.ts";
import { normalizeNewlines } from "./text.ts";

/** A source file as recorded at build time. */
export interface RecordedSource {
  /** Segment-relative path. */
  path: string;
  /** sha256 of the normalised text. */
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
  /** Files whose content changed. */
  changed: string[];
  /** Files that disappeared. */
  missing: string[];
}

/** Compare recorded sources with the disk (cheap: stat first, hash only on doubt). */
export function checkStale(segment: Segment, sources: readonly RecordedSource[]): StaleReport {
  const changed: string[] = [];
  const missing: string[] = [];
  for (const s of sources) {
    const abs = join(segment.root, s.path);
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(abs);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        missing.push(s.path);
        continue;
      }
      throw err;
    }
    const mtime = (info.mtime?.getTime() ?? 0) / 1000;
    if (s.bytes !== undefined && info.size === s.bytes && Math.abs(mtime - s.mtime) < 1e-6) {
      continue;
    }
    const text = normalizeNewlines(new TextDecoder().decode(Deno.readFileSync(abs)));
    if (contentSha256Hex(text) !== s.sha256) changed.push(s.path);
  }
  return { stale: changed.length + missing.length > 0, changed, missing };
}
