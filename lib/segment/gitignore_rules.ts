/**
 * A linear-time `.gitignore` matcher (git's semantics: the last matching
 * line wins, `!` un-ignores, a `/` at the start or in the middle anchors, a
 * trailing `/` matches directories only, `**` spans components).
 *
 * Why not the npm `ignore` package: it compiles each line to a RegExp whose
 * `(?:.*\/)?` groups backtrack, so one check of `**\/x/**\/x/**\/y` against a
 * 50-deep path took 450 ms and doubled with every level — a hostile
 * repository's `.gitignore` could hang every walk. Here each component is
 * matched by a two-pointer wildcard matcher (O(name × part)) and `**` by a
 * greedy scan over components (each later piece is searched for once, left to
 * right), so one check costs O(components × pattern parts) at most.
 *
 * Every check is bounded further by caps ({@linkcode GITIGNORE_LIMITS}): lines
 * beyond them are dropped and counted. A dropped line can only make MORE files
 * visible, which is safe: the denylist, the secret checks and the read
 * boundary apply to every file whatever `.gitignore` says.
 *
 * @module
 */
import {
  type ClassItem,
  foldCp,
  parsePattern,
  type Part,
  type Pattern,
  type Token,
} from "./gitignore_pattern.ts";

/** Caps on one `.gitignore` (see the module doc). */
export const GITIGNORE_LIMITS = {
  /** Patterns kept per `.gitignore` file. */
  maxPatterns: 10_000,
  /** Characters per line (a longer line is dropped). */
  maxLineChars: 1024,
  /** Path parts per pattern (`a/b/c` has 3; a longer one is dropped). */
  maxParts: 32,
} as const;

/** Options for {@linkcode parseGitignore}. */
export interface GitignoreOptions {
  /** Match case-insensitively (the walker's default, as npm `ignore` did). */
  ignoreCase?: boolean;
  /** Keep at most this many patterns (after {@linkcode GITIGNORE_LIMITS}.maxPatterns). */
  maxPatterns?: number;
}

/** A path split for matching once, shared by every rule of every scope. */
export class PathView {
  /** Components, case-folded when the rules ignore case. */
  readonly comps: string[];
  #cps: (number[] | undefined)[] = [];

  /** `rel` is a segment-relative POSIX path. */
  constructor(rel: string, ignoreCase = true) {
    this.comps = (ignoreCase ? rel.toLowerCase() : rel).split("/");
  }

  /** Component `i` as code points. */
  cps(i: number): number[] {
    let cached = this.#cps[i];
    if (!cached) {
      cached = Array.from(this.comps[i] ?? "", (ch) => ch.codePointAt(0) ?? 0);
      this.#cps[i] = cached;
    }
    return cached;
  }
}

