/**
 * Files trifecta never reads, whatever the command: VCS internals, env files,
 * keys and credential stores. The list is data ({@linkcode DENY_GLOBS}),
 * printed verbatim in docs/security.md (a test keeps the two equal).
 *
 * A glob matches one path component (`*` any run of characters but `/`, `?`
 * one such character); a glob with an inner `/` matches a run of components;
 * a trailing `/` marks a directory name. A path is denied when the glob
 * matches at ANY position, so `.git/` denies `sub/.git/config` and `.env*`
 * denies `a/.env-prod/x.py`. Matching ignores case: on a case-insensitive
 * file system (macOS) `.ENV` is `.env`.
 *
 * @module
 */

/** The denylist, one glob per entry (see the module doc for the syntax). */
export const DENY_GLOBS: readonly string[] = [
  // Version control internals (remote URLs carry tokens; hooks, packed refs).
  ".git/",
  ".hg/",
  ".svn/",
  // Key and credential directories.
  ".ssh/",
  ".gnupg/",
  ".aws/",
  ".azure/",
  ".kube/",
  ".docker/config.json",
  // Environment files.
  ".env*",
  "*.env",
  // Private keys by name, and key stores.
  "id_rsa*",
  "id_dsa*",
  "id_ecdsa*",
  "id_ed25519*",
  "*.pem",
  "*.key",
  "*.p12",
  "*.pfx",
  "*.jks",
  "*.keystore",
  "*.kdbx",
  "*.ppk",
  "*.gpg",
  "*.asc",
  // Credential files.
  ".netrc",
  ".npmrc",
  ".pypirc",
  ".pgpass",
  ".htpasswd",
  ".git-credentials",
  "credentials",
  "*credentials*.json",
  "secret.json",
  "secrets.json",
  "secret.yaml",
  "secrets.yaml",
  "secret.yml",
  "secrets.yml",
  "secret.toml",
  "secrets.toml",
];

/** Directory names of {@linkcode DENY_GLOBS} (globs ending in `/`). */
export const DENIED_DIRS: ReadonlySet<string> = new Set(
  DENY_GLOBS.filter((g) => g.endsWith("/")).map((g) => g.slice(0, -1)),
);

/** VCS directories: present in every checkout, so the walker skips them silently. */
export const VCS_DIRS: ReadonlySet<string> = new Set([".git", ".hg", ".svn"]);

function globSource(glob: string): string {
  const body = glob.endsWith("/") ? glob.slice(0, -1) : glob;
  let out = "";
  for (const c of body) {
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return out;
}

function globRegExp(sources: readonly string[]): RegExp {
  // Any position: after the start or a `/`, up to the end or a `/`.
  return new RegExp(`(?:^|/)(?:${sources.join("|")})(?:/|$)`, "iu");
}

// One alternation over the whole path: one regex test per path on the hot
// path (every walked entry, every read); per-glob ones only to name a match.
const ANY_DENIED = globRegExp(DENY_GLOBS.map(globSource));
const EACH_DENIED: readonly [string, RegExp][] = DENY_GLOBS.map((g) => [
  g,
  globRegExp([globSource(g)]),
]);

/**
 * True when a segment-relative POSIX path may not be read: a component (or
 * run of components) matches a glob of {@linkcode DENY_GLOBS}.
 *
 * @example
 * ```ts
 * import { isDenied } from "./denylist.ts";
 * import { equal } from "node:assert/strict";
 * equal(isDenied(".git/config"), true);
 * equal(isDenied("config/.env-prod.py"), true);
 * equal(isDenied("src/environment.py"), false);
 * ```
 */
export function isDenied(rel: string): boolean {
  return ANY_DENIED.test(rel);
}

// Extra globs (config `deny`) come from the repository, like the names they
// are matched against: a backtracking RegExp over both would let a glob such
// as `*a*a*a*a*b` take exponential time on a long name. They are matched by
// a linear wildcard matcher instead, per component, split once per list.
const EXTRA_SPLIT = new Map<string, readonly (readonly [string, readonly string[]])[]>();

function splitExtra(extra: readonly string[]): readonly (readonly [string, readonly string[]])[] {
  const key = extra.join("\n");
  let out = EXTRA_SPLIT.get(key);
  if (out === undefined) {
    out = extra.map((g) => [g, (g.endsWith("/") ? g.slice(0, -1) : g).toLowerCase().split("/")]);
    EXTRA_SPLIT.set(key, out);
  }
  return out;
}

/**
 * One component against one glob component (`*` any run, `?` one
 * character), both lower-cased: the two-pointer match that backtracks only
 * to the last `*`, so at most length(glob) × length(name) steps.
 */
function wildMatch(glob: string, name: string): boolean {
  let g = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    const c = glob[g];
    if (c === "*") {
      star = g++;
      mark = n;
    } else if (c !== undefined && (c === "?" || c === name[n])) {
      g++;
      n++;
    } else if (star >= 0) {
      g = star + 1;
      n = ++mark;
    } else return false;
  }
  while (glob[g] === "*") g++;
  return g === glob.length;
}

/** True when the glob's components match a run of the path's, at any position. */
function extraMatches(globParts: readonly string[], parts: readonly string[]): boolean {
  for (let i = 0; i + globParts.length <= parts.length; i++) {
    if (globParts.every((g, j) => wildMatch(g, parts[i + j] ?? ""))) return true;
  }
  return false;
}

/**
 * The glob that denies `rel`: one of {@linkcode DENY_GLOBS}, else one of
 * `extra` (the config's `deny`, same syntax), else undefined. Extra globs
 * only add: the built-in list always applies.
 *
 * @example
 * ```ts
 * import { deniedByAny } from "./denylist.ts";
 * import { equal } from "node:assert/strict";
 * equal(deniedByAny("data/dump.sqlite", ["*.sqlite"]), "*.sqlite");
 * equal(deniedByAny(".env", []), ".env*");
 * equal(deniedByAny("src/app.py", ["*.sqlite"]), undefined);
 * ```
 */
export function deniedByAny(rel: string, extra: readonly string[] | undefined): string | undefined {
  const builtIn = deniedBy(rel);
  if (builtIn !== undefined || extra === undefined || extra.length === 0) return builtIn;
  const parts = rel.toLowerCase().split("/");
  return splitExtra(extra).find(([, globParts]) => extraMatches(globParts, parts))?.[0];
}

/** True when `rel` is denied by the built-in list or by `extra` (see {@linkcode deniedByAny}). */
export function isDeniedAny(rel: string, extra: readonly string[] | undefined): boolean {
  if (ANY_DENIED.test(rel)) return true;
  return extra !== undefined && extra.length > 0 && deniedByAny(rel, extra) !== undefined;
}

/**
 * The glob of {@linkcode DENY_GLOBS} that denies `rel`, or undefined.
 *
 * @example
 * ```ts
 * import { deniedBy } from "./denylist.ts";
 * import { equal } from "node:assert/strict";
 * equal(deniedBy("keys/id_rsa.txt"), "id_rsa*");
 * equal(deniedBy("src/app.py"), undefined);
 * ```
 */
export function deniedBy(rel: string): string | undefined {
  if (!ANY_DENIED.test(rel)) return undefined;
  return EACH_DENIED.find(([, re]) => re.test(rel))?.[0];
}
