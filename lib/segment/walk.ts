/**
 * The segment walker: files under a directory in sorted order, honouring
 * `.gitignore` files at every level, skipping tool and dependency
 * directories. It never throws on a hostile entry: each one it leaves out
 * is listed with a named reason ({@linkcode SkipReason}):
 *
 * - `denied`: the name matches the denylist (VCS directories are left out
 *   silently: every checkout has one);
 * - `symlink_outside_segment`, `symlink_to_denied`, `symlink_loop`: a
 *   symlink is judged by its real target, not its name;
 * - `invalid_name` (not valid UTF-8), `path_too_long` (PATH_MAX, or a
 *   directory deeper than {@linkcode MAX_WALK_DEPTH}: not entered);
 * - `too_complex`: a `.gitignore` with lines dropped by the matcher's caps
 *   (gitignore_rules.ts; its other lines apply);
 * - `vanished` (deleted during the walk), `unreadable` (a directory that
 *   cannot be listed, a dangling symlink);
 * - `not_regular_file` (FIFO, socket, device: reading would block or never end);
 * - `secret_in_name`: the name, or a symlink's target, holds a secret (a
 *   token in a file or directory name would reach outputs in paths and ids);
 *   listed under its masked name.
 *
 * Symlinked directories are not followed: a target inside the segment is
 * walked under its real name anyway, following links invites loops and
 * duplicates, and a link's target can be changed between the walk and the
 * read. Links that leave the segment or land on a denied file are reported
 * whether or not `.gitignore` covers them (a language server does not read
 * `.gitignore`). Files found here are still read only through the read
 * boundary (boundary.ts), which checks each again.
 *
 * @module
 */
import { normalize } from "../path.ts";
import { readInsideSync } from "./boundary.ts";
import { osCode } from "./fs_errors.ts";
import { maskedName, nameHasSecret, pathTooLong } from "./names.ts";
import { isWithin, relpath } from "./contain.ts";
import { isDeniedAny, VCS_DIRS } from "./denylist.ts";
import type { Segment } from "./segment.ts";
import { type SkipReason, skipReasonOf } from "./skip.ts";
import { GitignoreRules, parseGitignore, PathView } from "./gitignore_rules.ts";

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

/** Size cap for a `.gitignore` (a larger one is skipped as `too_large`). */
export const GITIGNORE_MAX_BYTES = 1024 * 1024;

/**
 * Patterns in force at once along one path (all its `.gitignore` files
 * together): a deeper file's patterns past this are dropped and the file is
 * reported `too_complex`. With {@linkcode MAX_WALK_DEPTH} it bounds the cost
 * of one check (gitignore_rules.ts).
 */
export const MAX_ACTIVE_PATTERNS = 20_000;

/**
 * Directory levels below the segment root the walker enters; a deeper
 * directory is reported `path_too_long` and not entered. Real trees stay far
 * below it; it bounds the cost of one `.gitignore` check with the pattern caps.
 */
export const MAX_WALK_DEPTH = 128;

/** A file found by the walker. */
export interface WalkedFile {
  /** Absolute path as walked (a symlink's own path; its target is inside). */
  abs: string;
  /** Segment-relative POSIX path. */
  rel: string;
}

/** A path the walker left out, and why. */
export interface SkippedPath {
  /**
   * Segment-relative POSIX path (may hold U+FFFD for an invalid name), its
   * secrets masked.
   */
  rel: string;
  /** Why (see the module doc). */
  reason: SkipReason;
}

/** Options for {@linkcode walkFiles}. */
export interface WalkOptions {
  /** Keep only files with these extensions (with the dot, e.g. `.md`). */
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
  /** Components in `dir` (0 for the root): where its relative paths start. */
  depth: number;
  rules: GitignoreRules;
}

/**
 * Git's precedence: the deepest `.gitignore` with a matching line decides
 * (so `!keep.log` in `sub/` re-includes what the root's `*.log` ignored).
 * The config's `ignore` globs (`extra`) are not overridden by any `.gitignore`.
 */
function ignoredBy(
  extra: GitignoreRules | undefined,
  scopes: readonly Scope[],
  rel: string,
  isDir: boolean,
): boolean {
  if (!extra && scopes.length === 0) return false; // most trees: no .gitignore to split paths for
  const view = new PathView(rel);
  if (extra?.verdict(view, 0, isDir) === true) return true;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i];
    const verdict = scope?.rules.verdict(view, scope.depth, isDir);
    if (verdict !== undefined) return verdict;
  }
  return false;
}

/** Patterns in force in `scopes`. */
function activePatterns(scopes: readonly Scope[]): number {
  return scopes.reduce((n, s) => n + s.rules.size, 0);
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The reason a file-system error on a walked entry maps to. */
function reasonOfError(err: unknown): SkipReason {
  // Inside the (granted) segment, only a link that leads out can be ungranted.
  if (err instanceof Deno.errors.NotCapable) return "symlink_outside_segment";
  if (err instanceof Deno.errors.FilesystemLoop || osCode(err) === "ELOOP") return "symlink_loop";
  if (osCode(err) === "ENAMETOOLONG") return "path_too_long";
  if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
    return "vanished";
  }
  return "unreadable";
}

