/**
 * The `sym://` URI of a file or of one of its symbols: THE builder, used by
 * `ast find`, `ast skeleton --json`, the map, references and the MCP tools.
 * A URI is given only when it resolves back to the same file (its module
 * path names it again) and the parser accepts it; otherwise the answer says
 * why there is none.
 *
 * @module
 */
import { type FileSkeleton, isClippedQualifiedName, type SkeletonSymbol } from "../ast/mod.ts";
import { TrifectaError } from "../errors.ts";
import { moduleFileCandidates, modulePathOf, typeSplits, uriLanguageOfPath } from "./modules.ts";
import { formatSymbolUri, MAX_URI_LENGTH, parseSymbolUri } from "./parse.ts";

/** A file's module address (`sym://<lang>/…/<module>`), or why it has none. */
export type ModuleAddress =
  | { ok: true; lang: string; module: string }
  | { ok: false; note: string };

/** A symbol's URI, or null and why (`note`). */
export interface SymbolAddress {
  /** The URI, or null when the symbol has none. */
  uri: string | null;
  /** Why there is no URI (set when `uri` is null). */
  note?: string;
}

function parses(uri: string): boolean {
  try {
    parseSymbolUri(uri);
    return true;
  } catch (err) {
    if (!(err instanceof TrifectaError)) throw err;
    return false; // the parser's refusal is the answer
  }
}

/**
 * The module address of a segment-relative file: its `sym://` language (by
 * the registry) and module path, checked to name the file again.
 *
 * @example
 * ```ts
 * import { moduleAddressOf } from "./uri_of.ts";
 * import { deepEqual } from "node:assert/strict";
 * deepEqual(moduleAddressOf("src/pkg/mod.py"), { ok: true, lang: "python", module: "src.pkg.mod" });
 * deepEqual(moduleAddressOf("notes.txt"), { ok: false, note: "no sym:// form for this file type" });
 * ```
 */
export function moduleAddressOf(rel: string): ModuleAddress {
  const lang = uriLanguageOfPath(rel);
  if (lang === undefined) return { ok: false, note: "no sym:// form for this file type" };
  const module = modulePathOf(lang, rel);
  // The module path must name this file again, or a URI would lead elsewhere.
  if (module === undefined || !moduleFileCandidates(lang, module).includes(rel)) {
    return { ok: false, note: "no sym:// module path names this file" };
  }
  if (!parses(formatSymbolUri({ langAlias: lang, kind: "type", path: `${module}/x` }))) {
    return { ok: false, note: "the file's path cannot be written in a sym:// URI" };
  }
  return { ok: true, lang, module };
}

/**
 * The `sym://<lang>/mod/<module>` URI of a file, or null when no module
 * path names it.
 *
 * @example
 * ```ts
 * import { moduleUriOf } from "./uri_of.ts";
 * import { equal } from "node:assert/strict";
 * equal(moduleUriOf("web/api.ts"), "sym://typescript/mod/web/api");
 * equal(moduleUriOf("notes.txt"), null);
 * ```
 */
export function moduleUriOf(rel: string): string | null {
  const address = moduleAddressOf(rel);
  if (!address.ok) return null;
  return formatSymbolUri({ langAlias: address.lang, kind: "mod", path: address.module });
}

/** The common case of {@linkcode PLAIN_NAME}, tested first (faster). */
const ASCII_NAME = /^[A-Za-z0-9_$]+$/;
/** Parts a URI carries as they are (any other URI is read back by the parser). */
const PLAIN_NAME = /^[\p{L}\p{N}_$]+$/u;
/** Whitespace: a URI with it would be cut where it is quoted or pasted. */
const WHITESPACE = /\s/u;

/**
 * True when `uri`, read back as the resolver reads it, names `module` and a
 * symbol path whose dotted form is `qualified`: the resolver selects symbols
 * by qualified name, so the URI then finds this symbol (alone, or among
 * others of the same qualified name). False for a URI the parser refuses or
 * that it splits elsewhere (a name holding `/`, `#`, `..`, an empty part).
 */
function readsBack(uri: string, module: string, qualified: string): boolean {
  let query;
  try {
    query = parseSymbolUri(uri);
  } catch (err) {
    if (!(err instanceof TrifectaError)) throw err;
    return false; // the parser's refusal is the answer
  }
  return typeSplits(query.path, query.member)
    .some((s) => s.module === module && s.symbolPath.join(".") === qualified);
}

