/**
 * The bounded stdio transport on real streams: what it answers itself (too
 * large, too deep, not JSON, not JSON-RPC) and that it keeps serving after.
 */
import assert from "node:assert/strict";
import {
  BoundedStdioTransport,
  INVALID_REQUEST,
  jsonDepth,
  PARSE_ERROR,
  peekId,
  type RejectedRequest,
  SERVER_BUSY,
} from "../../lib/mcp/stdio_transport.ts";

interface Run {
  replies: Record<string, unknown>[];
  messages: unknown[];
  rejected: RejectedRequest[];
  eof: boolean;
}

/** Feed `chunks` through a transport and collect what it did. */
async function feed(chunks: (string | Uint8Array)[], maxLineBytes = 1024): Promise<Run> {
  const enc = new TextEncoder();
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(typeof c === "string" ? enc.encode(c) : c);
      controller.close();
    },
  });
  let out = "";
  const run: Run = { replies: [], messages: [], rejected: [], eof: false };
  const transport = new BoundedStdioTransport({
    input,
    output: {
      write(p: Uint8Array) {
        out += new TextDecoder().decode(p);
        return Promise.resolve(p.length);
      },
    },
    maxLineBytes,
    maxDepth: 8,
    onRejected: (r) => run.rejected.push(r),
  });
  const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
  transport.onmessage = (m) => {
    run.messages.push(m);
    // Echo each request like a server would, to check order and liveness.
    if ("id" in m && "method" in m) transport.send({ jsonrpc: "2.0", id: m.id, result: {} });
  };
  await transport.start();
  await closed;
  await transport.send({ jsonrpc: "2.0", method: "notifications/done" });
  run.eof = transport.inputEnded;
  run.replies = out.trim().split("\n").map((l) => JSON.parse(l));
  return run;
}

const ping = (id: number) => JSON.stringify({ jsonrpc: "2.0", id, method: "ping" }) + "\n";

Deno.test("a line over the cap gets a -32600 reply with its id and the next request is served", async () => {
  const big = JSON.stringify({
    jsonrpc: "2.0",
    method: "tools/call",
    params: { name: "search", arguments: { query: "x".repeat(5000) } },
    id: 7,
  });
  // Streamed in small pieces, as a pipe delivers it.
  const pieces = [];
  for (let i = 0; i < big.length; i += 300) pieces.push(big.slice(i, i + 300));
  const run = await feed([...pieces, "\n", ping(8)]);
  const [reply, next] = run.replies;
  assert.ok(reply, "a reply to the big line");
  assert.equal(reply.id, 7);
  assert.equal((reply.error as { code: number }).code, INVALID_REQUEST);
  assert.match((reply.error as { message: string }).message, /too large/);
  assert.deepEqual(next, { jsonrpc: "2.0", id: 8, result: {} });
  assert.equal(run.rejected[0]?.reason, "too_large");
  assert.equal(run.rejected[0]?.bytes, big.length);
  assert.ok(run.eof, "input EOF ends the session, not the big line");
});

Deno.test("a line over the cap with no newline ever is dropped without holding it, and EOF still closes", async () => {
  const run = await feed([ping(1), "y".repeat(900), "y".repeat(900), "y".repeat(900)]);
  assert.deepEqual(run.replies[0], { jsonrpc: "2.0", id: 1, result: {} });
  assert.equal(run.messages.length, 1);
  assert.ok(run.eof);
});

Deno.test("nesting deeper than the bound gets -32600 before parsing; not JSON gets -32700", async () => {
  const deep = `{"jsonrpc":"2.0","id":3,"method":"x","params":{"a":${"[".repeat(50)}${
    "]".repeat(50)
  }}}\n`;
  const run = await feed([deep, "not json\n", "[1,2]\n", '{"id":4}\n', "\n", ping(5)]);
  const codes = run.replies.map((r) => [r.id, (r.error as { code?: number } | undefined)?.code]);
  assert.deepEqual(codes.slice(0, 5), [
    [3, INVALID_REQUEST],
    [null, PARSE_ERROR],
    [null, INVALID_REQUEST],
    [4, INVALID_REQUEST],
    [5, undefined],
  ]);
  assert.deepEqual(run.rejected.map((r) => r.reason), [
    "too_deep",
    "parse_error",
    "batch",
    "invalid_request",
  ]);
});

Deno.test("invalid UTF-8 in a request is a parse error, and a split multi-byte character is joined", async () => {
  const bad = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d, 0x0a]);
  const line = JSON.stringify({ jsonrpc: "2.0", id: 9, method: "ping", params: { q: "ñandú" } });
  const bytes = new TextEncoder().encode(line + "\n");
  const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "ñ"
  const run = await feed([bad, bytes.subarray(0, cut), bytes.subarray(cut)]);
  assert.equal((run.replies[0]?.error as { code: number }).code, PARSE_ERROR);
  assert.deepEqual(run.replies[1], { jsonrpc: "2.0", id: 9, result: {} });
});

