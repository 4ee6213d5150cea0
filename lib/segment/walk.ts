/**
 * The segment walker: files under a directory in sorted order, honouring
 * `.gitignore` files at every level, skipping tool and dependency
 * directories, denylisted files and symlinks that leave the segment.
 *
 * @module
 */
import type { Ignore } from "ignore";
import { join } from "../path.ts";
import { isDenied } from "./denylist.ts";
import { isWithin, relpath } from "./paths.ts";
import type { Segment } from "./segment.ts";

/** Directory names the walker never enters. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set([
  "node_modules",
  ".venv",
  "venv",
  "__pycache__",
  "_ctx",
  ".trifecta",
  ".mypy_cache",
  ".pytest_cache",
  ".tox",
  "dist",
]);

/** A file found by the walker. */
export interface WalkedFile {
  /** Real absolute path. */
  abs: string;
  /** Segment-relative POSIX path. */
  rel: string;
}

/** A path the walker left out, and why. */
export interface SkippedPath {
  /** Segment-relative POSIX path. */
  rel: string;
  /** `denied`, `symlink_outside_segment`, `symlink_loop` or `unreadable`. */
  reason: string;
}

/** Options for {@linkcode walkFiles}. */
export interface WalkOptions {
  /** Keep only files with these extensions (with the dot, e.g. `.py`). */
  extensions?: readonly string[];
}

/** What {@linkcode walkFiles} found. */
export interface WalkResult {
  /** Files in sorted order of their relative paths. */
  files: WalkedFile[];
  /** Paths left out with a reason (ignored files are not listed). */
  skipped: SkippedPath[];
}

interface Scope {
  /** Segment-relative directory of the `.gitignore` ("" for the root). */
  dir: string;
  rules: Ignore;
}

function ignoredBy(scopes: readonly Scope[], rel: string, isDir: boolean): boolean {
  for (const scope of scopes) {
    const sub = scope.dir === "" ? rel : rel.slice(scope.dir.length + 1);
    if (scope.rules.ignores(isDir ? `${sub}/` : sub)) return true;
  }
  return false;
}

// Loaded on first use: an npm import costs Deno ~30 ms of start-up, which
// commands that never walk should not pay.
let ignoreFactory: Promise<() => Ignore> | undefined;

async function loadScope(absDir: string, relDir: string): Promise<Scope | undefined> {
  try {
    const text = await Deno.readTextFile(join(absDir, ".gitignore"));
    ignoreFactory ??= import("ignore").then((m) => m.default);
    return { dir: relDir, rules: (await ignoreFactory)().add(text) };
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/**
 * Walk `startAbs` (a real directory inside the segment) and list its files.
 *
 * @example
 * ```ts
 * import { resolveSegment, walkFiles } from "./mod.ts";
 * const seg = await resolveSegment(".");
 * const { files } = await walkFiles(seg, seg.root, { extensions: [".py"] });
 * ```
 */
export async function walkFiles(
  segment: Segment,
  startAbs: string,
  options: WalkOptions = {},
): Promise<WalkResult> {
  const files: WalkedFile[] = [];
  const skipped: SkippedPath[] = [];
  const exts = options.extensions;

  // Scopes from the segment root down to the start directory apply too.
  const startRel = relpath(segment.root, startAbs);
  const scopes: Scope[] = [];
  const rootScope = await loadScope(segment.root, "");
  if (rootScope) scopes.push(rootScope);
  if (startRel !== ".") {
    const parts = startRel.split("/");
    for (let i = 1; i < parts.length; i++) {
      const relDir = parts.slice(0, i).join("/");
      const scope = await loadScope(join(segment.root, relDir), relDir);
      if (scope) scopes.push(scope);
    }
  }

  async function visit(absDir: string, relDir: string, active: Scope[]): Promise<void> {
    const local = relDir === "" ? undefined : await loadScope(absDir, relDir);
    const here = local ? [...active, local] : active;
    const entries: Deno.DirEntry[] = [];
    for await (const entry of Deno.readDir(absDir)) entries.push(entry);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = relDir === "" ? entry.name : `${relDir}/${entry.name}`;
      const abs = join(absDir, entry.name);
      if (isDenied(rel)) {
        if (!entry.isDirectory) skipped.push({ rel, reason: "denied" });
        continue;
      }
      let isDir = entry.isDirectory;
      let isFile = entry.isFile;
      if (entry.isSymlink) {
        let real: string;
        try {
          real = await Deno.realPath(abs);
        } catch (err) {
          const reason = err instanceof Deno.errors.FilesystemLoop ? "symlink_loop" : "unreadable";
          skipped.push({ rel, reason });
          continue;
        }
        if (!isWithin(segment.root, real)) {
          skipped.push({ rel, reason: "symlink_outside_segment" });
          continue;
        }
        // Symlinked directories are not followed: their targets inside the
        // segment are walked anyway, and following them invites loops.
        const info = await Deno.stat(real);
        isDir = false;
        isFile = info.isFile;
        if (info.isDirectory) continue;
      }
      if (isDir) {
        if (SKIPPED_DIRS.has(entry.name)) continue;
        if (ignoredBy(here, rel, true)) continue;
        await visit(abs, rel, here);
      } else if (isFile) {
        if (exts && !exts.some((e) => entry.name.endsWith(e))) continue;
        if (ignoredBy(here, rel, false)) continue;
        files.push({ abs, rel });
      }
    }
  }

  const startRelDir = startRel === "." ? "" : startRel;
  // The start directory's own .gitignore is already in `scopes` when it is
  // the root; for a sub-directory, visit() loads it.
  await visit(startAbs, startRelDir, scopes);
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, skipped };
}
