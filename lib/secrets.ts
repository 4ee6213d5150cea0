/**
 * Secrets in content: high-confidence token shapes (cloud keys, VCS and
 * registry tokens, chat and payment API keys, JWTs, private key blocks,
 * credentials in URLs) found and masked before any text leaves trifecta — in
 * chunks, snippets, skeletons and language-server answers (through the read
 * boundary, lib/segment/boundary.ts) and in telemetry (lib/telemetry/redact.ts).
 * This module and its rule files (`secret_rules.ts`, the table, and the
 * `secret_*.ts` files it is made of) are the one place that knows what a
 * secret looks like. They import nothing else.
 *
 * A finding records the rule and the line, never the value. A mask never
 * changes the number of lines and never removes or inserts a quote, bracket
 * or line break, so masked source still parses to the same
 * structure with the same line numbers.
 *
 * @module
 */

import { RULES } from "./secret_rules.ts";
import { type ContentSecretRule, SECRET_GROUPS } from "./secret_rule.ts";

export type { ContentSecretRule } from "./secret_rule.ts";
export { hasPrivateKeyBlock } from "./secret_pem.ts";

/** Prefix of every mask: `<SECRET_REDACTED:rule>`. */
export const SECRET_MASK_PREFIX = "<SECRET_REDACTED:";

/** One secret found in a text (never the value). */
export interface SecretFinding {
  /** Rule id, e.g. `aws-access-key-id`. */
  rule: string;
  /** 1-based line of the finding's start. */
  line: number;
}

/** A text with its secrets masked. */
export interface MaskedText {
  /** The text, each secret replaced by `<SECRET_REDACTED:rule>`. */
  text: string;
  /** What was masked, in order. */
  findings: SecretFinding[];
}

/** Options for {@linkcode maskSecrets}. */
export interface MaskOptions {
  /**
   * For short strings such as telemetry values, where a token may already
   * have been cut by someone else: also mask recognisable token prefixes
   * (a marker such as `ghp_`, `AKIA`, `sk-` followed by enough token
   * characters to be longer than 8), and ignore the `left`/`right` context
   * checks, so no letter or digit glued to a token hides it.
   */
  prefixes?: boolean;
  /** Replacement for every finding instead of `<SECRET_REDACTED:rule>`. */
  replacement?: string;
}

/** The content rules, in the order they run (exported for docs and tests). */
export const CONTENT_SECRET_RULES: readonly ContentSecretRule[] = RULES;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// One scan over the text finds every place where some rule's literal may
// start, so a clean file costs one pass. The scan is case-insensitive for
// every literal (one plain alternation is about twice as fast in V8 as one
// that mixes `(?i:…)` groups); each place it stops is then checked against
// the literals that begin with the same two characters, case-sensitive
// ones exactly. A literal activates every rule that needs it or a substring
// of it (`sk-ant-` also wakes the rules that need `sk-`).
function needsOf(r: ContentSecretRule): readonly string[] {
  return r.exactNeeds ? [...r.needs, ...r.exactNeeds] : r.needs;
}
const NEEDLES = [...new Set(RULES.flatMap(needsOf))].sort((a, b) => b.length - a.length);

/** One literal as the checks at a place need it. */
interface Needle {
  text: string;
  /** Matched in any case (a case-insensitive rule needs it). */
  anyCase: boolean;
  /** The rules it wakes. */
  rules: readonly number[];
}
const MIN_NEEDLE = Math.min(...NEEDLES.map((n) => n.length));
// Literals by their first MIN_NEEDLE characters, lower-cased.
const NEEDLES_AT = new Map<string, Needle[]>();
for (const n of NEEDLES) {
  const anyCase = RULES.some((r) => r.re.ignoreCase && r.needs.includes(n));
  const rules = RULES.flatMap((r, i) =>
    needsOf(r).some((m) => n.includes(m) || (r.re.ignoreCase && n.toLowerCase().includes(m)))
      ? [i]
      : []
  );
  const key = n.slice(0, MIN_NEEDLE).toLowerCase();
  NEEDLES_AT.set(key, [...(NEEDLES_AT.get(key) ?? []), { text: n, anyCase, rules }]);
}
const TRIGGER = new RegExp(NEEDLES.map(escapeRe).join("|"), "gi");

/** Whether `n` occurs in `text` at `at`. */
function needleAt(text: string, at: number, n: Needle): boolean {
  if (!n.anyCase) return text.startsWith(n.text, at);
  return text.slice(at, at + n.text.length).toLowerCase() === n.text.toLowerCase();
}

function activeRules(text: string): Set<number> {
  const active = new Set<number>();
  TRIGGER.lastIndex = 0;
  for (let m = TRIGGER.exec(text); m !== null; m = TRIGGER.exec(text)) {
    const at = m.index;
    const key = text.slice(at, at + MIN_NEEDLE).toLowerCase();
    for (const n of NEEDLES_AT.get(key) ?? []) {
      if (needleAt(text, at, n)) { for (const i of n.rules) active.add(i); }
    }
    if (active.size === RULES.length) break;
    // Literals may overlap (`gsk_test_`: `gsk_` and `k_test_`): go on from
    // the next character, not from the end of this match.
    TRIGGER.lastIndex = at + 1;
  }
  return active;
}

/**
 * The ids of the rules the literal pre-filter wakes for `text`: only these
 * rules run. Exported for tests (a rule whose literal is in the text must
 * be woken, whatever the case of a case-insensitive rule's literal).
 *
 * @example
 * ```ts
 * import { rulesWoken } from "./secrets.ts";
 * import { ok, equal } from "node:assert/strict";
 * ok(rulesWoken('PASSWORD = "x"').has("secret-assignment"));
 * equal(rulesWoken("nothing here").size, 0);
 * ```
 */
