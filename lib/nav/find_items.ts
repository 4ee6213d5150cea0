/**
 * What `ast find` hands out for each match: the symbol's item (its `uri`,
 * kind, names, place, one-line signature, language and match kind), with
 * its children to a depth as skeleton lines and, on request, its body
 * (lib/nav/find_body.ts); and the item as text lines, every
 * repository-derived field escaped, so the text measured against a budget
 * is the text printed.
 *
 * @module
 */
import { flattenLines, outlineEntries, renderOutlineEntries } from "../ast/mod.ts";
import { escapeField, escapeTerminal } from "../escape.ts";
import type { MatchKind } from "./find_pattern.ts";
import type { FindMatch } from "./find_query.ts";

/** Most child lines an item shows (the rest are counted in `children_omitted`). */
export const MAX_CHILD_LINES = 200;

/** A symbol's body, as read through the read boundary (secrets masked). */
export interface FindBody {
  /** First line shown (decorators included). */
  start_line: number;
  /** Last line shown. */
  end_line: number;
  /** The lines, joined by newlines (a marker line when cut). */
  text: string;
  /** True when cut at the line cap. */
  truncated: boolean;
  /** Lines of the symbol not shown. */
  omitted_lines: number;
}

/** One found symbol. */
export interface FindItem {
  /** Its `sym://` URI, or null when it has none (`uri_note` says why). */
  uri: string | null;
  /** Why there is no URI. */
  uri_note?: string;
  /** Symbol kind. */
  kind: string;
  /** Simple name. */
  name: string;
  /** Dotted name from the module. */
  qualified_name: string;
  /** Segment-relative file. */
  path: string;
  /** Line of `def`/`class`. */
  start_line: number;
  /** Last line of the body. */
  end_line: number;
  /** Signature on one line. */
  signature: string;
  /** The file's language. */
  language: string;
  /** How the name matched. */
  match: MatchKind;
  /** False when the match needed case folding. */
  case_sensitive: boolean;
  /** True when the file is a test file. */
  is_test: boolean;
  /** Children to the depth asked, as skeleton lines (depth > 0 only). */
  children?: string[];
  /** Child lines past {@linkcode MAX_CHILD_LINES}. */
  children_omitted?: number;
  /** The body (when asked): text, or null with `body_note` when it could not be read. */
  body?: FindBody | null;
  /** Why the body is missing. */
  body_note?: string;
}

function childLines(m: FindMatch, depth: number): { lines: string[]; omitted: number } {
  const entries = outlineEntries(m.row.symbol.children).filter((e) => e.depth < depth);
  const lines = renderOutlineEntries(m.row.language, entries).map(escapeField);
  if (lines.length <= MAX_CHILD_LINES) return { lines, omitted: 0 };
  return { lines: lines.slice(0, MAX_CHILD_LINES), omitted: lines.length - MAX_CHILD_LINES };
}

/**
 * The item of a match, its children to `depth` levels (0: none). Fields are
 * as stored (JSON escapes control characters itself); the text rendering
 * escapes them.
 */
export function findItem(m: FindMatch, depth: number): FindItem {
  const s = m.row.symbol;
  const item: FindItem = {
    uri: m.row.uri,
    kind: s.kind,
    name: s.name,
    qualified_name: s.qualified_name,
    path: m.row.path,
    start_line: s.start_line,
    end_line: s.end_line,
    signature: flattenLines(s.signature),
    language: m.row.language,
    match: m.match.kind,
    case_sensitive: m.match.caseSensitive,
    is_test: m.row.isTest,
  };
  if (m.row.uriNote !== undefined) item.uri_note = m.row.uriNote;
  if (depth > 0) {
    const { lines, omitted } = childLines(m, depth);
    item.children = lines;
    if (omitted > 0) item.children_omitted = omitted;
  }
  return item;
}

/**
 * An item as text: a head line (kind, qualified name, place, match), its
 * URI (or why none), its signature, then its children and body indented.
 * Ends with a newline.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { itemText } from "./find_items.ts";
 * const text = itemText({
 *   uri: null, uri_note: "no sym:// form", kind: "function", name: "evil\x1b[2J",
 *   qualified_name: "evil\x1b[2J", path: "a.py", start_line: 1, end_line: 2,
 *   signature: "def evil\x1b[2J()", language: "python", match: "exact",
 *   case_sensitive: true, is_test: false,
 * }, 1);
 * ok(text.includes("evil\\x1b[2J") && !text.includes("\x1b"));
 * ```
 */
export function itemText(item: FindItem, ordinal: number): string {
  const where = `${escapeField(item.path)}:${item.start_line}-${item.end_line}`;
  const how = `${item.match}${item.case_sensitive ? "" : ", any case"}${
    item.is_test ? ", test" : ""
  }`;
  const lines = [
    `${ordinal}. ${item.kind} ${escapeField(item.qualified_name)}  ${where}  (${how})`,
    `   ${item.uri === null ? `(no URI: ${item.uri_note ?? "none"})` : escapeField(item.uri)}`,
    `   ${escapeField(item.signature)}`,
  ];
  for (const c of item.children ?? []) lines.push(`     ${c}`);
  if ((item.children_omitted ?? 0) > 0) {
    lines.push(`     … ${item.children_omitted} more child line(s)`);
  }
  if (item.body) {
    const width = String(item.body.end_line).length;
    const body = item.body.text === "" ? [] : item.body.text.replace(/\n$/, "").split("\n");
    body.forEach((line, i) => {
      const n = item.body ? item.body.start_line + i : 0;
      const label = n <= (item.body?.end_line ?? 0) ? String(n).padStart(width) : " ".repeat(width);
      lines.push(`   ${label} | ${escapeTerminal(line)}`);
    });
  } else if (item.body === null) {
    lines.push(`   (no body: ${escapeField(item.body_note ?? "unreadable")})`);
  }
  return lines.join("\n") + "\n";
}
