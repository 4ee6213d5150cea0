/**
 * Lazy web-tree-sitter: the runtime, the grammars and the compiled queries
 * load on first use only, so commands that never parse (and `--help`,
 * `--version`) never pay for them.
 *
 * @module
 */
import type { Language as TsLanguage, Parser, Query } from "web-tree-sitter";
import type { Language } from "./types.ts";

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
}

let runtime: Promise<typeof import("web-tree-sitter")> | undefined;
const loaded = new Map<string, Promise<LoadedGrammar>>();

async function initRuntime(): Promise<typeof import("web-tree-sitter")> {
  const [wts, grammars] = await Promise.all([import("web-tree-sitter"), import("./grammars.ts")]);
  await wts.Parser.init({ wasmBinary: grammars.RUNTIME_WASM });
  return wts;
}

async function loadGrammar(language: Language): Promise<LoadedGrammar> {
  runtime ??= initRuntime();
  const wts = await runtime;
  const { grammarFor, pruneTypes } = await import("./grammars.ts");
  const spec = grammarFor(language);
  const tsLanguage = await wts.Language.load(spec.wasm);
  const prune = new Set<number>();
  for (const type of pruneTypes(spec.query)) {
    const id = tsLanguage.idForNodeType(type, true);
    if (id === null) throw new Error(`${spec.grammar}.scm: unknown prune node type ${type}`);
    prune.add(id);
  }
  const parser = new wts.Parser();
  parser.setLanguage(tsLanguage);
  const query = new wts.Query(tsLanguage, spec.query);
  return { grammar: spec.grammar, parser, query, language: tsLanguage, prune };
}

/**
 * The parser and query for a language, loading web-tree-sitter and the
 * grammar on first use. Languages that share a grammar share one parser.
 */
export async function grammarForLanguage(language: Language): Promise<LoadedGrammar> {
  const { grammarFor } = await import("./grammars.ts");
  const name = grammarFor(language).grammar;
  let entry = loaded.get(name);
  if (!entry) {
    entry = loadGrammar(language);
    loaded.set(name, entry);
    entry.catch(() => loaded.delete(name));
  }
  return await entry;
}
