/**
 * The first stage of extraction: run the skeleton query over a tree (only
 * outside large function bodies, within the time budget) and turn its
 * matches into definitions and items in source order, with each decorator
 * attached to the definition it decorates.
 *
 * @module
 */
import type { Node, Query, QueryMatch } from "web-tree-sitter";
import type { SymbolKind } from "./types.ts";
import { SYMBOL_KINDS } from "./limits.ts";
import { type Budget, budgetSpent, parseTooComplex } from "./budget.ts";

/** One definition the query found. */
export interface Def {
  /** Kind, from the `definition.<kind>` capture. */
  kind: SymbolKind;
  /** The definition node. */
  node: Node;
  /** The `name` capture. */
  name: Node | undefined;
  /** The `body` capture. */
  body: Node | undefined;
  /** The `owner` capture: names the type the definition belongs to. */
  owner: Node | undefined;
  /** Index of the pattern that found it (the first pattern wins). */
  pattern: number;
  /** Decorators, attached by {@linkcode attachDecorators}. */
  decorators: Node[];
  /** Docstring line, filled while assembling. */
  doc: string;
}

/** What an item is; the order breaks ties between items at the same place. */
export enum ItemType {
  Def,
  Scope,
  Doc,
  Import,
  Export,
}

/** One thing found, with its place in the text. */
export interface Item {
  /** What it is. */
  type: ItemType;
  /** Index of its first character. */
  start: number;
  /** Index past its last character. */
  end: number;
  /** The definition (for `Def`). */
  def?: Def;
  /** The node. */
  node: Node;
}

/** Options of the query stage. */
export interface CollectOptions {
  /** Node type ids whose large bodies the query skips (see `queryRanges`). */
  prune?: ReadonlySet<number>;
  /** Time budget: the query stops with `PARSE_TOO_COMPLEX` past it. */
  budget?: Budget;
  /** Segment-relative path, for the budget's error. */
  rel?: string;
}

/** The items in source order (outer before inner), and what assembly needs besides. */
export interface Collected {
  /** Items sorted by start, longer first, then by type. */
  items: Item[];
  /** Decorators, attached to their definitions. */
  defs: Def[];
  /** Leading doc comments (`@doc.leading`) by the row they end on. */
  leading: Map<number, Node>;
  /** Where each leading doc comment starts. */
  docStarts: Set<number>;
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

/** The query's matches over `root`, outside pruned bodies, within the budget. */
function runQuery(query: Query, root: Node, options: CollectOptions): QueryMatch[] {
  const budget = options.budget;
  const ranges = queryRanges(root, options.prune ?? new Set<number>());
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
  return matches;
}

/** Item types of the captures that are items by themselves. */
const ITEM_CAPTURES: ReadonlyMap<string, ItemType> = new Map([
  ["doc", ItemType.Doc],
  ["import", ItemType.Import],
  ["export", ItemType.Export],
  ["scope.function", ItemType.Scope],
]);

/** Gathers the matches' captures: definitions by node, items once each. */
class Collector {
  readonly items: Item[] = [];
  readonly decorators: Node[] = [];
  readonly leading = new Map<number, Node>();
  readonly docStarts = new Set<number>();
  readonly #defs = new Map<number, Def>();
  readonly #decoratorIds = new Set<number>();
  readonly #seen = new Set<string>();

