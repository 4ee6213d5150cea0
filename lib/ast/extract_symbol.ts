/**
 * One skeleton symbol from one definition: its signature (decorators left
 * out, the body and comments before it cut off, bounded), first line, last
 * code line, doc line (docstring, or the doc comment block right above it),
 * name, qualified name and kind. What differs between languages comes from
 * the registry entry ({@linkcode SymbolRules}).
 *
 * @module
 */
import type { Node } from "web-tree-sitter";
import type { SkeletonSymbol, SymbolKind } from "./types.ts";
import { type CommentSyntax, DEFAULT_METHOD_OWNERS, type LanguageSpec } from "../languages/mod.ts";
import { clip, clipStart, docCommentLine, lfLineEnds } from "./text_utils.ts";
import {
  MAX_BODYLESS_SIGNATURE,
  MAX_DECORATOR_CHARS,
  MAX_DOC_CHARS,
  MAX_NAME_CHARS,
  MAX_QUALIFIED_CHARS,
  MAX_SIGNATURE_CHARS,
} from "./limits.ts";
import type { CodeRows } from "./code_rows.ts";
import { type Def, lastRow, textOf } from "./extract_query.ts";

/** The parts of a language's registry entry that shape its symbols. */
export interface SymbolRules {
  /** Node types that wrap a definition and belong to its signature. */
  wrappers: ReadonlySet<string>;
  /** Kinds whose functions are methods. */
  methodOwners: ReadonlySet<SymbolKind>;
  /** Comment and doc syntax. */
  comments: CommentSyntax;
}

const RULES = new WeakMap<LanguageSpec, SymbolRules>();

/** The symbol rules of a registry entry (built once per entry). */
export function symbolRules(spec: LanguageSpec): SymbolRules {
  let rules = RULES.get(spec);
  if (rules === undefined) {
    rules = {
      wrappers: new Set(spec.wrappers),
      methodOwners: new Set(spec.methodOwners ?? DEFAULT_METHOD_OWNERS),
      comments: spec.comments,
    };
    RULES.set(spec, rules);
  }
  return rules;
}

/** What every symbol of one file is built with. */
export interface SymbolContext {
  /** The file's text and code rows. */
  rows: CodeRows;
  /**
   * The text the tree was parsed from: `rows.text`, or its copy with
   * directives and macros blanked (the second parse). White space is read
   * here, so a blanked `#endif` never starts a signature.
   */
  treeText: string;
  /** The tree's root. */
  root: Node;
  /** Leading doc comments by the row they end on. */
  leading: ReadonlyMap<number, Node>;
  /** Where each leading doc comment starts. */
  docStarts: ReadonlySet<number>;
  /** The language's rules. */
  rules: SymbolRules;
}

function rowAt(text: string, fromIndex: number, fromRow: number, index: number): number {
  let row = fromRow;
  for (let i = fromIndex; i < index; i++) if (text.charCodeAt(i) === 10) row++;
  return row;
}

function skipSpace(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else break;
  }
  return i;
}

function trimSignature(sig: string): string {
  let s = sig.trimEnd();
  const last = s.charCodeAt(s.length - 1);
  // ":" (Python), "{" (a body), "=" (a value), ";" (a bodyless declaration)
  // end the signature; "=>" stays.
  if (
    last === 58 || last === 123 || last === 59 ||
    (last === 61 && s.charCodeAt(s.length - 2) !== 62)
  ) {
    s = s.slice(0, -1).trimEnd();
  }
  return s;
}

/**
 * Where the comment (an extra node) starting at `i` ends, or -1 when none
 * starts there (some grammars give comments children: the extra is the
 * ancestor starting at `i`).
 */
function extraEndAt(outer: Node, i: number): number {
  for (let n = outer.descendantForIndex(i); n !== null && n.startIndex === i; n = n.parent) {
    // Never above the definition: an ERROR node wrapping it may start here too.
    if (n.endIndex > outer.endIndex) break;
    if (n.isExtra && !n.isError) return n.endIndex > i ? n.endIndex : -1;
  }
  return -1;
}

