/**
 * What an answer may carry on its way out: text (hover, diagnostics, notes)
 * has its secrets masked (lib/secrets.ts), `file://` URIs and absolute paths
 * turned into segment-relative or `external/<hash8>-<name>` paths, control
 * characters other than newlines and tabs removed, and its length capped;
 * positions are whole numbers in a sane range; paths are segment-relative
 * without `..`, or `external/…`. {@linkcode sanitizeAnswer} applies all of it
 * to an answer that crossed a process boundary (the daemon's), so a broken
 * or impostor daemon cannot put an absolute path, `../../etc/shadow` or a
 * secret on the user's screen.
 *
 * @module
 */
import { maskSecrets } from "../secrets.ts";
// Single modules, not lib/segment/mod.ts: a daemon query loads this, and
// start-up must not pay for the walker or node:crypto.
import { isDenied } from "../segment/denylist.ts";
import { relpath } from "../segment/contain.ts";
import { uriToPath } from "./uri.ts";
import type { AnswerData, DiagnosticOut, SourceRange } from "./types.ts";
import type { ServerSpec } from "../languages/types.ts";

/** Longest hover or message text kept (characters); the rest is cut with a marker. */
export const MAX_ANSWER_TEXT = 64 * 1024;

/** Most locations or diagnostics kept in one answer. */
export const MAX_ANSWER_ITEMS = 20_000;

/** Largest 0-based line or character accepted from a server. */
export const MAX_POSITION = 10_000_000;

/** True for a line or character a server may send: a whole number in range. */
export function validPositionNumber(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= MAX_POSITION;
}

/** True for a 1-based line or column in an answer. */
function validOneBased(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= MAX_POSITION + 1;
}

// file:// URIs, and absolute paths into home directories (the places whose
// names identify a person or hold their files).
const URI_OR_HOME_PATH =
  /file:\/\/[^\s"'`<>)\]]*|(?<![\w.~:/-])(?:\/(?:home|Users)\/[^\s/"'`<>)\]]+|\/root)(?:\/[^\s"'`<>)\]]*)?/g;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Mask secrets, replace URIs and absolute paths (see the module doc), drop
 * control characters, cap the length.
 *
 * @example
 * ```ts
 * import { match } from "node:assert/strict";
 * import { scrubText } from "./answer_guard.ts";
 * const out = scrubText("/repo", "see file:///repo/a.py and /home/ann/x.py with AKIAIOSFODNN7EXAMPLE");
 * match(out, /^see a\.py and external\/[0-9a-f]{8}-x\.py with /);
 * match(out, /<SECRET_REDACTED:aws-access-key-id>$/);
 * ```
 */
export function scrubText(root: string, text: string): string {
  let out = text.length > MAX_ANSWER_TEXT * 2 ? text.slice(0, MAX_ANSWER_TEXT * 2) : text;
  out = maskMarkdownSecrets(out);
  // Paths under the segment root first: they become plain relative paths.
  const under = new RegExp(`(?:file://)?${escapeRegExp(root)}(?:/[^\\s"'\`<>)\\]]*)?`, "g");
  out = out.replace(under, (m) => pathShown(root, m));
  out = out.replace(URI_OR_HOME_PATH, (m) => pathShown(root, m));
  // deno-lint-ignore no-control-regex -- these are the characters matched on purpose
  out = out.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "");
  if (out.length > MAX_ANSWER_TEXT) out = out.slice(0, MAX_ANSWER_TEXT) + "\n… (cut)";
  return out;
}

