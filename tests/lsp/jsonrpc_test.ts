import assert from "node:assert/strict";
import { encodeMessage, FrameDecoder } from "../../lib/lsp/framing.ts";
import {
  JsonRpcConnection,
  RpcClosedError,
  RpcResponseError,
  RpcTimeoutError,
} from "../../lib/lsp/jsonrpc.ts";

interface Peer {
  conn: JsonRpcConnection;
  /** Messages the client wrote, decoded. */
  sent: () => Promise<Record<string, unknown>>;
  /** Write a message to the client. */
  reply: (msg: unknown) => Promise<void>;
  /** End the client's input. */
  end: () => Promise<void>;
}

function peer(handlers: ConstructorParameters<typeof JsonRpcConnection>[1] = {}): Peer {
  const toClient = new TransformStream<Uint8Array, Uint8Array>();
  const fromClient = new TransformStream<Uint8Array, Uint8Array>();
  const conn = new JsonRpcConnection(
    { readable: toClient.readable, writable: fromClient.writable },
    handlers,
  );
  const reader = fromClient.readable.getReader();
  const writer = toClient.writable.getWriter();
  const decoder = new FrameDecoder();
  const queue: string[] = [];
  return {
    conn,
    sent: async () => {
      while (queue.length === 0) {
        const { value, done } = await reader.read();
        if (done) throw new Error("client closed");
        queue.push(...decoder.push(value));
      }
      return JSON.parse(queue.shift()!);
    },
    reply: (msg) => writer.write(encodeMessage(msg)),
    end: () => writer.close(),
  };
}

Deno.test("jsonrpc: answers are matched to requests by id, even out of order", async () => {
  const p = peer();
  const a = p.conn.request("a", {});
  const b = p.conn.request("b", {});
  const [ma, mb] = [await p.sent(), await p.sent()];
  assert.equal(ma.method, "a");
  assert.notEqual(ma.id, mb.id);
  await p.reply({ jsonrpc: "2.0", id: mb.id, result: "B" });
  await p.reply({ jsonrpc: "2.0", id: ma.id, result: "A" });
  assert.deepEqual(await Promise.all([a, b]), ["A", "B"]);
  await p.end();
  await p.conn.closed;
});

Deno.test("jsonrpc: an error answer rejects with its code", async () => {
  const p = peer();
  const r = p.conn.request("x", null);
  const m = await p.sent();
  await p.reply({ jsonrpc: "2.0", id: m.id, error: { code: -32601, message: "nope" } });
  await assert.rejects(r, (e) => e instanceof RpcResponseError && e.code === -32601);
  await p.end();
});

Deno.test("jsonrpc: requests from the server are answered by the handler", async () => {
  const p = peer({
    onRequest: (method, params) =>
      method === "workspace/configuration"
        ? (params as { items: unknown[] }).items.map(() => null)
        : null,
  });
  await p.reply({
    jsonrpc: "2.0",
    id: 7,
    method: "workspace/configuration",
    params: { items: [{}, {}] },
  });
  const answer = await p.sent();
  assert.deepEqual(answer, { jsonrpc: "2.0", id: 7, result: [null, null] });
  await p.end();
});

Deno.test("jsonrpc: without a handler, server requests get MethodNotFound", async () => {
  const p = peer();
  await p.reply({ jsonrpc: "2.0", id: "r1", method: "window/showDocument", params: {} });
  const answer = await p.sent();
  assert.equal(answer.id, "r1");
  assert.equal((answer.error as { code: number }).code, -32601);
  await p.end();
});

Deno.test("jsonrpc: a timed-out request rejects and sends $/cancelRequest for its id", async () => {
  const p = peer();
  const r = p.conn.request("slow", {}, { timeoutMs: 50 });
  const m = await p.sent();
  await assert.rejects(r, RpcTimeoutError);
  const cancel = await p.sent();
  assert.equal(cancel.method, "$/cancelRequest");
  assert.deepEqual(cancel.params, { id: m.id });
  // A late answer is dropped without harm.
  await p.reply({ jsonrpc: "2.0", id: m.id, result: 1 });
  assert.equal(p.conn.pendingCount, 0);
  await p.end();
});

Deno.test("jsonrpc: aborting a request cancels it", async () => {
  const p = peer();
  const ac = new AbortController();
  const r = p.conn.request("long", {}, { signal: ac.signal });
  const m = await p.sent();
  ac.abort();
  await assert.rejects(r, RpcClosedError);
  const cancel = await p.sent();
  assert.deepEqual(cancel.params, { id: m.id });
  await p.end();
});

Deno.test("jsonrpc: the stream ending rejects pending requests and reports the close", async () => {
  let closedWith = "";
  const p = peer({ onClose: (reason) => (closedWith = reason) });
  const r = p.conn.request("never", {});
  await p.sent();
  await p.end();
  await assert.rejects(r, RpcClosedError);
  await p.conn.closed;
  assert.equal(closedWith, "stream ended");
  assert.equal(p.conn.isClosed, true);
  await assert.rejects(p.conn.request("after", {}), RpcClosedError);
});

Deno.test("jsonrpc: notifications from the server reach the handler", async () => {
  const got: string[] = [];
  const p = peer({ onNotification: (method) => got.push(method) });
  await p.reply({ jsonrpc: "2.0", method: "window/logMessage", params: { message: "hi" } });
  await p.end();
  await p.conn.closed;
  assert.deepEqual(got, ["window/logMessage"]);
});
