/**
 * `sym://` URI parsing: a pure function with the predecessor's messages for
 * malformed URIs, extended to our languages.
 *
 * Grammar: `sym://<lang>/<kind>/<path>[#<member>]`, `lang` one of
 * `python` (alias `py`), `typescript`, `javascript`; `kind` `mod` or `type`.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";

/** Languages a `sym://` URI can name (after alias normalisation). */
export type SymbolLanguage = "python" | "typescript" | "javascript";

/** Kinds a `sym://` URI can name. */
export type SymbolUriKind = "mod" | "type";

/** Language names accepted in a URI, mapped to the language they mean. */
export const URI_LANGUAGES: Readonly<Record<string, SymbolLanguage>> = {
  python: "python",
  py: "python",
  typescript: "typescript",
  javascript: "javascript",
};

/** A parsed `sym://` URI. */
export interface SymbolQuery {
  /** The URI exactly as given. */
  uri: string;
  /** Language as written (`py` stays `py`). */
  langAlias: string;
  /** Language it means. */
  lang: SymbolLanguage;
  /** `mod` or `type`. */
  kind: SymbolUriKind;
  /** Module or symbol path as written, e.g. `pkg.mod/Class` (no fragment). */
  path: string;
  /** Member after `#` (dotted for deeper nesting), if any. */
  member?: string;
}

/** Maximum URI length accepted (longer ones are not module paths). */
export const MAX_URI_LENGTH = 1024;

const SCHEME = "sym://";

/** Message for a URI whose scheme or language is wrong (predecessor's wording, extended). */
export const MSG_BAD_PREFIX =
  "URI must start with sym://python/ (or sym://py/, sym://typescript/, sym://javascript/)";
/** Message when kind or path is missing (predecessor's wording). */
export const MSG_KIND_AND_PATH = "URI must contain kind and path";
/** Message for an unknown kind (predecessor's wording). */
export const MSG_BAD_KIND = "Kind must be mod or type";
/** Message for `mod` with a `#fragment` (predecessor's wording). */
export const MSG_MOD_FRAGMENT = "Kind 'mod' should not have fragment";
/** Message for an empty `#` fragment. */
export const MSG_EMPTY_MEMBER = "Member after '#' must not be empty";
/** Message for a path that is absolute, climbs out, or has empty parts. */
export const MSG_BAD_PATH =
  "Path must be relative to the segment: no leading '/', no '..' or empty parts, no '\\'";
/** Message for a member with empty parts or separators other than '.'. */
export const MSG_BAD_MEMBER = "Member must be a name or a dotted path of names (e.g. Inner.method)";
/** Message for a `type` path with no module part. */
export const MSG_TYPE_NEEDS_MODULE =
  "Kind 'type' needs <module>/<Symbol> or <module>.<Symbol> (e.g. pkg.mod/Class)";
/** Message for control characters or an over-long URI. */
export const MSG_BAD_CHARS =
  `URI must be at most ${MAX_URI_LENGTH} characters without control characters`;

const GRAMMAR_STEP =
  "Use sym://<lang>/<kind>/<path>[#<member>], e.g. sym://python/mod/pkg.mod or sym://python/type/pkg/mod/Class#method";

function invalid(message: string): TrifectaError {
  return new TrifectaError("INVALID_URI", message, { nextSteps: [GRAMMAR_STEP] });
}

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** True when a path part is unusable in a segment-relative module path. */
function badPathPart(part: string): boolean {
  return part === "" || part === "." || part === "..";
}

/**
 * Parse a `sym://` URI. Pure: touches no file.
 *
 * Checks, in order (each failure is `INVALID_URI`): length and control
 * characters; the `sym://<lang>/` prefix; `<kind>/<path>` present; kind `mod`
 * or `type`; no fragment on `mod`; a non-empty member; a relative path
 * without `..` or empty parts.
 *
 * @example
 * ```ts
 * import { parseSymbolUri } from "./parse.ts";
 * import { equal } from "node:assert/strict";
 * const q = parseSymbolUri("sym://python/type/foo/Bar#baz");
 * equal(q.lang, "python");
 * equal(q.kind, "type");
 * equal(q.path, "foo/Bar");
 * equal(q.member, "baz");
 * ```
 * @throws {TrifectaError} `INVALID_URI` with one of the `MSG_*` messages.
 */
export function parseSymbolUri(uri: string): SymbolQuery {
  if (uri.length > MAX_URI_LENGTH || hasControlChars(uri)) throw invalid(MSG_BAD_CHARS);
  if (!uri.startsWith(SCHEME)) throw invalid(MSG_BAD_PREFIX);
  const afterScheme = uri.slice(SCHEME.length);
  const slash = afterScheme.indexOf("/");
  if (slash < 0) throw invalid(MSG_BAD_PREFIX);
  const langAlias = afterScheme.slice(0, slash);
  const lang = Object.hasOwn(URI_LANGUAGES, langAlias) ? URI_LANGUAGES[langAlias] : undefined;
  if (lang === undefined) throw invalid(MSG_BAD_PREFIX);
  const remainder = afterScheme.slice(slash + 1);
  const kindSlash = remainder.indexOf("/");
  if (kindSlash < 0) throw invalid(MSG_KIND_AND_PATH);
  const kindText = remainder.slice(0, kindSlash);
  const rest = remainder.slice(kindSlash + 1);
  if (kindText !== "mod" && kindText !== "type") throw invalid(MSG_BAD_KIND);
  const kind: SymbolUriKind = kindText;
  const hash = rest.indexOf("#");
  const path = hash < 0 ? rest : rest.slice(0, hash);
  const member = hash < 0 ? undefined : rest.slice(hash + 1);
  if (path === "") throw invalid(MSG_KIND_AND_PATH);
  if (kind === "mod" && member !== undefined) throw invalid(MSG_MOD_FRAGMENT);
  if (member !== undefined && member === "") throw invalid(MSG_EMPTY_MEMBER);
  if (path.includes("\\") || path.includes("..") || path.split("/").some(badPathPart)) {
    throw invalid(MSG_BAD_PATH);
  }
  if (kind === "type" && !/[./]/.test(path)) throw invalid(MSG_TYPE_NEEDS_MODULE);
  if (member !== undefined && (/[/#\\]/.test(member) || member.split(".").some((p) => p === ""))) {
    throw invalid(MSG_BAD_MEMBER);
  }
  const query: SymbolQuery = { uri, langAlias, lang, kind, path };
  if (member !== undefined) query.member = member;
  return query;
}

/**
 * The URI in canonical form: `sym://<langAlias>/<kind>/<path>[#<member>]`.
 * Lets a caller build a URI for a candidate or suggestion.
 */
export function formatSymbolUri(query: Omit<SymbolQuery, "uri" | "lang">): string {
  const base = `${SCHEME}${query.langAlias}/${query.kind}/${query.path}`;
  return query.member === undefined ? base : `${base}#${query.member}`;
}
