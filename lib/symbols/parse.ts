/**
 * `sym://` URI parsing: a pure function with the predecessor's messages for
 * malformed URIs, extended to our languages.
 *
 * Grammar: `sym://<lang>/<kind>/<path>[#<member>]`, `lang` a `sym://`
 * language of the registry (an entry's `uriName` or one of its
 * `uriAliases`, lib/languages); `kind` `mod` or `type`.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { uriLanguageName } from "../languages/mod.ts";
import { uriLanguageNames } from "../languages/modules.ts";

/**
 * A `sym://` language (after alias normalisation): an entry's `uriName` in
 * the registry (lib/languages/mod.ts).
 */
export type SymbolLanguage = string;

/** Kinds a `sym://` URI can name. */
export type SymbolUriKind = "mod" | "type";

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

function badPrefixMessage(): string {
  const { names, aliases } = uriLanguageNames();
  const [first, ...rest] = [...names, ...aliases].map((p) => `sym://${p}/`);
  const more = rest.length > 0 ? ` (or ${rest.join(", ")})` : "";
  return `URI must start with ${first ?? "sym://"}${more}`;
}

/**
 * Message for a URI whose scheme or language is wrong: the predecessor's
 * wording (`URI must start with sym://python/`), extended to every
 * language of the registry (the first entry's name comes first).
 */
export const MSG_BAD_PREFIX: string = badPrefixMessage();
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

/** The registry's first `sym://` language, the one the examples use. */
const EXAMPLE_LANG = uriLanguageNames().names[0] ?? "<lang>";

const GRAMMAR_STEP =
  `Use sym://<lang>/<kind>/<path>[#<member>], e.g. sym://${EXAMPLE_LANG}/mod/pkg.mod or sym://${EXAMPLE_LANG}/type/pkg/mod/Class#method`;

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
 * True when a member part is unusable: empty, or holding `/`, `\` or a `#`
 * past its first character (`#name` is a private member: `Class##name`).
 */
function badMemberPart(part: string): boolean {
  const name = part.startsWith("#") ? part.slice(1) : part;
  return name === "" || /[/#\\]/.test(name);
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
 * // A private member keeps its '#'.
 * equal(parseSymbolUri("sym://typescript/type/hono/Hono##dispatch").member, "#dispatch");
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
  const lang = uriLanguageName(langAlias);
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
  if (member !== undefined && member.split(".").some(badMemberPart)) {
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
