/**
 * Every MCP tool of this suite's owner (skeleton, symbol, snippet, search,
 * get, telemetry_report) run in process on a copy of the example project:
 * the text handed out (after the terminal guard) never passes the budget,
 * paging returns every item exactly once, and a bad cursor or one made for
 * another query is a USAGE_ERROR.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TrifectaError } from "../../lib/errors.ts";
import { escapeTerminal } from "../../lib/escape.ts";
import { McpState, TOOLS } from "../../lib/mcp/mod.ts";
import { encodeCursor } from "../../lib/mcp/paging.ts";
import { TELEMETRY_REPORT_CAP } from "../../lib/mcp/tools/telemetry_report.ts";
import { rankFiles } from "../../lib/nav/map.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { Telemetry } from "../../lib/telemetry/mod.ts";
import { estimateTokens } from "../../lib/text.ts";
import { removeSegment, runCli, tempExample } from "../e2e/helpers.ts";
import { readPack } from "../../lib/context/mod.ts";

type Answer = Record<string, unknown> & { text: string };

async function call(state: McpState, name: string, args: Record<string, unknown>): Promise<Answer> {
  const tool = TOOLS.find((t) => t.name === name);
  assert.ok(tool, name);
  const out = await tool.run(state, tool.input.parse(args));
  // What okResult hands the client.
  return { ...out.structured, text: escapeTerminal(out.text) };
}

async function usageError(p: Promise<unknown>, re: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof TrifectaError, String(err));
    assert.equal(err.code, "USAGE_ERROR");
    assert.match(err.message, re);
    return true;
  });
}

/** Every page of a paged call: the answers, checked within budget on the way. */
async function allPages(
  state: McpState,
  name: string,
  args: Record<string, unknown> & { budget_tokens: number },
): Promise<Answer[]> {
  const pages: Answer[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 500; i++) {
    const a = await call(state, name, cursor === undefined ? args : { ...args, cursor });
    const tokens = estimateTokens(a.text);
    assert.ok(
      tokens <= args.budget_tokens,
      `${name} page ${i}: ~${tokens} > ${args.budget_tokens}`,
    );
    pages.push(a);
    if (typeof a.next_cursor !== "string") return pages;
    cursor = a.next_cursor;
  }
  throw new Error(`${name}: paging did not end`);
}

let example: Promise<string> | undefined;

/** One copy of the example project with a context pack, for the whole file. */
function exampleWithPack(): Promise<string> {
  example ??= (async () => {
    const dir = await tempExample();
    const built = await runCli(["ctx", "build", "-s", dir]);
    assert.equal(built.code, 0, built.stderr);
    return dir;
  })();
  return example;
}

async function withState(fn: (state: McpState, dir: string) => Promise<void>): Promise<void> {
  const dir = await exampleWithPack();
  const state = McpState.open(await resolveSegment(dir), { telemetry: Telemetry.disabled() });
  try {
    await fn(state, dir);
  } finally {
    await state.close();
  }
}

/** Tools without budget_tokens, and the bound docs/mcp.md "Budgets and paging" gives them. */
const DOCUMENTED_CAP: Readonly<Record<string, string>> = {
  references: "limit and cursor (locations)",
  definition: "a few locations",
  hover: "one hover text",
  diagnostics: "limit (diagnostics)",
  pack_sync: "a short build or sync report",
  telemetry_report: "TELEMETRY_REPORT_CAP",
};

Deno.test("every tool takes budget_tokens or has a documented cap; paged tools take cursor and return total", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/mcp.md", import.meta.url));
  const section = doc.slice(doc.indexOf("## Budgets and paging"), doc.indexOf("\n## Tools"));
  for (const tool of TOOLS) {
    const shape = tool.input.shape;
    assert.ok(
      "budget_tokens" in shape || DOCUMENTED_CAP[tool.name] !== undefined,
      `${tool.name} takes budget_tokens or has a documented cap`,
    );
    assert.ok(section.includes(`\`${tool.name}\``), `${tool.name} is in "Budgets and paging"`);
    if ("cursor" in shape) assert.ok("next_cursor" in tool.output.shape, tool.name);
  }
  for (const name of ["skeleton", "symbol", "search", "get"]) {
    const tool = TOOLS.find((t) => t.name === name);
    assert.ok(tool && "cursor" in tool.input.shape, `${name} takes cursor`);
    assert.ok("next_cursor" in tool.output.shape && "total" in tool.output.shape, name);
  }
  const report = TOOLS.find((t) => t.name === "telemetry_report");
  assert.ok(report && "cap_tokens" in report.output.shape);
  assert.match(report.description, /Capped at/);
});

