/**
 * End to end: a hostile repository (a one-line Markdown file of 1.8 MB, a
 * Python `def` with 60,000 parameters and a 0.8 MB docstring) never makes an
 * answer pass its token budget — `ctx get` in every mode, the MCP `get` and
 * `symbol` tools, and the `ast` commands' skeletons.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CLI_FLAGS, MAIN_TS, removeSegment, runCli } from "./helpers.ts";
import { estimateTokens } from "../../lib/text.ts";
import { BUDGET_MARKER } from "../../lib/context/get.ts";

const OFF = { TRIFECTA_NO_TELEMETRY: "1" };

interface CallResult {
  isError?: boolean;
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
}

/** The attack's two files, in a fresh directory, with a built pack. */
async function hostileSegment(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta_bounds_" });
  await Deno.writeTextFile(
    join(dir, "huge.md"),
    "# Title HUGEMARK\n" + "HUGELINE ".repeat(200_000) + "\n",
  );
  const params = Array.from({ length: 60_000 }, (_, i) => `a${i}: int = ${i}`).join(", ");
  await Deno.writeTextFile(
    join(dir, "sig.py"),
    `def bigsig(${params}):\n    """${"DOCMARK ".repeat(100_000)}"""\n    return 1\n`,
  );
  const built = await runCli(["ctx", "build", "-s", dir], { env: OFF });
  assert.equal(built.code, 0, built.stderr);
  return dir;
}

async function chunkIds(dir: string, query: string): Promise<string[]> {
  const r = await runCli(["ctx", "search", "-s", dir, "-q", query, "--json"], { env: OFF });
  assert.equal(r.code, 0, r.stderr);
  const hits = (JSON.parse(r.stdout) as { hits: { id: string }[] }).hits;
  assert.ok(hits.length > 0, `a hit for ${query}`);
  return hits.map((h) => h.id);
}

