/**
 * Red team 21: queries as input. A pattern or query comes from the agent,
 * which a repository's text can steer; names come from the repository.
 * `ast find`/`find_symbol` globs, `ctx search`/`search` FTS5 syntax and
 * references by a symbol whose name is an operator must end in an answer or
 * a named error, in bounded time, without SQL or regex errors leaking.
 * Real CLI (documented narrow flags) and real `trifecta mcp`, hang-guarded
 * (never a timed assertion: the guards are far above a normal run).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  CLI_FLAGS,
  type GuardedRun,
  MAIN_TS,
  narrowFlags,
  removeSegment,
  REPO_ROOT,
  runGuarded,
  tempExample,
} from "./helpers.ts";

/** Far above a normal run; measures no speed. */
const HANG_GUARD_MS = 60_000;

async function segmentOf(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-red21-queries-" });
  for (const [rel, text] of Object.entries(files)) await Deno.writeTextFile(join(dir, rel), text);
  return dir;
}

/** `ast …`/`ctx …` under the documented narrow flags, `lsp …` under the broad ones. */
function run(args: readonly string[]): Promise<GuardedRun> {
  const flags = args[0] === "lsp" ? CLI_FLAGS : narrowFlags(args);
  return runGuarded(["run", ...flags, MAIN_TS, ...args], {
    deadlineMs: HANG_GUARD_MS,
    cwd: REPO_ROOT,
    env: { TRIFECTA_LSP: "0" },
  });
}

/** A real `trifecta mcp` session on `seg` (language servers off). */
async function mcpOn(seg: string): Promise<Client> {
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", ...CLI_FLAGS, MAIN_TS, "mcp", "-s", seg, "--no-watch"],
    env: { ...Deno.env.toObject(), NO_COLOR: "1", TRIFECTA_LSP: "0" },
    stderr: "pipe",
  });
  const client = new Client({ name: "trifecta-red21", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

interface ToolResult {
  isError?: boolean;
  content: { text: string }[];
  structuredContent?: { error_code?: string };
}

/** Call a tool; the request timeout is a hang guard, not a measured time. */
async function call(client: Client, name: string, args: Record<string, unknown>) {
  const r = await client.callTool({ name, arguments: args }, undefined, {
    timeout: HANG_GUARD_MS,
  }) as ToolResult;
  return { ...r, text: r.content.map((c) => c.text).join("") };
}

// One 60-character name; a glob of a dozen `*` that cannot match it.
const LONG_NAME = { "m.py": `def ${"a".repeat(60)}(): pass\n\n\ndef shown(): pass\n` };
const STARS = `${"*a".repeat(12)}*b`;

Deno.test({
  name:
    "hostile21 queries [cli]: ast find with a glob of a dozen `*` over a 60-character name ends with its answer",
  sanitizeResources: false,
  fn: async () => {
    // Found by red team 21 (fixed).
    const seg = await segmentOf(LONG_NAME);
    try {
      const r = await run(["ast", "find", STARS, "-s", seg, "--no-persist-cache", "--json"]);
      assert.ok(r.finished, `ast find ${STARS} still running after ${HANG_GUARD_MS / 1000} s`);
      assert.equal(r.code, 0, r.stderr.slice(-1000));
      assert.equal((JSON.parse(r.stdout) as { total: number }).total, 0);
    } finally {
      await removeSegment(seg);
    }
  },
});

Deno.test({
  name:
    "hostile21 queries [mcp]: find_symbol with a glob of a dozen `*` answers, and the session then still answers another call",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await segmentOf(LONG_NAME);
    const client = await mcpOn(seg);
    try {
      const r = await call(client, "find_symbol", { pattern: STARS });
      assert.ok(!r.isError || r.structuredContent?.error_code === "USAGE_ERROR", r.text);
      const after = await call(client, "find_symbol", { pattern: "shown" });
      assert.equal(after.isError ?? false, false, after.text);
      assert.match(after.text, /shown/);
    } finally {
      await client.close();
      await removeSegment(seg);
    }
  },
});

// ruby 3.1.2: `Money.new + Money.new` and `m ** 2` call these methods.
const OPERATORS = {
  "m.rb": "class Money\n  def +(other)\n    self\n  end\n  def **(n) = self\nend\n" +
    "m = Money.new + Money.new\nm ** 2\n",
};

Deno.test({
  name:
    "hostile21 queries [cli, mcp]: references of a Ruby operator method (`+`, `**`) are an answer, never INTERNAL_ERROR",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    // Found by red team 21 (fixed).
    const seg = await segmentOf(OPERATORS);
    try {
      for (const name of ["+", "**"]) {
        const uri = `sym://ruby/type/m/Money#${name}`;
        const r = await run(["lsp", "references", uri, "-s", seg, "--json"]);
        assert.ok(r.finished, "lsp references still running");
        assert.doesNotMatch(r.stdout + r.stderr, /INTERNAL_ERROR|Invalid regular expression/);
        assert.equal(r.code, 0, `${uri}: ${r.stderr.slice(-600)}`);
      }
      const client = await mcpOn(seg);
      try {
        const r = await call(client, "find_references", { uri: "sym://ruby/type/m/Money#+" });
        assert.notEqual(r.structuredContent?.error_code, "INTERNAL_ERROR", r.text);
      } finally {
        await client.close();
      }
    } finally {
      await removeSegment(seg);
    }
  },
});

