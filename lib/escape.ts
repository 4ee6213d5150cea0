/**
 * Output hygiene: what trifecta prints comes partly from the repository (file
 * names, symbol names, titles, code), which is untrusted. A file named
 * `a\x1b[2J.py` must not clear the user's terminal, a name holding a newline
 * must not fake an output line, and a bidi override must not reorder what a
 * reader sees. Every text renderer escapes repository-derived one-line fields
 * with {@linkcode escapeField}; every byte the CLI writes passes
 * {@linkcode escapeTerminal} (lib/cli/output.ts), so a renderer that forgets a
 * field still cannot emit a terminal sequence. Imports nothing.
 *
 * Escapes: `\n`, `\r`, `\t` by name; other C0 controls as `\xHH` (ESC is
 * `\x1b`); DEL, C1 controls, bidi controls (U+061C, U+200E/F, U+202A–202E,
 * U+2066–2069) and the line/paragraph separators (U+2028/9) as `\uHHHH`,
 * which is also a valid JSON escape of the same character, so the terminal
 * guard keeps JSON output valid and equal in value. Unicode tag characters
 * (U+E0000–E007F: invisible, each one an ASCII letter to a model that reads
 * them, so a docstring can carry hidden instructions to an agent) become the
 * `\uHHHH\uHHHH` escape of their UTF-16 pair, valid JSON too.
 *
 * @module
 */

/** Characters never printed raw in a one-line field. */
const FIELD_UNSAFE =
  // deno-lint-ignore no-control-regex -- these are the characters matched on purpose
  /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\udb40[\udc00-\udc7f]/g;

/**
 * Characters never printed raw anywhere: as {@linkcode FIELD_UNSAFE} minus
 * newline and tab (text has lines and indentation) and minus a carriage
 * return that ends a line (CRLF files; harmless before a newline).
 */
const TERMINAL_UNSAFE =
  // deno-lint-ignore no-control-regex -- these are the characters matched on purpose
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\udb40[\udc00-\udc7f]|\r(?!\n)/g;

/** Quick test for {@linkcode TERMINAL_UNSAFE} without the lookahead cost. */
const MAY_BE_UNSAFE =
  // deno-lint-ignore no-control-regex -- these are the characters matched on purpose
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\udb40[\udc00-\udc7f]/;

function escapeChar(ch: string): string {
  switch (ch) {
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "\t":
      return "\\t";
  }
  const code = ch.charCodeAt(0);
  if (code < 0x20) return `\\x${code.toString(16).padStart(2, "0")}`;
  // A tag character is a UTF-16 pair: each unit as `\uHHHH` (valid JSON).
  let out = "";
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, "0")}`;
  return out;
}

/**
 * Escape a repository-derived one-line field (a path, a name, a title, a
 * message): every control character, newline and bidi control becomes a
 * visible escape, so the field stays on one line and displays as stored.
 *
 * @example
 * ```ts
 * import { escapeField } from "./escape.ts";
 * import { equal } from "node:assert/strict";
 * equal(escapeField("evil\x1b[2J\nname.py"), "evil\\x1b[2J\\nname.py");
 * equal(escapeField("plain.py"), "plain.py");
 * ```
 */
export function escapeField(text: string): string {
  FIELD_UNSAFE.lastIndex = 0;
  if (!FIELD_UNSAFE.test(text)) return text;
  FIELD_UNSAFE.lastIndex = 0;
  return text.replace(FIELD_UNSAFE, escapeChar);
}

/**
 * Escape what a terminal would act on in multi-line output (code, reports,
 * JSON): newlines, tabs and CRLF line ends stay, every other control
 * character and bidi control becomes a visible escape.
 *
 * @example
 * ```ts
 * import { escapeTerminal } from "./escape.ts";
 * import { equal } from "node:assert/strict";
 * equal(escapeTerminal("line 1\nline\x1b]0;x\x07 2\r\n"), "line 1\nline\\x1b]0;x\\x07 2\r\n");
 * ```
 */
export function escapeTerminal(text: string): string {
  if (!MAY_BE_UNSAFE.test(text)) return text;
  TERMINAL_UNSAFE.lastIndex = 0;
  return text.replace(TERMINAL_UNSAFE, escapeChar);
}

/**
 * A copy of a JSON-like value with every string (and object key) passed
 * through {@linkcode escapeField}: for text renderers that print fields of
 * a report read from the segment (telemetry, search statistics), which a
 * hostile repository can ship pre-made. Depth is bounded (deeper values are
 * kept as they are; the terminal guard still applies to them).
 */
export function escapeFields<T>(value: T): T {
  return escapeDeep(value, 0) as T;
}

function escapeDeep(value: unknown, depth: number): unknown {
  if (typeof value === "string") return escapeField(value);
  if (value === null || typeof value !== "object" || depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => escapeDeep(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[escapeField(k)] = escapeDeep(v, depth + 1);
  return out;
}
