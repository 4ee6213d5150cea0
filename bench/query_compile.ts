/**
 * Query compile times: how long `new Query(language, text)` takes for each
 * grammar's skeleton and refs query (tree-sitter analyses every pattern
 * against the parse table then, and every process or parse worker that
 * parses a file of the language pays it once). Prints a table of medians.
 *
 *   deno run --unstable-raw-imports --allow-read bench/query_compile.ts
 *   deno run --unstable-raw-imports --allow-read bench/query_compile.ts --runs 9 --base /path/to/other/checkout
 *
 * `--base DIR` also compiles the queries of another checkout (its
 * lib/languages registry), interleaved with this one's, run by run, so both
 * columns see the same load; the ratio is this checkout's median over the
 * base's. `--only cpp,typescript` limits the grammars.
 *
 * @module
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { LANGUAGES } from "../lib/languages/mod.ts";
import type { LanguageSpec } from "../lib/languages/mod.ts";
import { preloadRuntime } from "../lib/ast/parser.ts";

/** One grammar's queries: this checkout's and, with `--base`, the base's. */
interface Row {
  grammar: string;
  query: "skeleton" | "refs";
  text: string;
  baseText: string | undefined;
  ms: number[];
  baseMs: number[];
  patterns: number;
  basePatterns: number | undefined;
}

const args = parseArgs(Deno.args);
await preloadRuntime();
const wts = await import("web-tree-sitter");

/** `--runs N`, `--base DIR`, `--only a,b`. */
function parseArgs(argv: string[]): { runs: number; base?: string; only?: Set<string> } {
  const out: { runs: number; base?: string; only?: Set<string> } = { runs: 5 };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === "--runs" && value) [out.runs, i] = [Math.max(1, Number(value) | 0), i + 1];
    else if (argv[i] === "--base" && value) [out.base, i] = [value, i + 1];
    else if (argv[i] === "--only" && value) [out.only, i] = [new Set(value.split(",")), i + 1];
    else throw new Error(`unknown argument ${argv[i]} (--runs N, --base DIR, --only a,b)`);
  }
  return out;
}

/** One spec per grammar (JavaScript and TSX share the TSX grammar). */
function byGrammar(specs: readonly LanguageSpec[]): Map<string, LanguageSpec> {
  const out = new Map<string, LanguageSpec>();
  for (const spec of specs) if (!out.has(spec.grammar)) out.set(spec.grammar, spec);
  return out;
}

/** The base checkout's registry, imported from its own files. */
async function baseSpecs(dir: string): Promise<Map<string, LanguageSpec>> {
  const url = pathToFileURL(resolve(dir, "lib/languages/mod.ts")).href;
  const mod: { LANGUAGES: readonly LanguageSpec[] } = await import(url);
  return byGrammar(mod.LANGUAGES);
}

/** Milliseconds to build one query (the query is freed again). */
function compileMs(language: import("web-tree-sitter").Language, text: string): number {
  const t0 = performance.now();
  const query = new wts.Query(language, text);
  const ms = performance.now() - t0;
  query.delete();
  return ms;
}

/** Median of a non-empty list. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** The machine's load, when the permissions let us read it. */
function loadavg(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  } catch (err) {
    // Deno asks for --allow-all to read /proc files: the figure is optional.
    return `unknown (${err instanceof Error ? err.name : "error"})`;
  }
}

const base = args.base ? await baseSpecs(args.base) : undefined;
const rows: Row[] = [];
const langs = new Map<string, import("web-tree-sitter").Language>();
for (const [grammar, spec] of byGrammar(LANGUAGES)) {
  if (args.only && !args.only.has(grammar) && !args.only.has(spec.name)) continue;
  const assets = await spec.load();
  const baseAssets = await base?.get(grammar)?.load();
  const language = await wts.Language.load(assets.wasm);
  langs.set(grammar, language);
  for (const query of ["skeleton", "refs"] as const) {
    const text = assets[query];
    if (text === undefined) continue;
    const q = new wts.Query(language, text);
    const baseText = baseAssets?.[query];
    const bq = baseText === undefined ? undefined : new wts.Query(language, baseText);
    rows.push({
      grammar,
      query,
      text,
      baseText,
      ms: [],
      baseMs: [],
      patterns: q.patternCount(),
      basePatterns: bq?.patternCount(),
    });
    q.delete();
    bq?.delete();
  }
}

const loadBefore = loadavg();
for (let run = 0; run < args.runs; run++) {
  for (const row of rows) {
    const language = langs.get(row.grammar);
    if (!language) continue;
    if (row.baseText !== undefined) row.baseMs.push(compileMs(language, row.baseText));
    row.ms.push(compileMs(language, row.text));
  }
}

console.log(
  `query compile ms, median of ${args.runs} in process; load ${loadBefore} -> ${loadavg()}`,
);
const head = ["grammar", "query", ...(base ? ["base patterns"] : []), "patterns"];
head.push(...(base ? ["base ms"] : []), "ms");
if (base) head.push("ratio");
console.log(head.join("\t"));
for (const row of rows) {
  const ms = median(row.ms);
  const cells = [row.grammar, row.query];
  if (base) cells.push(String(row.basePatterns ?? "-"));
  cells.push(String(row.patterns));
  if (base) {
    const b = row.baseMs.length ? median(row.baseMs) : Number.NaN;
    cells.push(b.toFixed(1), ms.toFixed(1), (ms / b).toFixed(2));
  } else cells.push(ms.toFixed(1));
  console.log(cells.join("\t"));
}
