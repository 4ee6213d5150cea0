/**
 * References grouped by the symbol that makes them: for each reference,
 * the innermost definition of its file's skeleton that encloses its line
 * (the module at top level), with the reference's line as context — masked
 * by the read boundary, control characters escaped, at most
 * {@linkcode MAX_CONTEXT_CHARS} characters.
 *
 * @module
 */
import { type FileSkeleton, skeletonOfFiles, type SourceFile } from "../ast/mod.ts";
import type { AstCache } from "../cache/mod.ts";
import { TrifectaError } from "../errors.ts";
import { escapeField } from "../escape.ts";
import { checkInside, readInside, type Segment } from "../segment/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import { enclosingSymbol, moduleUriOf } from "./locate.ts";
import { rowsOfSkeleton } from "./symbol_rows.ts";

/** How an AST-fallback reference was matched to the symbol (absent for the server's). */
export type RefMatch = "import" | "same_file" | "name_only";

/** One reference before grouping. */
export interface RawRef {
  /** Segment-relative path (`external/…` outside the segment). */
  path: string;
  /** 1-based line. */
  line: number;
  /** 1-based column (characters). */
  col: number;
  /** How the AST fallback matched it. */
  match?: RefMatch;
}

/** One reference of a group. */
export interface ReferenceJson {
  /** 1-based line. */
  line: number;
  /** 1-based column (characters). */
  col: number;
  /** The line, trimmed, masked, escaped and bounded. */
  text: string;
  /** How the AST fallback matched it (`import`, `same_file`, `name_only`). */
  match?: RefMatch;
}

/** The referencing symbol of a group. */
export interface GroupSymbolJson {
  /** Its `sym://` URI (the module's at top level), or null when none names it. */
  uri: string | null;
  /** Kind (`class`, `function`, `method`, …, or `module`). */
  kind: string;
  /** Dotted name in its module (`""` for the module). */
  qualified_name: string;
  /** Segment-relative path. */
  path: string;
  /** First line of the symbol (1 for the module). */
  start_line: number;
  /** Last line (the file's last line for the module). */
  end_line: number;
}

/** References made by one symbol. */
export interface ReferenceGroup {
  /** The referencing symbol. */
  symbol: GroupSymbolJson;
  /** Its references, in source order. */
  references: ReferenceJson[];
}

/** Most characters of a reference's context line. */
export const MAX_CONTEXT_CHARS = 200;

/**
 * A context line as shown: trimmed, control characters escaped, at most
 * {@linkcode MAX_CONTEXT_CHARS} characters (cut with `…`).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { contextLine } from "./references_group.ts";
 * equal(contextLine("    x = f(1)\x1b[2J  "), "x = f(1)\\x1b[2J");
 * equal(Array.from(contextLine("y".repeat(500))).length, 200);
 * ```
 */
export function contextLine(line: string): string {
  const shown = Array.from(escapeField(line.trim()));
  if (shown.length <= MAX_CONTEXT_CHARS) return shown.join("");
  return shown.slice(0, MAX_CONTEXT_CHARS - 1).join("") + "…";
}

/** Lines of segment files, read once through the read boundary (masked). */
export class LineCache {
  #segment: Segment;
  #lines = new Map<string, string[] | undefined>();

  /** A cache for one segment. */
  constructor(segment: Segment) {
    this.#segment = segment;
  }

  /** Remember lines already read (the fallback reads candidate files anyway). */
  set(rel: string, lines: string[]): void {
    this.#lines.set(rel, lines);
  }

