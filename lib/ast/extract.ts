/**
 * Skeleton extraction from a tree and the grammar's `.scm` query. The query
 * says *what* is a definition (capture names are the contract, see
 * `queries/python.scm` and `docs/ast.md`); this module decides *which* ones
 * belong to the skeleton (those not inside a function body), nests them,
 * and attaches decorators, docs, signatures and line ranges. No language
 * is named here apart from the wrapper node types below.
 *
 * @module
 */
import type { Node, Query } from "web-tree-sitter";
import type { SkeletonImport, SkeletonSymbol, SymbolKind } from "./types.ts";
import { clip, jsdocLine, oneLine, pythonDocLine } from "./text_utils.ts";
import { type Budget, budgetSpent, parseTooComplex } from "./budget.ts";

/** What the query found in one tree, assembled. */
export interface Extracted {
  /** Import statements not inside a function body. */
  imports: SkeletonImport[];
  /** Export statements without a declaration (TypeScript/JavaScript). */
  exports: SkeletonImport[];
  /** Top-level symbols with their children. */
  symbols: SkeletonSymbol[];
}

/** Options for {@linkcode extractSkeleton}. */
export interface ExtractOptions {
  /** The source text the tree was parsed from. */
  text: string;
  /** Node type ids whose large bodies the query skips (see `queryRanges`). */
  prune?: ReadonlySet<number>;
  /** Time budget: the query and the assembly stop with `PARSE_TOO_COMPLEX` past it. */
  budget?: Budget;
  /** Segment-relative path, for the budget's error. */
  rel?: string;
}

/** Items assembled between two looks at the clock. */
const ITEMS_PER_BUDGET_CHECK = 256;

/** Node types that wrap a declaration and belong to its signature. */
const WRAPPERS: ReadonlySet<string> = new Set(["export_statement", "ambient_declaration"]);
/** Longest signature kept whole for a definition without a body. */
const MAX_BODYLESS_SIGNATURE = 400;
/** Longest export statement text kept. */
const MAX_EXPORT_TEXT = 200;
/**
 * Longest signature kept (UTF-16 units, then ` …`). A hostile file can hold
 * a one-line `def` with a megabyte of parameters; every consumer (CLI, MCP,
 * pack, cache) gets the bounded value.
 */
export const MAX_SIGNATURE_CHARS = 1024;
/** Longest doc line kept (then ` …`). */
export const MAX_DOC_CHARS = 300;
/** Longest decorator text kept (then ` …`). */
export const MAX_DECORATOR_CHARS = 300;
/** Longest symbol name kept (then ` …`): names nest into qualified names. */
export const MAX_NAME_CHARS = 200;

/**
 * Deepest symbol nesting kept (a top-level symbol is at depth 1). Deeper
 * symbols are flattened into this level, in source order, with their
 * `qualified_name` intact and {@linkcode FlattenedSymbol.depth_flattened}
 * set, so every consumer (CLI, MCP, pack, cache) gets JSON that standard
 * parsers read: 1,000 nested classes otherwise nest ~2,000 JSON levels, past
 * the limits of jq (256) and Python's `json` (recursion limit).
 */
export const MAX_SYMBOL_DEPTH = 32;

/** A symbol placed above its real depth by {@linkcode MAX_SYMBOL_DEPTH}. */
export type FlattenedSymbol = SkeletonSymbol & {
  /** True: the symbol is nested deeper in the source than where it is listed. */
  depth_flattened?: true;
};

/** Symbol kinds a skeleton may hold. */
export const SYMBOL_KINDS: ReadonlySet<string> = new Set([
  "class",
  "function",
  "method",
  "interface",
  "type",
  "variable",
  "enum",
]);

interface Def {
  kind: SymbolKind;
  node: Node;
  name: Node | undefined;
  body: Node | undefined;
  pattern: number;
  decorators: Node[];
  doc: string;
}

const enum ItemType {
  Def,
  Scope,
  Doc,
  Import,
  Export,
}

interface Item {
  type: ItemType;
  start: number;
  end: number;
  def?: Def;
  node: Node;
}

interface Frame {
  end: number;
  /** Definitions inside this frame are inside a function body. */
  functionLike: boolean;
  insideFunction: boolean;
  /** Nearest included definition's symbol (names and kinds new symbols). */
  owner: SkeletonSymbol | undefined;
  /** Where new symbols are listed: the owner, or its kept ancestor past the depth bound. */
  parent: SkeletonSymbol | undefined;
  /** Depth of `parent` (0: the top level). */
  parentDepth: number;
  /** Nearest definition (included or not), for docstrings. */
  innermost: Def | undefined;
}

function isFunctionKind(kind: SymbolKind): boolean {
  return kind === "function" || kind === "method";
}

