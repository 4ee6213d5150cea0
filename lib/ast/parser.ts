/**
 * Lazy web-tree-sitter: the runtime, the grammars and the compiled queries
 * load on first use only, so commands that never parse (and `--help`,
 * `--version`) never pay for them.
 *
 * @module
 */
import type { Language as TsLanguage, Parser, Query } from "web-tree-sitter";
import { TrifectaError } from "../errors.ts";
import type { Language } from "./types.ts";
import { type LanguageSpec, languageSpec } from "../languages/mod.ts";

/** A ready parser and the compiled skeleton query for one grammar. */
export interface LoadedGrammar {
  /** Grammar name. */
  grammar: string;
  /** A parser set to this grammar. */
  parser: Parser;
  /** The compiled skeleton query. */
  query: Query;
  /** The tree-sitter language. */
  language: TsLanguage;
  /** Node type ids whose bodies the query may skip (`; prune:` directive). */
  prune: ReadonlySet<number>;
  /** The reference (tag) query source, when the language has one. */
  refs: string | undefined;
  /** The registry entry the grammar was loaded for (the first of those sharing it). */
  spec: LanguageSpec;
}

let runtime: Promise<typeof import("web-tree-sitter")> | undefined;
const loaded = new Map<string, Promise<LoadedGrammar>>();

/** Error code when this Deno run refuses the grammars' byte imports. */
export const RAW_IMPORTS_REQUIRED = "RAW_IMPORTS_REQUIRED";

/**
 * The error for a run without raw imports: it fails every parse alike, so
 * callers stop rather than skip file after file.
 */
export function rawImportsRequired(cause?: unknown): TrifectaError {
  return new TrifectaError(
    RAW_IMPORTS_REQUIRED,
    "trifecta's grammars are imported as bytes, which this Deno run does not allow",
    {
      cause,
      nextSteps: [
        "Run with --unstable-raw-imports, or from the checkout whose deno.json enables it",
        "Or run the bundle (dist/trifecta.js), which needs no flag",
      ],
    },
  );
}

/** Deno's refusal of a byte or text import, worded differently in a worker and on the main thread. */
const REFUSED = /is not a valid module type|import attribute type of "(bytes|text)" is unsupported/;

/**
 * Run a lazy import of embedded bytes. From source it needs raw imports
 * (`deno.json` turns them on; `--unstable-raw-imports` does too): without
 * them Deno refuses the module when it first loads, which with lazy dynamic
 * imports is here, so the refusal becomes an error that says what to do.
 */
async function rawImport<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof TypeError && REFUSED.test(err.message)) throw rawImportsRequired(err);
    throw err;
  }
}

function importGrammars(): Promise<typeof import("./grammars.ts")> {
  return rawImport(() => import("./grammars.ts"));
}

async function initRuntime(): Promise<typeof import("web-tree-sitter")> {
  const [wts, grammars] = await Promise.all([import("web-tree-sitter"), importGrammars()]);
  await wts.Parser.init({ wasmBinary: grammars.RUNTIME_WASM });
  return wts;
}

/**
 * Start loading web-tree-sitter now, without a grammar: a parse worker
 * calls it as it starts, so the runtime compiles while the main thread
 * still walks the tree. A failure (no raw imports) stays in the shared
 * promise: the first parse meets it and reports it.
 *
 * @example
 * ```ts
 * import { grammarForLanguage, preloadRuntime } from "./parser.ts";
 * import { ok } from "node:assert/strict";
 * await preloadRuntime();
 * ok((await grammarForLanguage("python")).parser.parse("x = 1") !== null);
 * ```
 */
export function preloadRuntime(): Promise<void> {
  runtime ??= initRuntime();
  return runtime.then(() => undefined);
}

async function loadGrammar(spec: LanguageSpec): Promise<LoadedGrammar> {
  runtime ??= initRuntime();
  const wts = await runtime;
  const { pruneTypes } = await importGrammars();
  const assets = await rawImport(() => spec.load());
  const tsLanguage = await wts.Language.load(assets.wasm);
  const prune = new Set<number>();
  for (const type of pruneTypes(assets.skeleton)) {
    const id = tsLanguage.idForNodeType(type, true);
    if (id === null) {
      throw new Error(`${spec.grammar} skeleton.scm: unknown prune node type ${type}`);
    }
    prune.add(id);
  }
  const parser = new wts.Parser();
  parser.setLanguage(tsLanguage);
  const query = new wts.Query(tsLanguage, assets.skeleton);
  return {
    grammar: spec.grammar,
    parser,
    query,
    language: tsLanguage,
    prune,
    refs: assets.refs,
    spec,
  };
}

/**
 * The parser and query for a language, loading web-tree-sitter and the
 * grammar on first use. Languages that share a grammar share one parser.
 */
export async function grammarForLanguage(language: Language): Promise<LoadedGrammar> {
  const spec = languageSpec(language);
  const name = spec.grammar;
  let entry = loaded.get(name);
  if (!entry) {
    entry = loadGrammar(spec);
    loaded.set(name, entry);
    entry.catch(() => loaded.delete(name));
  }
  return await entry;
}
