/**
 * Text helpers shared by chunking, search and get: newline normalisation,
 * code-point lengths and previews (token estimates are `lib/text.ts`
 * `estimateTokens`, the one estimator).
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

/** A high surrogate followed by a low one: one code point in two UTF-16 units. */
const SURROGATE_PAIRS = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/**
 * Length in Unicode code points (not UTF-16 units): a surrogate pair counts
 * once, a lone surrogate once.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { codePointLength } from "./text.ts";
 * equal(codePointLength("a😀b"), 3);
 * ```
 */
export function codePointLength(text: string): number {
  return text.length - (text.match(SURROGATE_PAIRS)?.length ?? 0);
}

/** The first {@linkcode PREVIEW_CHARS} code points, trimmed, with `...` when cut. */
export function previewOf(text: string): string {
  // Every chunk of a pack gets one when the pack is read: walk only the head,
  // never the whole text (no array of all its code points).
  if (text.length <= PREVIEW_CHARS) return text;
  let count = 0;
  let end = 0;
  for (const cp of text) {
    if (count === PREVIEW_CHARS) return text.slice(0, end).trim() + "...";
    count++;
    end += cp.length;
  }
  return text;
}

export { utf8Length } from "../text.ts";
