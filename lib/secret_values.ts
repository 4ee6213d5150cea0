/**
 * What a secret value looks like once a rule found one in the right place:
 * placeholders (`${VAR}`, `changeme`, `<your-key>`), code (`settings.API_KEY`,
 * `password2`, a path, a version) and names are not secrets.
 *
 * @module
 */

// Values that stand for a secret without being one: `${VAR}`, `%(pw)s`,
// `{{ x }}`, `<your-key>`, `***`, `xxxx`, and the usual example words.
const PLACEHOLDER_START = /^(?:[$%{<*@]|\.\.\.|x{3,}|\*{3,})/i;
const PLACEHOLDER_WORD =
  /example|changeme|change[_-]me|placeholder|dummy|redacted|your[_-]?|xxxx|not[_-]?a[_-]?real|fake|sample|replace|here$|\{\{|\$\{|%\(|%s/i;
const PLACEHOLDER_EXACT =
  /^(?:pass(?:word|wd)?|pwd|secret|token|key|test(?:ing)?|foo|bar|baz|none|null|nil|undefined|true|false|empty|required|optional|string|hidden|masked|default)$/i;

/** True for a value that is a placeholder, not a secret. */
export function placeholder(v: string): boolean {
  return PLACEHOLDER_START.test(v) || PLACEHOLDER_WORD.test(v) || PLACEHOLDER_EXACT.test(v);
}

// Code, not a secret: `settings.API_KEY`, `self.token`, a path, a version,
// an identifier with a counter (`password2`, `token_1`), a grammar
// repetition (`token = 1*tchar`), chained or optional access in minified
// code (`Token=e.a=e.b`, `x?.withCredentials`), a non-null assertion
// (`process.env.API_KEY!`).
const ATTRIBUTE_CHAIN = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+!?$/;
export const IDENT_COUNTER = /^[A-Za-z_][A-Za-z_]*_?[0-9]{1,2}$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const NOT_BARE_SECRET =
  /^(?:\/|\.\/|~\/|[0-9]*\*)|^v?[0-9]+(?:\.[0-9]+)+$|^[\w$.?]+(?:=[\w$.?]+)+$|\?\./;

/**
 * An unquoted value looks like a secret: letters and digits mixed (not an
 * identifier with a counter), or long and random-looking (both cases and a
 * symbol), never a placeholder, an attribute chain, a path or a version.
 */
export function bareSecretLike(v: string): boolean {
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
export function quotedSecretLike(v: string): boolean {
  if (placeholder(v) || ATTRIBUTE_CHAIN.test(v)) return false;
  if (/^[a-z]+(?:[-_.][a-z]+)*$/.test(v) || /^[A-Z]+(?:[-_][A-Z]+)*$/.test(v)) return false;
  return /[^A-Za-z_]/.test(v) || (/[A-Z]/.test(v) && /[a-z]/.test(v));
}

/** `%xx` escapes decoded; a malformed escape leaves the value as it is. */
export function decodeURIComponentSafe(v: string): string {
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
 * A `Basic` credential decodes to `user:password`; anything else after the
 * word (prose: "Basic authentication") is not one.
 */
export function basicCredential(v: string): boolean {
  try {
    const raw = atob(v.length % 4 === 0 ? v : v + "=".repeat(4 - (v.length % 4)));
    return /^[\x20-\x7e]+:[\x20-\x7e]+$/.test(raw) && !placeholder(raw.slice(raw.indexOf(":") + 1));
  } catch (err) {
    // Not base64: not a Basic credential.
    if (err instanceof DOMException) return false;
    throw err;
  }
}
