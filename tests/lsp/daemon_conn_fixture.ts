/**
 * Runs one scenario of the daemon's connection handling
 * (lib/lsp/daemon_conn.ts) on a real Unix socket, both sides in this
 * process, with a small host in place of the daemon, and prints what the
 * client saw as JSON. A separate process because the test suite runs
 * without net permission. Usage:
 * `daemon_conn_fixture.ts <socket> busy|heartbeat|malformed`.
 *
 * @module
 */
import { HEARTBEAT_MS } from "../../lib/lsp/daemon_client.ts";
import { DaemonConnections } from "../../lib/lsp/daemon_conn.ts";
import {
  type DaemonRequest,
  type DaemonResponse,
  MAX_CONNECTIONS,
} from "../../lib/lsp/daemon_protocol.ts";

const [path, scenario] = Deno.args;
if (path === undefined) throw new Error("usage: daemon_conn_fixture.ts <socket> <scenario>");

type Line = Record<string, unknown>;

/** Lines from a client connection. */
class Lines {
  #conn: Deno.Conn;
  #rest = "";
  #dec = new TextDecoder();

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  async next(): Promise<Line | null> {
    const buf = new Uint8Array(4096);
    for (;;) {
      const nl = this.#rest.indexOf("\n");
      if (nl >= 0) {
        const line = this.#rest.slice(0, nl);
        this.#rest = this.#rest.slice(nl + 1);
        return JSON.parse(line) as Line;
      }
      const n = await this.#conn.read(buf);
      if (n === null) return null;
      this.#rest += this.#dec.decode(buf.subarray(0, n));
    }
  }
}

async function send(conn: Deno.Conn, line: string): Promise<void> {
  const bytes = new TextEncoder().encode(line + "\n");
  for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
}

function connect(): Promise<Deno.Conn> {
  return Deno.connect({ transport: "unix", path: path! });
}

// A query is answered only after a `status` request arrived (on any
// connection): the client sends it once it has seen a heartbeat.
let release!: () => void;
const released = new Promise<void>((r) => (release = r));
async function dispatch(req: DaemonRequest): Promise<DaemonResponse> {
  if (req.method === "query") await released;
  if (req.method === "status") release();
  return { id: req.id ?? null, ok: true, result: { method: req.method } };
}

async function busy(): Promise<Line> {
  const held: Deno.Conn[] = [];
  for (let i = 0; i < MAX_CONNECTIONS; i++) {
    const conn = await connect();
    // An answer shows the server counted this connection before the next opens.
    await send(conn, '{"id":1,"method":"status"}');
    await new Lines(conn).next();
    held.push(conn);
  }
  // The one over the cap asks too: served by mistake, it would answer `status`.
  const overConn = await connect();
  try {
    await send(overConn, '{"id":3,"method":"status"}');
  } catch (err) {
    // Already closed after its BUSY line: what it wrote is lost, the line is not.
    if (!(err instanceof Deno.errors.BrokenPipe || err instanceof Deno.errors.ConnectionReset)) {
      throw err;
    }
  }
  const over = await new Lines(overConn).next();
  overConn.close();
  held.pop()?.close();
  // The closed connection stops counting once its end is read: try until served.
  let after: Line | null = null;
  for (let attempt = 0; attempt < 100 && after?.ok !== true; attempt++) {
    const conn = await connect();
    await send(conn, '{"id":2,"method":"status"}');
    after = await new Lines(conn).next();
    conn.close();
  }
  for (const c of held) c.close();
  return { over, after };
}

async function heartbeat(): Promise<Line> {
  const conn = await connect();
  const lines = new Lines(conn);
  await send(conn, '{"id":"q1","method":"query","params":{}}');
  let asked: Promise<void> | undefined;
  const askStatus = () =>
    asked ??= (async () => {
      const other = await connect();
      await send(other, '{"id":"s","method":"status"}');
      await new Lines(other).next();
      other.close();
    })();
  // Without heartbeats the query would wait forever: after 10 heartbeat
  // periods it is released anyway, so a broken heartbeat fails the test.
  const fallback = setTimeout(() => void askStatus(), 10 * HEARTBEAT_MS);
  const first = await lines.next();
  clearTimeout(fallback);
  await askStatus();
  let answer = first;
  while (answer?.alive === true) answer = await lines.next();
  conn.close();
  return { first, answer };
}

async function malformed(): Promise<Line> {
  const conn = await connect();
  const lines = new Lines(conn);
  const replies: (Line | null)[] = [];
  for (const bad of ["not json", "[]", '{"id":{},"method":"status!"}']) {
    await send(conn, bad);
    replies.push(await lines.next());
  }
  await send(conn, '{"id":7,"method":"stop"}');
  const stop = await lines.next();
  const afterStop = await lines.next();
  conn.close();
  return { replies, stop, afterStop };
}

const scenarios: Record<string, () => Promise<Line>> = { busy, heartbeat, malformed };
const run = scenarios[scenario ?? ""];
if (!run) throw new Error(`unknown scenario ${scenario}`);
const listener = Deno.listen({ transport: "unix", path });
const conns = new DaemonConnections({ dispatch, touch: () => {} });
(async () => {
  for await (const conn of listener) void conns.serve(conn);
})().catch((err: unknown) => {
  // The listener is closed at the end: that ends the loop.
  if (!(err instanceof Deno.errors.BadResource)) throw err;
});
console.log(JSON.stringify(await run()));
listener.close();
Deno.exit(0);