/** True when a name read as U+FFFD is not the name on disk (invalid UTF-8). */
function invalidName(abs: string, name: string): boolean {
  if (!name.includes("\uFFFD")) return false;
  try {
    Deno.lstatSync(abs);
    return false; // a real U+FFFD in a valid name
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return true;
    throw err;
  }
}

/**
 * "Ends with one of these extensions", by set lookups at the name's dots
 * rather than one `endsWith` per extension for every file walked.
 */
class ExtensionFilter {
  readonly #dotted: ReadonlySet<string>;
  /** Extensions not starting with a dot (none in practice): checked one by one. */
  readonly #other: readonly string[];

  constructor(exts: readonly string[]) {
    this.#dotted = new Set(exts.filter((e) => e.startsWith(".")));
    this.#other = exts.filter((e) => !e.startsWith("."));
  }

  /** True when `name` ends with one of the extensions (as `endsWith` would say). */
  matches(name: string): boolean {
    // A dotted extension that `name` ends with starts at one of its dots.
    for (let dot = name.lastIndexOf("."); dot !== -1; dot = name.lastIndexOf(".", dot - 1)) {
      if (this.#dotted.has(name.slice(dot))) return true;
      if (dot === 0) break;
    }
    return this.#other.some((e) => name.endsWith(e));
  }
}

/** How a directory entry is to be treated once its symlink (if any) is judged. */
type EntryKind = { dir: boolean; file: boolean } | SkipReason | "not_followed";

/** One walk: the segment, the filter, and what was found so far. */
class Walker {
  readonly files: WalkedFile[] = [];
  readonly skipped: SkippedPath[] = [];
  /** The config's `ignore` globs, matched like a root `.gitignore`. */
  readonly extra: GitignoreRules | undefined;
  /** The start directory (or one above it) is ignored: so is all it holds, as in git. */
  startIgnored = false;

  /** The extension filter, if any. */
  readonly exts: ExtensionFilter | undefined;

  constructor(readonly segment: Segment, exts: readonly string[] | undefined) {
    this.exts = exts === undefined ? undefined : new ExtensionFilter(exts);
    const globs = segment.extraIgnore ?? [];
    this.extra = globs.length > 0 ? new GitignoreRules(globs) : undefined;
  }

  ignored(scopes: readonly Scope[], rel: string, isDir: boolean): boolean {
    return this.startIgnored || ignoredBy(this.extra, scopes, rel, isDir);
  }

  /** Record a path left out; reports print `rel`, so a secret in it is masked. */
  skip(rel: string, reason: SkipReason): void {
    this.skipped.push({ rel: maskedName(rel), reason });
  }

  /** The `.gitignore` rules of `relDir`, if it has a readable one, within the pattern budget. */
  loadScope(relDir: string, active: readonly Scope[]): Scope | undefined {
    const rel = relDir === "" ? ".gitignore" : `${relDir}/.gitignore`;
    let text: string;
    try {
      // Through the boundary: a .gitignore may be a symlink out, a FIFO or huge.
      text = readInsideSync(this.segment, rel, { maxBytes: GITIGNORE_MAX_BYTES }).text;
    } catch (err) {
      // Most directories have none (vanished = not there); others are reported.
      const reason = skipReasonOf(err);
      if (reason !== "vanished") this.skip(rel, reason);
      return undefined;
    }
    const budget = Math.max(0, MAX_ACTIVE_PATTERNS - activePatterns(active));
    const rules = parseGitignore(text, { maxPatterns: budget });
    // Dropped lines only make more files visible; the denylist and the read boundary still apply.
    if (rules.dropped > 0) this.skip(rel, "too_complex");
    return { dir: relDir, depth: relDir === "" ? 0 : relDir.split("/").length, rules };
  }

  /** Scopes from the segment root down to (not including) `startRel`'s own. */
  scopesAbove(startRel: string): Scope[] {
    const scopes: Scope[] = [];
    const rootScope = this.loadScope("", scopes);
    if (rootScope) scopes.push(rootScope);
    if (startRel === ".") return scopes;
    const parts = startRel.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      // Git never looks inside an ignored directory: nothing below it is listed.
      if (ignoredBy(this.extra, scopes, dir, true)) this.startIgnored = true;
      if (i === parts.length) break;
      const scope = this.loadScope(dir, scopes);
      if (scope) scopes.push(scope);
    }
    return scopes;
  }

