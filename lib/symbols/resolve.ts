/**
 * `sym://` resolution against the segment: module path → file (real-path
 * contained), file → skeleton (through the AST cache), symbol path →
 * skeleton symbol. Fails closed: `FILE_NOT_FOUND`, `SYMBOL_NOT_FOUND` (with
 * near misses), `AMBIGUOUS_SYMBOL` (with the candidates). Records one
 * `selector.resolve` event per call.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { resolveInside, type Segment, walkFiles } from "../segment/mod.ts";
import { sha256Hex } from "../sha256.ts";
import { elapsedMs, monotonicMs, redactPreview, type Telemetry } from "../telemetry/mod.ts";
import { type AstCache, explainLookup, type LookupOutcome } from "../cache/mod.ts";
import {
  type FileSkeleton,
  skeletonOfFile,
  type SkeletonResult,
  type SkeletonSymbol,
  type SourceFile,
} from "../ast/mod.ts";
import { formatSymbolUri, parseSymbolUri, type SymbolQuery } from "./parse.ts";
import {
  moduleFileCandidates,
  modulePathOf,
  type TypeSplit,
  typeSplits,
  uriModules,
} from "./modules.ts";
import {
  allQualifiedNames,
  explainMiss,
  findSymbols,
  nearestNames,
  preferDefinition,
} from "./select.ts";

/** Options for {@linkcode resolveSymbol}. */
export interface ResolveOptions {
  /** AST cache the skeletons go through. */
  cache?: AstCache;
  /** Telemetry for `selector.resolve` (and the parser's `ast.parse`). */
  telemetry?: Telemetry;
  /** Size cap for parsed files (bytes). */
  maxBytes?: number;
}

/** A resolved `sym://` URI. */
export interface ResolvedSymbol {
  /** The segment it was resolved in (snippets read the file through its boundary). */
  segment: Segment;
  /** The parsed URI. */
  query: SymbolQuery;
  /** The module part as written (the whole path for `mod`). */
  module: string;
  /** The file the module resolved to. */
  file: SourceFile;
  /** The file's skeleton and how the cache served it. */
  parse: SkeletonResult;
  /** `cache_status` and `miss_reason` of the file's lookup (`ephemeral_cache` without a cache). */
  lookup: LookupOutcome;
  /** The symbol, for `type` URIs. */
  symbol?: SkeletonSymbol;
}

/** One symbol that matched a `type` URI (used for ambiguity reports). */
export interface SymbolCandidate {
  /** A URI naming the module and symbol (may itself be ambiguous for duplicates). */
  uri: string;
  /** Segment-relative file. */
  file: string;
  /** Dotted name. */
  qualified_name: string;
  /** Kind. */
  kind: string;
  /** Line of the definition. */
  start_line: number;
  /** Last line. */
  end_line: number;
}

const SUGGEST_LIMIT = 3;

/** The URI as it may appear in telemetry: kept when well formed, else hashed. */
export function telemetryQuery(uri: string): Record<string, unknown> {
  try {
    parseSymbolUri(uri);
  } catch (err) {
    if (!(err instanceof TrifectaError)) throw err;
    return {
      symbol_query: "<invalid>",
      symbol_query_sha8: sha256Hex(uri).slice(0, 8),
      symbol_query_len: uri.length,
    };
  }
  // Redacted whole, then cut: a cut first could leave a secret's prefix.
  return { symbol_query: redactPreview(uri, 200) };
}

/** The files that exist for a module path (symlinks out of the segment and denied files fail closed). */
async function probeModule(
  segment: Segment,
  lang: SymbolQuery["lang"],
  module: string,
): Promise<SourceFile[]> {
  const found: SourceFile[] = [];
  for (const rel of moduleFileCandidates(lang, module)) {
    let resolved;
    try {
      resolved = await resolveInside(segment, rel);
    } catch (err) {
      if (err instanceof TrifectaError && err.code === "FILE_NOT_FOUND") continue;
      throw err;
    }
    if (resolved.isDirectory) continue;
    if (!found.some((f) => f.abs === resolved.abs)) {
      found.push({ abs: resolved.abs, rel: resolved.rel });
    }
  }
  return found;
}

