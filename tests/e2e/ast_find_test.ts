/**
 * End to end: `trifecta ast find` as a process (fast path and full CLI),
 * its exit codes and escaping, the persistent cache's warm run, and the MCP
 * `find_symbol` tool over stdio.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { estimateTokens } from "../../lib/text.ts";
import {
  CLI_FLAGS,
  MAIN_TS,
  removeSegment,
  runCli,
  tempExample,
  withTempSegment,
} from "./helpers.ts";

/**
 * A copy of fixtures/example: the persistent AST cache is the default since
 * issue 16, so a run on the checkout's fixture would leave a `.trifecta/`
 * (and telemetry a `_ctx/`) in it.
 */
async function withExample(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await tempExample();
  try {
    await fn(dir);
  } finally {
    await removeSegment(dir);
  }
}

/** django's layout where `ast find AppConfig` is judged: the class, its stub, a test double. */
const DJANGO_LIKE: Record<string, string> = {
  "django/apps/config.py":
    "class AppConfig:\n    def get_model(self, name):\n        return name\n",
  "django/db/migrations/state.py":
    "from django.apps import AppConfig\n\n\nclass AppConfigStub(AppConfig):\n    pass\n",
  "tests/apps/tests.py": "class AppConfig:\n    pass\n",
  "tests/apps/test_config.py": "def AppConfigTest():\n    pass\n",
};

function parse(stdout: string): Record<string, unknown> {
  try {
    return JSON.parse(stdout);
  } catch (err) {
    throw new Error(`stdout is not JSON: ${stdout}`, { cause: err });
  }
}

interface Item {
  path: string;
  qualified_name: string;
  uri: string | null;
  match: string;
}

Deno.test("ast find AppConfig puts django/apps/config.py's class first (fast path and full CLI alike)", async () => {
  await withTempSegment(DJANGO_LIKE, async (dir) => {
    const args = ["ast", "find", "AppConfig", "-s", dir, "--json"];
    const fast = await runCli(args);
    assert.equal(fast.code, 0, fast.stderr);
    const json = parse(fast.stdout);
    const items = json.items as Item[];
    assert.deepEqual(items.map((i) => `${i.path}:${i.qualified_name}:${i.match}`), [
      "django/apps/config.py:AppConfig:exact",
      "tests/apps/tests.py:AppConfig:exact",
      "django/db/migrations/state.py:AppConfigStub:prefix",
      "tests/apps/test_config.py:AppConfigTest:prefix",
    ]);
    assert.equal(items[0]?.uri, "sym://python/type/django.apps.config/AppConfig");
    const full = await runCli(args, { env: { TRIFECTA_NO_FAST_PATH: "1" } });
    assert.equal(full.code, 0, full.stderr);
    assert.deepEqual(parse(full.stdout).items, items);
  });
});

Deno.test("ast find text: head line, one block per symbol with its URI, children and body", async () => {
  let r = { code: -1, stdout: "", stderr: "" };
  await withExample(async (dir) => {
    r = await runCli(["ast", "find", "Inventory/add", "-s", dir, "--depth", "1", "--body"]);
  });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], "# ast find 'Inventory/add': 1 match");
  assert.equal(lines[1], "1. method Inventory.add  src/inventory/models.py:46-48  (exact)");
  assert.equal(lines[2], "   sym://python/type/src.inventory.models/Inventory#add");
  assert.ok(r.stdout.includes("46 |     def add(self, item: Item) -> None:"), r.stdout);
  assert.ok(r.stdout.endsWith("# end of results (1-1)\n"), r.stdout);
});

Deno.test("ast find: bad patterns and options exit 2 with USAGE_ERROR", async () => {
  const cases: string[][] = [
    ["ast", "find", ""],
    ["ast", "find", "x".repeat(513)],
    ["ast", "find", "get_[a"],
    ["ast", "find", "x", "--kind", "macro"],
    ["ast", "find", "x", "--path", "../up"],
    ["ast", "find", "x", "--limit", "501"],
  ];
  await withExample(async (dir) => {
    for (const args of cases) {
      const r = await runCli([...args, "-s", dir, "--json"]);
      assert.equal(r.code, 2, `${args.join(" ").slice(0, 40)}: ${r.stdout}${r.stderr}`);
      assert.equal(parse(r.stdout).error_code, "USAGE_ERROR", args.join(" ").slice(0, 40));
    }
    const card = await runCli(["ast", "find", "get_[a", "-s", dir]);
    assert.equal(card.code, 2);
    assert.match(card.stderr, /TRIFECTA_ERROR_CODE: USAGE_ERROR/);
    assert.match(card.stderr, /Bad glob/);
  });
});