Deno.test("ctx get keeps a 1.8 MB one-line chunk and a 60,000-parameter def within the budget in every mode", async () => {
  const dir = await hostileSegment();
  try {
    const md = (await chunkIds(dir, "HUGEMARK"))[0];
    const py = (await chunkIds(dir, "bigsig")).find((id) => id.includes("sig.py"));
    assert.ok(md, "a chunk of the markdown file");
    assert.ok(py, "a chunk of sig.py");
    for (const id of [md, py]) {
      for (const mode of ["skeleton", "excerpt", "raw"]) {
        const r = await runCli(["ctx", "get", "-s", dir, "-i", id, "-m", mode, "--json"], {
          env: OFF,
        });
        assert.equal(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout) as {
          total_tokens: number;
          stop_reason: string;
          chunks: { text: string; token_est: number; truncated: boolean }[];
        };
        const what = `${id} -m ${mode}`;
        assert.ok(out.total_tokens <= 1500, `${what}: ${out.total_tokens} tokens`);
        const text = out.chunks.map((c) => c.text).join("\n");
        assert.ok(estimateTokens(text) <= 1500, `${what}: text within the default budget`);
        assert.ok(r.stdout.length < 16_000, `${what}: ${r.stdout.length} bytes of JSON`);
        assert.ok(out.chunks.length === 1 && out.chunks[0]?.truncated === true, `${what}: cut`);
      }
      const plain = await runCli(["ctx", "get", "-s", dir, "-i", id, "-b", "200"], { env: OFF });
      assert.equal(plain.code, 0, plain.stderr);
      assert.ok(plain.stdout.length < 2_000, `${id} -b 200: ${plain.stdout.length} bytes`);
    }
    const raw = await runCli(["ctx", "get", "-s", dir, "-i", md, "-m", "raw", "-b", "100"], {
      env: OFF,
    });
    assert.ok(raw.stdout.includes(BUDGET_MARKER), "the cut is marked");
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("ast skeleton and ast symbols bound a 60,000-parameter signature and its docstring", async () => {
  const dir = await hostileSegment();
  try {
    const sk = await runCli(["ast", "skeleton", "sig.py", "-s", dir], { env: OFF });
    assert.equal(sk.code, 0, sk.stderr);
    assert.ok(sk.stdout.length < 4_000, `ast skeleton: ${sk.stdout.length} bytes`);
    const js = await runCli(["ast", "skeleton", "sig.py", "--json", "-s", dir], { env: OFF });
    assert.equal(js.code, 0, js.stderr);
    assert.ok(js.stdout.length < 6_000, `ast skeleton --json: ${js.stdout.length} bytes`);
    assert.match(js.stdout, /DOCMARK/);
    const sy = await runCli(["ast", "symbols", "sym://python/mod/sig", "--json", "-s", dir], {
      env: OFF,
    });
    assert.equal(sy.code, 0, sy.stderr);
    assert.ok(sy.stdout.length < 6_000, `ast symbols: ${sy.stdout.length} bytes`);
    assert.match(sy.stdout, /a1: int = 1/);
    assert.match(sy.stdout, / …/, "the cut signature is marked");
  } finally {
    await removeSegment(dir);
  }
});

Deno.test({
  name: "mcp get and symbol stay within budget_tokens on a hostile repository",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await hostileSegment();
    const md = (await chunkIds(dir, "HUGEMARK"))[0];
    const transport = new StdioClientTransport({
      command: Deno.execPath(),
      args: ["run", ...CLI_FLAGS, MAIN_TS, "mcp", "-s", dir],
      env: { ...Deno.env.toObject(), NO_COLOR: "1", ...OFF },
      stderr: "pipe",
    });
    const client = new Client({ name: "trifecta-bounds", version: "1.0.0" });
    const call = async (name: string, args: Record<string, unknown>): Promise<CallResult> =>
      (await client.callTool({ name, arguments: args })) as CallResult;
    try {
      await client.connect(transport);
      for (const mode of ["skeleton", "excerpt", "raw"]) {
        const r = await call("get", { ids: [md], mode });
        assert.equal(r.isError, undefined, JSON.stringify(r));
        const text = r.content.map((c) => c.text).join("");
        const structured = JSON.stringify(r.structuredContent);
        assert.ok(text.length < 8_000, `get ${mode}: text ${text.length} bytes`);
        assert.ok(structured.length < 12_000, `get ${mode}: structured ${structured.length}`);
        assert.ok((r.structuredContent?.total_tokens as number) <= 1500);
      }
      const small = await call("get", { ids: [md], mode: "raw", budget_tokens: 100 });
      const smallText = small.content.map((c) => c.text).join("");
      assert.ok(smallText.includes(BUDGET_MARKER), "the cut is marked");
      assert.ok(smallText.length < 1_000, `get budget 100: ${smallText.length} bytes`);

      const sym = await call("symbol", { uri: "sym://python/mod/sig" });
      assert.equal(sym.isError, undefined, JSON.stringify(sym));
      const symText = sym.content.map((c) => c.text).join("");
      assert.ok(estimateTokens(symText) <= 2000, `symbol: ~${estimateTokens(symText)} tokens`);
      assert.ok(JSON.stringify(sym.structuredContent).length < 12_000);
      assert.equal(sym.structuredContent?.budget_tokens, 2000);

      const tight = await call("symbol", { uri: "sym://python/mod/sig", budget_tokens: 256 });
      assert.equal(tight.isError, undefined, JSON.stringify(tight));
      const tightText = tight.content.map((c) => c.text).join("");
      assert.ok(estimateTokens(tightText) <= 256, `symbol 256: ~${estimateTokens(tightText)}`);
      assert.equal(tight.structuredContent?.truncated, true);
      assert.match(tightText, /truncated to budget_tokens=256/);
    } finally {
      await client.close();
      await removeSegment(dir);
    }
  },
});
