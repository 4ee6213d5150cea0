/**
 * Quality of the ranked map (docs/benchmarks.md "Map"): for a sample of
 * django files, the share of the names each imports from other django
 * modules (resolved to the file that defines them) whose definitions appear
 * in a map focused on that file at a budget, against the baseline of the
 * first skeleton lines in path order at the same budget.
 *
 *   deno run -A bench/map_quality.ts <segment> [sample=50] [budget=1024]
 *
 * @module
 */
import { collectSkeletonTargets, skeletonOfFiles, tagsOfFiles } from "../lib/ast/mod.ts";
import { buildMapGraph } from "../lib/nav/map_graph.ts";
import { importedFile } from "../lib/nav/map_imports.ts";
import { type MapEntry, rankDefinitions } from "../lib/nav/map_rank.ts";
import { fitMap } from "../lib/nav/map_render.ts";
import { resolveSegment } from "../lib/segment/mod.ts";

const [root = "/work/corpus/django", sampleArg = "50", budgetArg = "1024"] = Deno.args;
const segment = await resolveSegment(root);
const budget = Number(budgetArg);
const targets = await collectSkeletonTargets(segment, ["."]);
const batch = await skeletonOfFiles(segment, targets.files);
const skeletons = batch.files.flatMap((o) => o.skeleton ? [o.skeleton] : []);
const tags = await tagsOfFiles(segment, targets.files.map((f) => f.rel));
const graph = buildMapGraph(skeletons, tags);
const known = new Set(graph.files);

/** (file, name) pairs a file imports from another file of the map that defines the name. */
function wanted(path: string): Set<string> {
  const out = new Set<string>();
  const t = tags.find((x) => x.path === path);
  for (const imp of t?.imports ?? []) {
    if (imp.module === undefined) continue;
    const file = importedFile(path, t?.language ?? "python", imp.module, known);
    const node = file === undefined ? undefined : graph.index.get(file);
    if (file === undefined || file === path || node === undefined) continue;
    if (graph.defs[node]?.some((r) => r.symbol.name === imp.name)) out.add(`${file}\0${imp.name}`);
  }
  return out;
}

function shownPairs(entries: readonly MapEntry[]): Set<string> {
  const { shown } = fitMap(entries, budget);
  return new Set(entries.slice(0, shown).map((e) => `${e.path}\0${e.symbol.name}`));
}

// The baseline: every definition in path order, then line order.
const pathOrder: MapEntry[] = graph.files.flatMap((path, node) =>
  (graph.defs[node] ?? []).map((r) => ({
    path,
    symbol: r.symbol,
    uri: r.uri,
    score: 0,
    fileRank: 0,
  }))
);

const candidates = graph.files.filter((f) => f.endsWith(".py") && wanted(f).size > 0);
const n = Math.min(Number(sampleArg), candidates.length);
const step = candidates.length / n;
const sample = Array.from({ length: n }, (_, i) => candidates[Math.floor(i * step)] ?? "");
let total = 0;
let mapHits = 0;
let baseHits = 0;
let filesAllFound = 0;
for (const file of sample) {
  const want = wanted(file);
  const map = shownPairs(rankDefinitions(graph, { files: [file], idents: new Set() }));
  const base = shownPairs(pathOrder.filter((e) => e.path !== file));
  let hits = 0;
  for (const w of want) {
    if (map.has(w)) hits++;
    if (base.has(w)) baseHits++;
  }
  total += want.size;
  mapHits += hits;
  if (hits === want.size) filesAllFound++;
}
const pct = (x: number) => `${(100 * x / Math.max(1, total)).toFixed(1)} %`;
console.log(`files sampled: ${n} of ${candidates.length} importing from the segment`);
console.log(`imported names (defined in the segment): ${total}`);
console.log(`map (focused, ${budget} tokens): ${mapHits} = ${pct(mapHits)}`);
console.log(`baseline (path order, ${budget} tokens): ${baseHits} = ${pct(baseHits)}`);
console.log(`files whose every imported name is in the map: ${filesAllFound} of ${n}`);
