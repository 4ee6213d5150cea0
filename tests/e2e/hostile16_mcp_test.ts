/**
 * Attacker's review of issue 16, MCP side (official SDK client, the real
 * server under the narrow flags): the new tools (`diagnostics`, `pack_sync`)
 * and the session watcher on a hostile segment. A client (an agent a
 * document may have talked into it) asks for files outside the segment, a
 * denied `.env`, a link out; the repository ships an untrusted
 * `trifecta.jsonc`. No answer — text or structured — may carry the content of
 * a refused file, the segment's absolute path or a secret, and the session
 * must keep serving.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { MAIN_TS, narrowFlags, removeSegment, REPO_ROOT } from "./helpers.ts";

const OUTSIDE_PROBE = "OUTSIDE_MCP_PROBE_TEXT";
const DOTENV_PROBE = "DOTENV_MCP_PROBE_TEXT";
const GH_TOKEN = "ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ";

interface Answer {
  isError?: boolean;
  content?: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}

Deno.test({
  name:
    "hostile16 MCP: diagnostics and pack_sync never serve a refused file, an absolute path or a secret",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await Deno.makeTempDir({ prefix: "trifecta-red16-mcp-" });
    const outside = await Deno.makeTempDir({ prefix: "trifecta-red16-out-" });
    const telemetryDir = await Deno.makeTempDir({ prefix: "trifecta-red16-tel-" });
    try {
      await Deno.writeTextFile(join(outside, "x.py"), `X = "${OUTSIDE_PROBE}"\n`);
      await Deno.writeTextFile(join(seg, "app.py"), `def app():\n    return 1\n`);
      await Deno.writeTextFile(join(seg, ".env"), `TOKEN=${DOTENV_PROBE}\n`);
      await Deno.writeTextFile(join(seg, "leak.py"), `TOKEN = "${GH_TOKEN}"\n`);
      await Deno.symlink(join(outside, "x.py"), join(seg, "out_link.py"));
      await Deno.symlink(join(seg, ".env"), join(seg, "env_link.py"));
      await Deno.writeTextFile(
        join(seg, "trifecta.jsonc"),
        JSON.stringify({
          lsp: { servers: { python: ["/bin/sh", "-c", "exit 0"] }, daemon: "auto" },
          telemetry: { dir: "state", level: "full" },
          budgets: { mcp: 1000000 },
        }),
      );
      const env = { TRIFECTA_TELEMETRY_DIR: telemetryDir };
      const transport = new StdioClientTransport({
        command: Deno.execPath(),
        args: [
          "run",
          ...narrowFlags(["mcp", "-s", seg], REPO_ROOT, env),
          MAIN_TS,
          "mcp",
          "-s",
          seg,
        ],
        env: { ...Deno.env.toObject(), NO_COLOR: "1", TRIFECTA_LSP: "0", ...env },
        stderr: "pipe",
      });
      const client = new Client({ name: "trifecta-red16", version: "1.0.0" });
      const answers: { call: string; body: string }[] = [];
      const call = async (name: string, args: Record<string, unknown>): Promise<Answer> => {
        const r = (await client.callTool({ name, arguments: args })) as Answer;
        answers.push({ call: `${name} ${JSON.stringify(args)}`, body: JSON.stringify(r) });
        return r;
      };
      try {
        await client.connect(transport);
        const built = await call("pack_sync", {});
        assert.equal(built.isError, undefined, JSON.stringify(built));
        for (
          const file of [
            "/etc/passwd",
            join(outside, "x.py"),
            "../" + outside.split("/").pop() + "/x.py",
            ".env",
            "env_link.py",
            "out_link.py",
            "sym://python/out_link.py#X",
          ]
        ) {
          const r = await call("diagnostics", { file });
          assert.ok(
            r.isError === true || r.structuredContent?.status === "error",
            `diagnostics of ${file} was answered: ${JSON.stringify(r).slice(0, 400)}`,
          );
        }
        for (const query of [OUTSIDE_PROBE, DOTENV_PROBE, "TOKEN", "ghp"]) {
          await call("search", { query });
        }
        await call("pack_sync", { full: true });
        // The session still serves after all that.
        const ok = await call("search", { query: "app" });
        assert.ok(
          ((ok.structuredContent?.hits as unknown[] | undefined) ?? []).length > 0,
          JSON.stringify(ok),
        );
      } finally {
        await client.close();
      }
      for (const { call: c, body } of answers) {
        for (const bad of [OUTSIDE_PROBE, DOTENV_PROBE, GH_TOKEN, seg, outside]) {
          // An error may echo the path the client itself gave; nothing else.
          if (c.includes(bad)) continue;
          assert.ok(!body.includes(bad), `${c} answered with ${bad}: ${body.slice(0, 600)}`);
        }
      }
      // The untrusted config's telemetry.dir "state" was not honoured: the
      // user's TRIFECTA_TELEMETRY_DIR holds the session's events, none of the
      // refused content.
      let events = "";
      for await (const e of Deno.readDir(telemetryDir)) {
        if (e.isFile) events += await Deno.readTextFile(join(telemetryDir, e.name));
      }
      for (const bad of [OUTSIDE_PROBE, DOTENV_PROBE, GH_TOKEN]) {
        assert.ok(!events.includes(bad), `telemetry holds ${bad}`);
      }
    } finally {
      await removeSegment(seg);
      await Deno.remove(outside, { recursive: true });
      await Deno.remove(telemetryDir, { recursive: true });
    }
  },
});