Deno.test("skeleton's structured content gives each file's uri and its symbols' uris, which resolve", async () => {
  await withState(async (state) => {
    const whole = await call(state, "skeleton", { path: "src", budget_tokens: 200_000 });
    const files = whole.files as {
      path: string;
      symbols: number;
      uri: string | null;
      symbol_uris: (string | null)[];
    }[];
    const models = files.find((f) => f.path === "src/inventory/models.py");
    assert.ok(models, files.map((f) => f.path).join(" "));
    assert.equal(models.uri, "sym://python/mod/src.inventory.models");
    assert.equal(models.symbol_uris.length, models.symbols);
    assert.ok(models.symbol_uris.includes("sym://python/type/src.inventory.models/Inventory"));
    for (const uri of models.symbol_uris.slice(0, 5)) {
      assert.ok(uri, "every symbol here has a uri");
      const found = await call(state, "symbol", { uri });
      assert.equal(found.file_rel, models.path, uri);
    }
  });
});

Deno.test("skeleton pages files by rank: every file once, each page within budget_tokens", async () => {
  await withState(async (state) => {
    const whole = await call(state, "skeleton", { path: ".", budget_tokens: 200_000 });
    assert.equal(whole.order, "path");
    assert.equal(whole.next_cursor, undefined);
    const files = (whole.files as { path: string }[]).map((f) => f.path);
    assert.ok(files.length >= 4, files.join(" "));
    for (const budget of [64, 100, 200, Math.max(64, Number(whole.token_est) - 1)]) {
      const pages = await allPages(state, "skeleton", { path: ".", budget_tokens: budget });
      assert.ok(pages.length > 1, `budget ${budget}: more than one page`);
      const seen = pages.flatMap((p) => (p.files as { path: string }[]).map((f) => f.path));
      assert.deepEqual([...seen].sort(), [...files].sort(), `budget ${budget}: each file once`);
      // Ranked by the map (rankFiles), not by path.
      const ranked = await rankFiles(state.segment, files);
      assert.deepEqual(seen, ranked.map((f) => f.path), `budget ${budget}: in rank order`);
      for (const p of pages) {
        assert.equal(p.order, "rank");
        assert.equal(p.total, files.length);
      }
    }
  });
});

Deno.test("symbol pages a module's symbols: every symbol once, each page within budget_tokens", async () => {
  // A module of trifecta's own with many symbols: several pages at these budgets.
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const state = McpState.open(await resolveSegment(root), { telemetry: Telemetry.disabled() });
  try {
    const uri = "sym://typescript/mod/lib/mcp/paging";
    const whole = await call(state, "symbol", { uri, budget_tokens: 200_000 });
    const names = (whole.symbols as { name: string }[]).map((s) => s.name);
    assert.ok(names.length >= 10, `${names.length} symbols`);
    for (const budget of [256, 300, 700]) {
      const pages = await allPages(state, "symbol", { uri, budget_tokens: budget });
      assert.ok(pages.length > 1, `budget ${budget}`);
      const seen = pages.flatMap((p) => (p.symbols as { name: string }[]).map((s) => s.name));
      assert.deepEqual(seen, names, `budget ${budget}`);
    }
  } finally {
    await state.close();
  }
});

Deno.test("get pages chunks: every chunk once, headings and summary within budget_tokens", async () => {
  await withState(async (state) => {
    // The pack is SQLite now: its chunk ids through lib/context's reader.
    const ids = (await readPack(state.segment)).pack.chunks.map((c) => c.id);
    assert.ok(ids.length >= 5, `${ids.length} chunks`);
    const asked = [...ids.slice(0, 3), "doc:nope.md:1", ...ids.slice(3)];
    for (const budget of [120, 250, 600]) {
      for (const mode of ["skeleton", "excerpt", "raw"]) {
        const pages = await allPages(state, "get", { ids: asked, mode, budget_tokens: budget });
        const seen = pages.flatMap((p) => (p.chunks as { id: string }[]).map((c) => c.id));
        assert.deepEqual(seen, ids, `${mode} at ${budget}: every chunk once, in order`);
        const missing = pages.flatMap((p) => p.missing_ids as string[]);
        assert.deepEqual(missing, ["doc:nope.md:1"], "the unknown id once");
        assert.equal(pages.at(-1)?.stop_reason, "complete");
      }
    }
  });
});

