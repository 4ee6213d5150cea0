/**
 * Small text helpers for skeletons: first docstring/JSDoc line, one-line
 * normalisation, UTF-8 byte length.
 *
 * @module
 */

const STRING_PREFIX = /^[rRuUbBfFtT]*/;

/** First non-empty line of a Python string literal's content, trimmed. */
export function pythonDocLine(literal: string): string {
  let s = literal.replace(STRING_PREFIX, "");
  for (const q of ['"""', "'''", '"', "'"]) {
    if (s.startsWith(q)) {
      s = s.slice(q.length);
      if (s.endsWith(q)) s = s.slice(0, s.length - q.length);
      break;
    }
  }
  return firstLine(s);
}

/** First non-empty line of a `/** … *\/` comment's content, trimmed. */
export function jsdocLine(comment: string): string {
  let s = comment;
  if (s.startsWith("/**")) s = s.slice(3);
  if (s.endsWith("*/")) s = s.slice(0, -2);
  for (const raw of s.split("\n")) {
    const line = raw.trim().replace(/^\*+\s?/, "").trim();
    if (line !== "") return line;
  }
  return "";
}

function firstLine(s: string): string {
  let from = 0;
  while (from <= s.length) {
    let nl = s.indexOf("\n", from);
    if (nl < 0) nl = s.length;
    const line = s.slice(from, nl).trim();
    if (line !== "") return line;
    from = nl + 1;
  }
  return "";
}

/** Collapse a (possibly multi-line) snippet to one line with single spaces. */
export function oneLine(text: string): string {
  if (!/[\s]{2}|[\n\t\r]/.test(text)) return text;
  return text
    .replace(/\s+/g, " ")
    .replace(/([([{]) /g, "$1")
    .replace(/ ([)\]}])/g, "$1")
    .replace(/,([)\]}])/g, "$1")
    .trim();
}

/** Cut a one-line text at `max` characters, marking the cut with ` …`. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)} …`;
}

export { utf8Length } from "../text.ts";
