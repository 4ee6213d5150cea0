/**
 * The symbol index kept in the AST cache, so a warm `ast find` in a fresh
 * process reads one entry instead of every file's skeleton. The entry is
 * bound to the walk it was made from: a digest of every walked file's path,
 * mtime and size (the same stat key the cache trusts for one file, for the
 * whole tree). Any file added, removed or changed gives another digest and
 * the entry is not used; nor is it when a file's mtime is within the cache's
 * trust window of the entry's writing. The entry holds, per file in walk
 * order, its language and hash and each symbol's kind, qualified name,
 * lines and signature; paths are not stored (they come from the walk), and
 * a value of any other shape is refused, so a tampered database cannot add
 * a path or a symbol a file does not have the shape of. Rows made from it
 * are `light`: children, decorators and doc are read from the file's
 * skeleton when a page needs them ({@linkcode hydrateMatches}).
 *
 * @module
 */
import {
  type FileSkeleton,
  type Language,
  skeletonOfFiles,
  type SkeletonSymbol,
} from "../ast/mod.ts";
import { languageOfPath, LANGUAGES } from "../languages/mod.ts";
import { MAX_SIGNATURE_CHARS, SYMBOL_KINDS } from "../ast/limits.ts";
import { type AstCache, cacheKey } from "../cache/mod.ts";
import { MTIME_TRUST_WINDOW_MS } from "../cache/limits.ts";
import type { Segment } from "../segment/mod.ts";
import { sha256Hex } from "../sha256.ts";
import type { FindMatch } from "./find_query.ts";
import { rowMaker, rowsOfSkeleton, type SymbolRow } from "./symbol_rows.ts";

/** Version of the entry's shape. */
const SNAPSHOT_VERSION = 1;
/** The key's file part: `..` starts no segment-relative path, so no file owns the key. */
const SNAPSHOT_REL = "../.trifecta-find-index/";
/** Longest qualified name accepted from an entry. */
const MAX_QUALIFIED_CHARS = 8192;
/** Languages an entry may name: the registry's. */
const LANGUAGE_NAMES: ReadonlySet<string> = new Set(LANGUAGES.map((l) => l.name));

/** A walked file with the stat the entry is bound to. */
export interface StatFile {
  /** Segment-relative path. */
  rel: string;
  /** Real absolute path. */
  abs: string;
  /** mtime (ms). */
  mtimeMs: number;
  /** Size (bytes). */
  size: number;
}

/** One symbol as stored: kind, qualified name, first and last line, signature. */
type StoredSymbol = [string, string, number, number, string];
/** One file as stored: language, sha256, symbols (or null: no skeleton). */
type StoredFile = [string, string, StoredSymbol[]] | null;

/** The cache key of the entry for a walk of `scope` (`.` or a path prefix). */
export function snapshotKey(segment: Segment, scope: string): string {
  return cacheKey(segment.id, `${SNAPSHOT_REL}${scope}`, "0".repeat(16));
}

/** The digest of a walk: every file's path, mtime and size, in walk order. */
export function walkDigest(files: readonly StatFile[]): string {
  const lines = files.map((f) => `${f.rel}\t${f.mtimeMs}\t${f.size}`);
  return sha256Hex(`${SNAPSHOT_VERSION}\n${lines.join("\n")}`);
}

function storedSymbols(rows: readonly SymbolRow[]): StoredSymbol[] {
  return rows.map((r) => [
    r.symbol.kind,
    r.symbol.qualified_name,
    r.symbol.start_line,
    r.symbol.end_line,
    r.symbol.signature,
  ]);
}

/**
 * Store the entry for a walk: `rowsByFile` holds the rows of each file that
 * has a skeleton (a file without one is stored as such).
 */
export function writeSnapshot(
  cache: AstCache,
  key: string,
  walk: { digest: string; files: readonly StatFile[]; takenAt: number },
  rowsByFile: ReadonlyMap<string, readonly SymbolRow[]>,
): void {
  const files: StoredFile[] = walk.files.map((f) => {
    const rows = rowsByFile.get(f.rel);
    const first = rows?.[0];
    if (rows === undefined) return null;
    // A file without symbols still has a skeleton: its language and hash are not needed.
    return first === undefined ? [languageOfPath(f.rel)?.name ?? "", "", []] : [
      first.language,
      first.file.sha256,
      storedSymbols(rows),
    ];
  });
  cache.set(key, { v: SNAPSHOT_VERSION, d: walk.digest, t: walk.takenAt, f: files });
}

function isLine(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 1;
}

