/**
 * Secrets in content: high-confidence token shapes (cloud keys, VCS and
 * registry tokens, private key blocks, credentials in URLs) found and masked
 * before any text leaves trifecta — in chunks, snippets, skeletons and
 * language-server answers. Imports nothing.
 *
 * A finding records the rule and the line, never the value.
 *
 * @module
 */

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

/** One content rule. */
export interface ContentSecretRule {
  /** Stable id, shown in the mask and counted in reports. */
  id: string;
  /** Global pattern; group `s` (when present) is the part masked. */
  re: RegExp;
  /** Literal substrings one of which every match contains (a cheap pre-filter). */
  needs: readonly string[];
}

// Token characters on both sides are excluded with lookarounds on [A-Za-z0-9]
// only, so `_`, `-` and `.` next to a token do not hide it (`\b` would).
const RULES: readonly ContentSecretRule[] = [
  {
    id: "private-key",
    re: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)/g,
    needs: ["-----BEGIN "],
  },
  {
    id: "aws-access-key-id",
    re: /(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}(?![A-Za-z0-9])/g,
    needs: ["AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA"],
  },
  {
    id: "github-token",
    re: /(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/g,
    needs: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
  },
];

/** The content rules, in the order they run (exported for docs and tests). */
export const CONTENT_SECRET_RULES: readonly ContentSecretRule[] = RULES;

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/**
 * Find and mask the secrets in `text`.
 *
 * @example
 * ```ts
 * import { maskSecrets } from "./secrets.ts";
 * const r = maskSecrets('KEY = "AKIAIOSFODNN7EXAMPLE"');
 * r.text; // 'KEY = "<SECRET_REDACTED:aws-access-key-id>"'
 * r.findings; // [{ rule: "aws-access-key-id", line: 1 }]
 * ```
 */
export function maskSecrets(text: string): MaskedText {
  const findings: (SecretFinding & { at: number })[] = [];
  let out = text;
  for (const rule of RULES) {
    if (!rule.needs.some((n) => out.includes(n))) continue;
    rule.re.lastIndex = 0;
    out = out.replace(rule.re, (match: string, ...rest: unknown[]) => {
      const at = rest.find((x) => typeof x === "number") as number;
      findings.push({ rule: rule.id, line: lineAt(out, at), at });
      // A multi-line secret keeps its line count, so line numbers stay true.
      const newlines = "\n".repeat(match.split("\n").length - 1);
      return `${SECRET_MASK_PREFIX}${rule.id}>${newlines}`;
    });
  }
  findings.sort((a, b) => a.line - b.line);
  return { text: out, findings: findings.map(({ rule, line }) => ({ rule, line })) };
}

/**
 * True when `text` holds the start of a private key block
 * (`-----BEGIN … PRIVATE KEY-----`): such a file is refused whole.
 */
export function hasPrivateKeyBlock(text: string): boolean {
  return /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/.test(text);
}