/** Bodies shorter than this (UTF-16 units) are not worth a separate query call. */
const MIN_PRUNED_BODY = 256;

/**
 * Byte ranges of the tree outside the large bodies of `prune` node types
 * (each body's first character stays inside, so patterns that capture the
 * body, or its first statement as a docstring, still match).
 */
function queryRanges(root: Node, prune: ReadonlySet<number>): Array<[number, number]> {
  const end = root.endIndex;
  if (prune.size === 0 || end < MIN_PRUNED_BODY) return [[0, end]];
  const ranges: Array<[number, number]> = [];
  let from = 0;
  const c = root.walk();
  try {
    let more = true;
    while (more) {
      let descend = true;
      if (prune.has(c.nodeTypeId)) {
        // Never walk into a prunable node; split the query range at its body
        // when the body is big enough to be worth a separate query call.
        descend = false;
        const nodeEnd = c.endIndex;
        if (nodeEnd - c.startIndex >= MIN_PRUNED_BODY && c.gotoLastChild()) {
          const bodyStart = c.startIndex;
          c.gotoParent();
          if (nodeEnd - bodyStart >= MIN_PRUNED_BODY) {
            ranges.push([from, bodyStart + 1]);
            from = nodeEnd;
          }
        }
      }
      if (descend && c.gotoFirstChild()) continue;
      while (!c.gotoNextSibling()) {
        if (!c.gotoParent()) {
          more = false;
          break;
        }
      }
    }
  } finally {
    c.delete();
  }
  if (from < end) ranges.push([from, end]);
  return ranges;
}

function collect(
  query: Query,
  root: Node,
  options: ExtractOptions,
): { items: Item[]; defs: Def[]; decorators: Node[]; leading: Map<number, Node> } {
  const prune = options.prune ?? new Set<number>();
  const budget = options.budget;
  const byId = new Map<number, Def>();
  const items: Item[] = [];
  const decorators: Node[] = [];
  const decoratorIds = new Set<number>();
  const seen = new Set<string>();
  const leading = new Map<number, Node>();
  const add = (type: ItemType, node: Node): void => {
    // A node spanning several query ranges is matched once per range.
    const key = `${type}:${node.startIndex}:${node.endIndex}`;
    if (seen.has(key)) return;
    seen.add(key);
    items.push({ type, start: node.startIndex, end: node.endIndex, node });
  };
  const ranges = queryRanges(root, prune);
  // Returning true halts the query cursor: nested patterns (a class body in
  // a class body …) cost tree-sitter time quadratic in the nesting depth.
  const progressCallback = budget ? () => budgetSpent(budget) : undefined;
  const matches = ranges.length === 1
    ? query.matches(root, { progressCallback })
    // Query ranges are in bytes of the UTF-16 text the tree was parsed
    // from: twice the string indices that nodes report.
    : ranges.flatMap(([start, end]) =>
      query.matches(root, { startIndex: start * 2, endIndex: end * 2, progressCallback })
    );
  if (budget && budgetSpent(budget)) throw parseTooComplex(options.rel ?? "", budget, "query");
  for (const match of matches) {
    let defNode: Node | undefined;
    let kind: SymbolKind | undefined;
    let name: Node | undefined;
    let body: Node | undefined;
    for (const cap of match.captures) {
      const n = cap.name;
      const node = cap.node;
      if (n.startsWith("definition.")) {
        const k = n.slice(11);
        if (SYMBOL_KINDS.has(k)) {
          defNode = node;
          kind = k as SymbolKind;
        }
      } else if (n === "name") name = node;
      else if (n === "body") body = node;
      else if (n === "decorator") {
        if (!decoratorIds.has(node.id)) {
          decoratorIds.add(node.id);
          decorators.push(node);
        }
      } else if (n === "doc") add(ItemType.Doc, node);
      else if (n === "doc.leading") leading.set(node.endPosition.row, node);
      else if (n === "import") add(ItemType.Import, node);
      else if (n === "export") add(ItemType.Export, node);
      else if (n === "scope.function") add(ItemType.Scope, node);
    }
    if (defNode && kind) {
      const known = byId.get(defNode.id);
      if (known && known.pattern <= match.patternIndex) continue;
      byId.set(defNode.id, {
        kind,
        node: defNode,
        name,
        body,
        pattern: match.patternIndex,
        decorators: [],
        doc: "",
      });
    }
  }
  const defs = [...byId.values()];
  for (const def of defs) {
    items.push({
      type: ItemType.Def,
      start: def.node.startIndex,
      end: def.node.endIndex,
      def,
      node: def.node,
    });
  }
  items.sort((a, b) => a.start - b.start || b.end - a.end || a.type - b.type);
  return { items, defs, decorators, leading };
}

