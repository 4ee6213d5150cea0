/**
 * Red team 20, MCP stdin: the real `trifecta mcp` under the documented narrow
 * flags, driven by raw lines (no SDK client, so any bytes can be sent). Every
 * hostile line gets its JSON-RPC error with the documented code, memory stays
 * bounded, and the session keeps serving; the in-flight bound
 * (`MAX_IN_FLIGHT`, docs/mcp.md "Bounds") holds whatever the ids.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MAIN_TS, narrowFlags, removeSegment, REPO_ROOT } from "./helpers.ts";

interface Reply {
  id?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
  method?: string;
}

/** A raw `trifecta mcp` process: write bytes, read reply lines. */
class RawMcp {
  readonly child: Deno.ChildProcess;
  readonly replies: Reply[] = [];
  stderr = "";
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #reading: Promise<void>;
  #waiters: (() => void)[] = [];

  constructor(seg: string, env: Record<string, string> = {}) {
    const args = ["mcp", "-s", seg, "--no-watch"];
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...narrowFlags(args), MAIN_TS, ...args],
      cwd: REPO_ROOT,
      env: { NO_COLOR: "1", TRIFECTA_LSP: "0", ...env },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#writer = this.child.stdin.getWriter();
    this.#reading = Promise.all([this.#readOut(), this.#readErr()]).then(() => {});
  }

  async #readOut(): Promise<void> {
    let buf = "";
    for await (const chunk of this.child.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      for (let nl = buf.indexOf("\n"); nl !== -1; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim() !== "") this.replies.push(JSON.parse(line) as Reply);
      }
      for (const w of this.#waiters.splice(0)) w();
    }
    for (const w of this.#waiters.splice(0)) w();
  }

  async #readErr(): Promise<void> {
    for await (const chunk of this.child.stderr.pipeThrough(new TextDecoderStream())) {
      this.stderr += chunk;
    }
  }

  async write(data: string | Uint8Array): Promise<void> {
    await this.#writer.write(typeof data === "string" ? new TextEncoder().encode(data) : data);
  }

  /** Wait until a reply with `id` is in (or the process ended). */
  async replyTo(id: unknown): Promise<Reply | undefined> {
    for (;;) {
      const found = this.replies.find((r) => r.id === id && r.method === undefined);
      if (found) return found;
      const more = new Promise<void>((resolve) => this.#waiters.push(resolve));
      const ended = this.child.status.then(() => undefined);
      const which = await Promise.race([more.then(() => "more"), ended.then(() => "ended")]);
      if (which === "ended") {
        await this.#reading;
        return this.replies.find((r) => r.id === id && r.method === undefined);
      }
    }
  }

  /** Peak resident memory of the server so far, in KiB (Linux /proc, read by `cat`: Deno asks -A for /proc). */
  async peakKib(): Promise<number> {
    const out = await new Deno.Command("cat", { args: [`/proc/${this.child.pid}/status`] })
      .output();
    const status = new TextDecoder().decode(out.stdout);
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  }

  async close(): Promise<Deno.CommandStatus> {
    await this.#writer.close();
    const status = await this.child.status;
    await this.#reading;
    return status;
  }

  async initialize(): Promise<void> {
    await this.write(line({
      jsonrpc: "2.0",
      id: "init",
      method: "initialize",
      params: {
        protocolVersion: "2025-11-25",
        capabilities: {},
        clientInfo: { name: "red20", version: "1" },
      },
    }));
    const init = await this.replyTo("init");
    assert.ok(init?.result, `initialize answered: ${this.stderr.slice(-1000)}`);
    await this.write(line({ jsonrpc: "2.0", method: "notifications/initialized" }));
  }
}

function line(value: unknown): string {
  return JSON.stringify(value) + "\n";
}

async function segment(): Promise<string> {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-red20-mcp-" });
  await Deno.writeTextFile(join(seg, "a.py"), "def alpha():\n    return 1\n");
  return seg;
}

const FLOOD = 600;

/** `FLOOD` skeleton calls in one write; their ids from `idOf`. */
function flood(idOf: (i: number) => number): string {
  let out = "";
  for (let i = 0; i < FLOOD; i++) {
    out += line({
      jsonrpc: "2.0",
      id: idOf(i),
      method: "tools/call",
      params: { name: "skeleton", arguments: { path: "." } },
    });
  }
  return out;
}

