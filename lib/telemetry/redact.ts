/**
 * Redaction of everything telemetry writes and reads. Every string value
 * (and every object key) of an event — `cmd`, `run_id`, `segment_id`,
 * `args`, `result`, `warnings`, `x` — of `last_run.json` and every counter
 * name goes through {@linkcode redactString}, at any depth, on write; the
 * readers (lib/telemetry/read.ts) pass everything they read through it again,
 * since a repository can ship its own telemetry files:
 *
 * 1. secrets are masked — always, even with `TRIFECTA_PII=allow`: the token
 *    shapes of lib/secrets.ts (the one source of truth, also used for file
 *    content), here with any letter, digit, `_`, `-` or `.` around them and
 *    also as recognisable prefixes of a cut token (`ghp_` + 5, `AKIA` + 5,
 *    `sk-` + 6 …), plus telemetry's own broader rules: `password=`-style
 *    assignments, `Authorization`/`Bearer` headers, private key blocks,
 *    `user:pass@` in URLs;
 * 2. e-mail addresses become `<EMAIL_REDACTED>` — always;
 * 3. absolute paths become segment-relative paths when inside the segment and
 *    `<ABS_PATH_REDACTED>` otherwise (POSIX, Windows `C:\…`, UNC, `~/…`);
 *    `file://` URIs become `<ABS_URI_REDACTED>` — skipped with `piiAllow`;
 * 4. text that looks like file content (longer than the level's cap, or three
 *    or more lines) is replaced by `<TEXT sha256:… bytes:N lines:L>`;
 * 5. with `escapeControls` (readers), control and bidi characters become
 *    visible escapes.
 *
 * Anything that shortens a string for telemetry redacts first and cuts
 * after ({@linkcode redactPreview}), so a cut never leaves part of a secret.
 *
 * @module
 */
import { escapeField } from "../escape.ts";
import { normalize } from "../path.ts";
import { CONTENT_SECRET_RULES, maskSecrets } from "../secrets.ts";
import { sha256Hex } from "../sha256.ts";

/** Placeholder for an absolute path outside the segment. */
export const ABS_PATH_REDACTED = "<ABS_PATH_REDACTED>";
/** Placeholder for a `file://` URI. */
export const ABS_URI_REDACTED = "<ABS_URI_REDACTED>";
/** Placeholder for a secret. */
export const SECRET_REDACTED = "<SECRET_REDACTED>";
/** Placeholder for a private key block. */
export const PRIVATE_KEY_REDACTED = "<PRIVATE_KEY_REDACTED>";
/** Placeholder for an e-mail address. */
export const EMAIL_REDACTED = "<EMAIL_REDACTED>";

/** Options for {@linkcode redactString} and {@linkcode redactValue}. */
export interface RedactOptions {
  /** Real path of the segment root: absolute paths under it become relative. */
  root?: string;
  /** `TRIFECTA_PII=allow`: keep paths and URIs (secrets and e-mail addresses are still masked). */
  piiAllow?: boolean;
  /** Longer strings are replaced by a hash descriptor (default 256). */
  maxStringLength?: number;
  /** Longer arrays are cut, with a final `"<+N more>"` item (default 50). */
  maxArrayLength?: number;
  /** Counts the values that were changed, when given. */
  stats?: RedactStats;
  /**
   * Escape control, bidi and line-separator characters after redaction
   * (lib/escape.ts `escapeField`). Readers set it: a repository can ship
   * telemetry files whose strings would fake output lines or move a
   * terminal's cursor.
   */
  escapeControls?: boolean;
  /**
   * Results of earlier calls with the same other options, by input string
   * (short strings only, bounded): readers see the same keys, names and ids
   * on every line. Not combined with `stats` (a hit is not counted).
   */
  memo?: Map<string, string>;
}

/** Counter of changed values, filled by {@linkcode redactValue}. */
export interface RedactStats {
  /** Number of strings (values or keys) that were changed. */
  redacted: number;
}

/** One secret pattern. */
export interface SecretRule {
  /** What a secret looks like (global; `i` where case does not matter). */
  re: RegExp;
  /** The replacement (may use the pattern's groups). */
  replace: string;
  /**
   * Substrings of which every match contains at least one (compared
   * case-insensitively when `re` is): strings without any skip the pattern.
   * Most telemetry strings are short identifiers, and running every pattern
   * on each cost more than the rest of an event (tests check the hints
   * against the full patterns).
   */
  needs: readonly string[];
}

// No `\b` on the left of any pattern: `_` and letters glued to a header or a
// name (`HTTP_AUTHORIZATION`, `dbpassword`) must not hide it.
const KEYWORDS =
  "password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?token|credentials?";

