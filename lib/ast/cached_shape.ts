/**
 * The shape check of a skeleton read back from the AST cache. The cache is
 * a file in the segment's `.trifecta/`, which whoever controls the
 * repository can plant: a value is served only when it is a skeleton
 * trifecta could have written for that file: known keys and types, symbols
 * nested no deeper than {@linkcode MAX_SYMBOL_DEPTH}, line ranges with
 * `1 <= start_line <= end_line`, counts and lengths bounded by the file's
 * size, and no secret the masker finds. Anything else is a miss.
 *
 * @module
 */
import { languageByName } from "../languages/mod.ts";
import { maskSecrets } from "../secrets.ts";
import {
  MAX_DECORATOR_CHARS,
  MAX_DOC_CHARS,
  MAX_NAME_CHARS,
  MAX_QUALIFIED_CHARS,
  MAX_SIGNATURE_CHARS,
  MAX_SYMBOL_DEPTH,
  SYMBOL_KINDS,
} from "./limits.ts";
import type { FileSkeleton, SkeletonImport, SkeletonSymbol } from "./types.ts";

const SKELETON_KEYS: ReadonlySet<string> = new Set([
  "path",
  "language",
  "sha256",
  "has_errors",
  "bytes",
  "skeleton_bytes",
  "imports",
  "exports",
  "symbols",
]);
const SYMBOL_KEYS: ReadonlySet<string> = new Set([
  "kind",
  "name",
  "qualified_name",
  "start_line",
  "end_line",
  "signature",
  "decorators",
  "doc",
  "children",
  "depth_flattened",
]);
const IMPORT_KEYS: ReadonlySet<string> = new Set(["text", "line"]);
/** Largest source a cached skeleton may claim (far over any size cap). */
const MAX_CACHED_BYTES = 1 << 30;

/** Bounds derived from the skeleton's own `bytes`. */
interface Limits {
  /** Longest string (masks may lengthen a secret a little). */
  chars: number;
  /** Highest line number. */
  line: number;
  /** Entries (symbols, decorators, imports) left. */
  entries: number;
  /** Every string seen, for one secret scan. */
  strings: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function onlyKeys(v: Record<string, unknown>, keys: ReadonlySet<string>): boolean {
  for (const k in v) if (!keys.has(k)) return false;
  return true;
}

function isCount(v: unknown, max: number): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max;
}

function str(v: unknown, limits: Limits, max = Infinity): boolean {
  // `max` is the cut extraction applies (+2 for its " …" marker).
  if (typeof v !== "string" || v.length > limits.chars || v.length > max + 2) return false;
  if (v !== "") limits.strings.push(v);
  return true;
}

function line(v: unknown, limits: Limits): v is number {
  return isCount(v, limits.line) && v >= 1;
}

function importsOk(v: unknown, limits: Limits): v is SkeletonImport[] {
  if (!Array.isArray(v)) return false;
  limits.entries -= v.length;
  if (limits.entries < 0) return false;
  for (const imp of v) {
    if (!isRecord(imp) || !onlyKeys(imp, IMPORT_KEYS)) return false;
    if (!str(imp.text, limits) || !line(imp.line, limits)) return false;
  }
  return true;
}

function symbolOk(s: unknown, limits: Limits): s is SkeletonSymbol {
  if (!isRecord(s) || !onlyKeys(s, SYMBOL_KEYS)) return false;
  if (typeof s.kind !== "string" || !SYMBOL_KINDS.has(s.kind)) return false;
  if (!str(s.name, limits, MAX_NAME_CHARS)) return false;
  if (!str(s.qualified_name, limits, MAX_QUALIFIED_CHARS)) return false;
  if (!str(s.signature, limits, MAX_SIGNATURE_CHARS) || !str(s.doc, limits, MAX_DOC_CHARS)) {
    return false;
  }
  if (!line(s.start_line, limits) || !line(s.end_line, limits)) return false;
  if (s.start_line > s.end_line) return false;
  if (s.depth_flattened !== undefined && s.depth_flattened !== true) return false;
  if (!Array.isArray(s.decorators) || !Array.isArray(s.children)) return false;
  limits.entries -= s.decorators.length + s.children.length;
  if (limits.entries < 0) return false;
  for (const d of s.decorators) if (!str(d, limits, MAX_DECORATOR_CHARS)) return false;
  return true;
}

/** Symbols, breadth by breadth with an explicit queue: never recursion. */
function symbolsOk(symbols: unknown, limits: Limits): boolean {
  if (!Array.isArray(symbols)) return false;
  limits.entries -= symbols.length;
  if (limits.entries < 0) return false;
  let level: unknown[] = symbols;
  for (let depth = 1; level.length > 0; depth++) {
    if (depth > MAX_SYMBOL_DEPTH) return false;
    const next: unknown[] = [];
    for (const s of level) {
      if (!symbolOk(s, limits)) return false;
      for (const c of s.children) next.push(c);
    }
    level = next;
  }
  return true;
}

/**
 * The cached value as a skeleton of `rel`, or undefined when its shape is
 * not one trifecta writes (see the module doc). Cost: one pass over the
 * value and one secret scan of its strings.
 *
 * @example
 * ```ts
 * import { cachedSkeleton } from "./cached_shape.ts";
 * import { equal } from "node:assert/strict";
 * equal(cachedSkeleton({ path: "a.py", symbols: "x" }, "a.py"), undefined);
 * ```
 */
export function cachedSkeleton(value: unknown, rel: string): FileSkeleton | undefined {
  if (!isRecord(value) || !onlyKeys(value, SKELETON_KEYS)) return undefined;
  const v = value;
  if (
    v.path !== rel || typeof v.language !== "string" || languageByName(v.language) === undefined
  ) {
    return undefined;
  }
  if (typeof v.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(v.sha256)) return undefined;
  if (typeof v.has_errors !== "boolean" || !isCount(v.bytes, MAX_CACHED_BYTES)) return undefined;
  if (!isCount(v.skeleton_bytes, MAX_CACHED_BYTES)) return undefined;
  const bytes = v.bytes;
  const limits: Limits = {
    chars: 4 * bytes + 4096,
    line: bytes + 1,
    // Every symbol, decorator and import starts at its own source byte.
    entries: bytes + 1,
    strings: [],
  };
  if (!importsOk(v.imports, limits)) return undefined;
  if (v.exports !== undefined && !importsOk(v.exports, limits)) return undefined;
  if (!symbolsOk(v.symbols, limits)) return undefined;
  // Skeletons are built from masked text: a finding means a planted value.
  if (maskSecrets(limits.strings.join("\n")).findings.length > 0) return undefined;
  return v as unknown as FileSkeleton;
}
