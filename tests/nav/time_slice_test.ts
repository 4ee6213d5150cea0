/**
 * The map's long steps run in slices (lib/nav/time_slice.ts): the same
 * graph and ranks as a run without pauses, and the event loop gets turns
 * while they run (ordering, not timing).
 */
import assert from "node:assert/strict";
import type { FileSkeleton, FileTags } from "../../lib/ast/mod.ts";
import { buildMapGraph, mapGraphSteps } from "../../lib/nav/map_graph.ts";
import { rankFiles } from "../../lib/nav/map.ts";
import {
  fileRanks,
  fileRanksSliced,
  rankDefinitions,
  rankDefinitionsSliced,
} from "../../lib/nav/map_rank.ts";
import { pageRank, pageRankSteps } from "../../lib/nav/pagerank.ts";
import { drainSliced } from "../../lib/nav/time_slice.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";

const BASE = { sha256: "", has_errors: false, bytes: 0, skeleton_bytes: 0, imports: [] };

/** `files` modules each defining 8 names (of `names`) and calling 60 of them. */
function denseInputs(files: number, names: number): { sk: FileSkeleton[]; tags: FileTags[] } {
  const sk: FileSkeleton[] = [];
  const tags: FileTags[] = [];
  for (let i = 0; i < files; i++) {
    const path = `pkg/m${String(i).padStart(4, "0")}.py`;
    const symbols = Array.from({ length: 8 }, (_, j) => {
      const name = `shared_name_${(i * 8 + j) % names}`;
      return {
        kind: "function" as const,
        name,
        qualified_name: name,
        start_line: j * 2 + 1,
        end_line: j * 2 + 2,
        signature: `def ${name}(x)`,
        decorators: [],
        doc: "",
        children: [],
      };
    });
    sk.push({ ...BASE, language: "python", path, symbols });
    const refs = Array.from({ length: 60 }, (_, j) => ({
      name: `shared_name_${(i * 7 + j * 13) % names}`,
      line: 40 + j,
      col: 5,
      kind: "call" as const,
    }));
    tags.push({ path, language: "python", sha256: "", truncated: false, imports: [], refs });
  }
  return { sk, tags };
}

Deno.test("a sliced map graph, PageRank and definition ranking equal the unsliced ones", async () => {
  const { sk, tags } = denseInputs(150, 120);
  let pauses = 0;
  const slice = { sliceMs: 0, onPause: () => pauses++ };
  const graph = buildMapGraph(sk, tags);
  assert.ok(graph.edges.length > 5_000, `a dense graph: ${graph.edges.length} edges`);
  const sliced = await drainSliced(mapGraphSteps(sk, tags), slice);
  assert.deepEqual(sliced, graph);
  const focus = { files: ["pkg/m0003.py"], idents: new Set(["shared_name_7"]) };
  assert.deepEqual(await fileRanksSliced(graph, focus, slice), fileRanks(graph, focus));
  assert.deepEqual(await rankDefinitionsSliced(graph, focus, slice), rankDefinitions(graph, focus));
  const plain = pageRank(graph.files.length, graph.edges);
  assert.deepEqual(await drainSliced(pageRankSteps(graph.files.length, graph.edges), slice), plain);
  // sliceMs 0 pauses at every step: the runs above did pause.
  assert.ok(pauses > 300, `paused ${pauses} times`);
});

Deno.test("a timer queued before a sliced ranking runs before the ranking ends; unsliced it waits", async () => {
  const { sk, tags } = denseInputs(400, 300);
  const order: string[] = [];
  setTimeout(() => order.push("timer"), 0);
  await drainSliced(mapGraphSteps(sk, tags), { sliceMs: 0 });
  order.push("graph");
  assert.deepEqual(order, ["timer", "graph"]);

  const unsliced: string[] = [];
  const timer = new Promise<void>((r) => setTimeout(() => r(void unsliced.push("timer")), 0));
  buildMapGraph(sk, tags);
  unsliced.push("graph");
  await timer;
  assert.deepEqual(unsliced, ["graph", "timer"]);
});

Deno.test("rankFiles reports the ranking's progress, rising to (total, total)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-rank-progress-" });
  try {
    const files: string[] = [];
    for (let i = 0; i < 12; i++) {
      const rel = `m${i}.py`;
      const calls = Array.from({ length: 5 }, (_, j) => `    f${(i + j + 1) % 12}(x)\n`).join("");
      await Deno.writeTextFile(`${dir}/${rel}`, `def f${i}(x):\n${calls}    return x\n`);
      files.push(rel);
    }
    const seen: [number, number][] = [];
    const ranked = await rankFiles(await resolveSegment(dir), files.sort(), {
      onRankProgress: (done, total) => seen.push([done, total]),
    });
    assert.equal(ranked.length, 12);
    assert.ok(seen.length >= 2, JSON.stringify(seen));
    const last = seen.at(-1) ?? [0, -1];
    assert.equal(last[0], last[1], "the last report says done");
    for (const [i, [done, total]] of seen.entries()) {
      assert.ok(done <= total, `report ${i}: ${done} of ${total}`);
      if (i > 0) assert.ok(done >= (seen[i - 1]?.[0] ?? 0), `report ${i} does not go back`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