Deno.test("ast find escapes hostile file names in its text", async () => {
  await withTempSegment({ "evil\x1b[2J.py": "class Evil:\n    pass\n" }, async (dir) => {
    const r = await runCli(["ast", "find", "Evil", "-s", dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes("\x1b"), JSON.stringify(r.stdout));
    assert.ok(r.stdout.includes("evil\\x1b[2J.py:1-2"), r.stdout);
  });
});

Deno.test("ast find --persist-cache: the warm run parses nothing, then reads the index snapshot", async () => {
  await withTempSegment(DJANGO_LIKE, async (dir) => {
    const args = ["ast", "find", "get_model", "-s", dir, "--json", "--persist-cache"];
    const index = async () => {
      const r = await runCli(args);
      assert.equal(r.code, 0, r.stderr);
      const json = parse(r.stdout);
      return { json, index: json.index as Record<string, number | string | boolean> };
    };
    const cold = await index();
    assert.equal(cold.index.parsed, 4);
    // Just written: within the trust window, each file is looked up by its stat key.
    const warm = await index();
    assert.equal(warm.index.parsed, 0);
    assert.equal(warm.index.cache_hits, 4);
    assert.equal(warm.index.backend, "sqlite");
    assert.deepEqual(warm.json.items, cold.json.items);
    const past = new Date(Date.now() - 3_600_000);
    for (const rel of Object.keys(DJANGO_LIKE)) await Deno.utime(join(dir, rel), past, past);
    await index(); // writes the snapshot of this walk
    const snap = await index();
    assert.equal(snap.index.from_snapshot, true);
    assert.equal(snap.index.parsed, 0);
    assert.deepEqual(snap.json.items, cold.json.items);
  });
});

Deno.test({
  name: "MCP find_symbol over stdio: listed, ranked, paged within budget_tokens",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await withTempSegment(DJANGO_LIKE, async (dir) => {
      const transport = new StdioClientTransport({
        command: Deno.execPath(),
        args: ["run", ...CLI_FLAGS, MAIN_TS, "mcp", "-s", dir],
        env: { ...Deno.env.toObject(), NO_COLOR: "1", TRIFECTA_LSP: "0" },
        stderr: "pipe",
      });
      const client = new Client({ name: "trifecta-e2e", version: "1.0.0" });
      try {
        await client.connect(transport);
        const listed = (await client.listTools()).tools as { name: string }[];
        const tools = listed.map((t) => t.name);
        assert.ok(tools.includes("find_symbol"), tools.join(","));
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const args: Record<string, unknown> = {
            pattern: "AppConfig",
            budget_tokens: 256,
            include_body: true,
          };
          if (cursor !== undefined) args.cursor = cursor;
          const r = await client.callTool({ name: "find_symbol", arguments: args });
          const content = r.content as { text: string }[];
          const text = content.map((c) => c.text).join("");
          assert.ok(estimateTokens(text) <= 256, `${estimateTokens(text)}`);
          const s = r.structuredContent as { items: Item[]; next_cursor?: string; total: number };
          assert.equal(s.total, 4);
          seen.push(...s.items.map((i) => `${i.path}:${i.qualified_name}`));
          cursor = s.next_cursor;
        } while (cursor !== undefined);
        assert.deepEqual(seen, [
          "django/apps/config.py:AppConfig",
          "tests/apps/tests.py:AppConfig",
          "django/db/migrations/state.py:AppConfigStub",
          "tests/apps/test_config.py:AppConfigTest",
        ]);
        const bad = await client.callTool({ name: "find_symbol", arguments: { pattern: "[z-a]" } });
        assert.equal(bad.isError, true);
        assert.equal((bad.structuredContent as { error_code: string }).error_code, "USAGE_ERROR");
      } finally {
        await client.close();
      }
    });
  },
});