/**
 * The URI of a symbol given its file's module address and its qualified
 * name's parts: the top-level name after the module, the rest as the
 * `#member`. Given only when the resolver reads it back to this qualified
 * name in this module: a name a URI cannot carry (a `/`, `\`, whitespace, a
 * `#` past a member's first character, a control character; a qualified
 * name clipped by `MAX_QUALIFIED_CHARS`) gives no URI, never a made-up one.
 *
 * @example
 * ```ts
 * import { moduleAddressOf, symbolAddress } from "./uri_of.ts";
 * import { equal } from "node:assert/strict";
 * const module = moduleAddressOf("src/inv/models.py");
 * equal(symbolAddress(module, ["Inventory", "add"]).uri, "sym://python/type/src.inv.models/Inventory#add");
 * equal(symbolAddress(moduleAddressOf("a.ts"), ['"zod/v4/mini"']).uri, null);
 * ```
 */
export function symbolAddress(module: ModuleAddress, parts: readonly string[]): SymbolAddress {
  if (!module.ok) return { uri: null, note: module.note };
  const [top, ...rest] = parts;
  const qualified = parts.join(".");
  // A qualified name clipped from the front has lost the parts that lead to it.
  if (isClippedQualifiedName(qualified)) {
    return { uri: null, note: "the qualified name is clipped (nested too deep)" };
  }
  const uri = formatSymbolUri({
    langAlias: module.lang,
    kind: "type",
    path: `${module.module}/${top ?? ""}`,
    member: rest.length === 0 ? undefined : rest.join("."),
  });
  // A module that parses plus plain names reads back; anything else is checked.
  const plain = uri.length <= MAX_URI_LENGTH &&
    parts.every((p) => ASCII_NAME.test(p) || PLAIN_NAME.test(p));
  if (!plain && (WHITESPACE.test(qualified) || !readsBack(uri, module.module, qualified))) {
    return { uri: null, note: "the name cannot be written in a sym:// URI" };
  }
  return { uri };
}

/**
 * A maker of the URIs of one file's symbols (the module address is worked
 * out once): qualified name in, URI or null out.
 *
 * @example
 * ```ts
 * import { symbolUriMaker } from "./uri_of.ts";
 * import { equal } from "node:assert/strict";
 * const uriOf = symbolUriMaker("web/api.ts");
 * equal(uriOf("Client.get"), "sym://typescript/type/web/api/Client#get");
 * equal(symbolUriMaker("notes.txt")("x"), null);
 * ```
 */
export function symbolUriMaker(rel: string): (qualifiedName: string) => string | null {
  const module = moduleAddressOf(rel);
  return (qualifiedName) => symbolAddress(module, qualifiedName.split(".")).uri;
}

/** A skeleton symbol with its `sym://` URI (null when it has none), children too. */
export type AddressedSymbol = Omit<SkeletonSymbol, "children"> & {
  /** The symbol's `sym://` URI, or null when no URI can name it. */
  uri: string | null;
  /** Nested symbols, addressed. */
  children: AddressedSymbol[];
};

/** A file skeleton whose symbols carry their URIs (`ast skeleton --json`). */
export type AddressedSkeleton = Omit<FileSkeleton, "symbols"> & { symbols: AddressedSymbol[] };

/**
 * The skeleton with a `uri` on every symbol (and child), placed after its
 * `qualified_name`; computed on output, never cached.
 *
 * @example
 * ```ts
 * import { withSymbolUris } from "./uri_of.ts";
 * import { equal } from "node:assert/strict";
 * const add = { kind: "method" as const, name: "add", qualified_name: "Inv.add", start_line: 2,
 *   end_line: 3, signature: "def add(self)", decorators: [], doc: "", children: [] };
 * const inv = { ...add, kind: "class" as const, name: "Inv", qualified_name: "Inv",
 *   start_line: 1, signature: "class Inv:", children: [add] };
 * const out = withSymbolUris({ path: "m.py", language: "python", sha256: "", has_errors: false,
 *   bytes: 0, skeleton_bytes: 0, imports: [], symbols: [inv] });
 * equal(out.symbols[0]?.children[0]?.uri, "sym://python/type/m/Inv#add");
 * ```
 */
export function withSymbolUris(skeleton: FileSkeleton): AddressedSkeleton {
  const module = moduleAddressOf(skeleton.path);
  const address = (s: SkeletonSymbol): AddressedSymbol => {
    const { kind, name, qualified_name, ...rest } = s;
    return {
      kind,
      name,
      qualified_name,
      uri: symbolAddress(module, qualified_name.split(".")).uri,
      ...rest,
      children: s.children.map(address),
    };
  };
  return { ...skeleton, symbols: skeleton.symbols.map(address) };
}
