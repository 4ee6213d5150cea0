/**
 * End to end: the ranking step of a `skeleton` too large for its budget
 * (the map's graph and PageRank, lib/nav) gives the event loop turns, so a
 * cheap call sent while it runs is answered before the skeleton. The tree
 * is built so that this step is the long one: every file defines names
 * that twenty files define and calls two hundred of them (about a million
 * edges), and the skeleton reports `ranking …` progress while it runs.
 * Ordering, not timing: nothing here asserts how long anything takes.
 */
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CLI_FLAGS, MAIN_TS, removeSegment } from "./helpers.ts";

/** Files of the tree, names in all, names each file defines, calls in each file. */
const FILES = 250;
const NAMES = 250;
const DEFINED = 20;
const CALLS = 200;

/** A tree whose map graph is dense: `FILES` modules calling names twenty files define. */
async function crossReferencedTree(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-mcp-rank-" });
  for (let i = 0; i < FILES; i++) {
    const pkg = `${dir}/pkg${i % 10}`;
    await Deno.mkdir(pkg, { recursive: true });
    let src = `"""module ${i}"""\n\nclass Anchor:\n    pass\n\n`;
    for (let j = 0; j < DEFINED; j++) {
      src += `def shared_name_${(i * DEFINED + j) % NAMES}(x):\n    return x\n\n`;
    }
    src += "def run_all(x):\n";
    for (let j = 0; j < CALLS; j++) src += `    shared_name_${(i * 7 + j * 13) % NAMES}(x)\n`;
    await Deno.writeTextFile(`${pkg}/mod${i}.py`, src);
  }
  return dir;
}

Deno.test({
  name: "mcp: a symbol call sent while a skeleton ranks a big tree is answered before the skeleton",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await crossReferencedTree();
    const transport = new StdioClientTransport({
      command: Deno.execPath(),
      args: ["run", ...CLI_FLAGS, MAIN_TS, "mcp", "-s", seg, "--no-watch"],
      env: { ...Deno.env.toObject(), NO_COLOR: "1", TRIFECTA_LSP: "0", TRIFECTA_NO_TELEMETRY: "1" },
      stderr: "pipe",
    });
    const client = new Client({ name: "trifecta-rank-order", version: "1.0.0" });
    try {
      await client.connect(transport);
      let ranking: () => void = () => {};
      const ranked = new Promise<void>((r) => (ranking = r));
      const order: string[] = [];
      const skeleton = client.callTool({ name: "skeleton", arguments: { path: "." } }, undefined, {
        onprogress: (p: { message?: string }) => {
          if (p.message?.startsWith("ranking")) ranking();
        },
        timeout: 600_000,
      });
      const answered = skeleton.then(() => order.push("skeleton"));
      // Wait for the ranking to be under way; a skeleton answered first fails here.
      const first = await Promise.race([ranked.then(() => "ranking"), answered.then(() => "done")]);
      assert.equal(first, "ranking", "the skeleton reported ranking progress before answering");
      const sym = await client.callTool({
        name: "symbol",
        arguments: { uri: "sym://python/type/pkg0.mod0/Anchor" },
      });
      order.push("symbol");
      assert.equal(sym.isError, undefined, JSON.stringify(sym));
      await answered;
      const outline = await skeleton;
      assert.equal(outline.isError, undefined);
      assert.equal(
        outline.structuredContent?.order,
        "rank",
        "the outline did not fit: the files were ranked",
      );
      assert.deepEqual(order, ["symbol", "skeleton"]);
    } finally {
      await client.close();
      await removeSegment(seg);
    }
  },
});
