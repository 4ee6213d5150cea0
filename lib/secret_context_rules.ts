/**
 * The context rules: secrets known by where they stand, not by their shape —
 * a password in a URL, a value assigned to a secret-named key (`.env`, YAML,
 * code), a password given to a CLI tool, HTTP credentials, a secret-named XML
 * element, a signature in a query string.
 *
 * @module
 */
import { type ContentSecretRule, SECRET_GROUPS } from "./secret_rule.ts";
import {
  bareSecretLike,
  basicCredential,
  decodeURIComponentSafe,
  IDENT_COUNTER,
  placeholder,
  quotedSecretLike,
} from "./secret_values.ts";

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
 * Secret-named XML elements: `<password>…</password>`, `<db:apiKey>…</db:apiKey>`
 * (never a mask: `<SECRET_REDACTED:url-credentials>`).
 */
const XML_TAG = String
  .raw`(?![A-Z_]*REDACTED[:>])(?:[A-Za-z_][\w.-]{0,63}:)?[A-Za-z_.-]{0,64}?(?:pass(?:word|wd|phrase)|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[A-Za-z_.-]{0,64}`;

/** The context rules, in the order they run. */
export const CONTEXT_RULES: readonly ContentSecretRule[] = [
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