/** Module paths in the segment close to the wanted ones (for FILE_NOT_FOUND). */
async function nearModules(
  segment: Segment,
  query: SymbolQuery,
  wanted: readonly string[],
): Promise<string[]> {
  const rule = uriModules(query.lang);
  if (rule === undefined) return []; // parsed URIs name registry languages
  const { files } = await walkFiles(segment, segment.root, { extensions: rule.extensions });
  const modules = files
    .map((f) => modulePathOf(query.lang, f.rel))
    .filter((m): m is string => m !== undefined);
  const out: string[] = [];
  for (const w of wanted) {
    const norm = rule.style === "dotted" ? w.replaceAll("/", ".") : w;
    for (const m of nearestNames(norm, modules, { limit: SUGGEST_LIMIT })) {
      if (!out.includes(m)) out.push(m);
    }
  }
  return out.slice(0, SUGGEST_LIMIT);
}

function candidateOf(
  query: SymbolQuery,
  module: string,
  file: string,
  s: SkeletonSymbol,
): SymbolCandidate {
  const [head, ...rest] = s.qualified_name.split(".");
  const uri = formatSymbolUri({
    langAlias: query.langAlias,
    kind: "type",
    path: `${module}/${head}`,
    member: rest.length > 0 ? rest.join(".") : undefined,
  });
  return {
    uri,
    file,
    qualified_name: s.qualified_name,
    kind: s.kind,
    start_line: s.start_line,
    end_line: s.end_line,
  };
}

function ambiguousFiles(query: SymbolQuery, files: readonly SourceFile[]): TrifectaError {
  const rels = files.map((f) => f.rel);
  return new TrifectaError(
    "AMBIGUOUS_SYMBOL",
    `Ambiguous module path '${query.path}': ${rels.length} files match: ${rels.join(", ")}`,
    {
      nextSteps: [
        "Name the file exactly, e.g. sym://<lang>/mod/<path with extension>, or remove the duplicate module",
      ],
      details: { candidates: rels.map((file) => ({ file })) },
    },
  );
}

function ambiguousSymbols(
  query: SymbolQuery,
  candidates: readonly SymbolCandidate[],
): TrifectaError {
  const listed = candidates.map((c) => `${c.file}:${c.start_line} ${c.qualified_name}`);
  const uris = new Set(candidates.map((c) => c.uri));
  const steps: string[] = [];
  if (uris.size === candidates.length) {
    steps.push(...[...uris].map((u) => `Use ${u}`));
  } else {
    steps.push(
      "The name is defined more than once in one module (overloads, or definitions under try/except or if/else), so no URI tells the definitions apart",
      `Read them by line: trifecta ast skeleton ${candidates[0]?.file ?? "<file>"}`,
    );
  }
  return new TrifectaError(
    "AMBIGUOUS_SYMBOL",
    `Ambiguous symbol '${query.uri}': ${candidates.length} candidates: ${listed.join("; ")}`,
    { nextSteps: steps, details: { candidates } },
  );
}

interface Parsed {
  parse: SkeletonResult;
  lookup: LookupOutcome;
}

async function skeletonMemo(
  segment: Segment,
  memo: Map<string, Parsed>,
  file: SourceFile,
  options: ResolveOptions,
): Promise<Parsed> {
  const known = memo.get(file.abs);
  if (known) return known;
  // Why a miss would miss must be asked before the lookup fills the cache.
  const ifMissed: LookupOutcome = options.cache
    ? explainLookup(options.cache, false, { fileRel: file.rel })
    : { cache_status: "miss", miss_reason: "ephemeral_cache" };
  const parse = await skeletonOfFile(segment, file, {
    cache: options.cache,
    telemetry: options.telemetry,
    maxBytes: options.maxBytes,
  });
  const lookup: LookupOutcome = parse.cache_status === "hit"
    ? { cache_status: "hit", miss_reason: "cache_hit" }
    : ifMissed;
  const parsed = { parse, lookup };
  memo.set(file.abs, parsed);
  return parsed;
}

async function resolveModule(
  segment: Segment,
  query: SymbolQuery,
  options: ResolveOptions,
): Promise<ResolvedSymbol> {
  const files = await probeModule(segment, query.lang, query.path);
  const [file, ...others] = files;
  if (file === undefined) throw await moduleNotFound(segment, query, [query.path]);
  if (others.length > 0) throw ambiguousFiles(query, files);
  const { parse, lookup } = await skeletonMemo(segment, new Map(), file, options);
  return { segment, query, module: query.path, file, parse, lookup };
}

