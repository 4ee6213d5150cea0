/**
 * References by symbol (lib/nav/references*.ts, lib/nav/locate.ts) and the
 * MCP tools that take a `sym://` URI, on a small Python package and a small
 * TypeScript project made in a temp dir. The language server is off
 * (`TRIFECTA_LSP=0` through the config), so the tree-sitter fallback
 * answers every time, without pyright.
 */
import assert from "node:assert/strict";
import { TrifectaError } from "../../lib/errors.ts";
import { lspConfig } from "../../lib/lsp/config.ts";
import { answerQuery } from "../../lib/lsp/query.ts";
import { McpState } from "../../lib/mcp/state.ts";
import { DEFINITION_TOOL } from "../../lib/mcp/tools/definition.ts";
import { FIND_REFERENCES_TOOL } from "../../lib/mcp/tools/find_references.ts";
import { HOVER_TOOL } from "../../lib/mcp/tools/hover.ts";
import { REFERENCES_TOOL } from "../../lib/mcp/tools/references.ts";
import type { ToolSpec } from "../../lib/mcp/tools/define.ts";
import { outputTokens } from "../../lib/mcp/paging.ts";
import { locateSymbol } from "../../lib/nav/locate.ts";
import { type ReferencesAnswer, referencesOfSymbol } from "../../lib/nav/references.ts";
import { resolveSegment, type Segment } from "../../lib/segment/mod.ts";
import { Telemetry } from "../../lib/telemetry/mod.ts";

const FILES: Record<string, string> = {
  "pkg/__init__.py": "from .core import Engine\n",
  "pkg/core.py": [
    "class Engine:", //                              1
    "    def start(self):", //                       2
    "        return self.run()", //                  3
    "", //                                           4
    "    def run(self):", //                         5
    "        return 1", //                           6
    "", //                                           7
    "", //                                           8
    "def build():", //                               9
    "    return Engine()", //                       10
    "", //                                          11
    "", //                                          12
    "DEFAULT = Engine()", //                        13
    "",
  ].join("\n"),
  "pkg/other.py": "class Engine:\n    pass\n\n\ndef use():\n    return Engine()\n",
  "app/main.py": [
    "from pkg.core import Engine", //                1
    "from pkg import core", //                       2
    "", //                                           3
    "", //                                           4
    "def main():", //                                5
    "    e = Engine()", //                           6
    "    e.start()", //                              7
    "    return core.Engine", //                     8
    "", //                                           9
    "", //                                          10
    "class Runner:", //                             11
    "    def go(self, thing):", //                  12
    "        return thing.run()", //                13
    "",
  ].join("\n"),
  "app/pkg_user.py": "from pkg import Engine\n\n\ndef make():\n    return Engine()\n",
  "web/api.ts": [
    "export function stockValue(n: number): number {", // 1
    "  return n * 2;", //                                2
    "}", //                                              3
    "export class Client {", //                          4
    "  fetch(): number {", //                            5
    "    return stockValue(1);", //                      6
    "  }", //                                            7
    "}", //                                              8
    "",
  ].join("\n"),
  "web/app.ts": [
    'import { stockValue } from "./api.js";', //         1
    'import * as api from "./api";', //                  2
    "export function total(): number {", //              3
    "  return stockValue(2) + api.stockValue(3);", //    4
    "}", //                                              5
    "",
  ].join("\n"),
  "web/other.ts":
    "function stockValue(): number {\n  return 0;\n}\nexport const x = stockValue();\n",
};

const LSP_OFF = (name: string) => (name === "TRIFECTA_LSP" ? "0" : undefined);

