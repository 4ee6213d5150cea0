/**
 * One skeleton symbol from one definition: its signature (decorators left
 * out, the body cut off, bounded), first line, last code line, doc line
 * (docstring, or the JSDoc comment right above it), name and kind.
 *
 * @module
 */
import type { Node } from "web-tree-sitter";
import type { SkeletonSymbol } from "./types.ts";
import { clip, jsdocLine } from "./text_utils.ts";
import {
  MAX_BODYLESS_SIGNATURE,
  MAX_DECORATOR_CHARS,
  MAX_DOC_CHARS,
  MAX_NAME_CHARS,
  MAX_SIGNATURE_CHARS,
} from "./limits.ts";
import type { CodeRows } from "./code_rows.ts";
import type { Def } from "./extract_query.ts";

/** Node types that wrap a declaration and belong to its signature. */
const WRAPPERS: ReadonlySet<string> = new Set(["export_statement", "ambient_declaration"]);

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

/** Where the signature starts and ends, and the row of the first decorator (-1: none). */
interface SignatureSpan {
  start: number;
  end: number;
  firstDecoratorRow: number;
}

/** The signature's span: from the wrapper or definition, past its decorators, to the body. */
function signatureSpan(text: string, def: Def, outer: Node): SignatureSpan {
  let start = outer.startIndex;
  let firstDecoratorRow = -1;
  for (const dec of def.decorators) {
    if (firstDecoratorRow < 0) firstDecoratorRow = dec.startPosition.row;
    if (dec.startIndex >= start && dec.endIndex > start) start = dec.endIndex;
  }
  const end = def.body ? def.body.startIndex : def.node.endIndex;
  return { start: skipSpace(text, start, end), end, firstDecoratorRow };
}

/** The signature text: body and end punctuation cut off, then bounded. */
function signatureText(text: string, def: Def, span: SignatureSpan): string {
  let signature = trimSignature(text.slice(span.start, span.end));
  if (!def.body && signature.length > MAX_BODYLESS_SIGNATURE) {
    const nl = signature.indexOf("\n");
    signature = clip(nl < 0 ? signature : signature.slice(0, nl).trimEnd(), 200);
    if (!signature.endsWith(" …")) signature += " …";
  }
  return clip(signature, MAX_SIGNATURE_CHARS);
}

/** The docstring line, or the JSDoc comment ending on the row above the definition. */
function docOf(
  def: Def,
  outer: Node,
  firstDecoratorRow: number,
  leading: ReadonlyMap<number, Node>,
): string {
  let doc = def.doc;
  if (doc === "" && leading.size > 0) {
    const outerRow = Math.min(
      outer.startPosition.row,
      firstDecoratorRow < 0 ? Number.MAX_SAFE_INTEGER : firstDecoratorRow,
    );
    const comment = leading.get(outerRow - 1);
    if (comment) doc = jsdocLine(comment.text);
  }
  return clip(doc, MAX_DOC_CHARS);
}

/**
 * The symbol of `def`, named below `owner` (a function inside a class or
 * interface is a method), without children.
 */
export function buildSymbol(
  def: Def,
  rows: CodeRows,
  owner: SkeletonSymbol | undefined,
  leading: ReadonlyMap<number, Node>,
): SkeletonSymbol {
  const text = rows.text;
  const node = def.node;
  const parent = node.parent;
  const outer = parent && WRAPPERS.has(parent.type) ? parent : node;
  const span = signatureSpan(text, def, outer);
  const nodeStart = node.startPosition;
  const startRow = span.start > node.startIndex
    ? rowAt(text, node.startIndex, nodeStart.row, span.start)
    : nodeStart.row;
  const name = def.name ? clip(def.name.text, MAX_NAME_CHARS) : "";
  const inClass = owner !== undefined && (owner.kind === "class" || owner.kind === "interface");
  return {
    kind: def.kind === "function" && inClass ? "method" : def.kind,
    name,
    qualified_name: owner ? `${owner.qualified_name}.${name}` : name,
    start_line: startRow + 1,
    end_line: rows.lastCodeRow(node) + 1,
    signature: signatureText(text, def, span),
    decorators: def.decorators.map((d) => clip(d.text, MAX_DECORATOR_CHARS)),
    doc: docOf(def, outer, span.firstDecoratorRow, leading),
    children: [],
  };
}
