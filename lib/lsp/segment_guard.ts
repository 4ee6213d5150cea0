/**
 * What keeps a language server from answering for a segment: a language
 * server reads files itself (imports, stubs, its config), so the read
 * boundary cannot check those reads one by one. Before a server is asked,
 * the segment is scanned, and answers fail closed (AST fallback with a named
 * reason) when the server could read what trifecta refuses:
 *
 * - `unsafe_links`: symlinks that leave the segment or land on a denied file
 *   (the walker's {@linkcode UNSAFE_LINK_REASONS}); a dangling link whose
 *   target lies outside counts too (the target may appear later);
 * - `denied_sources`: source files the server can import whose name is on
 *   the denylist (`id_rsa_backup.py`, `.env.ts`), or that have another hard
 *   link (which may be `.env` or a file outside; the read boundary refuses
 *   them too) — except in package directories (`node_modules`,
 *   `site-packages`, `.venv`, …), where package managers hard-link on purpose;
 * - `unsafe_server_config`: a server config (`pyrightconfig.json`,
 *   `pyproject.toml` `[tool.pyright]`, `tsconfig*.json`, `jsconfig.json`)
 *   naming a path outside the segment (`extraPaths`, `venvPath`, `extends`…)
 *   or any URI (`file:///…`), judged on decoded values (JSONC parsed by
 *   jsonc-parser, so `\u002e` escapes count); a pyproject.toml that
 *   mentions pyright in any form but plain `[tool.pyright]` tables of simple
 *   one-line values (dotted keys, inline tables, spaced or quoted headers,
 *   multi-line strings or arrays); a config that cannot be parsed; and a
 *   `.pth` file anywhere in the segment (a venv's `site-packages`) naming a
 *   directory outside it.
 *
 * pyright run by Deno is also sandboxed (lib/lsp/sandbox.ts: it cannot read
 * outside the segment whatever it is told); the scan is what protects a
 * server that is not (on PATH, or `TRIFECTA_LSP_COMMAND`).
 *
 * Unlike the walker, the scan ignores `.gitignore` and enters `node_modules`,
 * `.venv` and the other skipped directories: the server resolves imports
 * there too. Only VCS directories are skipped (not importable, never read).
 *
 * {@linkcode GuardCache} keeps a scan for a long-lived process (the daemon,
 * the MCP session) and revalidates it per question by the modification
 * times of every directory and config file it saw (a link, file or
 * directory added, removed or renamed changes its directory's mtime): a stat
 * per directory instead of a full walk. A directory whose mtime changed is
 * listed again (a new subdirectory whole); so is one modified within a
 * second before its last listing, since a change within the same mtime tick
 * would not show. A full rescan happens every {@linkcode GUARD_MAX_AGE_MS}
 * regardless.
 *
 * @module
 */
import { parse as parseJsonc, type ParseError } from "jsonc-parser";
import { dirname, join, resolve } from "../path.ts";
import { isDenied, isWithin, readInsideSync, type Segment } from "../segment/mod.ts";
import { VCS_DIRS } from "../segment/denylist.ts";
import { UNSAFE_LINK_REASONS } from "../segment/skip.ts";
import type { FallbackReason } from "./types.ts";

/** Most entries scanned before the scan gives up (and fails closed). */
export const GUARD_MAX_ENTRIES = 1_000_000;

/** A scan older than this is redone even when no mtime changed (ms). */
export const GUARD_MAX_AGE_MS = 30_000;

/** Extensions of files a language server may load as code. */
const SOURCE_EXTENSIONS = /\.(py|pyi|ts|tsx|mts|cts|js|jsx|mjs|cjs)$/i;

/** Directories package managers fill with hard links (uv, pnpm): not checked for them. */
const PACKAGE_DIR = /(^|\/)(node_modules|site-packages|dist-packages|\.venv|venv|__pypackages__)\//;

/** Server config files checked for paths that leave the segment (`.pth`: search-path files). */
const CONFIG_NAME =
  /^(pyrightconfig\.json|pyproject\.toml|tsconfig(\..+)?\.json|jsconfig\.json|.*\.pth)$/;

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

