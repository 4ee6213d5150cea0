/**
 * One `.gitignore` line, parsed into path parts for the linear matcher of
 * gitignore_rules.ts (git's rules: `gitignore(5)` and `wildmatch`).
 *
 * A repository's `.gitignore` is hostile input, so no line is compiled to a
 * RegExp: a backtracking engine turns `**\/x/**\/x/**\/y` against a deep path
 * into exponential time. A pattern here is a list of parts, one per path
 * component: `**` (any number of components), a literal name, or a
 * single-component wildcard (`*`, `?`, `[...]`, `\` escapes).
 *
 * @module
 */

/** One token of a single-component wildcard. */
export type Token =
  | { k: "lit"; c: number }
  | { k: "any" }
  | { k: "star" }
  | { k: "class"; neg: boolean; items: ClassItem[] };

/** A range (`a-z`, or one character as `lo === hi`) or a POSIX class (`[:alpha:]`). */
export type ClassItem = { lo: number; hi: number } | { named: string };

/** One part of a pattern: a whole path component, or `**`. */
export type Part =
  | { k: "globstar" }
  | { k: "lit"; text: string }
  | {
    k: "wild";
    toks: Token[];
    /** The literal text before the first non-literal token (a cheap first test). */
    prefix: string;
    /** The literal text after the last non-literal token. */
    suffix: string;
  };

/** A parsed `.gitignore` line. */
export interface Pattern {
  /** `!` prefix: a match un-ignores. */
  negated: boolean;
  /** Trailing `/`: matches directories only. */
  dirOnly: boolean;
  /** A `/` at the start or in the middle: matched from the `.gitignore`'s directory. */
  anchored: boolean;
  /** The parts; a pattern that is not anchored has exactly one. */
  parts: Part[];
}

const POSIX_CLASSES = new Set([
  "alnum",
  "alpha",
  "blank",
  "cntrl",
  "digit",
  "graph",
  "lower",
  "print",
  "punct",
  "space",
  "upper",
  "xdigit",
]);

/** A raw token or a `/` separator, before the split into parts. */
type Raw = Token | { k: "sep" };

/** Why a line yields no pattern: nothing to match, or never matches in git. */
type NoPattern = "blank" | "never";

/**
 * A bracket expression starting after `[` at `i`: the token and the index
 * after `]`, or undefined when it is not closed or names an unknown class
 * (git's wildmatch then matches nothing).
 */
function parseClass(cps: number[], start: number): { tok: Token; next: number } | undefined {
  let i = start;
  let neg = false;
  if (cps[i] === 0x21 || cps[i] === 0x5e) { // ! or ^
    neg = true;
    i++;
  }
  const items: ClassItem[] = [];
  for (let first = true; i < cps.length; first = false) {
    let c = cps[i] ?? 0;
    if (c === 0x5d && !first) return { tok: { k: "class", neg, items }, next: i + 1 }; // ]
    if (c === 0x5b && cps[i + 1] === 0x3a) { // [:name:]
      const end = cps.indexOf(0x5d, i + 2);
      if (end < 0 || cps[end - 1] !== 0x3a) return undefined;
      const name = String.fromCodePoint(...cps.slice(i + 2, end - 1));
      if (!POSIX_CLASSES.has(name)) return undefined;
      items.push({ named: name });
      i = end + 1;
      continue;
    }
    if (c === 0x5c) c = cps[++i] ?? -1; // \x
    if (c < 0) return undefined;
    i++;
    if (cps[i] === 0x2d && cps[i + 1] !== undefined && cps[i + 1] !== 0x5d) { // a-b
      let hi = cps[i + 1] ?? 0;
      i += 2;
      if (hi === 0x5c) hi = cps[i++] ?? -1;
      if (hi < 0) return undefined;
      items.push({ lo: c, hi });
    } else items.push({ lo: c, hi: c });
  }
  return undefined;
}

