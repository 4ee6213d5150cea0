/**
 * Text helpers shared by chunking, search and get: newline normalisation,
 * code-point lengths, token estimates and previews.
 *
 * @module
 */

/** Length of the preview kept in the index. */
export const PREVIEW_CHARS = 200;

/** CRLF and lone CR become LF; a final newline is added when missing. */
export function normalizeNewlines(text: string): string {
  let t = text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
  if (t.length > 0 && !t.endsWith("\n")) t += "\n";
  return t;
}

/** Length in Unicode code points (not UTF-16 units). */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Token estimate: code points / 4, rounded down. */
export function tokenEstimate(text: string): number {
  return Math.floor(codePointLength(text) / 4);
}

/** The first {@linkcode PREVIEW_CHARS} code points, trimmed, with `...` when cut. */
export function previewOf(text: string): string {
  const cps = Array.from(text);
  if (cps.length <= PREVIEW_CHARS) return text;
  return cps.slice(0, PREVIEW_CHARS).join("").trim() + "...";
}

export { utf8Length } from "../text.ts";
