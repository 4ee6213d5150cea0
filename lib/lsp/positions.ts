/**
 * Positions: `<file>:<line>:<col>` as users read them (1-based line, 1-based
 * column counted in characters) and LSP's 0-based line and UTF-16 offsets.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { codePointColumn } from "../text.ts";

/** A parsed `<file>:<line>:<col>` argument. */
export interface Location {
  /** The file part, as given. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column in characters (code points). */
  col: number;
}

/** An LSP position (0-based line, UTF-16 code units). */
export interface LspPosition {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 offset in the line. */
  character: number;
}

/**
 * Parse `<file>:<line>:<col>` (the file may itself contain colons; the last
 * two parts are taken as numbers).
 *
 * @throws {UsageError} `INVALID_LOCATION` when the form or numbers are wrong.
 */
export function parseLocation(arg: string): Location {
  const m = /^(.+):(\d+):(\d+)$/.exec(arg);
  if (!m) {
    throw new UsageError(`Expected <file>:<line>:<col>, got '${arg}'`, {
      code: "INVALID_LOCATION",
      nextSteps: ["Example: trifecta lsp definition src/file:12:8 (1-based line and column)"],
    });
  }
  const [, file = "", lineText = "", colText = ""] = m; // all three groups take part in a match
  const line = Number(lineText);
  const col = Number(colText);
  if (line < 1 || col < 1) {
    throw new UsageError(`Line and column are 1-based, got ${line}:${col}`, {
      code: "INVALID_LOCATION",
      nextSteps: ["The first line and the first column are 1"],
    });
  }
  return { file, line, col };
}

/** The lines of a text (`\r\n`, `\n` or `\r` endings). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

/**
 * Convert a 1-based line and character column to an LSP position. A column
 * past the end of the line is clamped to the end.
 *
 * @throws {UsageError} `INVALID_LOCATION` when the line is past the end of the file.
 */
export function toLspPosition(text: string, loc: { line: number; col: number }): LspPosition {
  const lines = splitLines(text);
  const lineText = lines[loc.line - 1];
  if (lineText === undefined) {
    throw new UsageError(`Line ${loc.line} is past the end of the file (${lines.length} lines)`, {
      code: "INVALID_LOCATION",
    });
  }
  const chars = Array.from(lineText).slice(0, loc.col - 1);
  return { line: loc.line - 1, character: chars.join("").length };
}

/** Convert an LSP position back to a 1-based line and character column. */
export function fromLspPosition(
  lines: readonly string[],
  pos: LspPosition,
): { line: number; col: number } {
  // Linear once per line: an answer may hold thousands of positions on one long line.
  return { line: pos.line + 1, col: codePointColumn(lines, pos.line, pos.character) };
}

/** The identifier under a 1-based line/column, with its 1-based start column. */
export function identifierAt(
  text: string,
  loc: { line: number; col: number },
): { name: string; col: number } | undefined {
  const lineText = splitLines(text)[loc.line - 1];
  if (lineText === undefined) return undefined;
  const chars = Array.from(lineText);
  const isId = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_$]/u.test(c);
  let i = loc.col - 1;
  if (!isId(chars[i]) && isId(chars[i - 1])) i -= 1;
  if (!isId(chars[i])) return undefined;
  let start = i;
  while (isId(chars[start - 1])) start--;
  let end = i;
  while (isId(chars[end + 1])) end++;
  const name = chars.slice(start, end + 1).join("");
  if (/^\p{N}/u.test(name)) return undefined;
  return { name, col: start + 1 };
}
