/**
 * `sym://` URIs: parsing (pure), resolution against a segment's skeletons,
 * and progressive disclosure of the symbol they name.
 *
 * @example
 * ```ts
 * import { parseSymbolUri } from "./mod.ts";
 * import { equal } from "node:assert/strict";
 * const q = parseSymbolUri(
 *   "sym://python/type/src.inventory.models/Inventory#Snapshot.quantity_of",
 * );
 * equal(q.kind, "type");
 * equal(q.member, "Snapshot.quantity_of");
 * ```
 *
 * @module
 */
export {
  formatSymbolUri,
  MAX_URI_LENGTH,
  MSG_BAD_CHARS,
  MSG_BAD_KIND,
  MSG_BAD_MEMBER,
  MSG_BAD_PATH,
  MSG_BAD_PREFIX,
  MSG_EMPTY_MEMBER,
  MSG_KIND_AND_PATH,
  MSG_MOD_FRAGMENT,
  MSG_TYPE_NEEDS_MODULE,
  parseSymbolUri,
  type SymbolLanguage,
  type SymbolQuery,
  type SymbolUriKind,
} from "./parse.ts";
export {
  moduleFileCandidates,
  modulePathOf,
  type TypeSplit,
  typeSplits,
  uriLanguageOfPath,
  type UriModules,
  uriModules,
} from "./modules.ts";
export {
  allQualifiedNames,
  explainMiss,
  findSymbols,
  type LookupMiss,
  nearestNames,
  type NearestOptions,
  preferDefinition,
} from "./select.ts";
export { enforceBudget } from "./disclose.ts";
export {
  type AddressedSkeleton,
  type AddressedSymbol,
  type ModuleAddress,
  moduleAddressOf,
  moduleUriOf,
  type SymbolAddress,
  symbolAddress,
  symbolUriMaker,
  withSymbolUris,
} from "./uri_of.ts";
export {
  type ResolvedSymbol,
  type ResolveOptions,
  resolveSymbol,
  type SymbolCandidate,
  telemetryQuery,
} from "./resolve.ts";
export { type SymbolJson, symbolJson, type SymbolRangeJson, symbolRangeJson } from "./json.ts";
export { discloseSymbol, type SnippetOptions, type SnippetResult } from "./snippet.ts";
