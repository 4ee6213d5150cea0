/**
 * Files trifecta never reads, whatever the command: VCS internals, env files,
 * keys and credential stores.
 *
 * @module
 */

/** Directory names that are never entered or read. */
export const DENIED_DIRS: ReadonlySet<string> = new Set([".git", ".hg", ".svn", ".ssh", ".gnupg"]);

// Basename patterns: secrets and key material.
const DENIED_NAME_PATTERNS: readonly RegExp[] = [
  /^\.env(\..*)?$/i,
  /^.*\.env$/i,
  /^\.envrc$/i,
  /\.(pem|key|p12|pfx|jks|keystore|kdbx|gpg|asc|ppk)$/i,
  /^id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/i,
  /^\.(netrc|npmrc|pypirc|pgpass|git-credentials|htpasswd)$/i,
  /^credentials(\.json)?$/i,
  /^secrets?\.(json|ya?ml|toml)$/i,
];

/**
 * True when a segment-relative POSIX path may not be read.
 *
 * @example
 * ```ts
 * import { isDenied } from "./denylist.ts";
 * isDenied(".git/config"); // true
 * isDenied("config/.env.local"); // true
 * isDenied("src/app.py"); // false
 * ```
 */
export function isDenied(rel: string): boolean {
  const parts = rel.split("/");
  for (let i = 0; i < parts.length - 1; i++) {
    if (DENIED_DIRS.has(parts[i])) return true;
  }
  const base = parts[parts.length - 1];
  if (DENIED_DIRS.has(base)) return true;
  return DENIED_NAME_PATTERNS.some((re) => re.test(base));
}