// Found by red team 20 (fixed: a repeated in-flight id is refused with -32600).
const SAME_ID_WHY =
  "(was) lib/mcp/stdio_transport.ts #line counted in-flight requests in a Set of " +
  "ids (#inFlight.add(msg.id)): requests reusing an id that is still in flight take no new slot, " +
  "and the first answer for that id (#answered) frees it while the others still run, so a flood " +
  "with one id is never answered busy: every call runs";

Deno.test({
  name:
    "hostile20 mcp: 600 calls sharing one id are held to the in-flight bound like 600 calls with distinct ids (busy replies, not 600 runs)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const seg = await segment();
    try {
      const busyOf = async (idOf: (i: number) => number) => {
        const mcp = new RawMcp(seg);
        await mcp.initialize();
        await mcp.write(flood(idOf));
        const status = await mcp.close();
        assert.equal(status.code, 0, mcp.stderr.slice(-2000));
        // Refused: busy (-32000), or the id still in flight (-32600).
        const busy = mcp.replies.filter((r) => r.error?.code === -32000 || r.error?.code === -32600)
          .length;
        const ran = mcp.replies.filter((r) => r.result !== undefined && r.id !== "init").length;
        return { busy, ran };
      };
      const distinct = await busyOf((i) => 1000 + i);
      // The control: one write of 600 calls reaches the bound (256) with distinct ids.
      assert.ok(distinct.busy > 0, `distinct ids: ${JSON.stringify(distinct)}`);
      const same = await busyOf(() => 7);
      assert.ok(
        same.busy >= distinct.busy && same.ran <= distinct.ran,
        `one id: ${JSON.stringify(same)} vs distinct ids: ${
          JSON.stringify(distinct)
        }: ${SAME_ID_WHY}`,
      );
    } finally {
      await removeSegment(seg);
    }
  },
});

// Found by red team 20 (fixed: a cancelled tools/call keeps its slot until its handler ends).
const CANCEL_WHY = "(was) lib/mcp/stdio_transport.ts #line freed a request's in-flight slot when " +
  "notifications/cancelled names it (#answered), but the call goes on: find_symbol never checks " +
  "call.signal, skeleton only after its parse; so a flood of call+cancel pairs is never answered " +
  "busy and every call runs";

Deno.test({
  name:
    "hostile20 mcp: 600 find_symbol calls each cancelled right after it is sent do not all run (a cancelled call that still runs keeps its in-flight slot)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const seg = await segment();
    try {
      const mcp = new RawMcp(seg, { TRIFECTA_TELEMETRY: "full" });
      await mcp.initialize();
      let pairs = "";
      for (let i = 0; i < FLOOD; i++) {
        pairs += line({
          jsonrpc: "2.0",
          id: i,
          method: "tools/call",
          params: { name: "find_symbol", arguments: { pattern: "alpha" } },
        });
        pairs += line({
          jsonrpc: "2.0",
          method: "notifications/cancelled",
          params: { requestId: i },
        });
      }
      await mcp.write(pairs);
      // One call not cancelled, after them all: once it is answered, those before it had their turn.
      await mcp.write(line({
        jsonrpc: "2.0",
        id: "last",
        method: "tools/call",
        params: { name: "find_symbol", arguments: { pattern: "alpha" } },
      }));
      // (Answered busy once the bound holds them: then the others are still held too.)
      assert.ok(await mcp.replyTo("last"), mcp.stderr.slice(-2000));
      const status = await mcp.close();
      assert.equal(status.code, 0, mcp.stderr.slice(-2000));
      const events = await Deno.readTextFile(join(seg, "_ctx", "telemetry", "events.jsonl"));
      const ran = events.split("\n").filter((l) =>
        l.includes('"cmd":"mcp.find_symbol"') && l.includes('"status":"ok"')
      ).length;
      const busy = mcp.replies.filter((r) =>
        r.error?.code === -32000
      ).length;
      assert.ok(
        ran <= 256 + 1,
        `${ran} cancelled calls ran to the end, ${busy} busy: ${CANCEL_WHY}`,
      );
    } finally {
      await removeSegment(seg);
    }
  },
});

const MIB = 1024 * 1024;