function posixClass(name: string, ch: string): boolean {
  switch (name) {
    case "alnum":
      return /^[A-Za-z0-9]$/.test(ch);
    case "alpha":
      return /^[A-Za-z]$/.test(ch);
    case "blank":
      return ch === " " || ch === "\t";
    case "cntrl":
      return ch.length === 1 && (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
    case "digit":
      return /^[0-9]$/.test(ch);
    case "graph":
      return /^[\x21-\x7e]$/.test(ch);
    case "lower":
      return /^[a-z]$/.test(ch);
    case "print":
      return /^[\x20-\x7e]$/.test(ch);
    case "punct":
      return /^[!-/:-@[-`{-~]$/.test(ch);
    case "space":
      return /^[ \t\n\v\f\r]$/.test(ch);
    case "upper":
      return /^[A-Z]$/.test(ch);
    default: // xdigit (the parser admits only known names)
      return /^[0-9A-Fa-f]$/.test(ch);
  }
}

function inItems(items: readonly ClassItem[], c: number): boolean {
  const ch = String.fromCodePoint(c);
  return items.some((it) => "named" in it ? posixClass(it.named, ch) : it.lo <= c && c <= it.hi);
}

/** One character against one non-star token; `upper` also tries the upper case (folded paths). */
function tokenMatches(t: Token, c: number, ignoreCase: boolean): boolean {
  if (t.k === "any") return true;
  if (t.k === "lit") return t.c === c;
  if (t.k !== "class") return false;
  const hit = inItems(t.items, c) ||
    (ignoreCase && inItems(t.items, foldCp(c, (s) => s.toUpperCase())));
  return hit !== t.neg;
}

/**
 * Single-component wildcard match, two pointers: on a mismatch go back only
 * to the last `*` (a later `*` makes earlier choices irrelevant), so the cost
 * is O(name × tokens) whatever the pattern.
 */
function wildMatch(toks: readonly Token[], s: readonly number[], ignoreCase: boolean): boolean {
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    const t = toks[p];
    if (t?.k === "star") {
      starP = p++;
      starI = i;
      continue;
    }
    if (t && tokenMatches(t, s[i] ?? 0, ignoreCase)) {
      p++;
      i++;
      continue;
    }
    if (starP < 0) return false;
    p = starP + 1;
    i = ++starI;
  }
  while (toks[p]?.k === "star") p++;
  return p === toks.length;
}

function partMatches(part: Part, view: PathView, i: number, ignoreCase: boolean): boolean {
  if (part.k === "globstar") return true;
  if (part.k === "lit") return part.text === view.comps[i];
  const comp = view.comps[i] ?? "";
  // Literal ends first: most names fail here without the wildcard scan.
  if (!comp.startsWith(part.prefix) || !comp.endsWith(part.suffix)) return false;
  return wildMatch(part.toks, view.cps(i), ignoreCase);
}

/** A pattern compiled for matching: its `**`-free pieces. */
interface Rule {
  pattern: Pattern;
  /** The parts split at `**` (first and last may be empty); one piece when there is no `**`. */
  pieces: Part[][];
  /** Ends in `**` (`a/**`): matches inside only, at least one component. */
  trailing: boolean;
}

function compile(pattern: Pattern): Rule {
  const pieces: Part[][] = [[]];
  for (const part of pattern.parts) {
    if (part.k === "globstar") pieces.push([]);
    else pieces[pieces.length - 1]?.push(part);
  }
  return { pattern, pieces, trailing: pattern.parts[pattern.parts.length - 1]?.k === "globstar" };
}

function pieceAt(piece: readonly Part[], view: PathView, at: number, ignoreCase: boolean): boolean {
  return piece.every((part, j) => partMatches(part, view, at + j, ignoreCase));
}

/**
 * Does `rule` match the components `from..end` of `view`? Between `**`s,
 * each piece is placed at its leftmost fit: that leaves the most room for
 * the pieces after it, so greedy is exact, and each component is looked at
 * by one piece search at most.
 */
function ruleMatches(rule: Rule, view: PathView, from: number, ignoreCase: boolean): boolean {
  const end = view.comps.length;
  const { pattern, pieces } = rule;
  if (!pattern.anchored) {
    const only = pattern.parts[0];
    return only !== undefined && end > from && partMatches(only, view, end - 1, ignoreCase);
  }
  const head = pieces[0] ?? [];
  if (pieces.length === 1) {
    return end - from === head.length && pieceAt(head, view, from, ignoreCase);
  }
  const tail = pieces[pieces.length - 1] ?? [];
  let lo = from + head.length;
  const hi = end - tail.length - (rule.trailing ? 1 : 0);
  if (lo > hi || !pieceAt(head, view, from, ignoreCase)) return false;
  if (!pieceAt(tail, view, end - tail.length, ignoreCase)) return false;
  for (let k = 1; k < pieces.length - 1; k++) {
    const piece = pieces[k] ?? [];
    let at = lo;
    while (at + piece.length <= hi && !pieceAt(piece, view, at, ignoreCase)) at++;
    if (at + piece.length > hi) return false;
    lo = at + piece.length;
  }
  return true;
}

/** The rules of one `.gitignore` (or of the config's `ignore` globs). */
export class GitignoreRules {
  /** Lines dropped by the caps ({@linkcode GITIGNORE_LIMITS}). */
  readonly dropped: number;
  readonly #rules: Rule[];
  readonly #ignoreCase: boolean;

  /** Rules from the lines of `text`, in order (see {@linkcode parseGitignore}). */
  constructor(lines: readonly string[], options: GitignoreOptions = {}) {
    this.#ignoreCase = options.ignoreCase ?? true;
    const fold = this.#ignoreCase ? (s: string) => s.toLowerCase() : (s: string) => s;
    const max = Math.min(options.maxPatterns ?? Infinity, GITIGNORE_LIMITS.maxPatterns);
    const rules: Rule[] = [];
    let dropped = 0;
    for (const line of lines) {
      if (line.length > GITIGNORE_LIMITS.maxLineChars) {
        dropped++;
        continue;
      }
      const pattern = parsePattern(line, fold);
      if (typeof pattern === "string") continue; // blank, comment, or never matches in git
      if (pattern.parts.length > GITIGNORE_LIMITS.maxParts || rules.length >= max) dropped++;
      else rules.push(compile(pattern));
    }
    this.#rules = rules;
    this.dropped = dropped;
  }

  /** Patterns kept. */
  get size(): number {
    return this.#rules.length;
  }

  /**
   * The verdict of the last matching line for components `from..` of `view`
   * (a path relative to this file's directory): true = ignored, false =
   * re-included by `!`, undefined = no line matches.
   */
  verdict(view: PathView, from: number, isDir: boolean): boolean | undefined {
    for (let i = this.#rules.length - 1; i >= 0; i--) {
      const rule = this.#rules[i];
      if (!rule || (rule.pattern.dirOnly && !isDir)) continue;
      if (ruleMatches(rule, view, from, this.#ignoreCase)) return !rule.pattern.negated;
    }
    return undefined;
  }
}

/**
 * Parse a `.gitignore` text (lines split on LF or CRLF).
 *
 * @example
 * ```ts
 * import { parseGitignore, PathView } from "./gitignore_rules.ts";
 * import { equal } from "node:assert/strict";
 * const rules = parseGitignore("build/\n*.log\n!keep.log\n/docs/**\/*.tmp\n");
 * equal(rules.verdict(new PathView("src/build"), 0, true), true);
 * equal(rules.verdict(new PathView("src/build"), 0, false), undefined);
 * equal(rules.verdict(new PathView("a/b.log"), 0, false), true);
 * equal(rules.verdict(new PathView("a/keep.log"), 0, false), false);
 * equal(rules.verdict(new PathView("docs/x/y/z.tmp"), 0, false), true);
 * equal(rules.verdict(new PathView("src/docs/z.tmp"), 0, false), undefined);
 * ```
 */
export function parseGitignore(text: string, options: GitignoreOptions = {}): GitignoreRules {
  return new GitignoreRules(text.split(/\r?\n/), options);
}
