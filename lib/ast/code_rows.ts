/**
 * Where a definition ends, as CPython's `end_lineno` says: tree-sitter lets
 * a block run over trailing comment lines and blank lines, which are not
 * the definition's.
 *
 * @module
 */
import type { Node } from "web-tree-sitter";

/**
 * The last row of a definition that holds code: tree-sitter lets a Python
 * block run over trailing comment lines, CPython's `end_lineno` does not.
 * Each row's start and kind are found once per file: nested definitions
 * end on the same rows, and a one-line file of nested definitions must not
 * cost one full backward scan per symbol.
 */
export class CodeRows {
  /** The source text. */
  readonly text: string;
  readonly #root: Node;
  /** Row -> index of its first character (rows visited only). */
  readonly #starts = new Map<number, number>();
  /** Row -> the nearest row at or above it that holds code (-1: none). */
  readonly #codeAbove = new Map<number, number>();

  /** Rows of `text`, parsed into the tree at `root`. */
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

  /** The last row of `node` that holds code (never above its first row). */
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