/** Why a language server may not answer for this segment, and how to fix it. */
export interface GuardVerdict {
  /** The fallback reason. */
  reason: FallbackReason;
  /** Counts, examples and how to fix. */
  detail: string;
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

function relOf(root: string, abs: string): string {
  if (abs === root) return ".";
  return abs.slice(root.endsWith("/") ? root.length : root.length + 1);
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
    return isDenied(relOf(segment.root, lexical)) ? UNSAFE_LINK_REASONS[1] : undefined;
  }
  if (!isWithin(segment.root, real)) return UNSAFE_LINK_REASONS[0];
  return real !== segment.root && isDenied(relOf(segment.root, real))
    ? UNSAFE_LINK_REASONS[1]
    : undefined;
}

/** Every string value of a parsed JSON document (object keys are not values). */
function jsonStrings(value: unknown, out: string[], top = true): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) { for (const v of value) jsonStrings(v, out, false); }
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      // The editor's schema URL: no server reads it.
      if (!(top && k === "$schema")) jsonStrings(v, out, false);
    }
  }
  return out;
}

/** A string token of a TOML text: its raw content and where it stands. */
interface TomlToken {
  /** Raw characters (a string's content without quotes; escapes not decoded). */
  text: string;
  /** True for a quoted string. */
  quoted: boolean;
  /** True in a table header, before `=` on a key line, or inside an inline table. */
  keyLike: boolean;
  /** True inside a `[...]` header line. */
  header: boolean;
}

/**
 * Cut a TOML text into words and strings, marking those in key position
 * (headers, keys, anything inside an inline table). Only as much TOML as
 * needed to tell where the name `pyright` stands; comments are dropped.
 */
function tomlTokens(toml: string): TomlToken[] {
  const out: TomlToken[] = [];
  let i = 0;
  let lineStart = true;
  let key = true;
  let header = false;
  const stack: string[] = [];
  while (i < toml.length) {
    const c = toml[i];
    if (c === "\n") {
      i++;
      if (stack.length === 0 || header) {
        lineStart = true;
        key = true;
        header = false;
        stack.length = 0;
      }
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < toml.length && toml[i] !== "\n") i++;
      continue;
    }
    const inline = stack.includes("{");
    if (c === '"' || c === "'") {
      const triple = toml.startsWith(c + c + c, i);
      const close = triple ? c + c + c : c;
      let j = i + close.length;
      while (j < toml.length && !toml.startsWith(close, j)) {
        if (c === '"' && toml[j] === "\\") j++;
        else if (!triple && toml[j] === "\n") break;
        j++;
      }
      out.push({
        text: toml.slice(i + close.length, j),
        quoted: true,
        keyLike: key || inline || header,
        header,
      });
      i = Math.min(toml.length, j + close.length);
      lineStart = false;
      continue;
    }
    if (c === "[" && lineStart && stack.length === 0) header = true;
    lineStart = false;
    if (c === "[" || c === "{") stack.push(c);
    else if ((c === "]" || c === "}") && !header) stack.pop();
    else if (c === "=" && stack.length === 0) key = false;
    const word = /^[A-Za-z0-9_+.:-]+/.exec(toml.slice(i, i + 256));
    if (word) {
      out.push({ text: word[0], quoted: false, keyLike: key || inline || header, header });
      i += word[0].length;
      continue;
    }
    i++;
  }
  return out;
}

