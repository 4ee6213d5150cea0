/**
 * Skeleton extraction from a tree and the grammar's `.scm` query. The query
 * says *what* is a definition (capture names are the contract, see
 * `queries/python.scm` and `docs/ast.md`); extraction decides *which* ones
 * belong to the skeleton (those not inside a function body), nests them,
 * and attaches decorators, docs, signatures and line ranges. No language
 * is named here: what differs comes from the language's registry entry
 * (`ExtractOptions.spec`). Stages: query (lib/ast/extract_query.ts) → assemble (here:
 * one pass over the items in source order with a stack of open scopes) →
 * one symbol per kept definition (lib/ast/extract_symbol.ts).
 *
 * @module
 */
import type { Node, Query } from "web-tree-sitter";
import type { SkeletonImport, SkeletonSymbol, SymbolKind } from "./types.ts";
import type { LanguageSpec } from "../languages/mod.ts";
import { clip, docstringLine, oneLine } from "./text_utils.ts";
import { extractionDeadline, parseTooComplex } from "./budget.ts";
import {
  type FlattenedSymbol,
  MAX_DOC_CHARS,
  MAX_EXPORT_TEXT,
  MAX_SIGNATURE_CHARS,
  MAX_SYMBOL_DEPTH,
} from "./limits.ts";
import { CodeRows } from "./code_rows.ts";
import {
  collect,
  type CollectOptions,
  type Def,
  type Item,
  ItemType,
  textOf,
} from "./extract_query.ts";
import { buildSymbol, type SymbolContext, symbolRules } from "./extract_symbol.ts";

/** What the query found in one tree, assembled. */
export interface Extracted {
  /** Import statements not inside a function body. */
  imports: SkeletonImport[];
  /** Export statements without a declaration (`@export`). */
  exports: SkeletonImport[];
  /** Top-level symbols with their children. */
  symbols: SkeletonSymbol[];
}

/** Options for {@linkcode extractSkeleton}. */
export interface ExtractOptions extends CollectOptions {
  /** The source text: names, signatures and docs are read from it. */
  text: string;
  /**
   * The text the tree was parsed from, when it is not `text`: a second
   * parse of a blanked copy (lib/ast/parse_source.ts). What it blanked is
   * white space to extraction: never the start of a signature.
   */
  treeText?: string;
  /** The language's registry entry: wrappers, method owners, comment and doc syntax. */
  spec: LanguageSpec;
}

/** Items assembled between two looks at the clock (an item may cost milliseconds when nested deep). */
const ITEMS_PER_CLOCK_READ = 16;

/** An open scope: a definition or function body the next items may lie in. */
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

/** The scope at the top level of the file. */
const FILE_FRAME: Frame = {
  end: Infinity,
  functionLike: false,
  insideFunction: false,
  owner: undefined,
  parent: undefined,
  parentDepth: 0,
  innermost: undefined,
};

function isFunctionKind(kind: SymbolKind): boolean {
  return kind === "function" || kind === "method";
}

/** One pass over the items in source order, keeping a stack of the scopes they lie in. */
class Assembler {
  readonly out: Extracted = { imports: [], exports: [], symbols: [] };
  readonly #stack: Frame[] = [];
  readonly #symbolOf = new Map<Def, SkeletonSymbol>();
  readonly #ctx: SymbolContext;

  constructor(ctx: SymbolContext) {
    this.#ctx = ctx;
  }

  /** The innermost scope `item` lies in (closing the scopes that ended before it). */
  #scopeOf(item: Item): Frame {
    let top = this.#stack.at(-1);
    while (top !== undefined && top.end <= item.start) {
      this.#stack.pop();
      top = this.#stack.at(-1);
    }
    return top ?? FILE_FRAME;
  }

  add(item: Item): void {
    const top = this.#scopeOf(item);
    const insideFunction = top.insideFunction || top.functionLike;
    if (item.type === ItemType.Def && item.def) this.#def(item, item.def, top, insideFunction);
    else if (item.type === ItemType.Scope) {
      this.#stack.push({
        ...top,
        end: item.end,
        functionLike: true,
        insideFunction,
        innermost: undefined,
      });
    } else if (item.type === ItemType.Doc) this.#doc(item.node, top);
    else if (!insideFunction && item.type === ItemType.Import) {
      // As long as a signature: the AST fallback reads names from it.
      this.out.imports.push(statement(this.#ctx.rows.text, item.node, MAX_SIGNATURE_CHARS));
    } else if (!insideFunction && item.type === ItemType.Export) {
      this.out.exports.push(statement(this.#ctx.rows.text, item.node, MAX_EXPORT_TEXT));
    }
  }

  /** A definition: a symbol unless inside a function body; a scope either way. */
  #def(item: Item, def: Def, top: Frame, insideFunction: boolean): void {
    let symbol: FlattenedSymbol | undefined;
    let childParent = top.parent;
    let childDepth = top.parentDepth;
    if (!insideFunction) {
      symbol = buildSymbol(def, top.owner, this.#ctx);
      this.#symbolOf.set(def, symbol);
      if (top.parent !== top.owner) symbol.depth_flattened = true;
      if (top.parent) top.parent.children.push(symbol);
      else this.out.symbols.push(symbol);
      // Children of a symbol at the bound are listed beside it.
      if (top.parentDepth + 1 < MAX_SYMBOL_DEPTH) {
        childParent = symbol;
        childDepth = top.parentDepth + 1;
      }
    }
    this.#stack.push({
      end: item.end,
      functionLike: isFunctionKind(def.kind),
      insideFunction,
      owner: symbol ?? top.owner,
      parent: childParent,
      parentDepth: childDepth,
      innermost: def,
    });
  }

  /**
   * A docstring: the doc line of the innermost definition, when it has none
   * yet and the language has docstrings.
   */
  #doc(node: Node, top: Frame): void {
    const def = top.innermost;
    if (!def || def.doc !== "" || !this.#ctx.rules.comments.docstrings) return;
    def.doc = clip(docstringLine(textOf(this.#ctx.rows.text, node)), MAX_DOC_CHARS);
    const symbol = this.#symbolOf.get(def);
    if (symbol && symbol.doc === "") symbol.doc = def.doc;
  }
}

/** An import or export statement on one line, bounded. */
function statement(text: string, node: Node, max: number): SkeletonImport {
  return { text: clip(oneLine(textOf(text, node)), max), line: node.startPosition.row + 1 };
}

/**
 * Run the skeleton query over a parsed tree and assemble the skeleton's
 * imports, exports and nested symbols.
 *
 * @throws {TrifectaError} `PARSE_TOO_COMPLEX` past the time budget.
 */
export function extractSkeleton(query: Query, root: Node, options: ExtractOptions): Extracted {
  const budget = options.budget;
  const { items, leading, docStarts } = collect(query, root, options);
  const assembler = new Assembler({
    rows: new CodeRows(options.text, root, options.spec.comments),
    treeText: options.treeText ?? options.text,
    root,
    leading,
    docStarts,
    rules: symbolRules(options.spec),
  });
  const deadline = budget ? extractionDeadline(budget) : Infinity;
  let sinceCheck = 0;
  for (const item of items) {
    if (budget && ++sinceCheck === ITEMS_PER_CLOCK_READ) {
      sinceCheck = 0;
      if (performance.now() > deadline) throw parseTooComplex(options.rel ?? "", budget, "extract");
    }
    assembler.add(item);
  }
  return assembler.out;
}
