/**
 * End to end: the protocol behaviour of the real `trifecta mcp`, driven by
 * the MCP SDK's own `Client`. Bad input the SDK client cannot send
 * (malformed JSON, an oversized line) goes in raw through the same stdin,
 * and the same SDK session must keep working afterwards.
 */
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  CallToolResultSchema,
  type JSONRPCMessage,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";
import { CLI_FLAGS, MAIN_TS, removeSegment, tempExample } from "./helpers.ts";
import { MAX_REQUEST_BYTES } from "../../lib/mcp/stdio_transport.ts";
import { TOOLS } from "../../lib/mcp/mod.ts";

const encoder = new TextEncoder();

/**
 * A client transport over the real server process that can also write raw
 * lines: replies whose id starts with `raw-` (or is null) go to
 * {@linkcode RawStdio.raw}, everything else to the SDK client.
 */
class RawStdio implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** Replies to raw lines, in arrival order. */
  readonly raw: Record<string, unknown>[] = [];
  /** Every message id (or method) in arrival order, both kinds. */
  readonly arrivals: string[] = [];
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #rawWaiters: (() => void)[] = [];
  #done: Promise<void> = Promise.resolve();

  constructor(seg: string, env: Record<string, string> = {}) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...CLI_FLAGS, MAIN_TS, "mcp", "-s", seg],
      env: { NO_COLOR: "1", TRIFECTA_LSP: "0", ...env },
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
  }

  start(): Promise<void> {
    this.#done = this.#read();
    return Promise.resolve();
  }

  async #read(): Promise<void> {
    const lines = this.#child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(
      new LineSplit(),
    );
    for await (const line of lines) {
      if (line.trim() === "") continue;
      const msg = JSON.parse(line) as Record<string, unknown>;
      this.arrivals.push(String(msg.id ?? msg.method));
      if (msg.id === null || (typeof msg.id === "string" && msg.id.startsWith("raw-"))) {
        this.raw.push(msg);
        for (const w of this.#rawWaiters.splice(0)) w();
      } else this.onmessage?.(msg as JSONRPCMessage);
    }
    this.onclose?.();
  }

  /** Write bytes as they are (a raw line, the newline included by the caller). */
  async writeRaw(bytes: Uint8Array): Promise<void> {
    await this.#writer.write(bytes);
  }

  /** Resolves once `n` raw replies arrived. */
  async waitRaw(n: number): Promise<void> {
    while (this.raw.length < n) await new Promise<void>((r) => this.#rawWaiters.push(r));
  }

  async send(message: JSONRPCMessage): Promise<void> {
    await this.#writer.write(encoder.encode(JSON.stringify(message) + "\n"));
  }

  async close(): Promise<void> {
    try {
      await this.#writer.close();
    } catch (err) {
      // Already closed by an earlier close(): nothing more to end.
      if (!(err instanceof TypeError)) throw err;
    }
    await this.#done;
    await this.#child.status;
  }

  /** The server's exit status. */
  status(): Promise<Deno.CommandStatus> {
    return this.#child.status;
  }
}

/** Splits a text stream into lines. */
class LineSplit extends TransformStream<string, string> {
  constructor() {
    let held = "";
    super({
      transform(chunk, out) {
        held += chunk;
        const parts = held.split("\n");
        held = parts.pop() ?? "";
        for (const p of parts) out.enqueue(p);
      },
      flush(out) {
        if (held !== "") out.enqueue(held);
      },
    });
  }
}

interface CallResult {
  isError?: boolean;
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
}

async function rpcError(p: Promise<unknown>): Promise<McpError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof McpError) return err;
    throw err;
  }
  throw new Error("expected a JSON-RPC error");
}

/** A short message: one line, no zod dump. */
function assertShort(message: string): void {
  assert.ok(message.length < 400, message);
  assert.ok(!message.includes("\n"), message);
  assert.doesNotMatch(message, /"code":|invalid_type|ZodError/, message);
}