/** The first index from `from` (before `to`) past white space and comments. */
function skipExtras(outer: Node, text: string, from: number, to: number): number {
  let i = skipSpace(text, from, to);
  while (i < to) {
    const end = extraEndAt(outer, i);
    if (end < 0) break;
    i = skipSpace(text, Math.min(end, to), to);
  }
  return i;
}

/** Where the signature starts and ends. */
interface SignatureSpan {
  start: number;
  end: number;
  /** Row of `start`. */
  startRow: number;
}

/**
 * Where the header before `body` ends: at the end of the last node before
 * it that is not a comment (an extra), so comments between the header and
 * the body (`def f():  # why`, `function f() // why`) stay out of the
 * signature, in every grammar.
 */
function headerEnd(body: Node): number {
  let end = body.startIndex;
  for (let sib = body.previousSibling; sib !== null; sib = sib.previousSibling) {
    if (!sib.isExtra) return sib.endIndex;
    end = sib.startIndex;
  }
  return end;
}

/**
 * Where a signature starts once the macros the second parse blanked just
 * before it on its line are put back (`GLAPI void f(…)`, not `void f(…)`):
 * what the first parse could not read is still the author's text. Only
 * when everything between the line's start and `start` was blanked.
 */
function blankedLead(start: number, ctx: SymbolContext): number {
  const text = ctx.rows.text;
  if (ctx.treeText === text) return start;
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  if (!onlyBlanked(ctx, lineStart, start)) return start;
  const before = text.slice(lineStart, start);
  return lineStart + (before.length - before.trimStart().length);
}

/** True when `[from, to)` holds text, all of it blanked by the second parse. */
function onlyBlanked(ctx: SymbolContext, from: number, to: number): boolean {
  return ctx.treeText.slice(from, to).trim() === "" && ctx.rows.text.slice(from, to).trim() !== "";
}

/**
 * The signature's span: from the wrapper or definition, past its leading
 * decorators and the comments after them, to the header's end.
 */
function signatureSpan(def: Def, outer: Node, ctx: SymbolContext): SignatureSpan {
  const treeText = ctx.treeText;
  let start = outer.startIndex;
  for (const dec of def.decorators) {
    if (
      dec.endIndex > start && skipExtras(outer, treeText, start, dec.startIndex) >= dec.startIndex
    ) {
      start = dec.endIndex;
    }
  }
  const end = def.body ? Math.max(start, headerEnd(def.body)) : def.node.endIndex;
  start = blankedLead(skipExtras(outer, treeText, start, end), ctx);
  const node = def.node;
  const nodeStart = node.startPosition;
  const startRow = start > node.startIndex
    ? rowAt(treeText, node.startIndex, nodeStart.row, start)
    : nodeStart.row;
  return { start, end, startRow };
}

/**
 * The span's text without the decorators inside it (Java's
 * `public @A void f()`: decorators are reported apart).
 */
function spanText(def: Def, span: SignatureSpan, ctx: SymbolContext): string {
  const text = ctx.rows.text;
  let out = "";
  let pos = span.start;
  for (const dec of def.decorators) {
    if (dec.startIndex < pos || dec.endIndex > span.end) continue;
    out += text.slice(pos, dec.startIndex);
    pos = skipSpace(ctx.treeText, dec.endIndex, span.end);
  }
  return out + text.slice(pos, span.end);
}

/** Lines of a long signature without a body kept to reach its name. */
const NAME_LINES = 3;

/**
 * Where the line holding the definition's name starts in `signature`, when
 * the name starts within its first {@linkcode NAME_LINES} lines (C's
 * `XMLPUBFUN int XMLCALL` or GNU's `int` alone on the first line names
 * nothing); else 0. Offsets hold while no decorator was cut out.
 */
function nameLineStart(def: Def, span: SignatureSpan, signature: string): number {
  const cutOut = def.decorators.some((d) => d.startIndex >= span.start && d.endIndex <= span.end);
  if (!def.name || cutOut) return 0;
  const at = def.name.startIndex - span.start;
  if (at <= 0 || at >= signature.length) return 0;
  const lineStart = signature.lastIndexOf("\n", at - 1) + 1;
  const linesBefore = signature.slice(0, lineStart).split("\n").length - 1;
  return linesBefore < NAME_LINES ? lineStart : 0;
}

