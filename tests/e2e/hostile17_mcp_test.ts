/**
 * Attacker's review of issue 17, MCP side: the session's `search` and `get`
 * now read the pack's rows through the same row source as `ctx search`
 * (lib/context/search_source.ts), and the per-process pack cache is keyed
 * by the deny globs. A `deny` glob the user adds to `trifecta.jsonc` while a
 * session runs (the session was started before; no watcher, so nothing but
 * the call itself can notice) must keep the file's chunks out of every
 * answer. Official SDK client, real server under the narrow flags.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { MAIN_TS, narrowFlags, removeSegment, REPO_ROOT, runCli } from "./helpers.ts";

const HIDDEN = "charlie_hidden_marker";

interface Answer {
  isError?: boolean;
  content?: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}

Deno.test({
  name:
    "red17 MCP: a deny glob added to trifecta.jsonc during a session keeps the file's chunks out of search and get",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-red17-mcp-" }));
    try {
      await Deno.writeTextFile(join(seg, "app.py"), 'def serve():\n    return "alpha"\n');
      await Deno.writeTextFile(
        join(seg, "secret_store.py"),
        `def keep():\n    return "${HIDDEN}"\n`,
      );
      const built = await runCli(["ctx", "build", "-s", seg]);
      assert.equal(built.code, 0, built.stderr);
      const args = ["mcp", "-s", seg, "--no-watch", "--telemetry", "off"];
      const transport = new StdioClientTransport({
        command: Deno.execPath(),
        args: ["run", ...narrowFlags(args, REPO_ROOT, {}), MAIN_TS, ...args],
        env: { ...Deno.env.toObject(), NO_COLOR: "1", TRIFECTA_LSP: "0" },
        stderr: "pipe",
      });
      const client = new Client({ name: "trifecta-red17", version: "1.0.0" });
      const call = async (name: string, a: Record<string, unknown>): Promise<string> =>
        JSON.stringify(await client.callTool({ name, arguments: a }) as Answer);
      try {
        await client.connect(transport);
        const before = await call("search", { query: HIDDEN });
        assert.match(before, /secret_store\.py/, "served before the glob");
        const id = /code:secret_store\.py:[0-9a-f]+/.exec(before)?.[0] ?? "";
        assert.notEqual(id, "");
        await Deno.writeTextFile(join(seg, "trifecta.jsonc"), '{ "deny": ["secret_*.py"] }\n');
        const after = await call("search", { query: HIDDEN });
        const got = await call("get", { ids: [id] });
        // The chunk's code (`def keep`) in neither answer; the path not in search's.
        assert.doesNotMatch(after, /def keep|secret_store/, `search: ${after}`);
        assert.doesNotMatch(got, /def keep/, `get: ${got}`);
      } finally {
        await client.close();
      }
    } finally {
      await removeSegment(seg);
    }
  },
});
