/**
 * Turn LSP results into trifecta's answer shapes: segment-relative paths
 * (never a `file://` URI or an absolute path; `external/<hash8>-<name>`
 * outside the segment), 1-based lines and character columns, hover contents
 * as text.
 *
 * A location is checked against the read boundary ({@linkcode checkInside}):
 * one that lands on a denied file, or inside the segment on a path that
 * resolves outside it (through a symlink), is dropped and counted. Positions
 * that are not whole numbers in range (negative, NaN, absurd) are dropped
 * too. The lines used to turn UTF-16 offsets back into columns are read
 * through the boundary.
 *
 * @module
 */
import { basename } from "../path.ts";
import { checkInsideSync, isDenied, isWithin, readInsideSync, relpath } from "../segment/mod.ts";
import type { Segment } from "../segment/segment.ts";
import { TrifectaError } from "../errors.ts";
import type { LspDiagnostic } from "./client_protocol.ts";
import {
  type LiteralStyle,
  maskLiteralValues,
  scrubText,
  validPositionNumber,
} from "./answer_guard.ts";
import { fromLspPosition, type LspPosition, splitLines } from "./positions.ts";
import type { DiagnosticOut, SourceRange } from "./types.ts";
import { uriToPath } from "./uri.ts";
import { isLibraryPath } from "./server_files.ts";

interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

/** Reads the lines of a file inside the segment (undefined when unreadable). */
export type LinesReader = (abs: string) => readonly string[] | undefined;

/** Where a location of an answer points. */
export type TargetKind =
  /** Inside the segment, allowed by the boundary. */
  | "inside"
  /** Denied, or inside by name but resolving outside: never shown. */
  | "refused"
  /**
   * Outside the segment, in a language's installed library (the registry's
   * `libraryDirs`: typeshed, site-packages, `node_modules`, `/usr/include` …).
   */
  | "library"
  /** Outside the segment, anywhere else. */
  | "external";

/** What one conversion dropped, by cause. */
export interface DropCounts {
  /** Locations on denied files or through unsafe links. */
  refused: number;
  /** Items with invalid positions or shapes. */
  invalid: number;
  /** Hover documentation withheld: not traced to a file trifecta reads (0 when absent). */
  docs?: number;
}

/** State of one answer's conversion. */
export interface ConvertContext {
  /** The segment. */
  segment: Segment;
  /** Line reader (cached per answer). */
  lines: LinesReader;
  /** What was dropped. */
  dropped: DropCounts;
}

/** A {@linkcode LinesReader} through the read boundary, cached per answer. */
export function fileLines(segment: Segment): LinesReader {
  const cache = new Map<string, readonly string[] | undefined>();
  return (abs) => {
    if (cache.has(abs)) return cache.get(abs);
    let lines: readonly string[] | undefined;
    try {
      // Unmasked: the text only maps the server's UTF-16 offsets to columns
      // in the user's file (a mask would shift them); none of it is shown.
      lines = splitLines(readInsideSync(segment, abs, { unmaskedForLocalServer: true }).text);
    } catch (err) {
      // Refused or unreadable: positions are then converted without it.
      if (!(err instanceof TrifectaError)) throw err;
    }
    cache.set(abs, lines);
    return lines;
  };
}

/** A fresh conversion context for one answer. */
export function convertContext(segment: Segment): ConvertContext {
  return { segment, lines: fileLines(segment), dropped: { refused: 0, invalid: 0 } };
}

/**
 * Classify the target of a location: the path shown for it, and its kind
 * (see {@linkcode TargetKind}).
 */
export function classifyTarget(
  segment: Segment,
  abs: string,
): { kind: TargetKind; path: string } {
  if (isWithin(segment.root, abs)) {
    try {
      const checked = checkInsideSync(segment, abs);
      return { kind: "inside", path: checked.namedRel };
    } catch (err) {
      if (!(err instanceof TrifectaError)) throw err;
      // A file the server knows but that is gone now: its name is all there is.
      if (err.code === "FILE_NOT_FOUND") {
        const rel = relpath(segment.root, abs);
        return isDenied(rel) ? { kind: "refused", path: rel } : { kind: "inside", path: rel };
      }
      return { kind: "refused", path: "" };
    }
  }
  const path = relpath(segment.root, abs);
  if (isDenied(basename(abs)) || isDenied(abs.slice(1))) return { kind: "refused", path };
  return { kind: isLibraryPath(abs) ? "library" : "external", path };
}

function validLspPosition(p: unknown): p is LspPosition {
  if (!p || typeof p !== "object") return false;
  const x = p as Record<string, unknown>;
  return validPositionNumber(x.line) && validPositionNumber(x.character);
}

function validLspRange(r: unknown): r is LspRange {
  if (!r || typeof r !== "object") return false;
  const x = r as Record<string, unknown>;
  return validLspPosition(x.start) && validLspPosition(x.end);
}

/**
 * Convert one LSP range of a URI; undefined (and counted in `ctx.dropped`)
 * when the target is refused or the range is invalid.
 */
export function toSourceRange(
  ctx: ConvertContext,
  uri: unknown,
  range: unknown,
): SourceRange | undefined {
  if (!validLspRange(range)) {
    ctx.dropped.invalid++;
    return undefined;
  }
  const abs = typeof uri === "string" ? uriToPath(uri) : undefined;
  if (abs === undefined && typeof uri !== "string") {
    ctx.dropped.invalid++;
    return undefined;
  }
  const target = abs === undefined
    ? { kind: "external" as const, path: "external/non-file-uri" }
    : classifyTarget(ctx.segment, abs);
  if (target.kind === "refused") {
    ctx.dropped.refused++;
    return undefined;
  }
  const text = abs !== undefined && target.kind === "inside" ? ctx.lines(abs) : undefined;
  // A line past the end of a file the server was shown is not a position in it.
  if (text && (range.start.line > text.length || range.end.line > text.length)) {
    ctx.dropped.invalid++;
    return undefined;
  }
  const start = text
    ? fromLspPosition(text, range.start)
    : { line: range.start.line + 1, col: range.start.character + 1 };
  const end = text
    ? fromLspPosition(text, range.end)
    : { line: range.end.line + 1, col: range.end.character + 1 };
  return {
    path: target.path,
    line: start.line,
    col: start.col,
    end_line: end.line,
    end_col: end.col,
  };
}

