/**
 * The token rules: secrets with a recognisable shape of their own (cloud
 * keys, VCS and registry tokens, chat, payment and AI API keys, JWTs), found
 * wherever they stand.
 *
 * @module
 */
import type { ContentSecretRule } from "./secret_rule.ts";

const ALNUM = /[A-Za-z0-9]/;
const UPPER_OR_DIGIT = /[A-Z0-9]/;

function hasDigit(s: string): boolean {
  return /[0-9]/.test(s);
}

/** Random keys mix digits and both cases; words and slugs rarely do. */
function mixed(s: string): boolean {
  return /[0-9]/.test(s) && /[A-Z]/.test(s) && /[a-z]/.test(s);
}

const B64URL_CHAR = /[A-Za-z0-9_-]/;

/** End of the run of base64url characters that starts at `i`. */
function runEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length && B64URL_CHAR.test(text.charAt(j))) j++;
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

// Token characters next to a token are checked with `left`/`right` (a
// single-character test) instead of `\b`, so `_`, `-` and `.` around a
// token never hide it (`\b` sees no boundary between `E` and `_`).
/** The token rules, in the order they run. */
export const TOKEN_RULES: readonly ContentSecretRule[] = [
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
];