/** Queries in FTS5's own syntax, and worse. */
const HOSTILE_QUERIES = [
  "NEAR(stock level)",
  'stock level" OR "x',
  "stock*",
  "^stock",
  "path:src",
  "{path text}: stock",
  "rowid:1",
  "a OR",
  "AND",
  "stock NOT",
  "-stock",
  "x\"y'z",
  "(((stock",
  "\ud800stock\udfff",
  "\u202e\u2066stock",
  Array.from({ length: 10_000 }, (_, i) => `t${i}`).join(" "),
  "stock ".repeat(50_000),
  "*".repeat(5_000),
];

/** A search answer, QUERY_REJECTED or (past the MCP schema's 1,000 characters) USAGE_ERROR, never a database's or engine's words. */
function assertCleanSearch(text: string, code: string | undefined, seg: string, q: string): void {
  const what = `query ${JSON.stringify(q.slice(0, 40))}`;
  const named = code === undefined || code === "QUERY_REJECTED" || code === "USAGE_ERROR";
  assert.ok(named, `${what}: ${code}: ${text}`);
  assert.doesNotMatch(text, /fts5|sqlite|syntax error|no such column|INTERNAL_ERROR/i, what);
  assert.ok(!text.includes(seg), `${what}: the segment's absolute path`);
}

Deno.test({
  name:
    "hostile21 queries (control): ctx search and the MCP search tool read FTS5 syntax, lone surrogates, bidi and 10,000 terms as words: an answer or a named rejection, no SQL text, no absolute path",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await tempExample();
    try {
      const built = await run(["ctx", "build", "-s", seg]);
      assert.equal(built.code, 0, built.stderr);
      for (const q of HOSTILE_QUERIES.filter((q) => q.length < 20_000)) {
        const r = await run(["ctx", "search", "-q", q, "-s", seg, "--json"]);
        assert.ok(r.finished, "ctx search still running");
        assert.ok(r.code === 0 || r.code === 2, `exit ${r.code}: ${r.stderr.slice(-600)}`);
        const code = r.code === 2 ? /QUERY_REJECTED/.exec(r.stdout + r.stderr)?.[0] : undefined;
        assertCleanSearch(r.stdout + r.stderr, code, seg, q);
      }
      const client = await mcpOn(seg);
      try {
        for (const q of HOSTILE_QUERIES) {
          const r = await call(client, "search", { query: q });
          const code = r.isError ? r.structuredContent?.error_code ?? "?" : undefined;
          assertCleanSearch(r.text, code, seg, q);
        }
        // The session still answers a plain query with hits.
        const ok = await call(client, "search", { query: "stock level" });
        assert.equal(ok.isError ?? false, false, ok.text);
        assert.match(ok.text, /stock/i);
      } finally {
        await client.close();
      }
    } finally {
      await removeSegment(seg);
    }
  },
});

Deno.test({
  name:
    "hostile21 queries (control): ast find patterns made of regex syntax are literal names or a USAGE_ERROR, never a regex error",
  sanitizeResources: false,
  fn: async () => {
    const seg = await segmentOf({
      ...OPERATORS,
      "v.cpp": "struct V {\n  V& operator++();\n  V& operator*=(int);\n};\n",
    });
    try {
      const patterns = ["+", "**", "operator++", "(a+)+", "a{1,99999}", "\\", "[[:alpha:]]", "$^"];
      for (const p of patterns) {
        const r = await run(["ast", "find", p, "-s", seg, "--no-persist-cache", "--json"]);
        assert.ok(r.finished, `ast find ${p} still running`);
        assert.doesNotMatch(r.stdout + r.stderr, /INTERNAL_ERROR|Invalid regular expression/, p);
        assert.ok(r.code === 0 || /USAGE_ERROR/.test(r.stdout + r.stderr), `${p}: ${r.stderr}`);
      }
      // The operator names are found as written.
      const plus = await run(["ast", "find", "Money.+", "-s", seg, "--no-persist-cache", "--json"]);
      const items = (JSON.parse(plus.stdout) as { items: { qualified_name: string }[] }).items;
      assert.deepEqual(items.map((i) => i.qualified_name), ["Money.+"]);
    } finally {
      await removeSegment(seg);
    }
  },
});

Deno.test({
  name:
    "hostile21 queries [mcp]: a NUL in a search query is searched as a word break or QUERY_REJECTED, never reported as a corrupt index",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    // Found by red team 21 (fixed).
    const seg = await tempExample();
    try {
      const built = await run(["ctx", "build", "-s", seg]);
      assert.equal(built.code, 0, built.stderr);
      const client = await mcpOn(seg);
      try {
        for (const q of ["stock\u0000level", "\u0000stock", "stock\u0000"]) {
          const r = await call(client, "search", { query: q });
          const code = r.isError ? r.structuredContent?.error_code ?? "?" : undefined;
          assertCleanSearch(r.text, code, seg, q);
          assert.doesNotMatch(r.text, /corrupt|INDEX_CORRUPT/i, JSON.stringify(q));
        }
      } finally {
        await client.close();
      }
    } finally {
      await removeSegment(seg);
    }
  },
});
