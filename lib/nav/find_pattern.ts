/**
 * `ast find` patterns: parsed once (a usage error when empty, too long,
 * holding control characters, or a bad glob), then matched against a
 * symbol row's qualified-name parts.
 *
 * Forms: a name (`AppConfig`: exact, else prefix, else substring), a
 * qualified-name path (`Inventory/add` or `Inventory.add`: the last parts
 * of the qualified name; a leading `/` anchors it at the top level), and a
 * glob in any part (`get_*`, `*Config`, `?`, `[abc]`). Case-sensitive
 * matches first; case-insensitive ones are found too, ranked lower.
 *
 * @module
 */
import { errorMessage, UsageError } from "../errors.ts";
import type { SymbolRow } from "./symbol_rows.ts";

/** Longest pattern accepted (characters). */
export const MAX_PATTERN_LENGTH = 512;

/** How a row's name matched the pattern's last part. */
export type MatchKind = "exact" | "prefix" | "substring" | "glob";

/** Rank of each match kind (lower first): exact, prefix, then substring and glob. */
export const MATCH_RANK: Readonly<Record<MatchKind, number>> = {
  exact: 0,
  prefix: 1,
  substring: 2,
  glob: 2,
};

/** One part of a pattern: a literal name or a glob. */
interface PatternPart {
  /** The part as written. */
  text: string;
  /** Lower-cased. */
  lower: string;
  /** Case-sensitive and -insensitive matchers when the part is a glob. */
  glob?: { exact: GlobMatcher; folded: GlobMatcher };
}

/** A parsed pattern. */
export interface FindPattern {
  /** The pattern as given. */
  source: string;
  /** Parts from the outermost to the symbol's own name (at least one). */
  parts: readonly PatternPart[];
  /** A leading `/`: the first part is a top-level symbol. */
  anchored: boolean;
}

/** A row's match: its kind and whether it needed case folding. */
export interface PatternMatch {
  /** Exact, prefix, substring or glob (of the last part). */
  kind: MatchKind;
  /** True when the match is case-sensitive throughout. */
  caseSensitive: boolean;
}

const GLOB_CHARS = /[*?[]/;

function usage(message: string, reason: string): UsageError {
  return new UsageError(message, {
    nextSteps: [
      "Give a name (AppConfig), a qualified path (Inventory/add, Inventory.add, /TopLevel), " +
      "a substring (Config) or a glob (get_*, *Config, ?)",
    ],
    details: { reason },
  });
}

/** One step of a glob: any run, one character, a class, or a literal character. */
type GlobToken = { star: true } | { star: false; one: (c: string) => boolean };

/** A compiled glob: {@linkcode globMatcher}. */
interface GlobMatcher {
  test(name: string): boolean;
}

/** A `[…]` class as a one-character test (a one-character regex cannot backtrack). */
function classTest(
  part: string,
  i: number,
  folded: boolean,
): { test: (c: string) => boolean; end: number } {
  const end = part.indexOf("]", i + 2);
  if (end < 0) throw usage(`Bad glob in pattern: '[' without ']' in '${part}'`, "bad_glob");
  let body = part.slice(i + 1, end);
  const negate = body.startsWith("!") || body.startsWith("^");
  if (negate) body = body.slice(1);
  if (body === "") throw usage(`Bad glob in pattern: empty class in '${part}'`, "bad_glob");
  let re: RegExp;
  try {
    re = new RegExp(
      `^[${negate ? "^" : ""}${body.replace(/[\\\]^[]/g, "\\$&")}]$`,
      folded ? "iu" : "u",
    );
  } catch (err) {
    // A class the regex engine refuses, such as a reversed range `[z-a]`.
    throw usage(`Bad glob in pattern: '${part}' (${errorMessage(err)})`, "bad_glob");
  }
  return { test: (c) => re.test(c), end };
}

/** The glob's steps: `*` any run, `?` one character, `[…]` a class; the rest literal. */
function globTokens(part: string, folded: boolean): GlobToken[] {
  const out: GlobToken[] = [];
  const chars = Array.from(part);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? "";
    if (c === "*") {
      if (!out.at(-1)?.star) out.push({ star: true });
    } else if (c === "?") out.push({ star: false, one: () => true });
    else if (c === "[") {
      // Classes are ASCII-delimited: find the end in the code-point array.
      const rest = chars.slice(i).join("");
      const cls = classTest(rest, 0, folded);
      out.push({ star: false, one: cls.test });
      i += Array.from(rest.slice(0, cls.end)).length;
    } else if (c === "]") {
      throw usage(`Bad glob in pattern: ']' without '[' in '${part}'`, "bad_glob");
    } else {
      const want = folded ? c.toLowerCase() : c;
      out.push({ star: false, one: folded ? (x) => x.toLowerCase() === want : (x) => x === want });
    }
  }
  return out;
}

/**
 * A glob part as a matcher that never backtracks more than one `*` at a
 * time (the classic two-pointer wildcard match: time bounded by the name's
 * length times the pattern's), where a regex of `.*` runs took seconds to
 * minutes on a dozen stars.
 */