/** A pyright table header in its one accepted form. */
const PYRIGHT_HEADER = /^\s*\[\[?tool\.(based)?pyright(\.[A-Za-z0-9_-]+)*\]\]?\s*(#.*)?$/;

/** Any other header. */
const ANY_HEADER = /^\s*\[/;

const TOML_STRING = String.raw`(?:"[^"\\\n]*"|'[^'\n]*')`;

/** A key line of a pyright table as it is accepted: a bare key, one simple one-line value. */
const SIMPLE_LINE = new RegExp(
  String
    .raw`^\s*[A-Za-z0-9_-]+\s*=\s*(?:${TOML_STRING}|\[\s*(?:${TOML_STRING}\s*(?:,\s*${TOML_STRING}\s*)*,?\s*)?\]|true|false|[+-]?\d+(?:\.\d+)?)\s*(?:#.*)?$`,
);

/**
 * The string values of a pyproject.toml's pyright tables, or undefined when
 * the text names pyright in a form not fully understood here (fail closed).
 */
function pyprojectStrings(toml: string): string[] | undefined {
  for (const t of tomlTokens(toml)) {
    if (!t.keyLike) continue; // a value such as a dependency "pyright>=1.1"
    if (t.quoted && t.text.includes("\\")) return undefined; // an escaped key may spell it
    if (/pyright/i.test(t.text) && !t.header) return undefined;
  }
  const values: string[] = [];
  let inside = false;
  for (const line of toml.split(/\r?\n/)) {
    if (ANY_HEADER.test(line)) {
      const isPyright = PYRIGHT_HEADER.test(line);
      if (!isPyright && /pyright/i.test(line.replace(/#.*$/, ""))) return undefined; // `[ tool . pyright ]`
      inside = isPyright;
      continue;
    }
    if (!inside || /^\s*(#.*)?$/.test(line)) continue;
    if (!SIMPLE_LINE.test(line)) return undefined;
    const value = line.slice(line.indexOf("=") + 1);
    for (const m of value.matchAll(/"([^"\\\n]*)"|'([^'\n]*)'/g)) values.push(m[1] ?? m[2]);
  }
  return values;
}

/** The directories a `.pth` file adds to the search path (import lines are code, not paths). */
function pthStrings(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== "" && !/^\s*(#|import[\s\t])/.test(l));
}

/** A value with a URI scheme (`file:`, `vscode-remote:`); a drive letter has one letter. */
const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]+:/;

/** True when a config string names a path outside the segment (or anything but a plain path). */
function leavesSegment(segment: Segment, configDir: string, value: string): boolean {
  const v = value.trim();
  if (v === "") return false;
  if (URI_SCHEME.test(v)) return true;
  if (/^(~|\$HOME|\$\{HOME\}|\$\{env:|\\\\|[A-Za-z]:[\\/])/.test(v)) return true;
  if (v.length > 4096 || /[\n\r\0]/.test(v)) return true; // not a path a careful config holds
  // Relative values are judged too: `extraPaths: [".git/hooks"]` lands on a denied directory.
  const target = resolve(configDir, v.replace(/\\/g, "/").replace(/\$\{workspaceFolder\}/g, "."));
  return !isWithin(segment.root, target) || isDenied(relOf(segment.root, target));
}

/** The string values of a server config to judge, or undefined when it cannot be judged. */
function configStrings(text: string, name: string): string[] | undefined {
  if (name === "pyproject.toml") return pyprojectStrings(text);
  if (name.endsWith(".pth")) return pthStrings(text);
  const errors: ParseError[] = [];
  const parsed = parseJsonc(text, errors, { allowTrailingComma: true });
  return errors.length > 0 ? undefined : jsonStrings(parsed, []);
}

/** True when a server config file names a path outside the segment (or cannot be judged). */
function configLeaves(segment: Segment, abs: string, name: string): boolean {
  let text: string;
  try {
    text = readInsideSync(segment, abs).text;
  } catch (err) {
    // A config the boundary refuses (too large, binary, swapped) cannot be
    // checked: the server would still read it, so it counts as unsafe.
    if (err instanceof Error) return true;
    throw err;
  }
  const values = configStrings(text, name);
  if (values === undefined) return true;
  const dir = dirname(abs);
  return values.some((s) => leavesSegment(segment, dir, s));
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
    const rel = relOf(segment.root, abs);
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
    if (SOURCE_EXTENSIONS.test(entry.name)) {
      if (isDenied(rel)) {
        record.findings.push({ rel: shown(rel), reason: "denied_source" });
      } else if (entry.isFile && !PACKAGE_DIR.test(rel) && hardLinked(abs)) {
        record.findings.push({ rel: shown(rel), reason: "hard_linked_source" });
      }
    }
    const isConfig = CONFIG_NAME.test(entry.name) &&
      (entry.name !== "pyrightconfig.json" && entry.name !== "pyproject.toml"
        ? !rel.split("/").includes("node_modules")
        : dir === segment.root);
    if (!isConfig) continue;
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
    if (configLeaves(segment, abs, entry.name)) {
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
  while (stack.length > 0) {
    const dir = stack.pop()!;
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
 * Scan the whole segment (see the module doc). Synchronous: it is a tight
 * loop of directory reads, and a daemon answers nothing else meanwhile.
 *
 * @example
 * ```ts
 * import { resolveSegment } from "../segment/mod.ts";
 * import { guardVerdict, scanSegmentGuard } from "./segment_guard.ts";
 * const scan = scanSegmentGuard(await resolveSegment("."));
 * guardVerdict(scan); // undefined when a server may answer
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

function examplesText(scan: GuardScan, reasons: readonly string[]): string {
  const rels = scan.examples.filter((e) => reasons.includes(e.reason)).map((e) => e.rel);
  return rels.length > 0 ? ` (e.g. ${rels.join(", ")})` : "";
}

/**
 * Why a language server may not answer for the scanned segment, or
 * undefined when it may.
 */
export function guardVerdict(scan: GuardScan): GuardVerdict | undefined {
  if (scan.incomplete) {
    return {
      reason: "unsafe_links",
      detail:
        `The segment has more than ${GUARD_MAX_ENTRIES} entries, too many to check for unsafe symlinks; choose a smaller segment (-s).`,
    };
  }
  if (scan.unsafeLinks > 0) {
    const n = scan.unsafeLinks;
    return {
      reason: "unsafe_links",
      detail: `${n} symlink${n === 1 ? "" : "s"} in the segment lead${
        n === 1 ? "s" : ""
      } outside it or onto a denied file${
        examplesText(scan, UNSAFE_LINK_REASONS)
      }. Remove or replace ${
        n === 1 ? "it" : "them"
      } (or choose a segment with -s that contains the targets) to get language-server answers.`,
    };
  }
  if (scan.deniedSources > 0) {
    const n = scan.deniedSources;
    return {
      reason: "denied_sources",
      detail: `${n} source file${n === 1 ? "" : "s"} on the denylist or with another hard link${
        examplesText(scan, ["denied_source", "hard_linked_source"])
      }. Rename, remove or copy ${
        n === 1 ? "it" : "them"
      } to get language-server answers (trifecta never reads denied or hard-linked files).`,
    };
  }
  if (scan.unsafeConfigs > 0) {
    const n = scan.unsafeConfigs;
    return {
      reason: "unsafe_server_config",
      detail: `${n} language-server config file${n === 1 ? "" : "s"}${
        examplesText(scan, ["unsafe_server_config"])
      } name${
        n === 1 ? "s" : ""
      } a path outside the segment (extraPaths, venvPath, extends, …). Use paths inside the segment to get language-server answers.`,
    };
  }
  return undefined;
}

/** Options for {@linkcode GuardCache}. */
export interface GuardCacheOptions {
  /** Rescan after this many ms even without a change (default {@linkcode GUARD_MAX_AGE_MS}). */
  maxAgeMs?: number;
}

/**
 * A scan kept for a long-lived process and revalidated on each use (see
 * the module doc).
 */
export class GuardCache {
  #segment: Segment;
  #maxAgeMs: number;
  #scan: GuardScan | undefined;
  #scans = 0;

  /** Create an empty cache (the first {@linkcode GuardCache.verdict} scans). */
  constructor(segment: Segment, options: GuardCacheOptions = {}) {
    this.#segment = segment;
    this.#maxAgeMs = options.maxAgeMs ?? GUARD_MAX_AGE_MS;
  }

  /** Full scans done so far (for tests and status). */
  get scans(): number {
    return this.#scans;
  }

  /**
   * The current scan: the kept one brought up to date (a stat per
   * directory), or a full scan when none is kept or it is older than the
   * maximum age.
   */
  current(): GuardScan {
    const kept = this.#scan;
    if (kept && performance.now() - kept.at < this.#maxAgeMs) {
      revalidateScan(this.#segment, kept);
      return kept;
    }
    this.#scans++;
    this.#scan = scanSegmentGuard(this.#segment);
    return this.#scan;
  }

  /** The verdict of {@linkcode GuardCache.current}. */
  verdict(): GuardVerdict | undefined {
    return guardVerdict(this.current());
  }
}