/** CommonMark's backslash escapes: a backslash before ASCII punctuation. */
const MARKDOWN_ESCAPE = /\\([!-/:-@[-`{-~])/g;
/** A line opening or closing a fenced code block. */
const FENCE_LINE = /^[ \t]{0,3}(?:```|~~~)/;

/** `text` with Markdown's backslash escapes resolved outside fenced code blocks. */
function unescapeMarkdown(text: string): string {
  let fenced = false;
  return text.split("\n").map((line) => {
    if (FENCE_LINE.test(line)) {
      fenced = !fenced;
      return line;
    }
    return fenced ? line : line.replace(MARKDOWN_ESCAPE, "$1");
  }).join("\n");
}

/**
 * `text` with its secrets masked, also those a Markdown writer escaped:
 * pyright and gopls write docstrings as Markdown, `ghp_…` as `ghp\_…`, which
 * no rule matches but every reader sees whole. When the text with its
 * escapes resolved holds a secret, that text is returned, masked (its
 * escapes stay resolved); otherwise the text as written, masked.
 *
 * @example
 * ```ts
 * import { maskMarkdownSecrets } from "./answer_guard.ts";
 * import { equal, match } from "node:assert/strict";
 * const token = "ghp" + "_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
 * match(maskMarkdownSecrets(`Uses ${token.replace("_", "\\_")} here`), /<SECRET_REDACTED:/);
 * equal(maskMarkdownSecrets("a\\_b and `x\\_y`"), "a\\_b and `x\\_y`"); // nothing to mask: as written
 * ```
 */
export function maskMarkdownSecrets(text: string): string {
  const masked = maskSecrets(text).text;
  if (!masked.includes("\\")) return masked;
  const resolved = unescapeMarkdown(masked);
  if (resolved === masked) return masked;
  const again = maskSecrets(resolved);
  return again.findings.length > 0 ? again.text : masked;
}

/** Characters that may prefix a Python string literal (`b'…'`, `rb"…"`, `f'…'`). */
const STRING_PREFIX = /^[rRbBuUfFtT]$/;

/**
 * End (exclusive) of the Python string literal starting at `start` (at a
 * prefix letter or a quote), or undefined when none starts there. Single,
 * double and triple quotes; a backslash always takes the next character
 * (in raw strings too, where `\'` does not end the string); a one-line
 * string left open ends at the line's end, an open triple-quoted one at
 * the text's end — cut text never leaves a value unmasked.
 */
export function stringLiteralEnd(text: string, start: number): number | undefined {
  let i = start;
  if (STRING_PREFIX.test(text[i] ?? "")) {
    if (i > 0 && /[\w.]/.test(text[i - 1] ?? "")) return undefined; // part of a name
    while (i < text.length && i - start < 2 && STRING_PREFIX.test(text[i] ?? "")) i++;
  }
  const q = text[i];
  if (q !== "'" && q !== '"') return undefined;
  const triple = text.startsWith(q + q + q, i);
  i += triple ? 3 : 1;
  while (i < text.length) {
    const c = text[i];
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (triple) {
      if (text.startsWith(q + q + q, i)) return i + 3;
    } else if (c === q) return i + 1;
    else if (c === "\n") return i;
    i++;
  }
  return text.length;
}

/** Replace every Python string literal in `text` with `'…'`. */
function maskAllStrings(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const end = stringLiteralEnd(text, i);
    if (end === undefined) {
      out += text[i++];
      continue;
    }
    out += "'…'";
    i = end;
  }
  return out;
}

/** Mask the string literals inside each `Literal[…]` (brackets matched, strings skipped). */
function maskLiteralTypes(text: string): string {
  let out = "";
  let i = 0;
  for (;;) {
    const k = text.indexOf("Literal[", i);
    if (k < 0) return out + text.slice(i);
    out += text.slice(i, k + 8);
    let j = k + 8;
    let depth = 1;
    while (j < text.length) {
      const end = stringLiteralEnd(text, j);
      if (end !== undefined) {
        out += "'…'";
        j = end;
        continue;
      }
      const c = text[j++];
      out += c;
      if (c === "[") depth++;
      else if (c === "]" && --depth === 0) break;
    }
    i = j;
  }
}

/**
 * How a server's text shows string values (a registry entry's
 * `literalStyle`; lib/lsp/servers.ts `literalStyleOf`). `literal_types`: pyright's
 * `Literal['sk-…']` types in prose, whose double quotes name symbols
 * (`"x" is not defined`); `quoted` (every other server): a double-quoted
 * string anywhere is a value (TypeScript's `"sk-…"` types, gopls' and
 * clangd's `= "sk-…"`). In both, every string literal in a code block goes.
 */
export type LiteralStyle = NonNullable<ServerSpec["literalStyle"]>;

/**
 * Replace the values of string literals in a server's text with `…`:
 * every string literal in a code block (a default such as
 * `token: str = "sk-…"`), and in prose pyright's `Literal['sk-…']` types
 * or, in the `quoted` style, every double-quoted string
 * ({@linkcode LiteralStyle}). A value flows into types and signatures from
 * wherever it was declared — a module the server read outside the segment
 * (`from ..secrets import KEY`), a file the boundary refuses — and hover or
 * diagnostics would quote it; the value is in the source anyway where it is
 * the user's own. Literals are found by a tokenizer that knows quotes,
 * triple quotes, escapes and prefixes, so `]` or a quote inside a value
 * cannot end it early. Numbers and types are kept.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { maskLiteralValues } from "./answer_guard.ts";
 * equal(maskLiteralValues("y: Literal['sk-live-1', \"b]\"]", "literal_types"), "y: Literal['…', '…']");
 * equal(maskLiteralValues('const k: "sk-live-1"', "quoted"), 'const k: "…"');
 * ```
 */
export function maskLiteralValues(text: string, style: LiteralStyle): string {
  // Code blocks (```lang … ```) hold signatures: every literal in them goes.
  const parts = text.split(/^(```.*)$/m);
  let inCode = false;
  return parts.map((part, n) => {
    if (n % 2 === 1) {
      inCode = !inCode;
      return part;
    }
    if (inCode) return maskAllStrings(part);
    const typed = maskLiteralTypes(part);
    return style === "quoted" ? typed.replace(/"(?:[^"\\\n]|\\.)*"/g, '"…"') : typed;
  }).join("");
}

/** A URI or absolute path as trifecta shows it (relative, or `external/<hash8>-<name>`). */
function pathShown(root: string, m: string): string {
  // Punctuation after a path belongs to the sentence: kept after the path shown.
  const tail = /[.,;:]+$/.exec(m)?.[0] ?? "";
  const path = m.slice(0, m.length - tail.length);
  const abs = path.startsWith("file:") ? uriToPath(path) : path;
  if (abs === undefined) return "external/non-file-uri" + tail;
  const rel = relpath(root, abs);
  return (isDenied(rel) ? "external/redacted" : rel) + tail;
}

/**
 * True for a path an answer may show: segment-relative POSIX without `..`,
 * `.` or empty components, no control characters, not absolute; or
 * `external/<8 hex>-<name>`.
 */
export function validAnswerPath(path: unknown): path is string {
  if (typeof path !== "string" || path === "" || path.length > 4096) return false;
  if (path.startsWith("/") || path.includes("\\")) return false;
  // deno-lint-ignore no-control-regex -- these are the characters matched on purpose
  if (/[\u0000-\u001f\u007f]/.test(path)) return false;
  const parts = path.split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..")) return false;
  const [top, name, ...more] = parts;
  if (top === "external") {
    return name !== undefined && more.length === 0 &&
      /^([0-9a-f]{8}-.+|non-file-uri|redacted)$/.test(name);
  }
  return !isDenied(path);
}

function validRange(r: unknown): r is SourceRange {
  if (!r || typeof r !== "object") return false;
  const x = r as Record<string, unknown>;
  return validAnswerPath(x.path) && validOneBased(x.line) && validOneBased(x.col) &&
    validOneBased(x.end_line) && validOneBased(x.end_col);
}

function cleanRange(r: SourceRange): SourceRange {
  return { path: r.path, line: r.line, col: r.col, end_line: r.end_line, end_col: r.end_col };
}

function cleanDiagnostic(root: string, d: unknown): DiagnosticOut | undefined {
  if (!d || typeof d !== "object") return undefined;
  const x = d as Record<string, unknown>;
  if (
    !validOneBased(x.line) || !validOneBased(x.col) || !validOneBased(x.end_line) ||
    !validOneBased(x.end_col) || typeof x.message !== "string"
  ) return undefined;
  const severity = ["error", "warning", "information", "hint"].includes(x.severity as string)
    ? x.severity as string
    : "error";
  const out: DiagnosticOut = {
    line: x.line,
    col: x.col,
    end_line: x.end_line,
    end_col: x.end_col,
    severity,
    message: scrubText(root, x.message),
  };
  if (typeof x.code === "string") out.code = scrubText(root, x.code).slice(0, 200);
  if (typeof x.source === "string") out.source = scrubText(root, x.source).slice(0, 200);
  return out;
}

/**
 * Rebuild an answer that came from another process field by field: only
 * known fields, valid paths and positions, scrubbed text. Items that fail
 * are dropped and counted in the note.
 *
 * @param root real path of the segment root
 * @param raw the answer as received
 * @param asked what was asked (the answer's `file`, `line`, `col` are taken from it)
 */
export function sanitizeAnswer(
  root: string,
  raw: unknown,
  asked: { file: string; line?: number; col?: number },
): AnswerData {
  const x = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const source = x.source === "ast" || x.source === "text" ? x.source : "lsp";
  const out: AnswerData = { file: asked.file, source };
  if (asked.line !== undefined) out.line = asked.line;
  if (asked.col !== undefined) out.col = asked.col;
  let dropped = 0;
  if (typeof x.symbol === "string") out.symbol = scrubText(root, x.symbol).slice(0, 256);
  if (Array.isArray(x.locations)) {
    const kept: SourceRange[] = [];
    for (const l of x.locations.slice(0, MAX_ANSWER_ITEMS)) {
      if (validRange(l)) kept.push(cleanRange(l));
      else dropped++;
    }
    dropped += Math.max(0, x.locations.length - MAX_ANSWER_ITEMS);
    out.locations = kept;
  }
  if (typeof x.contents === "string") out.contents = scrubText(root, x.contents);
  if (x.range !== undefined) {
    if (validRange(x.range)) out.range = cleanRange(x.range);
    else dropped++;
  }
  if (Array.isArray(x.diagnostics)) {
    const kept: DiagnosticOut[] = [];
    for (const d of x.diagnostics.slice(0, MAX_ANSWER_ITEMS)) {
      const c = cleanDiagnostic(root, d);
      if (c) kept.push(c);
      else dropped++;
    }
    out.diagnostics = kept;
  }
  const notes: string[] = [];
  if (typeof x.note === "string") notes.push(scrubText(root, x.note).slice(0, 1000));
  if (dropped > 0) notes.push(`${dropped} item(s) with an invalid path or position dropped`);
  if (notes.length > 0) out.note = notes.join("; ");
  return out;
}
