/**
 * Where a cold skeleton's worker time goes: every stage of one file's
 * `parseSkeleton` (lib/ast/parse_source.ts) timed apart, in process, one
 * file after the other, over a tree, beside the parse floor's own steps
 * (plain read, decode, parse). Prints one line per stage (total ms and
 * share; the indented lines are parts of the line above, or variants of it,
 * not added to it) and the JSON characters a worker would send the main
 * thread. One thread, so the shares hold on a loaded machine better than
 * wall times of the whole command do.
 *
 *   deno run --unstable-raw-imports --allow-read bench/cold_stages.ts DIR
 *
 * @module
 */
import type { Node } from "web-tree-sitter";
import { decodeUtf8, resolveSegment, walkFiles } from "../lib/segment/mod.ts";
import { readInsideSync } from "../lib/segment/boundary.ts";
import { contentSha256Hex } from "../lib/segment/digest.ts";
import { maskSecrets } from "../lib/secrets.ts";
import { languageOf, SOURCE_EXTENSIONS } from "../lib/ast/mod.ts";
import { grammarForLanguage } from "../lib/ast/parser.ts";
import { extractSkeleton } from "../lib/ast/extract.ts";
import { collect } from "../lib/ast/extract_query.ts";
import { languageSpec } from "../lib/languages/mod.ts";
import { budgetSpent, parseBudgetMs, startBudget } from "../lib/ast/budget.ts";
import { skeletonTextBytes } from "../lib/ast/render/file_outline.ts";
import type { FileSkeleton } from "../lib/ast/types.ts";

const totals = new Map<string, number>();

/** Run `fn`, adding its time to `stage`. */
function timed<T>(stage: string, fn: () => T): T {
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    totals.set(stage, (totals.get(stage) ?? 0) + performance.now() - t0);
  }
}

/** Nodes a cursor visits when it never enters a node of the `prune` types (the prune walk's cost). */
function prunedWalk(root: Node, prune: ReadonlySet<number>): number {
  let visited = 0;
  const c = root.walk();
  for (let more = true; more;) {
    visited++;
    if (!prune.has(c.nodeTypeId) && c.gotoFirstChild()) continue;
    while (!c.gotoNextSibling()) {
      if (!c.gotoParent()) {
        more = false;
        break;
      }
    }
  }
  c.delete();
  return visited;
}

/** One file through every stage; returns the length of the JSON a worker would send. */
async function stages(segment: Awaited<ReturnType<typeof resolveSegment>>, f: {
  abs: string;
  rel: string;
}): Promise<number> {
  const language = languageOf(f.rel);
  if (!language) return 0;
  const grammar = await grammarForLanguage(language);
  const spec = languageSpec(language);
  // The floor's steps.
  const raw = timed("floor: read", () => Deno.readFileSync(f.abs));
  const plain = timed("floor: decode", () => decodeUtf8(raw));
  timed("floor: parse", () => grammar.parser.parse(plain)?.delete());
  // Ours, stage by stage.
  timed(
    "boundary read (checks, read, decode, binary and key checks, mask)",
    () => readInsideSync(segment, f.abs, { maxBytes: 2 << 20, mode: "skeleton" }),
  );
  const text = timed("  of which maskSecrets", () => maskSecrets(plain)).text;
  const sha256 = timed("sha256", () => contentSha256Hex(raw));
  const tree = timed("parse", () => grammar.parser.parse(text));
  if (!tree) return 0;
  const b0 = startBudget(parseBudgetMs(raw.length));
  timed(
    "  parse again, with the budget's progressCallback",
    () => grammar.parser.parse(text, null, { progressCallback: () => budgetSpent(b0) })?.delete(),
  );
  const budget = startBudget(parseBudgetMs(raw.length));
  const options = { text, spec, prune: grammar.prune, budget, rel: f.rel };
  const x = timed(
    "extract (query + assemble)",
    () => extractSkeleton(grammar.query, tree.rootNode, options),
  );
  timed("  of which query (collect, pruned)", () => collect(grammar.query, tree.rootNode, options));
  timed("  of which prune walk", () => prunedWalk(tree.rootNode, grammar.prune));
  timed(
    "  collect without prune",
    () => collect(grammar.query, tree.rootNode, { ...options, prune: new Set() }),
  );
  timed("  query.matches alone, unpruned", () => grammar.query.matches(tree.rootNode));
  const skeleton: FileSkeleton = {
    path: f.rel,
    language,
    sha256,
    has_errors: tree.rootNode.hasError,
    bytes: raw.length,
    skeleton_bytes: 0,
    imports: x.imports,
    symbols: x.symbols,
  };
  tree.delete();
  skeleton.skeleton_bytes = timed("skeletonTextBytes", () => skeletonTextBytes(skeleton));
  const json = timed("JSON.stringify (worker)", () => JSON.stringify(skeleton));
  timed("JSON.parse (main thread)", () => JSON.parse(json));
  return json.length;
}

if (import.meta.main) {
  const segment = await resolveSegment(Deno.args[0] ?? ".");
  const { files } = await walkFiles(segment, segment.root, { extensions: SOURCE_EXTENSIONS });
  let sent = 0;
  for (const f of files) sent += await stages(segment, f);
  const main = [...totals].filter(([stage]) => !stage.startsWith(" "));
  const all = main.reduce((sum, [, ms]) => sum + ms, 0);
  console.log(`files=${files.length} worker->main JSON chars=${sent}`);
  for (const [stage, ms] of totals) {
    const share = (100 * ms / all).toFixed(1).padStart(5);
    console.log(`${ms.toFixed(0).padStart(7)} ms ${share}%  ${stage}`);
  }
}