async function moduleNotFound(
  segment: Segment,
  query: SymbolQuery,
  modules: readonly string[],
): Promise<TrifectaError> {
  const near = await nearModules(segment, query, modules);
  const tried = modules.flatMap((m) => moduleFileCandidates(query.lang, m)).slice(0, 24);
  const steps = near.map((m) =>
    `Did you mean ${formatSymbolUri({ langAlias: query.langAlias, kind: "mod", path: m })}?`
  );
  steps.push(
    "Module paths are relative to the segment root (-s/--segment), e.g. src.pkg.mod or src/pkg/mod",
  );
  return new TrifectaError("FILE_NOT_FOUND", `Could not find module for ${query.path}`, {
    nextSteps: steps,
    details: { tried, suggestions: near },
  });
}

interface Match {
  split: TypeSplit;
  file: SourceFile;
  parsed: Parsed;
  symbol: SkeletonSymbol;
  moduleFiles: number;
}

/** Type URIs through modules near the longer module parts that do not exist. */
async function nearTypeUris(
  segment: Segment,
  query: SymbolQuery,
  missingSplits: readonly TypeSplit[],
): Promise<string[]> {
  const out: string[] = [];
  for (const split of missingSplits) {
    const [head, ...rest] = split.symbolPath;
    for (const m of await nearModules(segment, query, [split.module])) {
      const uri = formatSymbolUri({
        langAlias: query.langAlias,
        kind: "type",
        path: `${m}/${head}`,
        member: rest.length > 0 ? rest.join(".") : undefined,
      });
      if (!out.includes(uri)) out.push(uri);
    }
  }
  return out.slice(0, SUGGEST_LIMIT);
}

/** A module file searched for a type URI's symbol path. */
interface Searched {
  split: TypeSplit;
  file: SourceFile;
  skeleton: FileSkeleton;
}