/** A ping line of `mib` MiB with its id first, written 1 MiB at a time. */
async function bigLine(mcp: RawMcp, id: string, mib: number): Promise<void> {
  await mcp.write(`{"jsonrpc":"2.0","id":"${id}","method":"ping","params":{"x":"`);
  const chunk = new TextEncoder().encode("x".repeat(MIB));
  for (let i = 0; i < mib; i++) await mcp.write(chunk);
  await mcp.write('"}}\n');
}

Deno.test({
  name:
    "hostile20 mcp: invalid UTF-8, a 50 MB and a 150 MB line, 100,000 nested [, a batch, object and array ids and 10,000 notifications each get their error code, memory stays bounded, and ping is still answered",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const seg = await segment();
    const mcp = new RawMcp(seg);
    try {
      await mcp.initialize();
      await mcp.write(line({ jsonrpc: "2.0", id: "p0", method: "ping" }));
      assert.ok((await mcp.replyTo("p0"))?.result, "ping before");
      const before = await mcp.peakKib();

      // Invalid UTF-8 (an overlong encoding and a lone continuation byte) in a request.
      const head = new TextEncoder().encode('{"jsonrpc":"2.0","id":"u8","method":"ping","x":"');
      await mcp.write(new Uint8Array([...head, 0xc0, 0xaf, 0x80, 0x22, 0x7d, 0x0a]));
      // A 50 MB line, then a 150 MB one, their ids first, streamed in 1 MiB writes.
      await bigLine(mcp, "big", 50);
      assert.equal((await mcp.replyTo("big"))?.error?.code, -32600, "50 MB: too large, its id");
      const afterFirst = await mcp.peakKib();
      await bigLine(mcp, "bigger", 150);
      assert.equal((await mcp.replyTo("bigger"))?.error?.code, -32600, "150 MB: the same");
      const afterSecond = await mcp.peakKib();
      // 100,000 nested arrays in params; a batch; ids that are an object and an array.
      await mcp.write(
        '{"jsonrpc":"2.0","id":"deep","method":"ping","params":{"a":' + "[".repeat(100_000) +
          "]".repeat(100_000) + "}}\n",
      );
      await mcp.write(line([{ jsonrpc: "2.0", id: "b1", method: "ping" }]));
      await mcp.write(line({ jsonrpc: "2.0", id: { a: 1 }, method: "ping" }));
      await mcp.write(line({ jsonrpc: "2.0", id: [1, 2], method: "ping" }));
      // 10,000 notifications: unknown ones and cancellations of requests that never were.
      let notes = "";
      for (let i = 0; i < 5_000; i++) {
        notes += line({ jsonrpc: "2.0", method: "notifications/red20", params: { i } });
        notes += line({
          jsonrpc: "2.0",
          method: "notifications/cancelled",
          params: { requestId: `never-${i}` },
        });
      }
      await mcp.write(notes);
      await mcp.write(line({ jsonrpc: "2.0", id: "p1", method: "ping" }));
      assert.ok((await mcp.replyTo("p1"))?.result, `ping after: ${mcp.stderr.slice(-2000)}`);

      const codeOf = (id: unknown) => mcp.replies.find((r) => r.id === id)?.error?.code;
      assert.equal(codeOf("deep"), -32600, "100,000 nested [: too deep, with its id");
      const nullIds = mcp.replies.filter((r) => r.id === null).map((r) => r.error?.code);
      // Invalid UTF-8 (-32700), the batch and the two ids of no JSON-RPC type (-32600).
      assert.deepEqual(nullIds.sort(), [-32700, -32600, -32600, -32600].sort(), String(nullIds));
      assert.ok(!mcp.replies.some((r) => r.id === "b1"), "a batch's member is not run");
      // Notifications get no reply at all.
      const extra = mcp.replies.filter((r) =>
        !["init", "p0", "p1", "big", "bigger", "deep", null].includes(
          r.id as string,
        )
      );
      assert.deepEqual(extra, [], "no reply to a notification");
      // Lines over the cap are never held: 150 MB more input moves the peak by well under
      // its size (what it does move is garbage the collector has not reclaimed yet).
      const grew = { first: afterFirst - before, second: afterSecond - afterFirst };
      assert.ok(grew.second < 100 * 1024, `peak RSS (KiB) from ${before}: ${JSON.stringify(grew)}`);
    } finally {
      const status = await mcp.close();
      assert.equal(status.code, 0, mcp.stderr.slice(-2000));
      await removeSegment(seg);
    }
  },
});