/** Attach each decorator to the definition it decorates (the next one, same parent). */
function attachDecorators(defs: Def[], decorators: Node[]): void {
  if (decorators.length === 0) return;
  const sorted = defs.slice().sort((a, b) => a.node.startIndex - b.node.startIndex);
  decorators.sort((a, b) => a.startIndex - b.startIndex);
  let i = 0;
  for (const dec of decorators) {
    while (i < sorted.length && sorted[i].node.startIndex < dec.startIndex) i++;
    if (i >= sorted.length) break;
    // Same-start definitions (a class and its decorators) or the next one.
    const def = sorted[i];
    const decParent = dec.parent;
    if (!decParent) continue;
    const defParent = def.node.parent;
    if (decParent.id === def.node.id || (defParent && decParent.id === defParent.id)) {
      def.decorators.push(dec);
    } else if (defParent && defParent.parent && decParent.id === defParent.parent.id) {
      def.decorators.push(dec);
    }
  }
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
 * The last row of a definition that holds code: tree-sitter lets a Python
 * block run over trailing comment lines, CPython's `end_lineno` does not.
 * Each row's start and kind are found once per file: nested definitions
 * end on the same rows, and a one-line file of nested definitions must not
 * cost one full backward scan per symbol.
 */
class CodeRows {
  readonly text: string;
  readonly #root: Node;
  /** Row -> index of its first character (rows visited only). */
  readonly #starts = new Map<number, number>();
  /** Row -> the nearest row at or above it that holds code (-1: none). */
  readonly #codeAbove = new Map<number, number>();

  constructor(text: string, root: Node) {
    this.text = text;
    this.#root = root;
  }

  /** First index at or after `i` that is not a space, tab or CR. */
  #firstFrom(i: number): number {
    const text = this.text;
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 13;) c = text.charCodeAt(++i);
    return i;
  }

  /** True when the token at `i` (a row's first) is a comment. */
  #commentAt(i: number): boolean {
    const c = this.text.charCodeAt(i);
    return (c === 35 || c === 47) && // "#" or "/"
      this.#root.descendantForIndex(i)?.type === "comment";
  }

  /** Nearest row at or above `row` holding code; `end` is the index ending `row`. */
  #codeRowAbove(row: number, end: number): number {
    const path: number[] = [];
    let found = -1;
    while (row >= 0) {
      const known = this.#codeAbove.get(row);
      if (known !== undefined) {
        found = known;
        break;
      }
      const start = this.text.lastIndexOf("\n", end - 1) + 1;
      const first = this.#firstFrom(start);
      if (first < end && !this.#commentAt(first)) {
        found = row;
        break;
      }
      path.push(row);
      end = start - 1;
      row--;
    }
    for (const r of path) this.#codeAbove.set(r, found);
    if (found >= 0) this.#codeAbove.set(found, found);
    return found;
  }

  lastCodeRow(node: Node): number {
    const row = node.endPosition.row;
    const startRow = node.startPosition.row;
    if (row === startRow) return row;
    const idx = node.endIndex;
    let start = this.#starts.get(row);
    if (start === undefined) {
      start = this.text.lastIndexOf("\n", idx - 1) + 1;
      this.#starts.set(row, start);
    }
    const first = this.#firstFrom(start);
    if (first < idx && !this.#commentAt(first)) return row;
    // Blank up to the end, or a comment: the nearest code row above, never
    // above the definition's first row.
    return Math.max(startRow, this.#codeRowAbove(row - 1, start - 1));
  }
}

function buildSymbol(
  def: Def,
  rows: CodeRows,
  owner: SkeletonSymbol | undefined,
  leading: Map<number, Node>,
): SkeletonSymbol {
  const text = rows.text;
  const node = def.node;
  const parent = node.parent;
  const outer = parent && WRAPPERS.has(parent.type) ? parent : node;
  let sigStart = outer.startIndex;
  let firstDecoratorRow = -1;
  for (const dec of def.decorators) {
    if (firstDecoratorRow < 0) firstDecoratorRow = dec.startPosition.row;
    if (dec.startIndex >= sigStart && dec.endIndex > sigStart) sigStart = dec.endIndex;
  }
  const sigEnd = def.body ? def.body.startIndex : node.endIndex;
  sigStart = skipSpace(text, sigStart, sigEnd);
  let signature = trimSignature(text.slice(sigStart, sigEnd));
  if (!def.body && signature.length > MAX_BODYLESS_SIGNATURE) {
    const nl = signature.indexOf("\n");
    signature = clip(nl < 0 ? signature : signature.slice(0, nl).trimEnd(), 200);
    if (!signature.endsWith(" …")) signature += " …";
  }
  signature = clip(signature, MAX_SIGNATURE_CHARS);
  const nodeStart = node.startPosition;
  const startRow = sigStart > node.startIndex
    ? rowAt(text, node.startIndex, nodeStart.row, sigStart)
    : nodeStart.row;
  const endRow = rows.lastCodeRow(node);
  let doc = def.doc;
  if (doc === "" && leading.size > 0) {
    const outerRow = Math.min(
      outer.startPosition.row,
      firstDecoratorRow < 0 ? Number.MAX_SAFE_INTEGER : firstDecoratorRow,
    );
    const comment = leading.get(outerRow - 1);
    if (comment) doc = jsdocLine(comment.text);
  }
  doc = clip(doc, MAX_DOC_CHARS);
  const name = def.name ? clip(def.name.text, MAX_NAME_CHARS) : "";
  let kind = def.kind;
  if (kind === "function" && owner && (owner.kind === "class" || owner.kind === "interface")) {
    kind = "method";
  }
  return {
    kind,
    name,
    qualified_name: owner ? `${owner.qualified_name}.${name}` : name,
    start_line: startRow + 1,
    end_line: endRow + 1,
    signature,
    decorators: def.decorators.map((d) => clip(d.text, MAX_DECORATOR_CHARS)),
    doc,
    children: [],
  };
}

/**
 * Run the skeleton query over a parsed tree and assemble the skeleton's
 * imports, exports and nested symbols.
 */
export function extractSkeleton(
  query: Query,
  root: Node,
  options: ExtractOptions,
): Extracted {
  const text = options.text;
  const budget = options.budget;
  const { items, defs, decorators, leading } = collect(query, root, options);
  attachDecorators(defs, decorators);
  const symbols: SkeletonSymbol[] = [];
  const imports: SkeletonImport[] = [];
  const exports: SkeletonImport[] = [];
  const stack: Frame[] = [];
  const symbolOf = new Map<Def, SkeletonSymbol>();
  const rows = new CodeRows(text, root);
  let sinceCheck = 0;
  for (const item of items) {
    if (budget && ++sinceCheck === ITEMS_PER_BUDGET_CHECK) {
      sinceCheck = 0;
      if (budgetSpent(budget)) throw parseTooComplex(options.rel ?? "", budget, "extract");
    }
    while (stack.length > 0 && stack[stack.length - 1].end <= item.start) stack.pop();
    const top = stack.length > 0 ? stack[stack.length - 1] : undefined;
    const insideFunction = top ? top.insideFunction || top.functionLike : false;
    const owner = top?.owner;
    const parent = top?.parent;
    const parentDepth = top?.parentDepth ?? 0;
    switch (item.type) {
      case ItemType.Def: {
        const def = item.def as Def;
        let symbol: FlattenedSymbol | undefined;
        let childParent = parent;
        let childDepth = parentDepth;
        if (!insideFunction) {
          symbol = buildSymbol(def, rows, owner, leading);
          symbolOf.set(def, symbol);
          if (parent !== owner) symbol.depth_flattened = true;
          if (parent) parent.children.push(symbol);
          else symbols.push(symbol);
          // Children of a symbol at the bound are listed beside it.
          if (parentDepth + 1 < MAX_SYMBOL_DEPTH) {
            childParent = symbol;
            childDepth = parentDepth + 1;
          }
        }
        stack.push({
          end: item.end,
          functionLike: isFunctionKind(def.kind),
          insideFunction,
          owner: symbol ?? owner,
          parent: childParent,
          parentDepth: childDepth,
          innermost: def,
        });
        break;
      }
      case ItemType.Scope:
        stack.push({
          end: item.end,
          functionLike: true,
          insideFunction,
          owner,
          parent,
          parentDepth,
          innermost: undefined,
        });
        break;
      case ItemType.Doc: {
        const def = top?.innermost;
        if (def && def.doc === "") {
          def.doc = clip(pythonDocLine(item.node.text), MAX_DOC_CHARS);
          const symbol = symbolOf.get(def);
          if (symbol && symbol.doc === "") symbol.doc = def.doc;
        }
        break;
      }
      case ItemType.Import:
        if (!insideFunction) {
          imports.push({
            // As long as a signature: the AST fallback reads names from it.
            text: clip(oneLine(item.node.text), MAX_SIGNATURE_CHARS),
            line: item.node.startPosition.row + 1,
          });
        }
        break;
      case ItemType.Export:
        if (!insideFunction) {
          exports.push({
            text: clip(oneLine(item.node.text), MAX_EXPORT_TEXT),
            line: item.node.startPosition.row + 1,
          });
        }
        break;
    }
  }
  return { imports, exports, symbols };
}