Deno.test({
  name: "mcp protocol: parse errors, oversized lines, invalid params, annotations, progress",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const seg = await tempExample();
    const transport = new RawStdio(seg);
    const client = new Client({ name: "trifecta-protocol", version: "1.0.0" });
    try {
      await client.connect(transport);

      await t.step(
        "an unparseable line gets -32700 with id null; the session goes on",
        async () => {
          await transport.writeRaw(encoder.encode('{"jsonrpc":"2.0","id":"raw-1",\n'));
          await transport.waitRaw(1);
          const reply = transport.raw[0] as { id: unknown; error: { code: number } };
          assert.equal(reply.id, null);
          assert.equal(reply.error.code, -32700);
          assert.equal((await client.listTools()).tools.length, TOOLS.length);
        },
      );

      await t.step(
        "a 10 MB line gets a JSON-RPC error naming the cap; the session goes on",
        async () => {
          const line = JSON.stringify({
            jsonrpc: "2.0",
            id: "raw-big",
            method: "tools/call",
            params: { name: "search", arguments: { query: "x".repeat(10 * 1024 * 1024) } },
          }) + "\n";
          await transport.writeRaw(encoder.encode(line));
          await transport.waitRaw(2);
          const reply = transport.raw[1] as {
            id: unknown;
            error: { code: number; message: string };
          };
          assert.equal(reply.id, "raw-big");
          assert.equal(reply.error.code, -32600);
          assert.match(reply.error.message, new RegExp(`at most ${MAX_REQUEST_BYTES} bytes`));
          const r = await client.callTool({ name: "skeleton", arguments: { path: "src" } });
          assert.equal(r.isError, undefined);
        },
      );

      await t.step("tools/call without a name is -32602 with a short message", async () => {
        const err = await rpcError(
          client.request(
            { method: "tools/call", params: { arguments: {} } } as never,
            CallToolResultSchema,
          ),
        );
        assert.equal(err.code, -32602);
        assert.match(err.message, /'name'/);
        assertShort(err.message);
      });

      await t.step("an unknown tool is -32602 naming it and the tools", async () => {
        const err = await rpcError(client.callTool({ name: "no_such_tool", arguments: {} }));
        assert.equal(err.code, -32602);
        assert.match(err.message, /unknown tool 'no_such_tool'.*skeleton/);
        assertShort(err.message);
      });

      await t.step("arguments that are not an object are -32602", async () => {
        const err = await rpcError(
          client.request(
            { method: "tools/call", params: { name: "skeleton", arguments: "src" } } as never,
            CallToolResultSchema,
          ),
        );
        assert.equal(err.code, -32602);
        assert.match(err.message, /'arguments' must be an object/);
      });

      await t.step(
        "a bad argument type is a USAGE_ERROR tool result naming the field",
        async () => {
          const r = (await client.callTool({
            name: "skeleton",
            arguments: { path: 7, budget_tokens: "many" },
          })) as CallResult;
          assert.equal(r.isError, true);
          assert.equal(r.structuredContent?.error_code, "USAGE_ERROR");
          const message = String(r.structuredContent?.message);
          assert.match(message, /path: Expected string, received number/);
          assert.match(message, /budget_tokens: Expected number, received string/);
          assertShort(message);
        },
      );

      await t.step("every tool is read-only, closed-world and idempotent", async () => {
        const { tools } = await client.listTools();
        for (const tool of tools) {
          if (tool.name === "pack_sync") continue; // WATCH's tool sets its own (it writes the pack).
          assert.equal(tool.annotations?.readOnlyHint, true, tool.name);
          assert.equal(tool.annotations?.openWorldHint, false, tool.name);
          assert.equal(tool.annotations?.idempotentHint, true, tool.name);
        }
        assert.ok(tools.some((x: { name: string }) => x.name === "search"));
      });

      await t.step(
        "a progressToken brings monotonic notifications/progress from skeleton",
        async () => {
          const seen: { progress: number; total?: number }[] = [];
          const r = await client.callTool(
            { name: "skeleton", arguments: { path: "." } },
            undefined,
            {
              onprogress: (p: { progress: number; total?: number }) =>
                seen.push({ progress: p.progress, total: p.total }),
            },
          );
          assert.equal(r.isError, undefined);
          assert.ok(seen.length >= 1, "at least one progress notification");
          for (let i = 1; i < seen.length; i++) {
            assert.ok(
              (seen[i]?.progress ?? 0) > (seen[i - 1]?.progress ?? 0),
              JSON.stringify(seen),
            );
          }
          const last = seen.at(-1);
          assert.equal(last?.progress, last?.total, "the last notification says done");
        },
      );

      await t.step("a cancelled call leaves the session serving", async () => {
        const aborter = new AbortController();
        const pending = client.callTool({ name: "skeleton", arguments: { path: "." } }, undefined, {
          signal: aborter.signal,
        });
        aborter.abort("test");
        await assert.rejects(pending);
        const r = await client.callTool({
          name: "symbol",
          arguments: { uri: "sym://python/type/src.inventory.models/Item" },
        });
        assert.equal(r.isError, undefined);
      });
    } finally {
      await client.close();
      await removeSegment(seg);
    }
    assert.equal((await transport.status()).code, 0);
  },
});

/** A tree big enough that its skeleton takes a while: `n` Python modules of 40 classes. */
async function bigTree(n: number): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-mcp-big-" });
  for (let i = 0; i < n; i++) {
    const pkg = `${dir}/pkg${i % 10}`;
    await Deno.mkdir(pkg, { recursive: true });
    let src = `"""module ${i}"""\nimport os\n\n`;
    for (let j = 0; j < 40; j++) {
      src += `class C${i}_${j}:\n    def m(self, a: int) -> int:\n        return a + ${j}\n\n`;
      src += `def f${i}_${j}(x):\n    return C${i}_${j}().m(x)\n\n`;
    }
    await Deno.writeTextFile(`${pkg}/mod${i}.py`, src);
  }
  return dir;
}

Deno.test({
  name: "mcp protocol: a symbol call is answered before a running skeleton of a big tree",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await bigTree(300);
    const transport = new RawStdio(seg, { TRIFECTA_NO_TELEMETRY: "1" });
    const client = new Client({ name: "trifecta-order", version: "1.0.0" });
    try {
      await client.connect(transport);
      let started: () => void = () => {};
      const running = new Promise<void>((r) => (started = r));
      const order: string[] = [];
      const skeleton = client.callTool({ name: "skeleton", arguments: { path: "." } }, undefined, {
        onprogress: () => started(),
        timeout: 600_000,
      }).then(() => order.push("skeleton"));
      // The skeleton is under way (it reported files done) before the cheap call goes out.
      await running;
      const sym = await client.callTool({
        name: "symbol",
        arguments: { uri: "sym://python/type/pkg0.mod0/C0_0" },
      });
      order.push("symbol");
      assert.equal(sym.isError, undefined, JSON.stringify(sym));
      await skeleton;
      assert.deepEqual(order, ["symbol", "skeleton"]);
    } finally {
      await client.close();
      await removeSegment(seg);
    }
  },
});