  #add(type: ItemType, node: Node): void {
    // A node spanning several query ranges is matched once per range.
    const key = `${type}:${node.startIndex}:${node.endIndex}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.items.push({ type, start: node.startIndex, end: node.endIndex, node });
  }

  #decorator(node: Node): void {
    if (this.#decoratorIds.has(node.id)) return;
    this.#decoratorIds.add(node.id);
    this.decorators.push(node);
  }

  match(match: QueryMatch): void {
    let defNode: Node | undefined;
    let kind: SymbolKind | undefined;
    let name: Node | undefined;
    let body: Node | undefined;
    let owner: Node | undefined;
    for (const { name: n, node } of match.captures) {
      const itemType = ITEM_CAPTURES.get(n);
      if (itemType !== undefined) this.#add(itemType, node);
      else if (n === "name") name = node;
      else if (n === "body") body = node;
      else if (n === "owner") owner = node;
      else if (n === "decorator") this.#decorator(node);
      else if (n === "doc.leading") {
        this.leading.set(lastRow(node), node);
        this.docStarts.add(node.startIndex);
      } else if (n.startsWith("definition.")) {
        const k = n.slice(11);
        if (isSymbolKind(k)) [defNode, kind] = [node, k];
      }
    }
    if (!defNode || !kind) return;
    const known = this.#defs.get(defNode.id);
    if (known && known.pattern <= match.patternIndex) return;
    const pattern = match.patternIndex;
    this.#defs.set(defNode.id, {
      kind,
      node: defNode,
      name,
      body,
      owner,
      pattern,
      decorators: [],
      doc: "",
    });
  }

  defs(): Def[] {
    return [...this.#defs.values()];
  }
}

/**
 * A node's text read from `text`, the source extraction was given: the
 * tree may come from a second parse of a blanked copy (lib/ast/parse_source.ts).
 */
export function textOf(text: string, node: Node): string {
  return text.slice(node.startIndex, node.endIndex);
}

/**
 * The row of a node's last character: some grammars end a line comment
 * after its newline, at column 0 of the next row.
 */
export function lastRow(node: Node): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
}

function isSymbolKind(k: string): k is SymbolKind {
  return SYMBOL_KINDS.has(k);
}

/**
 * Run the query and gather what it found: every definition, docstring,
 * function scope, import and export as an item in source order, and each
 * decorator attached to its definition.
 *
 * @throws {TrifectaError} `PARSE_TOO_COMPLEX` past the time budget.
 */
export function collect(query: Query, root: Node, options: CollectOptions): Collected {
  const collector = new Collector();
  for (const match of runQuery(query, root, options)) collector.match(match);
  const defs = collector.defs();
  const items = collector.items;
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
  attachDecorators(defs, collector.decorators);
  return { items, defs, leading: collector.leading, docStarts: collector.docStarts };
}

/**
 * Attach each decorator to the definition it decorates: the definition
 * whose header holds it (directly, or in a child such as Java's
 * `modifiers`), else the next definition with the same parent (or the one
 * that contains it).
 */
function attachDecorators(defs: readonly Def[], decorators: Node[]): void {
  if (decorators.length === 0) return;
  const byNode = new Map(defs.map((d) => [d.node.id, d]));
  const sorted = defs.slice().sort((a, b) => a.node.startIndex - b.node.startIndex);
  decorators.sort((a, b) => a.startIndex - b.startIndex);
  let i = 0;
  for (const dec of decorators) {
    while (i < sorted.length && (sorted[i]?.node.startIndex ?? Infinity) < dec.startIndex) i++;
    const def = headerHolder(dec, byNode) ?? nextDecorated(dec, sorted[i]);
    def?.decorators.push(dec);
  }
}

/** How far a decorator may lie down a definition's header (Java: `modifiers` > annotation). */
const HEADER_DEPTH = 2;

/** The definition whose header (before its body, or its name) holds `dec`. */
function headerHolder(dec: Node, byNode: ReadonlyMap<number, Def>): Def | undefined {
  let n = dec.parent;
  for (let up = 0; n !== null && up < HEADER_DEPTH; up++, n = n.parent) {
    const def = byNode.get(n.id);
    if (def === undefined) continue;
    const limit = def.body?.startIndex ?? def.name?.startIndex ?? def.node.endIndex;
    return dec.endIndex <= limit ? def : undefined;
  }
  return undefined;
}

/** `def` (the first definition starting at or after `dec`) when `dec` decorates it. */
function nextDecorated(dec: Node, def: Def | undefined): Def | undefined {
  const decParent = dec.parent;
  if (def === undefined || !decParent) return undefined;
  // Same-start definitions (a class and its decorators) or the next one.
  const defParent = def.node.parent;
  if (decParent.id === def.node.id || (defParent && decParent.id === defParent.id)) return def;
  if (defParent && defParent.parent && decParent.id === defParent.parent.id) return def;
  return undefined;
}
