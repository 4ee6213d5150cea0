/**
 * Small text helpers shared by every layer (imports nothing).
 *
 * @module
 */

/** Levenshtein distance between two strings (UTF-16 code units). */
export function editDistance(a: string, b: string): number {
  // Two rows of the dynamic-programming table; `prev[j]` is the distance
  // between a[0..i) and b[0..j).
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitute));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/**
 * Number of bytes `text` takes in UTF-8, without encoding it. A lone
 * surrogate counts 3 bytes, as the encoder writes U+FFFD for it.
 */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/**
 * `bytes` random bytes as lowercase hex (Web Crypto, not `node:crypto`,
 * whose import costs start-up time).
 */
export function randomHex(bytes: number): string {
  let hex = "";
  for (const b of crypto.getRandomValues(new Uint8Array(bytes))) {
    hex += b.toString(16).padStart(2, "0");
  }
  return hex;
}

/** Whether UTF-16 unit `c` is whitespace as the regular expression `\s` sees it. */
function isSpace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return /\s/.test(String.fromCharCode(c));
}

/** Where a whitespace-collapsing count stands. */
interface TallyState {
  /** Code points of the collapsed text so far (a pending space not counted). */
  n: number;
  /** Whitespace came after the last non-space (counts if more text follows). */
  pending: boolean;
  /** A non-space was seen (leading whitespace is dropped). */
  started: boolean;
}

/** Feed `text` to a tally state, returning the new state. */
function feed(state: TallyState, text: string): TallyState {
  let { n, pending, started } = state;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      if (started) pending = true;
      continue;
    }
    if (pending) n++;
    pending = false;
    started = true;
    n++;
    // A surrogate pair is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return { n, pending, started };
}

/**
 * The token estimate every budget and report uses: ceil(code points / 4) of
 * the whitespace-collapsed text (runs of whitespace count as one space, ends
 * trimmed); 0 for empty or blank text. A budget of N tokens is met when
 * `estimateTokens(output) <= N`, measured on the whole output.
 *
 * @example
 * ```ts
 * import { estimateTokens } from "./text.ts";
 * import { equal } from "node:assert/strict";
 * equal(estimateTokens("def  f():\n    return 1\n"), 5);
 * equal(estimateTokens("   "), 0);
 * ```
 */
export function estimateTokens(text: string): number {
  return Math.ceil(feed({ n: 0, pending: false, started: false }, text).n / 4);
}

/**
 * {@linkcode estimateTokens} of an output built piece by piece, without
 * re-reading what came before: `tokensWith(x)` after `add(a)`, `add(b)` is
 * exactly `estimateTokens(a + b + x)`, in time proportional to `x` alone.
 *
 * @example
 * ```ts
 * import { estimateTokens, TokenTally } from "./text.ts";
 * import { equal } from "node:assert/strict";
 * const tally = new TokenTally();
 * tally.add("def f():\n");
 * equal(tally.tokensWith("    return 1\n"), estimateTokens("def f():\n    return 1\n"));
 * ```
 */
export class TokenTally {
  #state: TallyState = { n: 0, pending: false, started: false };

  /** Append `text` to the output. */
  add(text: string): void {
    this.#state = feed(this.#state, text);
  }

  /** The estimate of the output so far. */
  get tokens(): number {
    return Math.ceil(this.#state.n / 4);
  }

  /** The estimate the output would have with `text` appended (nothing is added). */
  tokensWith(text: string): number {
    return Math.ceil(feed(this.#state, text).n / 4);
  }
}

/** Per lines array: each line's code-point counts by UTF-16 offset (null: no surrogates). */
const COLUMNS = new WeakMap<readonly string[], Map<number, Uint32Array | null>>();

function columnTable(line: string): Uint32Array | null {
  if (!/[\uD800-\uDFFF]/.test(line)) return null;
  const table = new Uint32Array(line.length + 1);
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const low = c >= 0xdc00 && c <= 0xdfff;
    const afterHigh = i > 0 && line.charCodeAt(i - 1) >= 0xd800 && line.charCodeAt(i - 1) <= 0xdbff;
    table[i + 1] = (table[i] ?? 0) + (low && afterHigh ? 0 : 1);
  }
  return table;
}

/**
 * The 1-based code-point column of UTF-16 offset `index` on line `row`
 * (0-based) of `lines`: `Array.from(line.slice(0, index)).length + 1`, but
 * the line is scanned once, however many columns are asked on it (a
 * hostile file's one long line holds thousands of matches).
 *
 * @example
 * ```ts
 * import { codePointColumn } from "./text.ts";
 * import { equal } from "node:assert/strict";
 * const lines = ["a😀b", "abc"];
 * equal(codePointColumn(lines, 0, 3), 3); // after "a😀"
 * equal(codePointColumn(lines, 1, 2), 3);
 * equal(codePointColumn(lines, 1, 99), 4); // clamped to the line's end
 * ```
 */
export function codePointColumn(lines: readonly string[], row: number, index: number): number {
  const line = lines[row] ?? "";
  const at = Math.max(0, Math.min(index, line.length));
  let tables = COLUMNS.get(lines);
  if (tables === undefined) COLUMNS.set(lines, tables = new Map());
  let table = tables.get(row);
  if (table === undefined) tables.set(row, table = columnTable(line));
  return (table === null ? at : table[at] ?? at) + 1;
}

/**
 * `s` as a literal inside a regular expression, also under the `u` flag
 * (only syntax characters are escaped): a symbol name may be an operator
 * (Ruby's `+`, `**`, `[]`).
 *
 * @example
 * ```ts
 * import { escapeRegExp } from "./text.ts";
 * import { ok } from "node:assert/strict";
 * ok(new RegExp(escapeRegExp("**"), "u").test("a ** b"));
 * ok(new RegExp(escapeRegExp("$x[0]"), "u").test("$x[0]"));
 * ```
 */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
