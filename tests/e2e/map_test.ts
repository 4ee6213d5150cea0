import assert from "node:assert/strict";
import { escapeTerminal } from "../../lib/escape.ts";
import { McpState, TOOLS } from "../../lib/mcp/mod.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { Telemetry } from "../../lib/telemetry/mod.ts";
import { estimateTokens } from "../../lib/text.ts";
import { removeSegment, runCli } from "./helpers.ts";

const OFF = { TRIFECTA_NO_TELEMETRY: "1" };

/** A project where `core/base.py` is used by every other module. */
async function project(): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-e2e-map-" }));
  await Deno.mkdir(`${dir}/core`);
  await Deno.writeTextFile(
    `${dir}/core/base.py`,
    "class BaseService:\n    def run_service(self):\n        pass\n\ndef make_service(name):\n    return BaseService()\n",
  );
  for (let i = 0; i < 14; i++) {
    await Deno.writeTextFile(
      `${dir}/core/svc${i}.py`,
      `from core.base import BaseService, make_service\n\nclass Service${i}(BaseService):\n` +
        `    def handle_${i}(self):\n        return make_service("s${i}").run_service()\n`,
    );
  }
  return dir;
}

Deno.test("e2e map: text grouped by file, most referenced first, within the budget", async () => {
  const dir = await project();
  try {
    const r = await runCli(["map", "-s", dir, "-b", "200"], { env: OFF });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n");
    assert.equal(lines[0], "core/base.py");
    assert.match(r.stdout, /^ {2}class BaseService {2}L1-3$/m);
    assert.match(r.stdout, /^ {2}def make_service\(name\) {2}L5-6$/m);
    assert.ok(estimateTokens(r.stdout) <= 200);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("e2e map --json: entries with uri and score, focus resolved, budget kept", async () => {
  const dir = await project();
  try {
    const r = await runCli(
      [
        "map",
        "-s",
        dir,
        "--focus",
        "core/svc3.py,nothing_here",
        "--budget-token-est",
        "120",
        "--json",
      ],
      { env: OFF },
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(Object.keys(out)[0], "status");
    assert.equal(out.status, "ok");
    assert.equal(out.budget_tokens, 120);
    assert.ok(out.token_est <= 120);
    assert.equal(out.token_est, estimateTokens(out.text));
    assert.deepEqual(out.focus, {
      files: ["core/svc3.py"],
      identifiers: [],
      unmatched: ["nothing_here"],
    });
    const first = out.entries[0];
    assert.equal(first.uri, `sym://python/type/core.base/${first.qualified_name}`);
    assert.equal(typeof first.score, "number");
    assert.ok(!out.entries.some((e: { path: string }) => e.path === "core/svc3.py"));
    assert.equal(out.truncated, true);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("e2e map with --persist-cache: the second run reads skeletons and tags from the cache", async () => {
  const dir = await project();
  try {
    const args = ["map", "-s", dir, "--persist-cache", "--json"];
    const first = await runCli(args, { env: OFF });
    assert.equal(first.code, 0, first.stderr);
    const second = await runCli(args, { env: OFF });
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(JSON.parse(second.stdout), JSON.parse(first.stdout), "deterministic");
    const stats = await runCli(["cache", "stats", "-s", dir, "--persist-cache", "--json"], {
      env: OFF,
    });
    const s = JSON.parse(stats.stdout);
    assert.ok(s.hits >= 30, `hits ${s.hits}`); // 15 skeletons + 15 tags on the second run
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("MCP map pages: each page within budget_tokens, every definition exactly once", async () => {
  const dir = await project();
  const state = McpState.open(await resolveSegment(dir), { telemetry: Telemetry.disabled() });
  try {
    const tool = TOOLS.find((t) => t.name === "map");
    assert.ok(tool);
    const call = async (args: Record<string, unknown>) => {
      const out = await tool.run(state, tool.input.parse(args));
      return { ...out.structured, text: escapeTerminal(out.text) } as Record<string, unknown> & {
        text: string;
      };
    };
    const whole = await call({ budget_tokens: 200_000 });
    const all = (whole.entries as { uri: string }[]).map((e) => e.uri);
    assert.equal(all.length, whole.total);
    assert.equal(whole.next_cursor, undefined);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const a = await call(
        cursor === undefined ? { budget_tokens: 128 } : { budget_tokens: 128, cursor },
      );
      assert.ok(estimateTokens(a.text) <= 128, `page ${page}: ${estimateTokens(a.text)}`);
      seen.push(...(a.entries as { uri: string }[]).map((e) => e.uri));
      cursor = typeof a.next_cursor === "string" ? a.next_cursor : undefined;
      if (cursor === undefined) break;
    }
    assert.deepEqual(seen, all);
  } finally {
    await state.close();
    await removeSegment(dir);
  }
});