/** Tokens of a pattern body (escapes, classes, star runs, separators). */
function tokenize(cps: number[]): Raw[] | NoPattern {
  const out: Raw[] = [];
  for (let i = 0; i < cps.length;) {
    const c = cps[i] ?? 0;
    if (c === 0x5c) { // \x: the next character, literally
      const next = cps[i + 1];
      if (next === undefined) return "never"; // a trailing \ never matches in git
      out.push(next === 0x2f ? { k: "sep" } : { k: "lit", c: next });
      i += 2;
    } else if (c === 0x5b) {
      const cls = parseClass(cps, i + 1);
      if (!cls) return "never";
      out.push(cls.tok);
      i = cls.next;
    } else {
      out.push(
        c === 0x2f ? { k: "sep" } : c === 0x2a ? { k: "star" } : c === 0x3f ? { k: "any" } : {
          k: "lit",
          c,
        },
      );
      i++;
    }
  }
  return out;
}

/** One component's tokens as a part: `**` alone is a globstar, other star runs one `*`. */
function partOf(toks: Token[], fold: (s: string) => string): Part {
  if (toks.length >= 2 && toks.every((t) => t.k === "star")) return { k: "globstar" };
  const merged = toks.filter((t, i) => !(t.k === "star" && toks[i - 1]?.k === "star"));
  if (merged.every((t) => t.k === "lit")) {
    return {
      k: "lit",
      text: fold(String.fromCodePoint(...merged.map((t) => t.k === "lit" ? t.c : 0))),
    };
  }
  const folded = merged.map((t) => t.k === "lit" ? { k: "lit" as const, c: foldCp(t.c, fold) } : t);
  const litText = (toks: Token[]) =>
    String.fromCodePoint(...toks.map((t) => t.k === "lit" ? t.c : 0));
  const first = folded.findIndex((t) => t.k !== "lit");
  const last = folded.findLastIndex((t) => t.k !== "lit");
  return {
    k: "wild",
    toks: folded,
    prefix: litText(folded.slice(0, first)),
    suffix: litText(folded.slice(last + 1)),
  };
}

/** One code point through `fold`, kept as is when folding changes its length. */
export function foldCp(c: number, fold: (s: string) => string): number {
  const f = fold(String.fromCodePoint(c));
  const cp = f.codePointAt(0);
  return cp !== undefined && f.length === String.fromCodePoint(cp).length ? cp : c;
}

/** Git drops trailing spaces unless escaped with `\`. */
function trimTrailingSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && line[end - 1] === " ") {
    if (line[end - 2] === "\\") break;
    end--;
  }
  return line.slice(0, end);
}

/**
 * Parse one `.gitignore` line; `fold` maps text for case (identity when
 * case-sensitive). Blank lines and comments give "blank"; a line git can
 * never match (an open `[`, a trailing `\`, an empty component) gives "never".
 *
 * @example
 * ```ts
 * import { parsePattern } from "./gitignore_pattern.ts";
 * import { deepEqual, equal } from "node:assert/strict";
 * const p = parsePattern("!/build/**\/*.o", (s) => s);
 * if (typeof p === "string") throw new Error(p);
 * deepEqual([p.negated, p.anchored, p.dirOnly, p.parts.length], [true, true, false, 3]);
 * equal(parsePattern("# a comment", (s) => s), "blank");
 * ```
 */
export function parsePattern(line: string, fold: (s: string) => string): Pattern | NoPattern {
  let body = trimTrailingSpaces(line);
  if (body === "" || body.startsWith("#")) return "blank";
  const negated = body.startsWith("!");
  if (negated) body = body.slice(1);
  const dirOnly = body.endsWith("/") && !body.endsWith("\\/");
  if (dirOnly) body = body.slice(0, -1);
  const raw = tokenize(Array.from(body, (ch) => ch.codePointAt(0) ?? 0));
  if (typeof raw === "string") return raw;
  const anchored = raw.some((t) => t.k === "sep");
  if (raw[0]?.k === "sep") raw.shift();
  const parts: Part[] = [];
  let current: Token[] = [];
  for (const t of [...raw, { k: "sep" as const }]) {
    if (t.k !== "sep") {
      current.push(t);
      continue;
    }
    if (current.length === 0) return "never"; // `a//b`, `/`, `!`: no path has an empty component
    parts.push(partOf(current, fold));
    current = [];
  }
  return { negated, dirOnly, anchored, parts };
}