Deno.test("search pages hits: every hit once, each page within budget_tokens", async () => {
  await withState(async (state) => {
    const base = { query: "inventory item", limit: 50 };
    const whole = await call(state, "search", { ...base, budget_tokens: 200_000 });
    const ids = (whole.hits as { id: string }[]).map((h) => h.id);
    assert.ok(ids.length >= 3, `${ids.length} hits`);
    for (const budget of [256, 400, 900]) {
      const pages = await allPages(state, "search", { ...base, budget_tokens: budget });
      assert.ok(pages.length > 1, `budget ${budget}`);
      const seen = pages.flatMap((p) => (p.hits as { id: string }[]).map((h) => h.id));
      assert.deepEqual(seen, ids, `budget ${budget}`);
    }
  });
});

Deno.test("snippet's text, head line included, stays within budget_tokens or the call fails", async () => {
  await withState(async (state) => {
    const uri = "sym://python/type/src.inventory.models/Inventory";
    for (const budget of [20, 60, 120, 400]) {
      for (const mode of ["skeleton", "excerpt", "raw"]) {
        try {
          const a = await call(state, "snippet", { uri, mode, budget_tokens: budget });
          assert.ok(estimateTokens(a.text) <= budget, `${mode} at ${budget}`);
        } catch (err) {
          assert.ok(err instanceof TrifectaError && err.code === "BUDGET_EXCEEDED", String(err));
        }
      }
    }
  });
});

Deno.test("telemetry_report stays within its documented cap, even on a planted events file", async () => {
  await withState(async (state, dir) => {
    const normal = await call(state, "telemetry_report", { last_days: 0 });
    assert.ok(estimateTokens(normal.text) <= TELEMETRY_REPORT_CAP);
    assert.equal(normal.truncated, false);
    const teleDir = join(dir, "_ctx", "telemetry");
    await Deno.mkdir(teleDir, { recursive: true });
    const lines = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({
        ts: new Date().toISOString(),
        run_id: "run_1_a",
        segment_id: "x",
        cmd: `planted.${"n".repeat(200)}.${i}`,
        args: {},
        result: { status: "ok" },
        timing_ms: i % 50,
        tokens: {},
        warnings: [],
        x: {},
      }));
    const events = join(teleDir, "events.jsonl");
    const before = await Deno.readTextFile(events).catch(() => "");
    try {
      await Deno.writeTextFile(events, before + lines.join("\n") + "\n");
      const planted = await call(state, "telemetry_report", { last_days: 0 });
      const tokens = estimateTokens(planted.text);
      assert.ok(tokens <= TELEMETRY_REPORT_CAP, `~${tokens} tokens`);
      assert.equal(planted.truncated, true);
    } finally {
      await Deno.writeTextFile(events, before);
    }
  });
});

Deno.test("a malformed cursor, or one made for another query or tool, is a USAGE_ERROR", async () => {
  await withState(async (state) => {
    await usageError(call(state, "skeleton", { path: ".", cursor: "%%%" }), /malformed/);
    const forSrc = encodeCursor("skeleton", { path: "src" }, 1);
    await usageError(call(state, "skeleton", { path: ".", cursor: forSrc }), /another query/);
    await usageError(
      call(state, "symbol", { uri: "sym://python/mod/src.inventory.models", cursor: forSrc }),
      /another query/,
    );
    const forSearch = encodeCursor("search", { query: "a", limit: 5 }, 1);
    await usageError(
      call(state, "search", { query: "a", limit: 6, cursor: forSearch }),
      /another query/,
    );
    await usageError(
      call(state, "get", { ids: ["doc:x.md:1"], cursor: forSearch }),
      /another query/,
    );
    await usageError(call(state, "get", { ids: ["doc:x.md:1"], cursor: "e30" }), /malformed/);
    // Too long for the input schema: refused before the tool runs.
    const tool = TOOLS.find((t) => t.name === "get");
    assert.equal(tool?.input.safeParse({ ids: ["a"], cursor: "A".repeat(500) }).success, false);
  });
});

Deno.test("cleanup: the example copy is removed", async () => {
  if (example) await removeSegment(await example);
});