  /** The masked lines of a file, or undefined when the boundary refuses it. */
  async get(rel: string): Promise<string[] | undefined> {
    if (this.#lines.has(rel)) return this.#lines.get(rel);
    let lines: string[] | undefined;
    try {
      const { text } = await readInside(this.#segment, rel);
      lines = text.split(/\r\n|\n|\r/);
    } catch (err) {
      // Refused (denied, gone, too large): the reference is shown without its line.
      if (!(err instanceof TrifectaError)) throw err;
      lines = undefined;
    }
    this.#lines.set(rel, lines);
    return lines;
  }
}

/** Options for {@linkcode groupReferences}. */
export interface GroupOptions {
  /** AST cache for the files' skeletons. */
  cache?: AstCache;
  /** Telemetry for parse events. */
  telemetry?: Telemetry;
  /** Lines already read. */
  lines?: LineCache;
}

async function skeletonsOf(
  segment: Segment,
  paths: readonly string[],
  options: GroupOptions,
): Promise<Map<string, FileSkeleton>> {
  const files: SourceFile[] = [];
  for (const rel of paths) {
    try {
      const c = await checkInside(segment, rel);
      if (!c.isDirectory) files.push({ abs: c.abs, rel: c.rel });
    } catch (err) {
      // Refused by the boundary: its references are grouped under the module.
      if (!(err instanceof TrifectaError)) throw err;
    }
  }
  const batch = await skeletonOfFiles(segment, files, {
    cache: options.cache,
    telemetry: options.telemetry,
  });
  const out = new Map<string, FileSkeleton>();
  for (const o of batch.files) if (o.skeleton) out.set(o.path, o.skeleton);
  return out;
}

function groupSymbolOf(
  path: string,
  skeleton: FileSkeleton | undefined,
  line: number,
  lineCount: number,
): GroupSymbolJson {
  const s = skeleton ? enclosingSymbol(skeleton.symbols, line) : undefined;
  if (!s || !skeleton) {
    const module = { uri: moduleUriOf(path), kind: "module", qualified_name: "" };
    return { ...module, path, start_line: 1, end_line: Math.max(1, lineCount) };
  }
  const row = rowsOfSkeleton(skeleton).find((r) => r.symbol === s);
  return {
    uri: row?.uri ?? null,
    kind: s.kind,
    qualified_name: s.qualified_name,
    path,
    start_line: s.start_line,
    end_line: s.end_line,
  };
}

/** Sort references by path, line and column, and drop repeats of one position. */
export function sortRefs(refs: readonly RawRef[]): RawRef[] {
  const sorted = [...refs].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.col - b.col
  );
  return sorted.filter((r, i) => {
    const p = sorted[i - 1];
    return !p || p.path !== r.path || p.line !== r.line || p.col !== r.col;
  });
}

/**
 * Group references (in the order of {@linkcode sortRefs}) under their
 * enclosing symbols. Groups follow the references' order: by file, then by
 * the first reference in each symbol. References outside the segment
 * (`external/…`) are left out (the caller counts them).
 */
export async function groupReferences(
  segment: Segment,
  refs: readonly RawRef[],
  options: GroupOptions = {},
): Promise<ReferenceGroup[]> {
  const inside = sortRefs(refs).filter((r) => !r.path.startsWith("external/"));
  const paths = [...new Set(inside.map((r) => r.path))];
  const skeletons = await skeletonsOf(segment, paths, options);
  const lines = options.lines ?? new LineCache(segment);
  const groups: ReferenceGroup[] = [];
  const byKey = new Map<string, ReferenceGroup>();
  for (const r of inside) {
    const fileLines = await lines.get(r.path);
    const count = fileLines?.at(-1) === "" ? fileLines.length - 1 : fileLines?.length ?? 1;
    const symbol = groupSymbolOf(r.path, skeletons.get(r.path), r.line, count);
    const key = `${r.path}\0${symbol.qualified_name}\0${symbol.start_line}`;
    let group = byKey.get(key);
    if (!group) {
      group = { symbol, references: [] };
      byKey.set(key, group);
      groups.push(group);
    }
    const ref: ReferenceJson = {
      line: r.line,
      col: r.col,
      text: contextLine(fileLines?.[r.line - 1] ?? ""),
    };
    if (r.match) ref.match = r.match;
    group.references.push(ref);
  }
  return groups;
}
