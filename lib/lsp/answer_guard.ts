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
 * import { scrubText } from "./answer_guard.ts";
 * scrubText("/repo", "see file:///repo/a.py and /home/ann/x.py, key AKIAIOSFODNN7EXAMPLE");
 * // "see a.py and external/….-x.py, key <SECRET_REDACTED:aws-access-key-id>"
 * ```
 */
export function scrubText(root: string, text: string): string {
  let out = text.length > MAX_ANSWER_TEXT * 2 ? text.slice(0, MAX_ANSWER_TEXT * 2) : text;
  out = maskSecrets(out).text;
  // Paths under the segment root first: they become plain relative paths.
  const under = new RegExp(`(?:file://)?${escapeRegExp(root)}(?:/[^\\s"'\`<>)\\]]*)?`, "g");
  out = out.replace(under, (m) => pathShown(root, m));
  out = out.replace(URI_OR_HOME_PATH, (m) => pathShown(root, m));
  // deno-lint-ignore no-control-regex -- these are the characters matched on purpose
  out = out.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "");
  if (out.length > MAX_ANSWER_TEXT) out = out.slice(0, MAX_ANSWER_TEXT) + "\n… (cut)";
  return out;
}

/**
 * Replace the values of string literal types in a server's text with `…`:
 * pyright's `Literal['sk-…']` and a TypeScript server's `"sk-…"`. A value
 * flows into types from wherever it was declared — a module the server
 * read outside the segment (`from ..secrets import KEY`), a file the
 * boundary refuses — and hover or diagnostics would quote it; the value is
 * in the source anyway where it is the user's own. Numbers are kept.
 *
 * @example
 * ```ts
 * import { maskLiteralValues } from "./answer_guard.ts";
 * maskLiteralValues("y: Literal['sk-live-1', \"b\"]", "python"); // "y: Literal['…', '…']"
 * maskLiteralValues('const k: "sk-live-1"', "typescript"); // 'const k: "…"'
 * ```
 */
export function maskLiteralValues(text: string, language: "python" | "typescript"): string {
  const out = text.replace(
    /Literal\[([^\]\n]*)\]/g,
    (_m, inner: string) =>
      `Literal[${inner.replace(/[bBrRuUfF]*('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")/g, "'…'")}]`,
  );
  return language === "typescript" ? out.replace(/"(?:[^"\\\n]|\\.)*"/g, '"…"') : out;
}

/** A URI or absolute path as trifecta shows it (relative, or `external/<hash8>-<name>`). */
function pathShown(root: string, m: string): string {
  const abs = m.startsWith("file:") ? uriToPath(m) : m;
  if (abs === undefined) return "external/non-file-uri";
  const rel = relpath(root, abs.replace(/[.,;:]+$/, ""));
  return isDenied(rel) ? "external/redacted" : rel;
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
  if (parts[0] === "external") {
    return parts.length === 2 && /^([0-9a-f]{8}-.+|non-file-uri|redacted)$/.test(parts[1]);
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