/** The signature text: decorators, body and end punctuation cut off, then bounded. */
function signatureText(def: Def, span: SignatureSpan, ctx: SymbolContext): string {
  let signature = trimSignature(lfLineEnds(spanText(def, span, ctx)));
  if (!def.body && signature.length > MAX_BODYLESS_SIGNATURE) {
    const nl = signature.indexOf("\n", nameLineStart(def, span, signature));
    signature = clip(nl < 0 ? signature : signature.slice(0, nl).trimEnd(), 200);
    if (!signature.endsWith(" …")) signature += " …";
  }
  return clip(signature, MAX_SIGNATURE_CHARS);
}

/** True for a one-line comment opened by one of the language's line-comment starts. */
function isLineComment(node: Node, text: string, syntax: CommentSyntax): boolean {
  if (lastRow(node) !== node.startPosition.row) return false;
  return syntax.line.some((start) => text.startsWith(start, node.startIndex));
}

/** True when only spaces and tabs come before `index` on its line (not a trailing comment). */
function startsLine(text: string, index: number): boolean {
  for (let i = index - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) return true;
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/**
 * The doc line of the leading comment ending right above a definition: a
 * block comment alone, or the block of consecutive own-line line comments
 * it ends (its first non-empty line).
 */
function leadingDoc(comment: Node, ctx: SymbolContext): string {
  const syntax = ctx.rules.comments;
  const text = ctx.rows.text;
  if (!isLineComment(comment, text, syntax)) return docCommentLine(textOf(text, comment), syntax);
  const block: Node[] = [];
  for (
    let c: Node | undefined = comment;
    c !== undefined && isLineComment(c, text, syntax) && startsLine(text, c.startIndex);
    c = ctx.leading.get(c.startPosition.row - 1)
  ) {
    block.push(c);
  }
  for (let i = block.length - 1; i >= 0; i--) {
    const c = block[i];
    const line = c === undefined ? "" : docCommentLine(textOf(text, c), syntax);
    if (line !== "") return line;
  }
  return "";
}

/** How many blanked rows a doc may lie above its declaration. */
const MAX_BLANKED_ROWS = 64;

/**
 * The row above the one holding `index` (on `row`), past the rows the
 * second parse blanked whole: a directive line (`#if !NET20`) or a macro
 * line (`GLIB_AVAILABLE_IN_ALL`) between a doc and its declaration is no gap.
 */
function rowAbove(index: number, row: number, ctx: SymbolContext): number {
  const { treeText } = ctx;
  if (treeText === ctx.rows.text) return row - 1;
  let lineStart = treeText.lastIndexOf("\n", index - 1) + 1;
  let r = row - 1;
  // Bounded: definitions sharing one row must not each rescan a long run.
  for (let n = 0; n < MAX_BLANKED_ROWS && r >= 0 && lineStart > 0; n++) {
    const above = treeText.lastIndexOf("\n", lineStart - 2) + 1;
    if (!onlyBlanked(ctx, above, lineStart - 1)) break;
    lineStart = above;
    r--;
  }
  return r;
}

/** The doc line of the leading comment ending on the row above `row` (holding `index`), or "". */
function docAbove(index: number, row: number, ctx: SymbolContext): string {
  const comment = ctx.leading.get(rowAbove(index, row, ctx));
  return comment ? leadingDoc(comment, ctx) : "";
}

/**
 * `adjacent` docs: the doc line of the comment ending on the row above the
 * definition's first row (its first decorator's, or its wrapper's), else
 * above its signature.
 */
function adjacentDoc(def: Def, outer: Node, span: SignatureSpan, ctx: SymbolContext): string {
  const first = def.decorators[0];
  const [firstIndex, firstRow] = first && first.startIndex < outer.startIndex
    ? [first.startIndex, first.startPosition.row]
    : [outer.startIndex, outer.startPosition.row];
  const doc = docAbove(firstIndex, firstRow, ctx);
  return doc === "" && span.startRow > firstRow ? docAbove(span.start, span.startRow, ctx) : doc;
}

/** The last index before `i` that is not white space (form feeds too), or -1. */
function lastNonSpace(text: string, i: number): number {
  let j = i - 1;
  for (let c = text.charCodeAt(j); c === 32 || c === 9 || c === 10 || c === 13 || c === 12;) {
    c = text.charCodeAt(--j);
  }
  return j;
}

/** The comment (an extra node) holding index `j` and ending by `limit`, or null. */
function extraHolding(root: Node, j: number, limit: number): Node | null {
  for (let n: Node | null = root.descendantForIndex(j); n !== null; n = n.parent) {
    if (n.endIndex > limit) return null;
    if (n.isExtra) return n;
  }
  return null;
}

/**
 * `last` and `all` docs: walking back from `from` (the definition's first
 * token) past white space, comments and the definition's own decorators,
 * the nearest doc comment's line (`last`), or the first non-empty line of
 * every doc comment met (`all`). Anything else (a token) ends the walk.
 */
function docBefore(def: Def, from: number, ctx: SymbolContext, all: boolean): string {
  const decorators = new Map(def.decorators.map((d) => [d.endIndex, d]));
  const syntax = ctx.rules.comments;
  let doc = "";
  for (let i = from, j = lastNonSpace(ctx.treeText, i); j >= 0; j = lastNonSpace(ctx.treeText, i)) {
    const decorator = decorators.get(j + 1);
    const comment = decorator ? null : extraHolding(ctx.root, j, i);
    if (decorator) i = decorator.startIndex;
    else if (comment === null) break;
    else {
      i = comment.startIndex;
      if (!ctx.docStarts.has(i)) continue;
      const line = docCommentLine(textOf(ctx.rows.text, comment), syntax);
      if (!all) return line;
      if (line !== "") doc = line;
    }
  }
  return doc;
}

/**
 * The docstring line, or the doc line of the leading doc comments as the
 * language attaches them ({@linkcode CommentSyntax.leadingDocs}).
 */
function docOf(def: Def, outer: Node, span: SignatureSpan, ctx: SymbolContext): string {
  let doc = def.doc;
  if (doc === "" && ctx.leading.size > 0) {
    const mode = ctx.rules.comments.leadingDocs ?? "adjacent";
    doc = mode === "adjacent"
      ? adjacentDoc(def, outer, span, ctx)
      : docBefore(def, outer.startIndex, ctx, mode === "all");
  }
  return clip(doc, MAX_DOC_CHARS);
}

/** The `@owner` capture's text as dotted parts (`a::B`, `a\B` and `a.B` give `a.B`), or "". */
function ownerPath(text: string, owner: Node | undefined): string {
  if (owner === undefined) return "";
  return textOf(text, owner).split(/::|\.|\\/).map((p) => p.trim()).filter((p) => p !== "").join(
    ".",
  );
}

/**
 * The symbol of `def`, named below `enclosing` (the nearest enclosing
 * symbol) and its `@owner`, without children. A function becomes a method
 * inside a symbol of one of the language's method-owner kinds, or when the
 * query names its owner.
 */
export function buildSymbol(
  def: Def,
  enclosing: SkeletonSymbol | undefined,
  ctx: SymbolContext,
): SkeletonSymbol {
  const text = ctx.rows.text;
  const node = def.node;
  const up = node.parent;
  const outer = up && ctx.rules.wrappers.has(up.type) ? up : node;
  const span = signatureSpan(def, outer, ctx);
  const name = def.name ? clip(textOf(text, def.name), MAX_NAME_CHARS) : "";
  const owner = ownerPath(text, def.owner);
  const prefix = [enclosing?.qualified_name ?? "", owner].filter((p) => p !== "").join(".");
  const isMethod = def.kind === "function" &&
    (owner !== "" || (enclosing !== undefined && ctx.rules.methodOwners.has(enclosing.kind)));
  return {
    kind: isMethod ? "method" : def.kind,
    name,
    qualified_name: clipStart(prefix === "" ? name : `${prefix}.${name}`, MAX_QUALIFIED_CHARS),
    start_line: span.startRow + 1,
    end_line: ctx.rows.lastCodeRow(node) + 1,
    signature: signatureText(def, span, ctx),
    decorators: def.decorators.map((d) => clip(lfLineEnds(textOf(text, d)), MAX_DECORATOR_CHARS)),
    doc: docOf(def, outer, span, ctx),
    children: [],
  };
}