export function rulesWoken(text: string): Set<string> {
  return new Set([...activeRules(text)].map((i) => RULES[i]?.id ?? ""));
}

interface Span {
  start: number;
  end: number;
  /** The rule's place in the table (ties go to the earlier rule). */
  order: number;
  /** The rule's id. */
  id: string;
}

/** Where a match's secret is: its first secret group (with flag `d`), else the whole match. */
function secretAt(m: RegExpMatchArray & { index: number }): [number, number] {
  const g = m.indices?.groups;
  return (g && SECRET_GROUPS.map((k) => g[k]).find((x) => x !== undefined)) ??
    [m.index, m.index + m[0].length];
}

function* matchSpans(text: string, rule: ContentSecretRule): Generator<[number, number]> {
  const re = rule.re;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0] === "") re.lastIndex++;
    if (rule.checkMatch && !rule.checkMatch(m)) {
      // A match that is no secret must not hide one that starts inside it
      // (`password: …example…DB_PASSWORD = "…"`).
      re.lastIndex = m.index + 1;
      continue;
    }
    const at = secretAt(m);
    if (rule.check && !rule.check(text.slice(at[0], at[1]))) {
      // Same as above: a long value that is no secret (it ran over a URL)
      // must not hide a parameter that starts inside it.
      re.lastIndex = m.index + 1;
      continue;
    }
    yield at;
  }
}

/** Add the spans `rule` (at `order` in the table) finds in `text`. */
function collect(
  text: string,
  rule: ContentSecretRule,
  order: number,
  prefixes: boolean,
  spans: Span[],
): void {
  rule.re.lastIndex = 0;
  const found = rule.find ? rule.find(text) : matchSpans(text, rule);
  for (const at of found) {
    const start = at[0];
    let end = at[1];
    if (!prefixes) {
      if (rule.left && start > 0 && rule.left.test(text.charAt(start - 1))) continue;
      if (rule.right && end < text.length && rule.right.test(text.charAt(end))) continue;
    }
    if (rule.check && !rule.check(text.slice(start, end))) continue;
    if (rule.extend) {
      const to = rule.extend(text, end);
      if (to === end) continue;
      end = to;
    }
    if (end > start) spans.push({ start, end, order, id: rule.id });
  }
  if (prefixes && rule.prefix) {
    rule.prefix.lastIndex = 0;
    for (const m of text.matchAll(rule.prefix)) {
      const at = secretAt(m);
      if (at[1] > at[0]) spans.push({ start: at[0], end: at[1], order, id: rule.id });
    }
  }
}

// Characters a mask keeps in place: the structure a parser sees. A piece
// between them that holds only glue (the `",\n  "` between the string
// literals of a key split over several lines) is kept as it is.
const STRUCTURE = /["'`()[\]{}]/;
const GLUE_ONLY = /^(?:\s|\\[nrt]|[+,;])*$/;
const LINE_BREAKS = /[^\r\n\u2028\u2029]/g;

/**
 * The replacement for one secret: each piece between structural characters
 * that holds more than glue becomes one mask followed by the line breaks it
 * held, so lines, quotes and brackets stay where they were.
 */
function maskSpan(piece: string, mask: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i <= piece.length; i++) {
    // charAt(piece.length) is "": the last piece ends at the end.
    const ch = piece.charAt(i);
    if (i < piece.length && !STRUCTURE.test(ch)) continue;
    const part = piece.slice(from, i);
    out += GLUE_ONLY.test(part) ? part : mask + part.replace(LINE_BREAKS, "");
    out += ch;
    from = i + 1;
  }
  return out;
}

/**
 * Earliest first; of two at the same place, the longer, then the earlier
 * rule. Overlapping secrets are masked as one (union), named by the first.
 */
function mergeSpans(spans: Span[]): Span[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end || a.order - b.order);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.start < last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/**
 * Find and mask the secrets in `text`.
 *
 * @example
 * ```ts
 * import { maskSecrets } from "./secrets.ts";
 * import { deepEqual, equal } from "node:assert/strict";
 * const r = maskSecrets('x = 1\nKEY = "AKIAIOSFODNN7EXAMPLE"');
 * equal(r.text, 'x = 1\nKEY = "<SECRET_REDACTED:aws-access-key-id>"');
 * deepEqual(r.findings, [{ rule: "aws-access-key-id", line: 2 }]);
 * equal(maskSecrets("nothing to hide").findings.length, 0);
 * ```
 */
export function maskSecrets(text: string, options: MaskOptions = {}): MaskedText {
  const active = activeRules(text);
  if (active.size === 0) return { text, findings: [] };
  const prefixes = options.prefixes ?? false;
  const spans: Span[] = [];
  for (const [i, rule] of RULES.entries()) {
    if (active.has(i)) collect(text, rule, i, prefixes, spans);
  }
  if (spans.length === 0) return { text, findings: [] };
  const findings: SecretFinding[] = [];
  let out = "";
  let pos = 0;
  let line = 1;
  let counted = 0;
  for (const { start, end, id } of mergeSpans(spans)) {
    for (
      let n = text.indexOf("\n", counted);
      n !== -1 && n < start;
      n = text.indexOf("\n", n + 1)
    ) {
      line++;
      counted = n + 1;
    }
    findings.push({ rule: id, line });
    out += text.slice(pos, start) +
      maskSpan(text.slice(start, end), options.replacement ?? `${SECRET_MASK_PREFIX}${id}>`);
    pos = end;
  }
  return { text: out + text.slice(pos), findings };
}
