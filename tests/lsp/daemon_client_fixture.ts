/**
 * Runs one daemon-client scenario against a stand-in peer on a Unix socket
 * and prints the outcome as JSON. A separate process because Deno grants
 * Unix sockets only by exact path (`--allow-net=unix:<path>`), which the test
 * runner does not have. Usage: `daemon_client_fixture.ts <socket> <scenario>`.
 *
 * @module
 */
import { callDaemon, DaemonUnavailableError } from "../../lib/lsp/daemon_client.ts";
import type { DaemonPaths } from "../../lib/lsp/daemon_paths.ts";
import { dirname } from "../../lib/path.ts";

const [socket, scenario] = Deno.args;
if (socket === undefined) throw new Error("usage: daemon_client_fixture.ts <socket> <scenario>");
// The socket's directory is a private temp directory of this user: trusted.
const dir = dirname(socket);
const paths: DaemonPaths = {
  dir,
  socket,
  lock: `${dir}/d.lock`,
  state: `${dir}/d.json`,
  key: "0000000000000000",
};
const enc = new TextEncoder();

// The stand-in peer: what it does with one connection depends on the scenario.
async function serve(conn: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(1024);
  await conn.read(buf); // the request line
  if (scenario === "split") {
    // One answer line in three writes, split inside a multi-byte character.
    const bytes = enc.encode(
      JSON.stringify({ id: 1, ok: true, result: { name: "Größe✓" } }) + "\n",
    );
    const cut = bytes.indexOf(0xc3) + 1;
    await conn.write(bytes.subarray(0, cut));
    await new Promise((r) => setTimeout(r, 30));
    await conn.write(bytes.subarray(cut, cut + 5));
    await new Promise((r) => setTimeout(r, 30));
    await conn.write(bytes.subarray(cut + 5));
  } else if (scenario === "close") {
    conn.close();
    return;
  } else if (scenario === "silent") {
    await new Promise((r) => setTimeout(r, 1500)); // never answers within the client's time limit
  } else if (scenario === "stalled") {
    await new Promise((r) => setTimeout(r, 3000)); // silent past the gap, within the time limit
  } else if (scenario === "heartbeat") {
    // Slow but alive: heartbeats for longer than the gap, then the answer.
    for (let i = 0; i < 6; i++) {
      await conn.write(enc.encode(JSON.stringify({ id: 1, alive: true }) + "\n"));
      await new Promise((r) => setTimeout(r, 100));
    }
    await conn.write(
      enc.encode(JSON.stringify({ id: 1, ok: true, result: { late: true } }) + "\n"),
    );
  }
  try {
    conn.close();
  } catch (err) {
    if (!(err instanceof Deno.errors.BadResource)) throw err;
  }
}

let listener: Deno.Listener | undefined;
if (scenario !== "absent") {
  listener = Deno.listen({ transport: "unix", path: socket });
  (async () => {
    for await (const conn of listener!) serve(conn);
  })();
}
let out: Record<string, unknown>;
try {
  // Gap 250 ms for the heartbeat and stalled scenarios; the overall limit 300 ms otherwise.
  const slow = scenario === "stalled" || scenario === "heartbeat";
  const res = await callDaemon(paths, { id: 1, method: "status" }, {
    timeoutMs: slow ? 10_000 : 300,
    gapMs: slow ? 250 : undefined,
  });
  out = { ok: true, response: res };
} catch (err) {
  if (!(err instanceof DaemonUnavailableError)) throw err;
  out = { ok: false, message: err.message, notRunning: err.notRunning, stalled: err.stalled };
}
console.log(JSON.stringify(out));
listener?.close();
Deno.exit(0);