/** Telemetry's own rules that run before the token shapes, in order. */
const BEFORE_TOKENS: readonly SecretRule[] = [
  {
    re:
      /-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
    replace: PRIVATE_KEY_REDACTED,
    needs: ["-----BEGIN"],
  },
  {
    re:
      /((?:Proxy-)?Authorization["']?\s*[:=]\s*["']?)(?:(Bearer|Basic|Token|Digest)\s+)?[^\s,;"']+/gi,
    replace: `$1$2 ${SECRET_REDACTED}`,
    needs: ["authorization"],
  },
  {
    re: /Bearer\s+[A-Za-z0-9\-._~+/]+=*/g,
    replace: `Bearer ${SECRET_REDACTED}`,
    needs: ["Bearer"],
  },
];

/** Telemetry's own rules that run after the token shapes, in order. */
const AFTER_TOKENS: readonly SecretRule[] = [
  {
    // A value cut before its closing quote is masked too.
    re: new RegExp(`(${KEYWORDS})(["']?\\s*[:=]\\s*)("[^"]*"?|'[^']*'?|[^\\s&;,"']+)`, "gi"),
    replace: `$1$2${SECRET_REDACTED}`,
    needs: [":", "="],
  },
  { re: /(\/\/)[^/\s:@]+:[^/\s@]+@/g, replace: `$1${SECRET_REDACTED}@`, needs: ["@"] },
];

/** Telemetry's own secret rules (the token shapes come from lib/secrets.ts). */
export const TELEMETRY_SECRET_RULES: readonly SecretRule[] = [...BEFORE_TOKENS, ...AFTER_TOKENS];

/**
 * Every secret pattern telemetry masks: its own rules and the full token
 * shapes of lib/secrets.ts (applied through `maskSecrets`, which adds the
 * prefix shapes and context checks). For scanners, the docs and tests.
 */
export const SECRET_RULES: readonly SecretRule[] = [
  ...BEFORE_TOKENS,
  ...CONTENT_SECRET_RULES.map((r) => ({ re: r.re, replace: SECRET_REDACTED, needs: r.needs })),
  ...AFTER_TOKENS,
];

/**
 * An e-mail address, with any word characters around it. The local part
 * starts where a run of its characters starts: tried from every character of
 * a long run, the pattern took seconds per 100 KB.
 */
export const EMAIL_RE =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** Object keys whose string values are secrets whatever they look like. */
export const SECRET_KEY_RE =
  /^(?:.*[_.-])?(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|auth|authorization|cookie|set-cookie|credentials?)$/i;

// One scan for everything path-like, left to right, so a URL is seen whole
// before its path part could look like an absolute path. The group names
// document the parts and are then removed: a match with named groups costs
// an object per match, which made path-dense strings 10× slower to redact.
const PATH_SCAN = new RegExp(
  [
    /(?<url>\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'<>]*)/.source,
    /(?<win>(?<![A-Za-z0-9])[A-Za-z]:[\\/][^\s"'<>|*?]*)/.source,
    /(?<unc>(?<![A-Za-z0-9\\])\\\\[^\s\\"'<>|]+\\[^\s"'<>|]*)/.source,
    /(?<home>(?<![A-Za-z0-9_.~/-])~[A-Za-z0-9_.-]*\/[^\s"'`<>|,;:()[\]{}]*)/.source,
    /(?<posix>(?<![A-Za-z0-9_.~\-/\\])\/(?![/\s])[^\s"'`<>|,;:()[\]{}]*)/.source,
  ].join("|").replace(/\(\?<[a-z]+>/g, "("),
  "g",
);

/**
 * Whether `s` contains one of the rule's {@linkcode SecretRule.needs};
 * `lower` is `s.toLowerCase()` when the caller has it already.
 */
export function mayMatch(rule: SecretRule, s: string, lower?: string): boolean {
  const text = rule.re.ignoreCase ? (lower ?? s.toLowerCase()) : s;
  for (const n of needsOf(rule)) if (text.includes(n)) return true;
  return false;
}

const LOWER_NEEDS = new WeakMap<SecretRule, readonly string[]>();

/** The rule's hints, lower-cased once when the rule ignores case. */
function needsOf(rule: SecretRule): readonly string[] {
  let needs = LOWER_NEEDS.get(rule);
  if (needs === undefined) {
    needs = rule.re.ignoreCase ? rule.needs.map((n) => n.toLowerCase()) : rule.needs;
    LOWER_NEEDS.set(rule, needs);
  }
  return needs;
}

function applyRules(s: string, rules: readonly SecretRule[]): string {
  let out = s;
  let lower: string | undefined;
  for (const rule of rules) {
    // Lower-cased once per string, not once per rule (readers redact every
    // string of up to 64 MiB of events).
    if (rule.re.ignoreCase) lower ??= out.toLowerCase();
    if (!mayMatch(rule, out, lower)) continue;
    rule.re.lastIndex = 0;
    const next = out.replace(rule.re, rule.replace);
    if (next !== out) lower = undefined;
    out = next;
  }
  return out;
}

// The domain may have characters the secret's prefix rule left before or
// after the placeholder (`a@-SG.xxxxxx` becomes `a@-<SECRET_REDACTED>`).
const MASKED_DOMAIN_RE = new RegExp(
  `[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]*${SECRET_REDACTED}[A-Za-z0-9.-]*`,
  "g",
);

function maskTelemetrySecrets(s: string): string {
  let out = applyRules(s, BEFORE_TOKENS);
  out = maskSecrets(out, { prefixes: true, replacement: SECRET_REDACTED }).text;
  out = applyRules(out, AFTER_TOKENS);
  if (out.includes("@")) {
    out = out.replace(EMAIL_RE, EMAIL_REDACTED);
    // A domain that looked like a token (`a@SG.x-y.z`, a SendGrid key shape)
    // was masked as a secret: the local part before it goes too.
    out = out.replace(MASKED_DOMAIN_RE, EMAIL_REDACTED);
  }
  return out;
}

/** A `.` or `..` segment, or an empty one: what `normalize` would change. */
const NOT_NORMAL = /\/\/|(?:^|\/)\.\.?(?:\/|$)/;

function posixPath(p: string, root: string | undefined): string {
  // Sentence punctuation after a path is not part of it.
  let end = p.length;
  while (end > 0 && p[end - 1] === ".") end--;
  const body = end > 0 ? p.slice(0, end) : p;
  const tail = end > 0 ? p.slice(end) : "";
  if (root !== undefined) {
    const norm = NOT_NORMAL.test(body) ? normalize(body) : body;
    if (norm === root || norm === root + "/") return "." + tail;
    if (norm.startsWith(root.endsWith("/") ? root : root + "/")) {
      return norm.slice(root.length).replace(/^\/+/, "") + tail;
    }
  }
  return ABS_PATH_REDACTED + tail;
}

function maskPaths(s: string, root: string | undefined): string {
  // Every form PATH_SCAN finds contains one of these (same reason as `needs`).
  if (!s.includes("/") && !s.includes("\\") && !s.includes(":")) return s;
  PATH_SCAN.lastIndex = 0;
  return s.replace(
    PATH_SCAN,
    (_m: string, url?: string, _win?: string, _unc?: string, _home?: string, posix?: string) => {
      if (url !== undefined) return /^file:/i.test(url) ? ABS_URI_REDACTED : url;
      if (posix !== undefined) return posixPath(posix, root);
      return ABS_PATH_REDACTED;
    },
  );
}

function describeText(s: string): string {
  const hash = sha256Hex(s).slice(0, 16);
  const bytes = new TextEncoder().encode(s).length;
  const lines = s.split("\n").length;
  return `<TEXT sha256:${hash} bytes:${bytes} lines:${lines}>`;
}

function maskSensitive(s: string, options: RedactOptions): string {
  const out = maskTelemetrySecrets(s);
  return options.piiAllow ? out : maskPaths(out, options.root);
}

/**
 * Redact one string: secrets and e-mail addresses, then paths (unless
 * `piiAllow`), then the content rule (too long, or three or more lines ⇒
 * hash descriptor).
 *
 * @example
 * ```ts
 * import { redactString } from "./redact.ts";
 * import { equal } from "node:assert/strict";
 * equal(redactString("/repo/src/a.py:3", { root: "/repo" }), "src/a.py:3");
 * equal(redactString("token=abc123", {}), "token=<SECRET_REDACTED>");
 * ```
 */
export function redactString(s: string, options: RedactOptions = {}): string {
  const memo = options.memo;
  if (memo !== undefined) {
    const hit = memo.get(s);
    if (hit !== undefined) return hit;
  }
  let out = maskSensitive(s, options);
  const max = options.maxStringLength ?? 256;
  if (out.length > max || hasThreeLines(out)) out = describeText(out);
  else if (options.escapeControls) out = escapeField(out);
  if (out !== s && options.stats) options.stats.redacted++;
  if (memo !== undefined && s.length <= MEMO_MAX_CHARS && memo.size < MEMO_MAX_ENTRIES) {
    memo.set(s, out);
  }
  return out;
}

/** Longest string kept in a {@linkcode RedactOptions.memo}. */
const MEMO_MAX_CHARS = 128;
/** Entries kept in a {@linkcode RedactOptions.memo} (a few MB at most). */
const MEMO_MAX_ENTRIES = 20_000;

function hasThreeLines(s: string): boolean {
  const first = s.indexOf("\n");
  return first !== -1 && s.indexOf("\n", first + 1) !== -1;
}

const PLACEHOLDERS = [
  "<SECRET_REDACTED",
  PRIVATE_KEY_REDACTED,
  EMAIL_REDACTED,
  ABS_PATH_REDACTED,
  ABS_URI_REDACTED,
];

/**
 * A short preview of `s` for telemetry: the whole string is redacted first
 * (secrets, e-mail addresses, paths), then cut to `maxChars` code points, so
 * no cut can leave a secret's prefix behind; a placeholder the cut would
 * split is left out whole.
 *
 * @example
 * ```ts
 * import { redactPreview } from "./redact.ts";
 * import { equal } from "node:assert/strict";
 * equal(redactPreview("find ghp_" + "a1B2".repeat(9) + " in src", 12), "find ");
 * ```
 */
export function redactPreview(s: string, maxChars: number, options: RedactOptions = {}): string {
  const red = maskSensitive(s, options);
  const cps = Array.from(red);
  if (cps.length <= maxChars) return red;
  const cut = cps.slice(0, Math.max(0, maxChars)).join("");
  const open = cut.lastIndexOf("<");
  if (
    open !== -1 && !cut.includes(">", open) && PLACEHOLDERS.some((p) => red.startsWith(p, open))
  ) {
    return cut.slice(0, open);
  }
  return cut;
}

function redactKey(key: string, options: RedactOptions): string {
  // No copy of the options when the cap is big enough already (once per key).
  const max = options.maxStringLength ?? 256;
  return redactString(key, max >= 64 ? options : { ...options, maxStringLength: 64 });
}

/**
 * Redact a JSON-like value at any depth and make it JSON-safe: strings and
 * keys through {@linkcode redactString}; string values of secret-named keys
 * (`password`, `token`, `api_key`, `authorization`, …) masked whole; byte
 * arrays become `<BYTES n>` (content is never logged); `bigint` → string,
 * `Date` → ISO string, `Map`/`Set` → object/array, functions, symbols and
 * `undefined` dropped, cycles → `"<CYCLE>"`, depth > 16 → `"<MAX_DEPTH>"`.
 */
export function redactValue(value: unknown, options: RedactOptions = {}): unknown {
  return walk(value, options, new Set(), 0);
}

function walk(value: unknown, options: RedactOptions, seen: Set<object>, depth: number): unknown {
  switch (typeof value) {
    case "string":
      return redactString(value, options);
    case "number":
      return Number.isFinite(value) ? value : null;
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return null;
  const obj = value as object;
  if (depth >= 16) return "<MAX_DEPTH>";
  if (seen.has(obj)) return "<CYCLE>";
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
  if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) return `<BYTES ${obj.byteLength}>`;
  seen.add(obj);
  try {
    if (Array.isArray(obj) || obj instanceof Set) {
      const items = Array.isArray(obj) ? obj : [...obj];
      const max = options.maxArrayLength ?? 50;
      const out = items.slice(0, max).map((v) => walk(v, options, seen, depth + 1) ?? null);
      if (items.length > max) out.push(`<+${items.length - max} more>`);
      return out;
    }
    if (obj instanceof Error) {
      return { name: obj.name, message: redactString(obj.message, options) };
    }
    const entries = obj instanceof Map ? [...obj.entries()] : Object.entries(obj);
    const out: Record<string, unknown> = {};
    // Next suffix to try per redacted key: 2,000 keys that all redact to
    // `<EMAIL_REDACTED>` would otherwise cost 2,000²/2 lookups.
    const next = new Map<string, number>();
    for (const [k, v] of entries) {
      const base = redactKey(String(k), options);
      let key = base;
      if (Object.hasOwn(out, key)) {
        let i = next.get(base) ?? 2;
        while (Object.hasOwn(out, `${base}#${i}`)) i++;
        key = `${base}#${i}`;
        next.set(base, i + 1);
      }
      let red: unknown;
      if (typeof v === "string" && v !== "" && SECRET_KEY_RE.test(String(k))) {
        red = SECRET_REDACTED;
        if (options.stats) options.stats.redacted++;
      } else {
        red = walk(v, options, seen, depth + 1);
      }
      if (red !== undefined) out[key] = red;
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}