function validSymbol(s: unknown): s is StoredSymbol {
  if (!Array.isArray(s) || s.length !== 5) return false;
  const [kind, qualified, start, end, signature] = s;
  return typeof kind === "string" && SYMBOL_KINDS.has(kind) &&
    typeof qualified === "string" && qualified !== "" && qualified.length <= MAX_QUALIFIED_CHARS &&
    isLine(start) && isLine(end) && end >= start &&
    typeof signature === "string" && signature.length <= MAX_SIGNATURE_CHARS + 8;
}

function validFile(f: unknown): f is StoredFile {
  if (f === null) return true;
  if (!Array.isArray(f) || f.length !== 3) return false;
  const [language, sha, symbols] = f;
  return typeof language === "string" && LANGUAGE_NAMES.has(language) &&
    typeof sha === "string" && /^([0-9a-f]{64})?$/.test(sha) &&
    Array.isArray(symbols) && symbols.every(validSymbol);
}

/** The stored files, when `value` is an entry of this shape for this walk. */
function storedFiles(
  value: unknown,
  walk: { digest: string; files: readonly StatFile[] },
): StoredFile[] | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const v: unknown = Reflect.get(value, "v");
  const d: unknown = Reflect.get(value, "d");
  const t: unknown = Reflect.get(value, "t");
  const f: unknown = Reflect.get(value, "f");
  if (v !== SNAPSHOT_VERSION || d !== walk.digest || typeof t !== "number") return undefined;
  // A file changed within the trust window of the writing may have changed unseen.
  if (walk.files.some((file) => file.mtimeMs > t - MTIME_TRUST_WINDOW_MS)) return undefined;
  if (!Array.isArray(f) || f.length !== walk.files.length || !f.every(validFile)) return undefined;
  return f;
}

function lightSkeleton(rel: string, language: Language, sha256: string): FileSkeleton {
  return {
    path: rel,
    language,
    sha256,
    has_errors: false,
    bytes: 0,
    skeleton_bytes: 0,
    imports: [],
    symbols: [],
  };
}

function lightSymbol([kind, qualified, start, end, signature]: StoredSymbol): SkeletonSymbol {
  return {
    // validSymbol checked the kind against SYMBOL_KINDS.
    kind: kind as SkeletonSymbol["kind"],
    name: qualified.slice(qualified.lastIndexOf(".") + 1),
    qualified_name: qualified,
    start_line: start,
    end_line: end,
    signature,
    decorators: [],
    doc: "",
    children: [],
  };
}

/**
 * The rows of the entry for this walk (light rows, files in walk order),
 * or undefined when there is none, it is for another walk, or its shape is
 * refused.
 */
export function readSnapshot(
  cache: AstCache,
  key: string,
  walk: { digest: string; files: readonly StatFile[] },
): SymbolRow[] | undefined {
  const files = storedFiles(cache.get(key), walk);
  if (files === undefined) return undefined;
  const rows: SymbolRow[] = [];
  for (const [i, stored] of files.entries()) {
    const file = walk.files[i];
    if (stored === null || file === undefined) continue;
    const [language, sha, symbols] = stored;
    // validFile checked the language against LANGUAGE_NAMES.
    const rowOf = rowMaker(lightSkeleton(file.rel, language as Language, sha));
    for (const s of symbols) {
      const row = rowOf(lightSymbol(s));
      row.light = true;
      rows.push(row);
    }
  }
  return rows;
}

/**
 * The matches with their light rows replaced by full ones (children,
 * decorators, doc), read from each file's skeleton through the cache. A
 * symbol no longer found stays light.
 */
export async function hydrateMatches(
  segment: Segment,
  matches: readonly FindMatch[],
  options: { cache?: AstCache; files: ReadonlyMap<string, string> },
): Promise<FindMatch[]> {
  const rels = [...new Set(matches.filter((m) => m.row.light).map((m) => m.row.path))];
  if (rels.length === 0) return [...matches];
  const sources = rels.flatMap((rel) => {
    const abs = options.files.get(rel);
    return abs === undefined ? [] : [{ rel, abs }];
  });
  const batch = await skeletonOfFiles(segment, sources, { cache: options.cache });
  const full = new Map<string, SymbolRow>();
  for (const o of batch.files) {
    if (!o.skeleton) continue;
    for (const row of rowsOfSkeleton(o.skeleton)) {
      full.set(`${row.path}\0${row.symbol.qualified_name}\0${row.symbol.start_line}`, row);
    }
  }
  return matches.map((m) => {
    if (!m.row.light) return m;
    const s = m.row.symbol;
    const row = full.get(`${m.row.path}\0${s.qualified_name}\0${s.start_line}`);
    return row === undefined ? m : { ...m, row };
  });
}
