/**
 * Small text helpers for skeletons: first docstring or doc-comment line,
 * one-line normalisation, UTF-8 byte length. Comment syntax comes from the
 * language's registry entry (lib/languages), never from here.
 *
 * @module
 */
import type { CommentSyntax } from "../languages/mod.ts";

const STRING_PREFIX = /^[rRuUbBfFtT]*/;

/** First non-empty line of a docstring literal's content (prefixes and quotes removed), trimmed. */
export function docstringLine(literal: string): string {
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

/** The longest of `prefixes` that `s` starts with, or "". */
function longestPrefix(s: string, prefixes: readonly string[]): string {
  let found = "";
  for (const p of prefixes) if (p.length > found.length && s.startsWith(p)) found = p;
  return found;
}

/** `<see cref="X"/>` (also `seealso`, `langword`, `href`): its target. */
const XML_REF = /<(?:see|seealso)\s+(?:cref|langword|href)\s*=\s*"([^"]*)"\s*\/>/g;
/** `<paramref name="x"/>` (also `typeparamref`): the name. */
const XML_NAME = /<(?:paramref|typeparamref)\s+name\s*=\s*"([^"]*)"\s*\/>/g;
/** Any other tag. */
const XML_TAG = /<[^<>]*>/g;

/** The text of one line of XML doc markup: references as their target, other tags removed. */
function xmlDocText(line: string): string {
  const s = line.replace(XML_REF, "$1").replace(XML_NAME, "$1").replace(XML_TAG, "");
  return s.split(/\s+/).filter((w) => w !== "").join(" ");
}

/** A block comment's text without its closer (and the `*`s before it: `/** a **\/`). */
function withoutCloser(s: string, syntax: CommentSyntax): string {
  for (const [, close] of syntax.block) {
    if (s.endsWith(close)) return s.slice(0, -close.length).replace(/\*+$/, "");
  }
  return s;
}

/**
 * First non-empty line of a doc comment, trimmed: the comment's doc
 * marker, line-comment start or block opener removed (and, for a block
 * comment, its closer), then on each line a doc marker that is not a block
 * opener (`///`, `#`, `*`) and any leading `*`; with `docMarkup: "xml"`,
 * XML tags are read out (a line of tags only is empty).
 *
 * @example
 * ```ts
 * import { docCommentLine } from "./text_utils.ts";
 * import { equal } from "node:assert/strict";
 * const syntax = { line: ["//"], block: [["/*", "*\/"]] as const, docMarkers: ["/**", "///", "*"], docstrings: false };
 * equal(docCommentLine("/**\n * Summary here.\n * @param x\n *\/", syntax), "Summary here.");
 * equal(docCommentLine("///   Frobs the widget.", syntax), "Frobs the widget.");
 * equal(docCommentLine("/**\/", syntax), "");
 * equal(docCommentLine("/// ////", syntax), "////");
 * const ruby = { line: ["#"], block: [], docMarkers: ["##", "#"], docstrings: false };
 * equal(docCommentLine("###", ruby), "");
 * const xml = { ...syntax, docMarkup: "xml" as const };
 * equal(docCommentLine('/// Uses <see cref="List{T}"/>.', xml), "Uses List{T}.");
 * equal(docCommentLine("/// <summary>", xml), "");
 * ```
 */
export function docCommentLine(comment: string, syntax: CommentSyntax): string {
  const openers = syntax.block.map(([open]) => open);
  const opened = longestPrefix(comment, [...syntax.docMarkers, ...openers, ...syntax.line]);
  // `/**/`: the doc marker and the closer share the `*` (an empty comment).
  const closer = syntax.block.find(([open, close]) =>
    opened.startsWith(open) && comment.endsWith(close)
  )?.[1];
  if (closer !== undefined && opened.length + closer.length > comment.length) return "";
  let s = comment.slice(opened.length);
  const isBlock = longestPrefix(opened, openers) !== "";
  // Only a block comment has a closer: a `//` line may well end in `*/`.
  if (isBlock) s = withoutCloser(s, syntax);
  // Markers that open a block appear once, at the start; the others on
  // every line of a block. On a line comment's own line a marker right
  // after its start belongs to it (Ruby's `###`), after a space it is text
  // (`/// ////` is the doc line `////`, as rustc and go/doc read it).
  const lineMarkers = syntax.docMarkers.filter((m) => longestPrefix(m, openers) === "");
  const lines = s.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    let line = isBlock || i > 0 ? raw.trim() : raw;
    line = line.slice(longestPrefix(line, lineMarkers).length).trim();
    line = line.replace(/^\*+/, "").trim();
    if (syntax.docMarkup === "xml") line = xmlDocText(line);
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

/**
 * A snippet with its line ends as `\n`: a file written with CRLF (or lone
 * CR) line ends gives signatures and decorators the same text an LF copy
 * does, the way Python reads source with universal newlines.
 *
 * @example
 * ```ts
 * import { lfLineEnds } from "./text_utils.ts";
 * import { equal } from "node:assert/strict";
 * equal(lfLineEnds("def f(a,\r\n      b)"), "def f(a,\n      b)");
 * ```
 */
export function lfLineEnds(text: string): string {
  return text.indexOf("\r") < 0 ? text : text.replace(/\r\n?/g, "\n");
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

/**
 * Keep the last `max` characters of a text, marking the cut with `… ` at
 * the start.
 *
 * @example
 * ```ts
 * import { clipStart } from "./text_utils.ts";
 * import { equal } from "node:assert/strict";
 * equal(clipStart("a.b.c", 3), "… b.c");
 * equal(clipStart("a.b", 3), "a.b");
 * ```
 */
export function clipStart(text: string, max: number): string {
  return text.length <= max ? text : `${CLIP_START_MARK}${text.slice(text.length - max)}`;
}

/** What {@linkcode clipStart} puts before the kept end of a text. */
export const CLIP_START_MARK = "… ";

/** Cut a one-line text at `max` characters, marking the cut with ` …`. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)} …`;
}

export { utf8Length } from "../text.ts";