function globMatcher(part: string, folded: boolean): GlobMatcher {
  const tokens = globTokens(part, folded);
  return {
    test(name: string): boolean {
      const s = Array.from(name);
      let t = 0;
      let i = 0;
      let starT = -1;
      let starI = 0;
      while (i < s.length) {
        const tok = tokens[t];
        if (tok && !tok.star && tok.one(s[i] ?? "")) {
          t++;
          i++;
        } else if (tok?.star) {
          starT = t++;
          starI = i;
        } else if (starT >= 0) {
          t = starT + 1;
          i = ++starI;
        } else return false;
      }
      while (tokens[t]?.star) t++;
      return t === tokens.length;
    },
  };
}

function parsePart(text: string): PatternPart {
  const part: PatternPart = { text, lower: text.toLowerCase() };
  if (GLOB_CHARS.test(text) || text.includes("]")) {
    part.glob = { exact: globMatcher(text, false), folded: globMatcher(text, true) };
  }
  return part;
}

/**
 * Parse a pattern.
 *
 * @example
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { parsePattern } from "./find_pattern.ts";
 * equal(parsePattern("Inventory/add").parts.length, 2);
 * equal(parsePattern("/Inventory.add").anchored, true);
 * throws(() => parsePattern(""), /empty/);
 * throws(() => parsePattern("get_[a"), /Bad glob/);
 * ```
 * @throws {UsageError} `USAGE_ERROR` (exit 2): empty, over
 * {@linkcode MAX_PATTERN_LENGTH} characters, control characters, an empty
 * part (`a//b`), or a bad glob.
 */
export function parsePattern(pattern: string): FindPattern {
  if (pattern.trim() === "") throw usage("The pattern is empty", "empty");
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw usage(
      `The pattern is ${pattern.length} characters, over the limit of ${MAX_PATTERN_LENGTH}`,
      "too_long",
    );
  }
  // deno-lint-ignore no-control-regex -- control characters are what is refused
  if (/[\x00-\x1f\x7f]/.test(pattern)) {
    throw usage("The pattern holds control characters", "control_characters");
  }
  const anchored = pattern.startsWith("/");
  const body = anchored ? pattern.slice(1) : pattern;
  const texts = body.split(/[/.]/);
  if (texts.some((t) => t.trim() === "")) {
    throw usage(`The pattern '${pattern}' has an empty part`, "empty_part");
  }
  return { source: pattern, parts: texts.map(parsePart), anchored };
}

/** How one part matched a name: `undefined` when not at all. */
function partMatch(
  part: PatternPart,
  name: string,
  lower: string,
  last: boolean,
): PatternMatch | undefined {
  if (part.glob) {
    if (part.glob.exact.test(name)) return { kind: "glob", caseSensitive: true };
    if (part.glob.folded.test(name)) return { kind: "glob", caseSensitive: false };
    return undefined;
  }
  if (name === part.text) return { kind: "exact", caseSensitive: true };
  if (lower === part.lower) return { kind: "exact", caseSensitive: false };
  // Only the symbol's own name may match in part; the outer parts are names.
  if (!last) return undefined;
  if (name.startsWith(part.text)) return { kind: "prefix", caseSensitive: true };
  if (lower.startsWith(part.lower)) return { kind: "prefix", caseSensitive: false };
  if (name.includes(part.text)) return { kind: "substring", caseSensitive: true };
  if (lower.includes(part.lower)) return { kind: "substring", caseSensitive: false };
  return undefined;
}

/**
 * How `row` matches `pattern`, or undefined. The pattern's parts match the
 * last parts of the qualified name (all of it when anchored); the outer
 * parts exactly or by glob, the last by {@linkcode MatchKind}.
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { matchRow, parsePattern } from "./find_pattern.ts";
 * const row = { parts: ["Inventory", "add"], lowerParts: ["inventory", "add"] };
 * deepEqual(matchRow(parsePattern("Inventory/add"), row), { kind: "exact", caseSensitive: true });
 * equal(matchRow(parsePattern("/add"), row), undefined);
 * deepEqual(matchRow(parsePattern("ADD"), row), { kind: "exact", caseSensitive: false });
 * ```
 */
export function matchRow(
  pattern: FindPattern,
  row: Pick<SymbolRow, "parts" | "lowerParts">,
): PatternMatch | undefined {
  const want = pattern.parts;
  const have = row.parts.length;
  if (want.length > have || (pattern.anchored && want.length !== have)) return undefined;
  const offset = have - want.length;
  let caseSensitive = true;
  let kind: MatchKind = "exact";
  for (let i = 0; i < want.length; i++) {
    const part = want[i];
    const name = row.parts[offset + i];
    const lower = row.lowerParts[offset + i];
    if (part === undefined || name === undefined || lower === undefined) return undefined;
    const m = partMatch(part, name, lower, i === want.length - 1);
    if (m === undefined) return undefined;
    caseSensitive &&= m.caseSensitive;
    if (i === want.length - 1) kind = m.kind;
  }
  return { kind, caseSensitive };
}