/** `SYMBOL_NOT_FOUND`, explained against `best`, with near names from every file searched. */
function symbolNotFound(
  query: SymbolQuery,
  best: Searched,
  context: { searched: readonly Searched[]; moduleSuggestions: readonly string[] },
): TrifectaError {
  const { searched, moduleSuggestions } = context;
  const miss = explainMiss(best.skeleton, best.split.symbolPath);
  const wantedQualified = best.split.symbolPath.join(".");
  const names = searched.flatMap((s) => allQualifiedNames(s.skeleton).map((q) => ({ q, s })));
  const near = nearestNames(wantedQualified, names.map((n) => n.q), { limit: SUGGEST_LIMIT });
  const suggestions = [
    ...moduleSuggestions,
    ...near.map((q) => {
      const owner = names.find((n) => n.q === q)!;
      const [head, ...rest] = q.split(".");
      return formatSymbolUri({
        langAlias: query.langAlias,
        kind: "type",
        path: `${owner.s.split.module}/${head}`,
        member: rest.length > 0 ? rest.join(".") : undefined,
      });
    }),
  ].slice(0, SUGGEST_LIMIT);
  // Nothing matched, so the lookup stopped inside the path.
  const missing = best.split.symbolPath[miss.matchedDepth] ?? wantedQualified;
  const where = miss.container === "" ? best.file.rel : `${miss.container} (${best.file.rel})`;
  const imported = miss.matchedDepth === 0 &&
    best.skeleton.imports.some((i) => new RegExp(`\\b${escapeRegExp(missing)}\\b`).test(i.text));
  const steps = suggestions.map((u) => `Did you mean ${u}?`);
  if (imported) {
    steps.push(
      `'${missing}' is imported into ${best.file.rel}, not defined there: address the module that defines it`,
    );
  }
  if (miss.available.length > 0) {
    steps.push(
      `Names in ${miss.container === "" ? "the module" : miss.container}: ${
        miss.available.slice(0, 12).join(", ")
      }`,
    );
  }
  return new TrifectaError("SYMBOL_NOT_FOUND", `Symbol '${missing}' not found in ${where}`, {
    nextSteps: steps,
    details: {
      file: best.file.rel,
      missing,
      container: miss.container,
      available: miss.available.slice(0, 50),
      suggestions,
    },
  });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Every split of a type URI into module and symbol path, searched. */
async function searchSplits(
  segment: Segment,
  query: SymbolQuery,
  splits: readonly TypeSplit[],
  options: ResolveOptions,
): Promise<{ matches: Match[]; searched: Searched[] }> {
  const memo = new Map<string, Parsed>();
  const matches: Match[] = [];
  const searched: Searched[] = [];
  for (const split of splits) {
    const files = await probeModule(segment, query.lang, split.module);
    for (const file of files) {
      const parsed = await skeletonMemo(segment, memo, file, options);
      const skeleton = parsed.parse.skeleton;
      searched.push({ split, file, skeleton });
      for (const symbol of findSymbols(skeleton, split.symbolPath)) {
        matches.push({ split, file, parsed, symbol, moduleFiles: files.length });
      }
    }
  }
  return { matches, searched };
}

async function resolveType(
  segment: Segment,
  query: SymbolQuery,
  options: ResolveOptions,
): Promise<ResolvedSymbol> {
  const splits = typeSplits(query.path, query.member);
  const found = await searchSplits(segment, query, splits, options);
  const { searched } = found;
  // A struct and its impl blocks share a name: the URI means the struct.
  const matches = preferDefinition(found.matches, (m) => ({ ...m.symbol, file: m.file.abs }));
  // The longest module that exists (the first split searched).
  const best = searched[0];
  if (best === undefined) throw await moduleNotFound(segment, query, splits.map((s) => s.module));
  const [only, ...more] = matches;
  if (only === undefined) {
    // Longer module parts that do not exist may be typos of ones that do.
    const firstFound = splits.indexOf(best.split);
    const near = await nearTypeUris(segment, query, splits.slice(0, firstFound));
    throw symbolNotFound(query, best, { searched, moduleSuggestions: near });
  }
  if (more.length > 0) {
    throw ambiguousSymbols(
      query,
      matches.map((m) => candidateOf(query, m.split.module, m.file.rel, m.symbol)),
    );
  }
  if (only.moduleFiles > 1) {
    const files = searched.filter((s) => s.split === only.split).map((s) => s.file);
    throw ambiguousFiles({ ...query, path: only.split.module }, files);
  }
  return {
    segment,
    query,
    module: only.split.module,
    file: only.file,
    parse: only.parsed.parse,
    lookup: only.parsed.lookup,
    symbol: only.symbol,
  };
}

/**
 * Resolve a `sym://` URI (or an already parsed one) in a segment.
 *
 * `mod`: the module path names exactly one file (`pkg.mod` ≡ `pkg/mod` →
 * `pkg/mod.<ext>` or `pkg/mod/<package file>`, by the language's module
 * rule in the registry, lib/languages/modules.ts). `type`: every split
 * of the path into module and symbol is tried; exactly one symbol must match
 * across all of them (`#member` continues the dotted path).
 *
 * @throws {TrifectaError} `INVALID_URI`, `FILE_NOT_FOUND`, `SYMBOL_NOT_FOUND`,
 * `AMBIGUOUS_SYMBOL`, and the path policy's and parser's own errors.
 */
export async function resolveSymbol(
  segment: Segment,
  uri: string | SymbolQuery,
  options: ResolveOptions = {},
): Promise<ResolvedSymbol> {
  const start = monotonicMs();
  const text = typeof uri === "string" ? uri : uri.uri;
  let kind: string | undefined;
  try {
    const query = typeof uri === "string" ? parseSymbolUri(uri) : uri;
    kind = query.kind;
    const resolved = query.kind === "mod"
      ? await resolveModule(segment, query, options)
      : await resolveType(segment, query, options);
    options.telemetry?.event("selector.resolve", {
      args: telemetryQuery(text),
      result: {
        status: "ok",
        resolved: true,
        matches: 1,
        ambiguous: false,
        kind,
        file: resolved.file.rel,
      },
      timingMs: elapsedMs(start),
    });
    return resolved;
  } catch (err) {
    const code = err instanceof TrifectaError ? err.code : "INTERNAL_ERROR";
    const candidates = err instanceof TrifectaError && Array.isArray(err.details.candidates)
      ? err.details.candidates.length
      : 0;
    options.telemetry?.event("selector.resolve", {
      args: telemetryQuery(text),
      result: {
        status: "error",
        resolved: false,
        matches: code === "AMBIGUOUS_SYMBOL" ? candidates : 0,
        ambiguous: code === "AMBIGUOUS_SYMBOL",
        kind: kind ?? null,
        error_code: code,
      },
      timingMs: elapsedMs(start),
    });
    throw err;
  }
}
