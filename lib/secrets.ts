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
   * A character that may not come right before the token (the marker is
   * short, e.g. `sk-`, and a letter before it means an ordinary word such as
   * `task-`). Ignored for short strings ({@linkcode MaskOptions.prefixes}).
   */
  left?: RegExp;
  /** A character that may not come right after the token. */
  right?: RegExp;
  /** Extra test of the masked token (e.g. random keys mix digits and cases). */
  check?: (token: string) => boolean;
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
    title: "AWS secret access key assigned to an `aws…secret…`/`secret_access_key` name",
    re:
      /(?:aws[A-Za-z0-9_.-]{0,40}?secret[A-Za-z0-9_.-]{0,40}|secret_?access_?key)\\?["']?\s*(?:=>|:=|=|:|,)\s*(?:[rbu]?\\?["'])?(?<s>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/dgi,
    needs: ["secret"],
    prefix:
      /(?:aws[A-Za-z0-9_.-]{0,40}?secret[A-Za-z0-9_.-]{0,40}|secret_?access_?key)\\?["']?\s*(?:=>|:=|=|:|,)\s*(?:[rbu]?\\?["'])?(?<s>[A-Za-z0-9/+]+)/dgi,
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
        /dckr_pat_[A-Za-z0-9_-]{27,}/,
        /figd_[A-Za-z0-9_-]{40,}/,
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
    title: "a literal of 6+ characters with letters and digits assigned to a secret-named key " +
      "(`password`, `passwd`, `pwd`, `secret`, `secret_key`, `token`, `api_key`, `access_key`, " +
      "`private_key`, …): quoted, or unquoted right after `=` up to the end of the line " +
      "(`.ini`, `.properties`)",
    re:
      /(?:password|passwd|pwd|secret|secret_?key|token|api_?key|access_?key|private_?key)(?![A-Za-z0-9])(?:\\?["']?[ \t]*(?:=>|:=|=|:)[ \t]*[rbuf]?\\?["'](?<s>[^"'\s\\]{6,})\\?["']|=(?<s2>[^\s"'`()[\]{}<>,;&#\\]{6,})(?=[ \t]*(?:$|\\?["'`])))/dgim,
    needs: [
      "password",
      "passwd",
      "pwd",
      "secret",
      "token",
      "api_key",
      "apikey",
      "access_key",
      "accesskey",
      "private_key",
      "privatekey",
    ],
    // Placeholders (`${VAR}`, `%(x)s`, `<your-key>`) and words are not secrets.
    check: (t) => !/^[$%{<*]/.test(t) && hasDigit(t) && /[A-Za-z]/.test(t),
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
const NEEDLES = [...new Set(RULES.flatMap((r) => r.needs))].sort((a, b) => b.length - a.length);
const NEEDLE_RULES = new Map<string, number[]>(
  NEEDLES.map((n) => [
    n.toLowerCase(),
    RULES.flatMap((r, i) =>
      r.needs.some((m) => n.includes(m) || (r.re.ignoreCase && n.toLowerCase().includes(m)))
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

function* matchSpans(text: string, re: RegExp): Generator<[number, number]> {
  for (const m of text.matchAll(re)) {
    yield m.indices?.groups?.s ?? m.indices?.groups?.s2 ?? [m.index, m.index + m[0].length];
  }
}

function collect(text: string, i: number, prefixes: boolean, spans: Span[]): void {
  const rule = RULES[i];
  rule.re.lastIndex = 0;
  const found = rule.find ? rule.find(text) : matchSpans(text, rule.re);
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
      const at = m.indices?.groups?.s ?? [m.index, m.index + m[0].length];
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
