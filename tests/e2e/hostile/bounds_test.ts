/**
 * Bounds (issue 12, class 9): a language server announcing
 * `Content-Length: 99999999999` and streaming is declared broken at once (a
 * named fallback, not a wait for the request timeout), and an MCP request
 * line of 10 MB gets a JSON-RPC error while the server stays up. Memory is
 * not measured here: a bounded reader ends in bounded time, an unbounded one
 * buffers the stream until the request times out.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  assertNoCrash,
  Checks,
  disposeWorld,
  FIXTURE_DIR,
  jsonOf,
  makeWorld,
  McpSession,
  type Mode,
  type RpcMessage,
  shown,
  trifecta,
} from "./helpers.ts";

const POSITION = "src/inventory/service.py:11:25";

function floodEnv(mode: "request" | "init"): Record<string, string> {
  return {
    TRIFECTA_LSP: "1",
    TRIFECTA_LSP_DAEMON: "0",
    TRIFECTA_LSP_COMMAND: JSON.stringify([
      Deno.execPath(),
      "run",
      "--no-config",
      join(FIXTURE_DIR, "flood_server.ts"),
      mode,
    ]),
    // Long enough that a reader waiting for the body is caught waiting.
    TRIFECTA_LSP_READY_TIMEOUT: "40",
    TRIFECTA_LSP_REQUEST_TIMEOUT: "40",
  };
}

/**
 * Reasons that mean "waited for the stream" rather than "refused the frame",
 * or that the flooding server never ran.
 */
const WAITED = ["lsp_request_timeout", "lsp_not_ready", "lsp_binary_not_found", "lsp_disabled"];

const FLOODS: [Mode, "request" | "init"][] = [
  ["A", "request"],
  ["narrow", "request"],
  ["narrow", "init"],
  ["bundle", "request"],
];

for (const [mode, when] of FLOODS) {
  Deno.test(`flooding server [${mode}, flood on ${when}]: an oversized frame ends the exchange with a named fallback, not a timeout`, async () => {
    const w = await makeWorld();
    const c = new Checks();
    try {
      // Discovery stats a configured server binary, which the narrow flags
      // (read: the segment) do not cover: grant it, or the flood never runs.
      const extraFlags = mode === "A" ? [] : [`--allow-read=${Deno.execPath()},${FIXTURE_DIR}`];
      const r = await trifecta(w, ["lsp", "hover", POSITION, "--json"], {
        mode,
        env: floodEnv(when),
        timeoutMs: 120_000,
        extraFlags,
      });
      c.check(() => {
        assertNoCrash(r);
        assert.equal(r.code, 0, shown(r));
        const j = jsonOf(r);
        assert.equal(j.capability_state, "DEGRADED", shown(r));
        assert.equal(typeof j.fallback_reason, "string", shown(r));
        assert.ok(
          !WAITED.includes(String(j.fallback_reason)),
          `the client waited out the flood: ${shown(r)}`,
        );
      });
      c.done();
    } finally {
      await disposeWorld(w);
    }
  });
}

Deno.test({
  name: "flooding server [mcp]: hover degrades with a named reason and the server keeps answering",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const w = await makeWorld();
    const c = new Checks();
    let s: McpSession | undefined;
    try {
      s = await McpSession.start(w, { env: floodEnv("request") });
      const a = await s.call("hover", { file: "src/inventory/service.py", line: 11, column: 25 });
      c.check(() => {
        assert.ok(!a.text.includes("INTERNAL_ERROR"), a.text.slice(0, 400));
        assert.equal(a.structured.capability_state, "DEGRADED", a.text.slice(0, 400));
        assert.ok(
          !WAITED.includes(String(a.structured.fallback_reason)),
          `waited out the flood: ${a.text.slice(0, 400)}`,
        );
      });
      const alive = await s.call("skeleton", { path: "src/inventory/models.py" });
      c.check(() => assert.ok(!alive.isError, "the server still answers"));
      c.done();
    } finally {
      await s?.close();
      await disposeWorld(w);
    }
  },
});

function isAnswerTo(id: number): (m: RpcMessage) => boolean {
  return (m) => m.id === id || (m.id === null && m.error !== undefined);
}

for (const program of ["source", "bundle"] as const) {
  Deno.test({
    name:
      `mcp [${program}]: a 10 MB request line gets a JSON-RPC error, a malformed line does not end the session`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const w = await makeWorld();
      const c = new Checks();
      let s: McpSession | undefined;
      try {
        s = await McpSession.start(w, { program });
        const big = JSON.stringify({
          jsonrpc: "2.0",
          id: 77,
          method: "tools/call",
          params: { name: "search", arguments: { query: "A".repeat(10 * 1024 * 1024) } },
        });
        const sent = await s.sendRaw(new TextEncoder().encode(big + "\n"));
        c.check(() => assert.ok(sent || !s!.exited, "the server closed its stdin on a large line"));
        const reply = await c.checkAsync(async () => {
          try {
            return await s!.waitFor(isAnswerTo(77), 60_000);
          } catch (err) {
            throw new assert.AssertionError({
              message: `no reply to the 10 MB line: ${(err as Error).message}`,
            });
          }
        });
        c.check(() => {
          assert.ok(reply, "a reply");
          assert.ok(reply.error, `a JSON-RPC error, got ${JSON.stringify(reply).slice(0, 300)}`);
        });
        // Malformed lines: not JSON, JSON but not JSON-RPC.
        await s.sendRaw(new TextEncoder().encode('{not json\n[1,2,3]\n"x"\n'));
        const list = await c.checkAsync(async () => {
          try {
            return await s!.request("tools/list", {}, 30_000);
          } catch (err) {
            throw new assert.AssertionError({
              message: `the server is gone: ${(err as Error).message}`,
            });
          }
        });
        c.check(() =>
          assert.ok(list?.result, `tools/list after bad lines: ${JSON.stringify(list)}`)
        );
        c.check(() => assert.ok(!s!.stderr.includes("INTERNAL_ERROR"), s!.stderr.slice(-600)));
        c.done();
      } finally {
        await s?.close();
        await disposeWorld(w);
      }
    },
  });
}
