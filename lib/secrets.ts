/**
 * Secrets in content: high-confidence token shapes (cloud keys, VCS and
 * registry tokens, chat and payment API keys, JWTs, private key blocks,
 * credentials in URLs) found and masked before any text leaves trifecta — in
 * chunks, snippets, skeletons and language-server answers (through the read
 * boundary, lib/segment/boundary.ts) and in telemetry (lib/telemetry/redact.ts).
 * This module is the one place that knows what a secret looks like. Imports
 * nothing.
 *
 * A finding records the rule and the line, never the value. A mask never
 * changes the number of lines and never removes or inserts a quote, bracket
 * or line break, so masked source still parses to the same
 * structure with the same line numbers.
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

const ALNUM = /[A-Za-z0-9]/;
const UPPER_OR_DIGIT = /[A-Z0-9]/;

function hasDigit(s: string): boolean {
  return /[0-9]/.test(s);
}

/** Random keys mix digits and both cases; words and slugs rarely do. */
function mixed(s: string): boolean {
  return /[0-9]/.test(s) && /[A-Z]/.test(s) && /[a-z]/.test(s);
}

const PEM_HEADER = /-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_END = /-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----/y;
// What may stand between the header and the END line of one key: base64,
// PEM header lines (`Proc-Type: 4,ENCRYPTED`), whitespace, `\n` escapes, and
// the quotes, commas and `+` of a key written as several string literals.
// No brackets: code that builds a PEM (`'…-----\n' + b64(der) + '…'`) is
// not a key. Anything else is taken as one, even a short fake body.
const PEM_BETWEEN = /^(?:[A-Za-z0-9+/=:,;._\s"'`-]|\\[nrt])*$/;
// Without an END line: base64 runs of 16+ characters and PEM header lines,
// separated by the same glue.
const PEM_BODY =
  /(?:(?:[\s"'`,;+]|\\[nrt])*(?:[A-Za-z0-9+/=]{16,}|[A-Z][A-Za-z-]+:[ \t]*[A-Za-z0-9,-]*))*/y;
const PEM_MAX_BODY = 16 * 1024;

/**
 * End of the private key whose header ends at `end`: its END line when only
 * key material stands between (within 16 KiB), else the base64 that follows;
 * `end` itself when nothing follows (a header alone, as in code that checks
 * for one, is not a key).
 */
let endCache = { text: "", from: 0, at: -1 };

/** Next `-----END` at or after `from`; one scan per text for headers in order. */
function nextEnd(text: string, from: number): number {
  const c = endCache;
  if (c.text !== text || from < c.from || (c.at !== -1 && c.at < from)) {
    endCache = { text, from, at: text.indexOf("-----END", from) };
  }
  return endCache.at;
}

function pemExtend(text: string, end: number): number {
  const stop = nextEnd(text, end);
  if (stop !== -1 && stop - end <= PEM_MAX_BODY) {
    PEM_END.lastIndex = stop;
    if (PEM_END.test(text) && PEM_BETWEEN.test(text.slice(end, stop))) return PEM_END.lastIndex;
  }
  PEM_BODY.lastIndex = end;
  PEM_BODY.test(text);
  return PEM_BODY.lastIndex;
}

const B64URL_CHAR = /[A-Za-z0-9_-]/;

/** End of the run of base64url characters that starts at `i`. */
function runEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length && B64URL_CHAR.test(text[j])) j++;
  return j;
}

/**
 * The JWTs in `text` (`eyJ` + 8 or more, `.ey` + 8 or more, `.` + any), each
 * run of token characters scanned once: a later `eyJ` in a run that ended
 * without a dot cannot start a token either.
 */
function* findJwts(text: string): Generator<[number, number]> {
  let from = 0;
  for (let i = text.indexOf("eyJ"); i !== -1; i = text.indexOf("eyJ", from)) {
    const head = runEnd(text, i + 3);
    from = head;
    if (head - i - 3 < 8 || text[head] !== "." || !text.startsWith("ey", head + 1)) continue;
    const body = runEnd(text, head + 3);
    if (body - head - 3 < 8 || text[body] !== ".") {
      from = head + 1;
      continue;
    }
    const end = runEnd(text, body + 1);
    yield [i, end];
    from = end;
  }
}

const AWS_ID_MARKERS = [
  "AKIA",
  "ASIA",
  "ABIA",
  "ACCA",
  "AGPA",
  "AIDA",
  "AROA",
  "AIPA",
  "ANPA",
  "ANVA",
];
const AWS_SECRET_NAMED =
  /(?:aws[A-Za-z0-9_.-]{0,40}?secret[A-Za-z0-9_.-]{0,40}|secret[ _-]?access[ _-]?key)\\?["']?\s*(?:=>|:=|=|:|,)\s*(?:[rbu]?\\?["'])?(?<s>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/dgi;
const AWS_ID =
  /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}(?![A-Z0-9])/g;
const AWS_SECRET_BARE = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
/** How far from an access key id a bare secret access key is looked for. */
const AWS_NEAR = 256;

/**
 * AWS secret access keys: assigned to a secret-access-key name, or written
 * bare (prose, a CSV of credentials) near an access key id. A bare one must
 * mix both cases with a digit, `/` or `+`: a 40-hex Git hash never does.
 */
function* findAwsSecrets(text: string): Generator<[number, number]> {
  AWS_SECRET_NAMED.lastIndex = 0;
  for (const m of text.matchAll(AWS_SECRET_NAMED)) {
    const at = m.indices?.groups?.s;
    if (at) yield [at[0], at[1]];
  }
  if (!AWS_ID_MARKERS.some((id) => text.includes(id))) return;
  let scanned = 0;
  AWS_ID.lastIndex = 0;
  for (const id of text.matchAll(AWS_ID)) {
    const from = Math.max(scanned, id.index - AWS_NEAR);
    const to = Math.min(text.length, id.index + id[0].length + AWS_NEAR);
    if (from >= to) continue;
    const window = text.slice(from, to);
    AWS_SECRET_BARE.lastIndex = 0;
    for (const m of window.matchAll(AWS_SECRET_BARE)) {
      const t = m[0];
      if (/[A-Z]/.test(t) && /[a-z]/.test(t) && /[0-9/+]/.test(t)) {
        yield [from + m.index, from + m.index + t.length];
      }
    }
    scanned = to;
  }
}

// Values that stand for a secret without being one: `${VAR}`, `%(pw)s`,
// `{{ x }}`, `<your-key>`, `***`, `xxxx`, and the usual example words.
const PLACEHOLDER_START = /^(?:[$%{<*@]|\.\.\.|x{3,}|\*{3,})/i;
const PLACEHOLDER_WORD =
  /example|changeme|change[_-]me|placeholder|dummy|redacted|your[_-]?|xxxx|not[_-]?a[_-]?real|fake|sample|replace|here$|\{\{|\$\{|%\(|%s/i;
const PLACEHOLDER_EXACT =
  /^(?:pass(?:word|wd)?|pwd|secret|token|key|test(?:ing)?|foo|bar|baz|none|null|nil|undefined|true|false|empty|required|optional|string|hidden|masked|default)$/i;

/** True for a value that is a placeholder, not a secret. */
function placeholder(v: string): boolean {
  return PLACEHOLDER_START.test(v) || PLACEHOLDER_WORD.test(v) || PLACEHOLDER_EXACT.test(v);
}

// Code, not a secret: `settings.API_KEY`, `self.token`, a path, a version,
// an identifier with a counter (`password2`, `token_1`), a grammar
// repetition (`token = 1*tchar`), chained or optional access in minified
// code (`Token=e.a=e.b`, `x?.withCredentials`), a non-null assertion
// (`process.env.API_KEY!`).
const ATTRIBUTE_CHAIN = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+!?$/;
const IDENT_COUNTER = /^[A-Za-z_][A-Za-z_]*_?[0-9]{1,2}$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const NOT_BARE_SECRET =
  /^(?:\/|\.\/|~\/|[0-9]*\*)|^v?[0-9]+(?:\.[0-9]+)+$|^[\w$.?]+(?:=[\w$.?]+)+$|\?\./;

/**
 * An unquoted value looks like a secret: letters and digits mixed (not an
 * identifier with a counter), or long and random-looking (both cases and a
 * symbol), never a placeholder, an attribute chain, a path or a version.
 */
function bareSecretLike(v: string): boolean {
  if (placeholder(v) || ATTRIBUTE_CHAIN.test(v) || NOT_BARE_SECRET.test(v)) return false;
  const letters = /[A-Za-z]/.test(v);
  const digits = v.match(/[0-9]+/g)?.length ?? 0;
  if (IDENTIFIER.test(v)) {
    // A name (`OAuth2Token`, `sha256`, `password2`) has one run of digits;
    // a password or key mixes them in (`Pa55w0rd1`), or is long and random.
    if (!letters || digits === 0 || IDENT_COUNTER.test(v)) return false;
    return digits >= 2 || (v.length >= 16 && /[A-Z]/.test(v) && /[a-z]/.test(v));
  }
  if (letters && digits > 0) return true;
  // Without digits only a long value with the symbols of a key (`+`, `/`, …).
  return v.length >= 20 && /[A-Z]/.test(v) && /[a-z]/.test(v) && /[+/!@%^*~]/.test(v);
}

/**
 * A quoted value for a secret name: any content of 6+ characters that is
 * no placeholder and no bare word (`"top_secret"`, `"TOKEN_TYPE"`: names
 * and test words) — a letter and a digit or symbol, or both cases.
 */
function quotedSecretLike(v: string): boolean {
  if (placeholder(v) || ATTRIBUTE_CHAIN.test(v)) return false;
  if (/^[a-z]+(?:[-_.][a-z]+)*$/.test(v) || /^[A-Z]+(?:[-_][A-Z]+)*$/.test(v)) return false;
  return /[^A-Za-z_]/.test(v) || (/[A-Z]/.test(v) && /[a-z]/.test(v));
}

/** `%xx` escapes decoded; a malformed escape leaves the value as it is. */
function decodeURIComponentSafe(v: string): string {
  if (!v.includes("%")) return v;
  try {
    return decodeURIComponent(v);
  } catch (err) {
    // A stray `%` (not an escape): judge the value as written.
    if (err instanceof URIError) return v;
    throw err;
  }
}

/**
 * Secret-named keys (`MYSQL_ROOT_PASSWORD`, `DB_PASS`, `auth_token`, `x-api-key`,
 * and `pass` itself where a `:` or `=` follows: `pass?: "…"`, `$pass = …`,
 * never the Python keyword).
 */
const SECRET_KEY = String
  .raw`(?:(?:pass(?:word|wd|phrase)|pwd|[_.-]pass|secret(?:[_-]?key)?|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)(?![A-Za-z0-9])|pass(?<![A-Za-z0-9_]pass)(?=\?:|:|=| =))`;
/**
 * An unquoted value: no quote, bracket, space or separator; ends where a
 * value ends (`(`, `[`, `<` after it mean code or markup: no value). A mask's
 * own `<…>` is never an end, so masking a token inside a value that was not
 * taken cannot make it one.
 */
const BARE_VALUE = String
  .raw`[^\s"'\`()[\]{}<>,;&#\\=:][^\s"'\`()[\]{}<>,;&#\\]{5,199}(?=$|[\s#&,;"'\`)\]}\\])`;
const SEPARATOR = String.raw`\\?["']?\??[ \t]*(?:=>|:=|=|:)[ \t]*`;
/** A string literal's body: no quote, backtick, space or backslash. */
const QUOTED_BODY = String.raw`[^"'\`\s\\]`;
/** `??`, `||`, `?:` or Python's `or`: the fallback when the real value is unset. */
const FALLBACK = String.raw`(?:[ \t]*(?:\?\?|\|\||\?:)[ \t]*|[ \t]+or[ \t]+)`;
/**
 * What is read before a fallback, up to three in a chain: `process.env.X`,
 * `os.getenv("X")`, `ENV["X"]`, `$_ENV['X']`.
 */
const LEAD = String
  .raw`(?:\(?[ \t]*[\w$.]{1,100}(?:\[[^\]\n]{0,100}\]|\([^()\n]{0,100}\))?${FALLBACK}){1,3}`;
/** A getter's first argument before its default: `os.environ.get("X", `. */
const LEAD_CALL = String
  .raw`[\w$.]{1,100}\([ \t]*\\?["'][^"'\n]{0,100}\\?["'][ \t]*,[ \t]*`;
/** A type annotation before `=`: `: string =`, `: Optional[str] =`, `: string | undefined =`. */
const TYPE_ANNOTATION = String
  .raw`\??[ \t]*:[ \t]*[A-Za-z_$][\w$.]{0,60}(?:\[[\w$., |]{0,60}\]|<[\w$., |]{0,60}>)?(?:[ \t]*\|[ \t]*[A-Za-z_$][\w$.]{0,60}){0,4}[ \t]*=[ \t]*`;
/** After a secret-named env var or key read: `X ??`, `X"] ||`, `X") or`. */
const AFTER_KEY = String.raw`\\?["'\`]?[ \t]*[\])]?${FALLBACK}`;
/**
 * A password option: `mysql … -p<value>` (`-P` is the port, `-p value` a
 * database; each `-p` of the line, so one value cannot hide the next),
 * `sshpass -p <value>`, `curl -u user:<value>`. Nothing is asked of the
 * character before the command: a name glued to it must not hide it.
 */
// The option first, the command looked behind for (a lookbehind tried at
// every position costs more than the rest of the scan).
const CLI_PASSWORD =
  String.raw`(?:[ \t"'\`](?-i:-p)(?<=(?:mysql(?:dump|admin|import|check|show|slap)?` +
  String.raw`|mariadb(?:-dump|-admin)?)(?![\w-])[^\n;|&]{0,200}?[ \t"'\`]-p)` +
  String.raw`|sshpass(?![\w-])[^\n;|&]{0,100}?[ \t](?-i:-p)[ \t]*` +
  String.raw`|curl(?![\w-])[^\n;|&]{0,300}?[ \t"'](?:(?-i:-u)|--user)[ \t=]*["']?` +
  String.raw`[^\s:"'\`]{1,100}:)`;
/** A shell default for a secret-named variable: `${DB_PASSWORD:-…}`. */
const SHELL_DEFAULT = String.raw`:[-=](?<s11>[^\s{}<>"'\`$\\]{6,200})(?=\})`;
/** A password given to a CLI tool (groups `s` quoted, `s2` unquoted). */
const CLI_PASSWORD_VALUE = new RegExp(
  String.raw`${CLI_PASSWORD}(?:(?<q>["'])(?<s>[^"'\s]{4,200})\k<q>` +
    String.raw`|(?<s2>[^\s"'\`()[\]{}<>;&|\\]{4,200})(?=$|[\s;&|)"'\`]))`,
  // Case-sensitive: commands are written in lower case, and `-P` is the port.
  "dg",
);

/**
 * `key = value` for a secret-named key, in the shapes configuration and
 * code use: quoted (`"…"`, `'…'`, a template literal without `${`),
 * unquoted after `=` or `:` (`.env`, YAML, INI, properties, query strings),
 * a CLI flag with a space (`--password x`), the fallback of a read of the
 * real value (`process.env.PW ?? "…"`, `os.getenv("PW") or "…"`,
 * `os.environ.get("API_KEY", "…")`), a typed declaration (`token: string =
 * "…"`), a shell default (`${DB_PASSWORD:-…}`).
 * Groups: `s` quoted, `s2` unquoted, `s3` flag, `s4` typed, `s5`/`s7`
 * fallback, `s6`/`s8` a getter's default, `s11` a shell default.
 */
/** A quoted value of 6+ characters in group `s<n>` (quote group `q<n>`). */
function quotedValue(n: string): string {
  return String.raw`\\?(?<q${n}>["'\`])(?<s${n}>${QUOTED_BODY}{6,500})\\?\k<q${n}>`;
}
const SECRET_ASSIGNMENT = new RegExp(
  `${SECRET_KEY}(?:` +
    `${TYPE_ANNOTATION}(?:${LEAD}|${LEAD_CALL})?${quotedValue("4")}` +
    `|${SHELL_DEFAULT}` +
    `|${AFTER_KEY}${quotedValue("5")}` +
    // A getter's default is its last argument: `get("token", "…")`, never
    // a list of names (`["Token", "…", …]`).
    String.raw`|\\?["'][ \t]*,[ \t]*` + quotedValue("6") + String.raw`(?=[ \t]*\))` +
    `|${SEPARATOR}(?:` +
    String.raw`[rbuf]?\\?(?<q>["'\`])(?<s>${QUOTED_BODY}{6,500})\\?\k<q>` +
    `|${LEAD}${quotedValue("7")}` +
    `|${LEAD_CALL}${quotedValue("8")}` +
    `|(?<s2>${BARE_VALUE})))` +
    String.raw`|--[A-Za-z0-9_-]{0,40}?${SECRET_KEY}[ \t]+(?<s3>${BARE_VALUE})`,
  "dgim",
);
/** The groups a rule's pattern may hold its secret in, in order. */
const SECRET_GROUPS = ["s", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s11"];

/** The group of `SECRET_ASSIGNMENT` that holds the value, and its name. */
function assignedValue(groups: Record<string, string | undefined>): [string, string] {
  for (const k of SECRET_GROUPS) {
    const v = groups[k];
    if (v !== undefined) return [k, v];
  }
  return ["", ""];
}

/** A value in the shape its group found looks like a secret. */
function assignedSecretLike(groups: Record<string, string | undefined>): boolean {
  const [k, v] = assignedValue(groups);
  switch (k) {
    case "s":
    case "s11":
      return quotedSecretLike(v);
    case "s2":
    case "s3":
      return bareSecretLike(v);
    // The code shapes (a fallback, a getter's default, a typed declaration)
    // are read with less trust: letters and digits mixed, no identifier with
    // a counter (`"verifyToken"`, `"Access-Control-Allow-Credentials"`,
    // `"token_v2"` are names).
    default:
      return quotedSecretLike(v) && /[A-Za-z]/.test(v) && /[0-9]/.test(v) &&
        !IDENT_COUNTER.test(v);
  }
}
const SECRET_NEEDS = [
  "password",
  // `pass` alone only before `:` or `=` (never the Python keyword).
  "pass:",
  "pass?:",
  "pass=",
  "pass =",
  "passwd",
  "passphrase",
  "pwd",
  // `DB_PASS`, never the keyword `pass` (in every Python file).
  "_pass",
  ".pass",
  "-pass",
  "secret",
  "token",
  "api_key",
  "api-key",
  "apikey",
  "access_key",
  "access-key",
  "accesskey",
  "private_key",
  "private-key",
  "privatekey",
  "credential",
];

/**
 * A `Basic` credential decodes to `user:password`; anything else after the
 * word (prose: "Basic authentication") is not one.
 */
function basicCredential(v: string): boolean {
  try {
    const raw = atob(v.length % 4 === 0 ? v : v + "=".repeat(4 - (v.length % 4)));
    return /^[\x20-\x7e]+:[\x20-\x7e]+$/.test(raw) && !placeholder(raw.slice(raw.indexOf(":") + 1));
  } catch (err) {
    // Not base64: not a Basic credential.
    if (err instanceof DOMException) return false;
    throw err;
  }
}

/**
 * Secret-named XML elements: `<password>…</password>`, `<db:apiKey>…</db:apiKey>`
 * (never a mask: `<SECRET_REDACTED:url-credentials>`).
 */
const XML_TAG = String
  .raw`(?![A-Z_]*REDACTED[:>])(?:[A-Za-z_][\w.-]{0,63}:)?[A-Za-z_.-]{0,64}?(?:pass(?:word|wd|phrase)|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[A-Za-z_.-]{0,64}`;

// Token characters next to a token are checked with `left`/`right` (a
// single-character test) instead of `\b`, so `_`, `-` and `.` around a
// token never hide it (`\b` sees no boundary between `E` and `_`).
const RULES: readonly ContentSecretRule[] = [
  {
    id: "private-key",
    title: "private key block (`-----BEGIN … PRIVATE KEY-----` and its body)",
    re: PEM_HEADER,
    needs: ["-----BEGIN"],
    extend: pemExtend,
  },
  {
    id: "aws-access-key-id",
    title: "AWS access key id (`AKIA…`, `ASIA…`, and other IAM id prefixes)",
    re: /(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|A3T[A-Z0-9])[A-Z0-9]{16}/g,
    needs: ["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "A3T"],
    left: UPPER_OR_DIGIT,
    prefix: /(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{5,}|A3T[A-Z0-9]{6,}/g,
  },
  {
    id: "aws-secret-access-key",
    title: "AWS secret access key: assigned to an `aws…secret…`/`secret access key` name, " +
      "or a 40-character key (mixed case and digits) within 256 characters of an access key id",
    re: AWS_SECRET_NAMED,
    needs: ["secret"],
    exactNeeds: AWS_ID_MARKERS,
    find: findAwsSecrets,
    prefix:
      /(?:aws[A-Za-z0-9_.-]{0,40}?secret[A-Za-z0-9_.-]{0,40}|secret[ _-]?access[ _-]?key)\\?["']?\s*(?:=>|:=|=|:|,)\s*(?:[rbu]?\\?["'])?(?<s>[A-Za-z0-9/+]+)/dgi,
  },
  {
    id: "github-token",
    title: "GitHub token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, fine-grained `github_pat_`)",
    re: /gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,}/g,
    needs: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
    prefix: /gh[pousr]_[A-Za-z0-9]{5,}|github_pat_[A-Za-z0-9_]+/g,
  },
  {
    id: "gitlab-token",
    title: "GitLab token (`glpat-`, `glptt-`, `gldt-`, `glrt-`, `glcbt-`, … and `GR1348941…`)",
    re:
      /gl(?:pat|ptt|dt|rt|cbt|soat|ffct|imt|agent|oas|ft|wt)-[A-Za-z0-9_-]{20,}|GR1348941[A-Za-z0-9_-]{20,}/g,
    needs: [
      "glpat-",
      "glptt-",
      "gldt-",
      "glrt-",
      "glcbt-",
      "glsoat-",
      "glffct-",
      "glimt-",
      "glagent-",
      "gloas-",
      "glft-",
      "glwt-",
      "GR1348941",
    ],
    prefix:
      /gl(?:pat|ptt|dt|rt|cbt|soat|ffct|imt|agent|oas|ft|wt)-[A-Za-z0-9_-]{3,}|GR1348941[A-Za-z0-9_-]+/g,
  },
  {
    id: "slack-token",
    title: "Slack token (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`, `xoxe-`, `xapp-`)",
    re: /(?:xox[abposre]|xoxe\.xox[bp]|xapp)-[0-9][A-Za-z0-9-]{9,}/g,
    needs: ["xox", "xapp-"],
    prefix: /(?:xox[abposre]|xoxe\.xox[bp]|xapp)-[0-9][A-Za-z0-9-]{3,}/g,
  },
  {
    id: "slack-webhook",
    title: "Slack webhook URL (the path after `hooks.slack.com/`)",
    re: /hooks\.slack\.com\/(?<s>(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{16,})/dg,
    needs: ["hooks.slack.com/"],
    prefix: /hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]+/g,
  },
  {
    id: "discord-webhook",
    title: "Discord webhook URL (its token)",
    re: /discord(?:app)?\.com\/api\/webhooks\/[0-9]+\/(?<s>[A-Za-z0-9_-]{40,})/dg,
    needs: ["/api/webhooks/"],
    prefix: /discord(?:app)?\.com\/api\/webhooks\/[0-9]+\/[A-Za-z0-9_-]+/g,
  },
  {
    id: "anthropic-api-key",
    title: "Anthropic API key (`sk-ant-…`)",
    re: /sk-ant-[A-Za-z0-9_-]{20,}/g,
    needs: ["sk-ant-"],
    prefix: /sk-ant-[A-Za-z0-9_-]{2,}/g,
  },
  {
    id: "openai-api-key",
    title: "OpenAI API key (`sk-proj-`, `sk-svcacct-`, `sk-admin-`, legacy `sk-` + 32+)",
    re: /sk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{32,})/g,
    needs: ["sk-"],
    left: ALNUM,
    check: mixed,
    // A letter before `sk-` is an ordinary word (`task-`, `desk-`).
    prefix: /(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{6,}/g,
  },
  {
    id: "stripe-key",
    title: "Stripe secret or restricted key (`sk_live_`, `rk_live_`, `sk_test_`, `rk_test_`)",
    re: /[rs]k_(?:live|test)_[A-Za-z0-9]{20,}/g,
    needs: ["k_live_", "k_test_"],
    left: ALNUM,
    check: (t) => hasDigit(t) && /[A-Z]/.test(t),
    prefix: /(?<![A-Za-z0-9])[rs]k_(?:live|test)_[A-Za-z0-9]+/g,
  },
  {
    id: "stripe-webhook-secret",
    title: "Stripe webhook signing secret (`whsec_`)",
    re: /whsec_[A-Za-z0-9+/=]{32,}/g,
    needs: ["whsec_"],
    prefix: /whsec_[A-Za-z0-9+/=]{3,}/g,
  },
  {
    id: "google-api-key",
    title: "Google API key (`AIza…`)",
    re: /AIza[0-9A-Za-z_-]{35}/g,
    needs: ["AIza"],
    prefix: /AIza[0-9A-Za-z_-]{5,}/g,
  },
  {
    id: "google-oauth-secret",
    title: "Google OAuth client secret (`GOCSPX-`)",
    re: /GOCSPX-[A-Za-z0-9_-]{24,}/g,
    needs: ["GOCSPX-"],
    prefix: /GOCSPX-[A-Za-z0-9_-]{2,}/g,
  },
  {
    id: "google-oauth-token",
    title: "Google OAuth access token (`ya29.`)",
    re: /ya29\.[0-9A-Za-z_-]{30,}/g,
    needs: ["ya29."],
    left: ALNUM,
    prefix: /(?<![A-Za-z0-9])ya29\.[0-9A-Za-z_-]{4,}/g,
  },
  {
    id: "npm-token",
    title: "npm access token (`npm_`)",
    re: /npm_[A-Za-z0-9]{36,}/g,
    needs: ["npm_"],
    prefix: /npm_[A-Za-z0-9]{5,}/g,
  },
  {
    id: "pypi-token",
    title: "PyPI upload token (`pypi-AgE…`)",
    re: /pypi-AgE[A-Za-z0-9_-]{50,}/g,
    needs: ["pypi-AgE"],
    prefix: /pypi-AgE[A-Za-z0-9_-]+/g,
  },
  {
    id: "jwt",
    title: "JSON Web Token (`eyJ….ey….…`)",
    re: /eyJ[A-Za-z0-9_-]{8,}\.ey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
    needs: ["eyJ"],
    find: findJwts,
    // A cut token keeps its later segments masked with the first.
    prefix: /eyJ[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*){0,2}/g,
  },
  {
    id: "sendgrid-api-key",
    title: "SendGrid API key (`SG.….…`)",
    re: /SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/g,
    needs: ["SG."],
    left: ALNUM,
    prefix: /(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*)?/g,
  },
  {
    id: "twilio-api-key",
    title: "Twilio API key SID (`SK` + 32 hex)",
    re: /SK[0-9a-fA-F]{32}/g,
    needs: ["SK"],
    left: ALNUM,
    right: ALNUM,
    check: (t) => hasDigit(t.slice(2)) && /[a-fA-F]/.test(t.slice(2)),
    prefix: /(?<![A-Za-z0-9])SK[0-9a-fA-F]{7,}/g,
  },
  {
    id: "azure-storage-key",
    title: "Azure storage or Service Bus key in a connection string " +
      "(`AccountKey=`, `SharedAccessKey=`)",
    re: /(?:AccountKey|SharedAccessKey)=(?<s>[A-Za-z0-9+/]{40,}={0,2})/dg,
    needs: ["AccountKey=", "SharedAccessKey="],
    prefix: /(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/]+={0,2}/g,
  },
  {
    id: "azure-ad-client-secret",
    title: "Azure AD (Entra) client secret (`…8Q~…`)",
    re: /[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}/g,
    needs: ["Q~"],
    prefix: /[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{3,}/g,
  },
  {
    id: "vault-token",
    title: "HashiCorp Vault token (`hvs.`, `hvb.`, `hvr.`) and Terraform Cloud token (`.atlasv1.`)",
    re: /hv[sbr]\.[A-Za-z0-9_-]{90,}|[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,}/g,
    needs: ["hvs.", "hvb.", "hvr.", ".atlasv1."],
    prefix: /hv[sbr]\.[A-Za-z0-9_-]{5,}|\.atlasv1\.[A-Za-z0-9_=-]+/g,
  },
  {
    id: "huggingface-token",
    title: "Hugging Face token (`hf_` + 34 letters)",
    re: /hf_[A-Za-z]{34}/g,
    needs: ["hf_"],
    left: ALNUM,
    right: /[A-Za-z]/,
    check: (t) => /[A-Z]/.test(t) && /[a-z]/.test(t.slice(3)),
    prefix: /(?<![A-Za-z0-9])hf_[A-Za-z]{6,}/g,
  },
  {
    id: "other-api-token",
    title: "other prefixed API tokens: Shopify `shpat_`…, Groq `gsk_`, Linear `lin_api_`, " +
      "Notion `ntn_`, Grafana `glc_`/`glsa_`, 1Password `ops_eyJ`, Vercel `vcp_`…, " +
      "Databricks `dapi`, Docker `dckr_pat_`, Figma `figd_`, DigitalOcean `dop_v1_`…, " +
      "Doppler `dp.pt.`…, Postman `PMAK-`, New Relic `NRAK-`, Atlassian `ATATT3`, " +
      "Sentry `sntrys_`, age `AGE-SECRET-KEY-1`",
    re: new RegExp(
      [
        /shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32,}/,
        /gsk_[A-Za-z0-9]{48,}/,
        /lin_api_[A-Za-z0-9]{32,}/,
        /ntn_[0-9]{11}[A-Za-z0-9]{32,}/,
        /glc_[A-Za-z0-9+/]{32,}={0,2}/,
        /glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}/,
        /ops_eyJ[A-Za-z0-9+/=]{100,}/,
        /vc[pikar]_[A-Za-z0-9]{24,}/,
        /dapi[a-f0-9]{32}(?:-[0-9])?/,
        // Bounded: the body holds the marker's own characters, so a run of
        // `figd_figd_…` (no digit: rejected) was rescanned to its end from
        // each marker, 1.2 s per 100 KB.
        /dckr_pat_[A-Za-z0-9_-]{27,1024}/,
        /figd_[A-Za-z0-9_-]{40,1024}/,
        /do[opr]_v1_[a-f0-9]{64}/,
        /dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,}/,
        /PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}/,
        /NRAK-[A-Z0-9]{27}/,
        /ATATT3[A-Za-z0-9_=-]{150,}/,
        /sntrys_eyJ[A-Za-z0-9+/=_-]{50,}/,
        /AGE-SECRET-KEY-1[0-9A-Z]{58}/,
      ].map((r) => r.source).join("|"),
      "g",
    ),
    needs: [
      "shpat_",
      "shpca_",
      "shppa_",
      "shpss_",
      "gsk_",
      "lin_api_",
      "ntn_",
      "glc_",
      "glsa_",
      "ops_eyJ",
      "vcp_",
      "vci_",
      "vck_",
      "vca_",
      "vcr_",
      "dapi",
      "dckr_pat_",
      "figd_",
      "doo_v1_",
      "dop_v1_",
      "dor_v1_",
      "dp.",
      "PMAK-",
      "NRAK-",
      "ATATT3",
      "sntrys_",
      "AGE-SECRET-KEY-1",
    ],
    check: hasDigit,
    prefix: new RegExp(
      [
        /shp(?:at|ca|pa|ss)_[a-fA-F0-9]{3,}/,
        /gsk_[A-Za-z0-9]{5,}/,
        /lin_api_[A-Za-z0-9]+/,
        /ntn_[0-9A-Za-z]{5,}/,
        /glc_[A-Za-z0-9+/]{5,}={0,2}/,
        /glsa_[A-Za-z0-9_]{4,}/,
        /vc[pikar]_[A-Za-z0-9]{5,}/,
        /dapi[a-f0-9]{5,}(?:-[0-9])?/,
        /ops_eyJ[A-Za-z0-9+/=]{2,}/,
        /dckr_pat_[A-Za-z0-9_-]+/,
        /figd_[A-Za-z0-9_-]{4,}/,
        /do[opr]_v1_[a-f0-9]+/,
        /dp\.(?:pt|st|sa|ct)\.[A-Za-z0-9]{3,}/,
        /PMAK-[a-fA-F0-9]{4,}(?:-[a-fA-F0-9]*)?/,
        /NRAK-[A-Z0-9]{4,}/,
        /ATATT3[A-Za-z0-9_=-]{3,}/,
        /sntrys_[A-Za-z0-9+/=_-]{2,}/,
        /AGE-SECRET-KEY-1[0-9A-Z]*/,
      ].map((r) => r.source).join("|"),
      "g",
    ),
  },
  {
    id: "url-credentials",
    title: "password in a URL (`scheme://user:password@host`; only the password is masked)",
    re: /:\/\/[^\s/:@"'`<>()[\]{}\\]*:(?<s>[^\s/"'`<>()[\]{}\\]+)@/dg,
    needs: ["://"],
    // Placeholders (`$PASS`, `%(pw)s`, `***`, `password`) are not secrets.
    check: (t) =>
      !/^(?:\$|%\(|%s$|\*+$|x+$|\.+$)/.test(t) &&
      !/^(?:pass(?:word|wd)?|pwd|secret|foo|bar|baz|test|example|changeme)$/i.test(t),
    // A URL cut before its `@`: `://user:passw` at the end of the string.
    prefix:
      /:\/\/[^\s/:@"'`<>]*:(?![0-9]{1,5}(?:$|[\s"'`<>/…]))(?<s>[^\s/@"'`<>]+)(?=$|[\s"'`<>…])/dg,
  },
  {
    id: "secret-assignment",
    title: "a value assigned to a secret-named key (`password`, `passwd`, `passphrase`, " +
      "`DB_PASS`, `secret`, `token`, `api_key`, `access_key`, `private_key`, `credential`, …): " +
      "quoted (6+ characters, no placeholder or bare word), unquoted after `=` or `:` " +
      "(`.env`, YAML, INI, properties, query strings; letters mixed with digits, or long and " +
      "random-looking), or after a `--flag`; in code a template literal, the fallback of a " +
      'read of the real value (`process.env.PW ?? "…"`, `os.getenv("PW") or "…"`), a ' +
      'getter\'s default, a typed declaration, `pass?: "…"`, `${PW:-…}` (letters mixed with ' +
      "digits); code (`password: str`, `getpass()`, " +
      "`settings.API_KEY`, `os.environ[…]`) is left alone",
    re: SECRET_ASSIGNMENT,
    needs: SECRET_NEEDS,
    // A value cut before its closing quote or its end: `DB_PASS = "S3cr2N`.
    prefix: new RegExp(
      String
        .raw`${SECRET_KEY}(?:${TYPE_ANNOTATION}(?:${LEAD}|${LEAD_CALL})?|${AFTER_KEY}|:[-=]|["'][ \t]*,[ \t]*` +
        String.raw`|${SEPARATOR}(?:${LEAD}|${LEAD_CALL})?)` +
        // The value taken whole (a lookahead does not backtrack), then not
        // the read a fallback or default follows (`os.getenv(`, `x ??`), nor
        // the type of a typed declaration (`string =`).
        String.raw`[rbuf]?\\?["'\`]?(?=(?<s>[^\s"'\`\\<>$%{]{3,500}))\k<s>` +
        String.raw`(?<![([])(?!${FALLBACK}|[ \t]*=)`,
      "dgi",
    ),
    checkMatch: (m) => assignedSecretLike(m.groups ?? {}),
  },
  {
    id: "cli-password",
    title: "a password given to a CLI tool: `mysql … -p<value>` (and `mysqldump`, " +
      "`mariadb`, …; `-P` is the port, `-p db` a database), `sshpass -p <value>`, " +
      "`curl -u user:<value>`",
    re: CLI_PASSWORD_VALUE,
    // A `mysql` `-p` option is matched from the option, the command is
    // looked behind for (each `-p` of a line is found): the literal is in
    // the 200 characters before the match, not always in it.
    // Case-sensitive, as the pattern: exact literals cost the pre-filter less.
    needs: ["mysql", "mariadb", "sshpass", "curl"],
    prefix: new RegExp(String.raw`${CLI_PASSWORD}["']?(?<s>[^\s"'\`\\<>$%{]{3,200})`, "dg"),
    // Anything after `mysql -p` or `sshpass -p` is a password.
    check: (t) => !placeholder(t),
  },
  {
    id: "authorization-credential",
    title: "HTTP credentials: `Bearer <token>`, `Basic <base64 of user:password>`, " +
      "`Authorization: Token <token>`",
    re:
      /(?:(?<b>[Bb]earer|BEARER)|(?<basic>Basic)|[Aa]uthorization\\?["']?[ \t]*[:=,][ \t]*\\?["']?(?:Token|Bot|token|Digest))[ \t]+(?<s>[A-Za-z0-9._~+/-]{8,500}=*)/dg,
    needs: ["Bearer", "bearer", "BEARER", "Basic", "Authorization", "authorization"],
    checkMatch: (m) => {
      const v = m.groups?.s ?? "";
      if (m.groups?.basic !== undefined) return basicCredential(v);
      return v.length >= 12 && !placeholder(v) && /[0-9]/.test(v) && /[A-Za-z]/.test(v);
    },
  },
  {
    id: "xml-secret-element",
    title: "text of a secret-named XML element (`<password>…</password>`, `<apiKey>…</apiKey>`)",
    re: new RegExp(
      `<(?<tag>${XML_TAG})(?:[ \t][^<>]{0,500})?>(?<s>[^<>]{6,200}?)</\\k<tag>>`,
      "dgi",
    ),
    needs: [
      "password",
      "passwd",
      "passphrase",
      "secret",
      "token",
      "apikey",
      "api_key",
      "api-key",
      "accesskey",
      "access_key",
      "access-key",
      "privatekey",
      "private_key",
      "private-key",
      "credential",
    ],
    // An element cut before its end tag: `<password>S3cr2N`.
    prefix: new RegExp(`<${XML_TAG}(?:[ \\t][^<>]{0,500})?>(?<s>[^<>\\s]{3,500})`, "dgi"),
    checkMatch: (m) => {
      const v = (m.groups?.s ?? "").trim();
      return v.length >= 6 && !placeholder(v) && !/^[a-z_]+$/.test(v);
    },
  },
  {
    id: "url-query-secret",
    title: "a URL query parameter named `key`, `sig`, `signature` or `auth` " +
      "(`?key=…`, `&sig=…`; `?password=`, `&api_key=`, `&access_token=` are secret-assignment)",
    re:
      /[?&](?:key|sig|signature|auth)=(?<s>[^&#;\s"'`<>()[\]{}\\]{6,500})(?=$|[&#;\s"'`)\]}\\])/dgm,
    // The exact names only: a longer name ending in them (`api_key`) is the
    // secret-assignment rule's, and `key=` alone is in every other Python file.
    needs: ["?key=", "&key=", "?sig=", "&sig=", "?signature=", "&signature=", "?auth=", "&auth="],
    check: (t) => bareSecretLike(decodeURIComponentSafe(t)),
  },
];

/** The content rules, in the order they run (exported for docs and tests). */
export const CONTENT_SECRET_RULES: readonly ContentSecretRule[] = RULES;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// One scan over the text finds every rule's literals, so a clean file costs
// one pass. Longer literals first; a literal activates every rule that needs
// it or a substring of it (`sk-ant-` also wakes the rules that need `sk-`).
function needsOf(r: ContentSecretRule): readonly string[] {
  return r.exactNeeds ? [...r.needs, ...r.exactNeeds] : r.needs;
}
const NEEDLES = [...new Set(RULES.flatMap(needsOf))].sort((a, b) => b.length - a.length);
const NEEDLE_RULES = new Map<string, number[]>(
  NEEDLES.map((n) => [
    n.toLowerCase(),
    RULES.flatMap((r, i) =>
      needsOf(r).some((m) => n.includes(m) || (r.re.ignoreCase && n.toLowerCase().includes(m)))
        ? [i]
        : []
    ),
  ]),
);
const TRIGGER = new RegExp(
  NEEDLES.map((n) => {
    const ci = RULES.some((r) => r.re.ignoreCase && r.needs.includes(n));
    return ci ? `(?i:${escapeRe(n)})` : escapeRe(n);
  }).join("|"),
  "g",
);

function activeRules(text: string): Set<number> {
  const active = new Set<number>();
  TRIGGER.lastIndex = 0;
  for (let m = TRIGGER.exec(text); m !== null; m = TRIGGER.exec(text)) {
    for (const i of NEEDLE_RULES.get(m[0].toLowerCase()) ?? []) active.add(i);
    if (active.size === RULES.length) break;
    // Literals may overlap (`gsk_test_`: `gsk_` and `k_test_`): go on from
    // the next character, not from the end of this match.
    TRIGGER.lastIndex = m.index + 1;
  }
  return active;
}

interface Span {
  start: number;
  end: number;
  rule: number;
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
    const g = m.indices?.groups;
    const at = (g && SECRET_GROUPS.map((k) => g[k]).find((x) => x !== undefined)) ??
      [m.index, m.index + m[0].length];
    if (rule.check && !rule.check(text.slice(at[0], at[1]))) {
      // Same as above: a long value that is no secret (it ran over a URL)
      // must not hide a parameter that starts inside it.
      re.lastIndex = m.index + 1;
      continue;
    }
    yield at;
  }
}

function collect(text: string, i: number, prefixes: boolean, spans: Span[]): void {
  const rule = RULES[i];
  rule.re.lastIndex = 0;
  const found = rule.find ? rule.find(text) : matchSpans(text, rule);
  for (const at of found) {
    const start = at[0];
    let end = at[1];
    if (!prefixes) {
      if (rule.left && start > 0 && rule.left.test(text[start - 1])) continue;
      if (rule.right && end < text.length && rule.right.test(text[end])) continue;
    }
    if (rule.check && !rule.check(text.slice(start, end))) continue;
    if (rule.extend) {
      const to = rule.extend(text, end);
      if (to === end) continue;
      end = to;
    }
    if (end > start) spans.push({ start, end, rule: i });
  }
  if (prefixes && rule.prefix) {
    rule.prefix.lastIndex = 0;
    for (const m of text.matchAll(rule.prefix)) {
      const g = m.indices?.groups;
      const at = (g && SECRET_GROUPS.map((k) => g[k]).find((x) => x !== undefined)) ??
        [m.index, m.index + m[0].length];
      if (at[1] > at[0]) spans.push({ start: at[0], end: at[1], rule: i });
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
    if (i < piece.length && !STRUCTURE.test(piece[i])) continue;
    const part = piece.slice(from, i);
    out += GLUE_ONLY.test(part) ? part : mask + part.replace(LINE_BREAKS, "");
    if (i < piece.length) out += piece[i];
    from = i + 1;
  }
  return out;
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
export function maskSecrets(text: string, options: MaskOptions = {}): MaskedText {
  const active = activeRules(text);
  if (active.size === 0) return { text, findings: [] };
  const prefixes = options.prefixes ?? false;
  const spans: Span[] = [];
  for (const i of active) collect(text, i, prefixes, spans);
  if (spans.length === 0) return { text, findings: [] };
  // Earliest first; of two at the same place, the longer, then the earlier rule.
  spans.sort((a, b) => a.start - b.start || b.end - a.end || a.rule - b.rule);
  const findings: SecretFinding[] = [];
  let out = "";
  let pos = 0;
  let line = 1;
  let counted = 0;
  for (let k = 0; k < spans.length;) {
    const { start, rule } = spans[k];
    let end = spans[k].end;
    // Overlapping secrets are masked as one (union), named by the first.
    for (k++; k < spans.length && spans[k].start < end; k++) end = Math.max(end, spans[k].end);
    for (
      let n = text.indexOf("\n", counted);
      n !== -1 && n < start;
      n = text.indexOf("\n", n + 1)
    ) {
      line++;
      counted = n + 1;
    }
    const id = RULES[rule].id;
    findings.push({ rule: id, line });
    out += text.slice(pos, start) +
      maskSpan(text.slice(start, end), options.replacement ?? `${SECRET_MASK_PREFIX}${id}>`);
    pos = end;
  }
  return { text: out + text.slice(pos), findings };
}

/**
 * True when `text` starts a private key block: a `-----BEGIN … PRIVATE
 * KEY-----` line, whatever follows it (a fake or cut body is still refused:
 * the cost of refusing code that merely checks for such a header is small,
 * the cost of serving a key is not), or a PuTTY key file. Such a file is
 * refused whole.
 */
export function hasPrivateKeyBlock(text: string): boolean {
  if (
    text.includes("PuTTY-User-Key-File-") &&
    /PuTTY-User-Key-File-[0-9]+:.*\n[\s\S]*?Private-Lines:/.test(text)
  ) return true;
  if (!text.includes("-----BEGIN")) return false;
  return new RegExp(PEM_HEADER.source).test(text);
}