/** Convert a definition/references result: `Location`, `Location[]` or `LocationLink[]`. */
export function toLocations(ctx: ConvertContext, result: unknown): SourceRange[] {
  if (result === null || result === undefined) return [];
  const items = Array.isArray(result) ? result : [result];
  const out: SourceRange[] = [];
  for (const item of items) {
    if (!item || typeof item !== "object") {
      ctx.dropped.invalid++;
      continue;
    }
    const x = item as Record<string, unknown>;
    const converted = typeof x.targetUri === "string"
      ? toSourceRange(ctx, x.targetUri, x.targetSelectionRange ?? x.targetRange)
      : toSourceRange(ctx, x.uri, x.range);
    if (converted) out.push(converted);
  }
  return out;
}

/** One target of a definition or declaration result, for a hover's provenance. */
export interface HoverTarget {
  /** Its kind (see {@linkcode targetKinds}). */
  kind: TargetKind;
  /** Real absolute path, for a target with a file path. */
  abs?: string;
  /** 0-based line of the target's start, when the item has a valid range. */
  line?: number;
}

/**
 * The targets of a definition or declaration result (for the provenance
 * of a hover); unconvertible items count as `refused`, and so does a file
 * inside the segment the read boundary refuses for its content (a private
 * key block, a binary, over the size cap): its text must not reach the
 * answer through the server either. Files are read through the answer's
 * line reader, so the hovered file is read once.
 */
export function hoverTargets(ctx: ConvertContext, result: unknown): HoverTarget[] {
  if (result === null || result === undefined) return [];
  const items = Array.isArray(result) ? result : [result];
  return items.map((item): HoverTarget => {
    const x = (item && typeof item === "object" ? item : {}) as Record<string, unknown>;
    const uri = typeof x.targetUri === "string" ? x.targetUri : x.uri;
    const abs = typeof uri === "string" ? uriToPath(uri) : undefined;
    if (abs === undefined) return { kind: "refused" };
    const found = classifyTarget(ctx.segment, abs).kind;
    const kind = found === "inside" && ctx.lines(abs) === undefined && !gone(abs)
      ? "refused"
      : found;
    const range = typeof x.targetUri === "string"
      ? x.targetSelectionRange ?? x.targetRange
      : x.range;
    return validLspRange(range) ? { kind, abs, line: range.start.line } : { kind, abs };
  });
}

/** The kinds of {@linkcode hoverTargets}. */
export function targetKinds(ctx: ConvertContext, result: unknown): TargetKind[] {
  return hoverTargets(ctx, result).map((t) => t.kind);
}

/** True when nothing is at `abs` any more (then its name decided, in `classifyTarget`). */
function gone(abs: string): boolean {
  try {
    Deno.lstatSync(abs);
    return false;
  } catch (err) {
    // Any other failure leaves the file refused, as the read boundary did.
    return err instanceof Deno.errors.NotFound;
  }
}

/** Hover contents (`MarkupContent`, `MarkedString` or an array of them) as text (not yet scrubbed). */
export function hoverText(result: unknown): string {
  const contents = (result as { contents?: unknown } | null)?.contents;
  const one = (c: unknown): string => {
    if (typeof c === "string") return c;
    if (c && typeof c === "object" && "value" in c) {
      const v = c as { value: unknown; language?: unknown };
      if (typeof v.value !== "string") return "";
      return typeof v.language === "string"
        ? "```" + v.language + "\n" + v.value + "\n```"
        : v.value;
    }
    return "";
  };
  if (Array.isArray(contents)) return contents.map(one).filter((s) => s !== "").join("\n\n");
  return one(contents);
}

const SEVERITY = ["", "error", "warning", "information", "hint"];

/**
 * Convert published diagnostics of a file whose lines are given: invalid
 * ranges are dropped (counted in `dropped`), text is scrubbed and the values
 * of string literal types are masked ({@linkcode maskLiteralValues}).
 */
export function toDiagnostics(
  items: readonly LspDiagnostic[],
  lines: readonly string[],
  options: { root: string; dropped?: DropCounts; literals?: LiteralStyle },
): DiagnosticOut[] {
  const out: DiagnosticOut[] = [];
  for (const d of items) {
    if (!d || typeof d !== "object" || !validLspRange(d.range) || typeof d.message !== "string") {
      if (options.dropped) options.dropped.invalid++;
      continue;
    }
    const s = fromLspPosition(lines, d.range.start);
    const e = fromLspPosition(lines, d.range.end);
    const diag: DiagnosticOut = {
      line: s.line,
      col: s.col,
      end_line: e.line,
      end_col: e.col,
      severity: SEVERITY[typeof d.severity === "number" ? d.severity : 1] ?? "error",
      message: scrubText(options.root, maskLiteralValues(d.message, options.literals ?? "quoted")),
    };
    if (typeof d.code === "string" || typeof d.code === "number") {
      diag.code = scrubText(options.root, String(d.code)).slice(0, 200);
    }
    if (typeof d.source === "string") diag.source = scrubText(options.root, d.source).slice(0, 200);
    out.push(diag);
  }
  return out;
}