  visit(absDir: string, relDir: string, active: Scope[]): void {
    // Sync, down to each entry: a walk is thousands of small listings with
    // nothing to overlap, and an `await` per entry cost a promise and a
    // microtask turn each (most of a first walk runs in the interpreter).
    const entries: Deno.DirEntry[] = [];
    let failure: unknown;
    try {
      for (const entry of Deno.readDirSync(absDir)) entries.push(entry);
    } catch (err) {
      failure = err; // reported below, after this directory's .gitignore
    }
    // A .gitignore is read only where the listing shows one (or the listing
    // failed: then the read says why); most directories have none.
    const mayIgnore = failure !== undefined || entries.some((e) => e.name === ".gitignore");
    const local = relDir === "" || !mayIgnore ? undefined : this.loadScope(relDir, active);
    const here = local ? [...active, local] : active;
    if (failure !== undefined) {
      // Vanished or unreadable mid-walk: report it, keep what was listed.
      this.skip(relDir === "" ? "." : relDir, reasonOfError(failure));
      if (entries.length === 0) return;
    }
    entries.sort(byName);
    // `absDir` is absolute and normalised (the start is a real path) and a
    // listed name is one component (never "", "." or ".."): a plain join.
    const base = absDir.endsWith("/") ? absDir : `${absDir}/`;
    for (const entry of entries) {
      const rel = relDir === "" ? entry.name : `${relDir}/${entry.name}`;
      this.visitEntry(entry, base + entry.name, rel, here);
    }
  }

  /** What `entry` is, judging a symlink by its real target. */
  kindOf(entry: Deno.DirEntry, abs: string): EntryKind {
    try {
      if (invalidName(abs, entry.name)) return "invalid_name";
      if (!entry.isSymlink) return { dir: entry.isDirectory, file: entry.isFile };
      const real = Deno.realPathSync(abs);
      if (!isWithin(this.segment.root, real)) return "symlink_outside_segment";
      const realRel = relpath(this.segment.root, real);
      if (isDeniedAny(realRel, this.segment.extraDeny)) return "symlink_to_denied";
      if (nameHasSecret(realRel)) return "secret_in_name";
      // Not followed (see the module doc); its target is walked by its real name.
      const info = Deno.statSync(real);
      return info.isDirectory ? "not_followed" : { dir: false, file: info.isFile };
    } catch (err) {
      const reason = reasonOfError(err);
      // A dangling link is not a vanished file: say it cannot be read.
      return reason === "vanished" && entry.isSymlink && exists(abs) ? "unreadable" : reason;
    }
  }

  visitEntry(entry: Deno.DirEntry, abs: string, rel: string, here: Scope[]): void {
    // First: a name with a secret is never listed, whatever else it is.
    if (nameHasSecret(rel)) return this.skip(rel, "secret_in_name");
    if (pathTooLong(abs)) return this.skip(rel, "path_too_long");
    if (isDeniedAny(rel, this.segment.extraDeny)) {
      if (!VCS_DIRS.has(entry.name)) this.skip(rel, "denied");
      return;
    }
    const kind = this.kindOf(entry, abs);
    if (kind === "not_followed") return;
    if (typeof kind === "string") return this.skip(rel, kind);
    if (kind.dir) {
      if (SKIPPED_DIRS.has(entry.name) || this.ignored(here, rel, true)) return;
      if (rel.split("/").length > MAX_WALK_DEPTH) return this.skip(rel, "path_too_long");
      return this.visit(abs, rel, here);
    }
    if (this.exts && !this.exts.matches(entry.name)) return;
    if (this.ignored(here, rel, false)) return;
    if (!kind.file) return this.skip(rel, "not_regular_file");
    this.files.push({ abs, rel });
  }
}

/**
 * Walk `startAbs` (a real directory inside the segment) and list its files.
 *
 * @example
 * ```ts
 * import { resolveSegment, walkFiles } from "./mod.ts";
 * import { deepEqual } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${dir}/src`);
 * Deno.writeTextFileSync(`${dir}/src/app.txt`, "x = 1\n");
 * Deno.writeTextFileSync(`${dir}/src/notes.md`, "# notes\n");
 * Deno.writeTextFileSync(`${dir}/.env`, "TOKEN=1\n");
 * const seg = await resolveSegment(dir);
 * const { files, skipped } = await walkFiles(seg, seg.root, { extensions: [".txt"] });
 * deepEqual(files.map((f) => f.rel), ["src/app.txt"]);
 * deepEqual(skipped, [{ rel: ".env", reason: "denied" }]);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function walkFiles(
  segment: Segment,
  startAbs: string,
  options: WalkOptions = {},
): Promise<WalkResult> {
  try {
    return Promise.resolve(walkSync(segment, normalize(startAbs), options));
  } catch (err) {
    // Not swallowed: a failure rejects, as it did when the walk was async.
    return Promise.reject(err);
  }
}

/** {@linkcode walkFiles}, in one synchronous pass (`startAbs` normalised). */
function walkSync(segment: Segment, startAbs: string, options: WalkOptions): WalkResult {
  const walker = new Walker(segment, options.extensions);
  // Scopes from the segment root down to the start directory apply too.
  const startRel = relpath(segment.root, startAbs);
  const scopes = walker.scopesAbove(startRel);
  // The start directory's own .gitignore is already in `scopes` when it is
  // the root; for a sub-directory, visit() loads it.
  walker.visit(startAbs, startRel === "." ? "" : startRel, scopes);
  const files = walker.files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, skipped: walker.skipped };
}

function exists(abs: string): boolean {
  try {
    Deno.lstatSync(abs);
    return true;
  } catch {
    // Whatever the failure, there is no link left to call dangling.
    return false;
  }
}
