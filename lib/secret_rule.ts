/**
 * The shape of one content secret rule (see `secret_rules.ts` for the
 * table): its pattern, the literals that wake it, and the checks that tell
 * a secret from code that looks like one.
 *
 * @module
 */

/** One content rule. */
export interface ContentSecretRule {
  /** Stable id, shown in the mask and counted in reports. */
  id: string;
  /** What it finds, for the docs. */
  title: string;
  /**
   * Global pattern; named group `s` (or `s2`, in another alternative) is the
   * part masked when present (with flag `d`), else the whole match.
   */
  re: RegExp;
  /**
   * Literal substrings one of which every match contains (a cheap pre-filter;
   * compared case-insensitively when `re` has flag `i`).
   */
  needs: readonly string[];
  /**
   * Literals that wake the rule compared case-sensitively even when `re`
   * has flag `i` (the access key ids an AWS secret is looked for near; a
   * case-insensitive literal costs the pre-filter more).
   */
  exactNeeds?: readonly string[];
  /**
   * A character that may not come right before the token (the marker is
   * short, e.g. `sk-`, and a letter before it means an ordinary word such as
   * `task-`). Ignored for short strings ({@linkcode MaskOptions.prefixes}).
   */
  left?: RegExp;
  /** A character that may not come right after the token. */
  right?: RegExp;
  /** Extra test of the masked token (e.g. random keys mix digits and cases). */
  check?: (token: string) => boolean;
  /** Extra test of the whole match of `re` (its groups tell the shape found). */
  checkMatch?: (match: RegExpMatchArray) => boolean;
  /** Extends a match to the end of its secret (private key bodies). */
  extend?: (text: string, end: number) => number;
  /**
   * Finds the matches of `re` in linear time, where the regular expression
   * would rescan one long run of token characters from each of its markers
   * (a hostile file of `eyJeyJeyJ…` took seconds per 100 KB).
   */
  find?: (text: string) => Iterable<[number, number]>;
  /**
   * A recognisable prefix of the token (its marker plus enough characters
   * that the prefix is longer than 8): masked too with
   * {@linkcode MaskOptions.prefixes}, for strings a token may have been cut in.
   */
  prefix?: RegExp;
}

/** The groups a rule's pattern may hold its secret in, in order. */
export const SECRET_GROUPS: readonly string[] = [
  "s",
  "s2",
  "s3",
  "s4",
  "s5",
  "s6",
  "s7",
  "s8",
  "s11",
];
