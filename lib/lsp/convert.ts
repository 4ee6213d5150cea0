/**
 * Turn LSP results into trifecta's answer shapes: segment-relative paths
 * (never a `file://` URI or an absolute path), 1-based lines and character
 * columns, hover contents as text.
 *
 * @module
 */
import { relpath } from "../segment/mod.ts";
import { uriToPath } from "./client.ts";
import type { LspDiagnostic } from "./client.ts";
import { fromLspPosition, type LspPosition, splitLines } from "./positions.ts";
import type { DiagnosticOut, SourceRange } from "./types.ts";

interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

/** Reads the lines of a file inside the segment (undefined when unreadable). */
export type LinesReader = (abs: string) => Promise<readonly string[] | undefined>;

/** A {@linkcode LinesReader} on the file system, reading only inside `root`. */
export function fileLines(root: string): LinesReader {
  const cache = new Map<string, readonly string[] | undefined>();
  return async (abs) => {
    if (cache.has(abs)) return cache.get(abs);
    let lines: readonly string[] | undefined;
    if (!relpath(root, abs).startsWith("external/")) {
      try {
        lines = splitLines(await Deno.readTextFile(abs));
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotCapable)) {
          throw err;
        }
      }
    }
    cache.set(abs, lines);
    return lines;
  };
}

/** Convert one LSP range of a URI. */
export async function toSourceRange(
  root: string,
  uri: string,
  range: LspRange,
  lines: LinesReader,
): Promise<SourceRange> {
  const abs = uriToPath(uri);
  const path = abs === undefined ? "external/non-file-uri" : relpath(root, abs);
  const text = abs === undefined ? undefined : await lines(abs);
  const start = text ? fromLspPosition(text, range.start) : {
    line: range.start.line + 1,
    col: range.start.character + 1,
  };
  const end = text
    ? fromLspPosition(text, range.end)
    : { line: range.end.line + 1, col: range.end.character + 1 };
  return { path, line: start.line, col: start.col, end_line: end.line, end_col: end.col };
}

/** Convert a definition/references result: `Location`, `Location[]` or `LocationLink[]`. */
export async function toLocations(
  root: string,
  result: unknown,
  lines: LinesReader,
): Promise<SourceRange[]> {
  if (result === null || result === undefined) return [];
  const items = Array.isArray(result) ? result : [result];
  const out: SourceRange[] = [];
  for (const item of items as Record<string, unknown>[]) {
    if (typeof item.targetUri === "string") {
      const range = (item.targetSelectionRange ?? item.targetRange) as LspRange;
      out.push(await toSourceRange(root, item.targetUri, range, lines));
    } else if (typeof item.uri === "string") {
      out.push(await toSourceRange(root, item.uri, item.range as LspRange, lines));
    }
  }
  return out;
}

/** Hover contents (`MarkupContent`, `MarkedString` or an array of them) as text. */
export function hoverText(result: unknown): string {
  const contents = (result as { contents?: unknown } | null)?.contents;
  const one = (c: unknown): string => {
    if (typeof c === "string") return c;
    if (c && typeof c === "object" && "value" in c) {
      const v = c as { value: string; language?: string };
      return v.language ? "```" + v.language + "\n" + v.value + "\n```" : v.value;
    }
    return "";
  };
  if (Array.isArray(contents)) return contents.map(one).filter((s) => s !== "").join("\n\n");
  return one(contents);
}

const SEVERITY = ["", "error", "warning", "information", "hint"];

/** Convert published diagnostics of a file whose lines are given. */
export function toDiagnostics(
  items: readonly LspDiagnostic[],
  lines: readonly string[],
): DiagnosticOut[] {
  return items.map((d) => {
    const s = fromLspPosition(lines, d.range.start);
    const e = fromLspPosition(lines, d.range.end);
    const out: DiagnosticOut = {
      line: s.line,
      col: s.col,
      end_line: e.line,
      end_col: e.col,
      severity: SEVERITY[d.severity ?? 1] ?? "error",
      message: d.message,
    };
    if (d.code !== undefined) out.code = String(d.code);
    if (d.source !== undefined) out.source = d.source;
    return out;
  });
}
