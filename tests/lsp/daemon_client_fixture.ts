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

const [socket, scenario] = Deno.args;
const paths: DaemonPaths = { dir: "", socket, lock: "", state: "", key: "" };
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
  const res = await callDaemon(paths, { id: 1, method: "status" }, { timeoutMs: 300 });
  out = { ok: true, response: res };
} catch (err) {
  if (!(err instanceof DaemonUnavailableError)) throw err;
  out = { ok: false, message: err.message, notRunning: err.notRunning };
}
console.log(JSON.stringify(out));
listener?.close();
Deno.exit(0);