async function withSegment(fn: (segment: Segment) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-refs-" });
  try {
    for (const [rel, text] of Object.entries(FILES)) {
      await Deno.mkdir(`${dir}/${rel.slice(0, rel.lastIndexOf("/"))}`, { recursive: true });
      await Deno.writeTextFile(`${dir}/${rel}`, text);
    }
    await fn(await resolveSegment(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function refsOf(
  segment: Segment,
  uri: string,
  limit?: number,
): Promise<ReferencesAnswer> {
  const target = await locateSymbol(segment, uri, { requireSymbol: true });
  return await referencesOfSymbol(segment, target, {
    ask: (request) => answerQuery(segment, request, { env: LSP_OFF, requireLsp: true }),
    limit,
  });
}

/** `path:line:col match @ group` per reference, in answer order. */
function flat(answer: ReferencesAnswer): string[] {
  return answer.groups.flatMap((g) =>
    g.references.map((r) =>
      `${g.symbol.path}:${r.line}:${r.col} ${
        r.match ?? "-"
      } @ ${g.symbol.kind} ${g.symbol.qualified_name}`
    )
  );
}

Deno.test("references by URI without a server: tags matched by import, same file and package; the definition and other symbols of the same name left out", async () => {
  await withSegment(async (segment) => {
    const a = await refsOf(segment, "sym://python/type/pkg.core/Engine");
    assert.equal(a.via, "ast");
    assert.equal(a.response.capability_state, "DEGRADED");
    assert.equal(a.response.fallback_reason, "lsp_disabled");
    assert.deepEqual(flat(a), [
      "app/main.py:1:22 import @ module ",
      "app/main.py:6:9 import @ function main",
      "app/main.py:8:17 import @ function main",
      "app/pkg_user.py:1:17 import @ module ",
      "app/pkg_user.py:5:12 import @ function make",
      "pkg/__init__.py:1:19 import @ module ",
      "pkg/core.py:10:12 same_file @ function build",
      "pkg/core.py:13:11 same_file @ module ",
    ]);
    assert.ok(!flat(a).some((r) => r.startsWith("pkg/core.py:1:")), "the definition is left out");
    assert.ok(!flat(a).some((r) => r.startsWith("pkg/other.py")), "another Engine is not it");
    assert.equal(a.total, 8);
    assert.equal(a.truncated, false);
  });
});

Deno.test("references are grouped under the innermost enclosing symbol, with its uri, lines and the line's text", async () => {
  await withSegment(async (segment) => {
    const a = await refsOf(segment, "sym://python/type/pkg.core/Engine#run");
    const groups = a.groups.map((g) => ({ ...g.symbol, refs: g.references }));
    assert.deepEqual(groups, [
      {
        uri: "sym://python/type/app.main/Runner#go",
        kind: "method",
        qualified_name: "Runner.go",
        path: "app/main.py",
        start_line: 12,
        end_line: 13,
        refs: [{ line: 13, col: 22, text: "return thing.run()", match: "name_only" }],
      },
      {
        uri: "sym://python/type/pkg.core/Engine#start",
        kind: "method",
        qualified_name: "Engine.start",
        path: "pkg/core.py",
        start_line: 2,
        end_line: 3,
        refs: [{ line: 3, col: 21, text: "return self.run()", match: "same_file" }],
      },
    ]);
    const engine = await refsOf(segment, "sym://python/type/pkg.core/Engine");
    const top = engine.groups.find((g) =>
      g.symbol.path === "pkg/core.py" && g.symbol.kind === "module"
    );
    assert.deepEqual(top?.symbol, {
      uri: "sym://python/mod/pkg.core",
      kind: "module",
      qualified_name: "",
      path: "pkg/core.py",
      start_line: 1,
      end_line: 13,
    });
  });
});

Deno.test("TypeScript: a relative import with .js, a namespace import (api.name) and the same file match; a file with its own function of that name does not", async () => {
  await withSegment(async (segment) => {
    const a = await refsOf(segment, "sym://typescript/type/web/api/stockValue");
    assert.deepEqual(flat(a), [
      "web/api.ts:6:12 same_file @ method Client.fetch",
      "web/app.ts:1:10 import @ module ",
      "web/app.ts:4:10 import @ function total",
      "web/app.ts:4:30 import @ function total",
    ]);
  });
});

Deno.test("the fallback keeps at most `limit` references and says it was truncated", async () => {
  await withSegment(async (segment) => {
    const a = await refsOf(segment, "sym://python/type/pkg.core/Engine", 3);
    assert.equal(a.total, 3);
    assert.equal(a.truncated, true);
    assert.equal(a.response.data?.locations?.length, 3);
  });
});

Deno.test("a sym:// URI locates the name on its definition line; bad and unknown URIs fail as `ast symbols` does", async () => {
  await withSegment(async (segment) => {
    const run = await locateSymbol(segment, "sym://python/type/pkg.core/Engine#run");
    assert.deepEqual([run.file.rel, run.line, run.col], ["pkg/core.py", 5, 9]);
    const mod = await locateSymbol(segment, "sym://python/mod/pkg.core");
    assert.deepEqual([mod.file.rel, mod.line, mod.col, mod.symbol], [
      "pkg/core.py",
      1,
      1,
      undefined,
    ]);
    const codeOf = async (uri: string, requireSymbol = true) => {
      try {
        await locateSymbol(segment, uri, { requireSymbol });
        return "ok";
      } catch (err) {
        if (err instanceof TrifectaError) return err.code;
        throw err;
      }
    };
    assert.equal(await codeOf("sym://nope"), "INVALID_URI");
    assert.equal(await codeOf("sym://python/type/pkg.core/Nope"), "SYMBOL_NOT_FOUND");
    assert.equal(await codeOf("sym://python/mod/pkg.core"), "INVALID_LOCATION");
  });
});

async function withState(fn: (state: McpState) => Promise<void>): Promise<void> {
  await withSegment(async (segment) => {
    const state = McpState.open(segment, {
      telemetry: Telemetry.disabled(),
      lspConfig: lspConfig(LSP_OFF),
    });
    try {
      await fn(state);
    } finally {
      await state.close();
    }
  });
}

async function call(
  state: McpState,
  tool: ToolSpec,
  args: Record<string, unknown>,
): Promise<Record<string, unknown> & { text: string }> {
  const out = await tool.run(state, tool.input.parse(args));
  return { ...out.structured, text: out.text };
}

Deno.test("find_references pages under budget_tokens: every reference exactly once, each page within the budget", async () => {
  await withState(async (state) => {
    const uri = "sym://python/type/pkg.core/Engine";
    const all = await call(state, FIND_REFERENCES_TOOL, { uri });
    assert.ok(outputTokens(all.text) <= 2000);
    assert.equal(all.total, 8);
    assert.equal(all.next_cursor, undefined);
    assert.equal(all.fallback_reason, "lsp_disabled");
    assert.equal(all.via, "ast");
    const key = (g: { symbol: { path: string }; references: { line: number; col: number }[] }) =>
      g.references.map((r) => `${g.symbol.path}:${r.line}:${r.col}`);
    type G = Parameters<typeof key>[0];
    const want = (all.groups as G[]).flatMap(key);
    assert.equal(want.length, 8);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const args = { uri, budget_tokens: 300, ...(cursor === undefined ? {} : { cursor }) };
      const page = await call(state, FIND_REFERENCES_TOOL, args);
      assert.ok(outputTokens(page.text) <= 300, `${outputTokens(page.text)} tokens`);
      assert.equal(page.total, 8);
      seen.push(...(page.groups as G[]).flatMap(key));
      cursor = typeof page.next_cursor === "string" ? page.next_cursor : undefined;
      pages++;
    } while (cursor !== undefined && pages < 20);
    assert.ok(pages > 1, "a small budget takes several pages");
    assert.deepEqual(seen, want);
  });
});

Deno.test("find_references refuses a cursor made for another uri or for references that changed since, and an unknown uri (SYMBOL_NOT_FOUND)", async () => {
  await withState(async (state) => {
    const first = await call(state, FIND_REFERENCES_TOOL, {
      uri: "sym://python/type/pkg.core/Engine",
      budget_tokens: 300,
    });
    const cursor = String(first.next_cursor);
    await assert.rejects(
      () => call(state, FIND_REFERENCES_TOOL, { uri: "sym://python/type/pkg.core/build", cursor }),
      (err: unknown) => err instanceof TrifectaError && err.code === "USAGE_ERROR",
    );
    // The references changed since the first page: its cursor would skip or repeat one.
    const uri = "sym://python/type/pkg.core/Engine";
    assert.ok(await call(state, FIND_REFERENCES_TOOL, { uri, budget_tokens: 300, cursor }));
    await Deno.writeTextFile(`${state.segment.root}/app/pkg_user.py`, "x = Engine()\n", {
      append: true,
    });
    await assert.rejects(
      () => call(state, FIND_REFERENCES_TOOL, { uri, budget_tokens: 300, cursor }),
      (err: unknown) => err instanceof TrifectaError && err.code === "USAGE_ERROR",
    );
    await assert.rejects(
      () => call(state, FIND_REFERENCES_TOOL, { uri: "sym://python/type/pkg.core/Nope" }),
      (err: unknown) => err instanceof TrifectaError && err.code === "SYMBOL_NOT_FOUND",
    );
  });
});

Deno.test("definition, hover and references tools take a uri instead of file/line/column, exactly one of the two forms", async () => {
  await withState(async (state) => {
    const uri = "sym://python/type/pkg.core/Engine#run";
    const def = await call(state, DEFINITION_TOOL, { uri });
    assert.equal(def.uri, uri);
    assert.deepEqual([def.file, def.line, def.column, def.symbol], ["pkg/core.py", 5, 9, "run"]);
    assert.equal(def.fallback_reason, "lsp_disabled");
    const hover = await call(state, HOVER_TOOL, { uri: "sym://python/type/pkg.core/Engine" });
    assert.match(String(hover.contents), /class Engine/);
    const refs = await call(state, REFERENCES_TOOL, { uri, limit: 1 });
    assert.equal((refs.locations as unknown[]).length, 1);
    assert.equal(typeof refs.next_cursor, "string");
    for (
      const bad of [
        { uri, file: "pkg/core.py", line: 5, column: 9 },
        {},
        { file: "pkg/core.py", line: 5 },
      ]
    ) {
      await assert.rejects(
        () => call(state, DEFINITION_TOOL, bad),
        (err: unknown) => err instanceof TrifectaError && err.code === "USAGE_ERROR",
        JSON.stringify(bad),
      );
    }
  });
});
