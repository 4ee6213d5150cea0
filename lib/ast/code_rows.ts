/**
 * Where a definition ends, as CPython's `end_lineno` says: tree-sitter lets
 * a block run over trailing comment lines and blank lines, which are not
 * the definition's.
 *
 * @module
 */
import type { Node } from "web-tree-sitter";
import type { CommentSyntax } from "../languages/mod.ts";

/**
 * The last row of a definition that holds code: tree-sitter lets a Python
 * block run over trailing comment lines, CPython's `end_lineno` does not;
 * a row holding a comment before code (`/* c *\/ }`) holds code.
 * Each row's start and kind are found once per file: nested definitions
 * end on the same rows, and a one-line file of nested definitions must not
 * cost one full backward scan per symbol.
 */
export class CodeRows {
  /** The source text. */
  readonly text: string;
  readonly #root: Node;
  /** First characters of the language's comments (`#`, `/`): other rows hold code. */
  readonly #commentFirst: ReadonlySet<number>;
  /** Row -> index of its first character (rows visited only). */
  readonly #starts = new Map<number, number>();
  /** Row -> the nearest row at or above it that holds code (-1: none). */
  readonly #codeAbove = new Map<number, number>();

  /** Rows of `text`, parsed into the tree at `root`, in a language with this comment syntax. */
  constructor(text: string, root: Node, comments: CommentSyntax) {
    this.text = text;
    this.#root = root;
    const starts = [...comments.line, ...comments.block.map(([open]) => open)];
    this.#commentFirst = new Set(starts.map((start) => start.charCodeAt(0)));
  }

  /** First index at or after `i` that is not a space, tab or CR. */
  #firstFrom(i: number): number {
    const text = this.text;
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 13;) c = text.charCodeAt(++i);
    return i;
  }

  /**
   * Where the comment starting at `i` ends, or -1 when no comment starts
   * there. A comment is an extra node (grammars name them `comment`,
   * `line_comment` …, and some give them children).
   */
  #commentEndAt(i: number): number {
    if (!this.#commentFirst.has(this.text.charCodeAt(i))) return -1;
    for (let n = this.#root.descendantForIndex(i); n !== null && n.startIndex === i; n = n.parent) {
      if (n.isExtra) return n.endIndex;
    }
    return -1;
  }

  /** True when code, not only comments and white space, lies from `i` to `end` (on one row). */
  #codeBetween(i: number, end: number): boolean {
    while (i < end) {
      const commentEnd = this.#commentEndAt(i);
      if (commentEnd < 0) return true;
      i = this.#firstFrom(commentEnd);
    }
    return false;
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
      if (this.#codeBetween(first, end)) {
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
    if (this.#codeBetween(first, idx)) return row;
    // Blank up to the end, or a comment: the nearest code row above, never
    // above the definition's first row.
    return Math.max(startRow, this.#codeRowAbove(row - 1, start - 1));
  }
}