Deno.test("peekId reads a top-level id from the head or the tail, never a nested one", () => {
  assert.equal(peekId('{"jsonrpc":"2.0","id":12,"method":"x","params":{', ""), 12);
  assert.equal(peekId('{"method":"x","params":{"q":"', '"},"jsonrpc":"2.0","id":"a-1"}'), "a-1");
  assert.equal(peekId('{"method":"x"', '"q":{"id":5}}}'), null);
  assert.equal(peekId("garbage", "garbage"), null);
});

Deno.test("jsonDepth skips brackets inside strings and stops past the limit", () => {
  assert.equal(jsonDepth('{"a":"[[[[{{{{","b":[1,[2]]}', 10), 3);
  assert.equal(jsonDepth('"\\"[[["', 10), 0);
  assert.equal(jsonDepth("[".repeat(1_000_000), 64), 65);
});

/** A transport over `lines` that holds every request (answers nothing), bound 2. */
async function holding(lines: string[]): Promise<{
  transport: BoundedStdioTransport;
  held: (string | number)[];
  out: () => Record<string, unknown>[];
}> {
  const enc = new TextEncoder();
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const l of lines) controller.enqueue(enc.encode(l));
      controller.close();
    },
  });
  let text = "";
  const transport = new BoundedStdioTransport({
    input,
    output: {
      write(p: Uint8Array) {
        text += new TextDecoder().decode(p);
        return Promise.resolve(p.length);
      },
    },
    maxInFlight: 2,
  });
  const held: (string | number)[] = [];
  transport.onmessage = (m) => {
    if ("id" in m && "method" in m) held.push(m.id);
  };
  const ended = new Promise<void>((resolve) => (transport.onInputEnd = resolve));
  await transport.start();
  await ended;
  return {
    transport,
    held,
    out: () => text.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)),
  };
}

const call = (id: number) =>
  JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "x" } }) + "\n";
const cancelOf = (id: number) =>
  JSON.stringify({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: id } }) +
  "\n";

Deno.test("a request reusing the id of one still in flight is refused -32600, not run and not counted", async () => {
  const { transport, held, out } = await holding([ping(1), ping(1), ping(1), ping(2)]);
  assert.equal(transport.inFlight, 2);
  await transport.close();
  assert.deepEqual(held, [1, 2]);
  const refused = out().filter((r) => (r.error as { code?: number })?.code === INVALID_REQUEST);
  assert.deepEqual(refused.map((r) => r.id), [1, 1]);
});

Deno.test("a cancelled tools/call keeps its in-flight slot until its handler ends (settled)", async () => {
  const { transport, held, out } = await holding([call(1), call(2), cancelOf(1), call(3)]);
  // Call 1 is cancelled but its handler still runs: call 3 is refused busy.
  assert.deepEqual(held, [1, 2]);
  assert.deepEqual(
    out().filter((r) => (r.error as { code?: number })?.code === SERVER_BUSY).map((r) => r.id),
    [3],
  );
  assert.equal(transport.inFlight, 2);
  transport.settled(1);
  assert.equal(transport.inFlight, 1, "the cancelled call's slot is freed when it ends");
  // Settling a call that was not cancelled changes nothing: its answer frees it.
  transport.settled(2);
  assert.equal(transport.inFlight, 1);
  await transport.send({ jsonrpc: "2.0", id: 2, result: {} });
  assert.equal(transport.inFlight, 0);
  await transport.close();
});

Deno.test("requests beyond the in-flight bound are refused as busy until answers go out", async () => {
  const { transport, held, out } = await holding([1, 2, 3, 4, 5].map(ping));
  assert.deepEqual(held, [1, 2], "only two are handed on while none is answered");
  for (const id of held) await transport.send({ jsonrpc: "2.0", id, result: {} });
  await transport.idle(1000);
  await transport.close();
  const replies = out();
  const busy = replies.filter((r) => (r.error as { code?: number })?.code === SERVER_BUSY);
  assert.deepEqual(busy.map((r) => r.id), [3, 4, 5]);
  assert.deepEqual(replies.filter((r) => r.result).map((r) => r.id), [1, 2]);
});

Deno.test("a cancelled request frees its in-flight slot (the protocol sends no answer to it)", async () => {
  const cancel = JSON.stringify({
    jsonrpc: "2.0",
    method: "notifications/cancelled",
    params: { requestId: 1 },
  }) + "\n";
  const { transport, held } = await holding([ping(1), ping(2), cancel, ping(3)]);
  await transport.close();
  assert.deepEqual(held, [1, 2, 3]);
});
