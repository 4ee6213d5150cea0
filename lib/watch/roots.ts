/**
 * Where to look after events: the directories to re-scan for a set of
 * event paths. A file's directory is re-scanned (the walker decides whether
 * the file counts, and a rename shows as one path gone and one new); a new
 * directory is scanned itself; a path that is gone needs no walk (what was
 * known under it is deleted). A `.gitignore` changes what its directory
 * admits, so its directory is re-scanned. A scan root is always a real
 * directory inside the segment: one reached through a symlink is replaced
 * by its nearest real ancestor (the walker then judges the link).
 *
 * @module
 */
import { dirname, join } from "../path.ts";
import type { Segment } from "../segment/mod.ts";
import { isUnder } from "./scan.ts";

/** One directory to re-scan. */
export interface ScanRoot {
  /** Segment-relative directory ("" for the root), or a gone path. */
  dirRel: string;
  /** True when the path is gone: nothing to walk, everything known under it is deleted. */
  gone: boolean;
}

function parentOf(rel: string): string {
  const up = dirname(rel);
  return up === "." ? "" : up;
}

/** How `rel` stands on disk now, without following a final symlink. */
function lstatKind(abs: string): "dir" | "other" | "gone" {
  try {
    const info = Deno.lstatSync(abs);
    return info.isDirectory ? "dir" : "other";
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      return "gone";
    }
    // Unreadable or refused: let the walk of its directory judge it.
    return "other";
  }
}

/** `dirRel` if it is a real directory, else its nearest real ancestor ("" at worst). */
function realDir(segment: Segment, dirRel: string): ScanRoot {
  let rel = dirRel;
  while (rel !== "") {
    const abs = join(segment.root, rel);
    try {
      if (Deno.realPathSync(abs) === abs && Deno.statSync(abs).isDirectory) {
        return { dirRel: rel, gone: false };
      }
    } catch (err) {
      // Gone since the event: what was known under it is gone too.
      if (err instanceof Deno.errors.NotFound) return { dirRel: rel, gone: true };
      // A loop, a refused link, anything else: judge it from the parent.
    }
    rel = parentOf(rel);
  }
  return { dirRel: "", gone: false };
}

/** The root to re-scan for one event path. */
function rootOf(segment: Segment, rel: string): ScanRoot {
  const name = rel.slice(rel.lastIndexOf("/") + 1);
  if (name === ".gitignore") return realDir(segment, parentOf(rel));
  const kind = lstatKind(join(segment.root, rel));
  if (kind === "gone") return { dirRel: rel, gone: true };
  return realDir(segment, kind === "dir" ? rel : parentOf(rel));
}

/**
 * The roots to re-scan for `paths` (segment-relative), none inside another
 * that is walked.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { resolveSegment } from "../segment/mod.ts";
 * import { scanRootsOf } from "./roots.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${dir}/src/deep`, { recursive: true });
 * Deno.writeTextFileSync(`${dir}/src/a.py`, "x = 1\n");
 * const seg = await resolveSegment(dir);
 * deepEqual(scanRootsOf(seg, ["src/a.py", "src/deep", "old.py"]), [
 *   { dirRel: "old.py", gone: true },
 *   { dirRel: "src", gone: false },
 * ]);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function scanRootsOf(segment: Segment, paths: readonly string[]): ScanRoot[] {
  const found = new Map<string, ScanRoot>();
  for (const rel of paths) {
    const root = rootOf(segment, rel);
    const key = `${root.gone ? "gone" : "walk"}:${root.dirRel}`;
    found.set(key, root);
  }
  const all = [...found.values()].sort((a, b) =>
    a.dirRel.length - b.dirRel.length || (a.dirRel < b.dirRel ? -1 : 1)
  );
  const kept: ScanRoot[] = [];
  for (const root of all) {
    // A walk covers everything under it; a gone path covers what was under it.
    if (kept.some((k) => isUnder(root.dirRel, k.dirRel) && (!k.gone || root.gone))) continue;
    kept.push(root);
  }
  return kept.sort((a, b) => (a.dirRel < b.dirRel ? -1 : a.dirRel > b.dirRel ? 1 : 0));
}
