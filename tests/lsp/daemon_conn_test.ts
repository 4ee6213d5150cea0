/**
 * The daemon's side of a connection (lib/lsp/daemon_conn.ts) on a real Unix
 * socket: the connection cap, heartbeats during a query, and error lines
 * that keep the connection. Each scenario runs in daemon_conn_fixture.ts
 * (it needs net permission for the socket).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { MAX_CONNECTIONS } from "../../lib/lsp/daemon_protocol.ts";

const FIXTURE = fileURLToPath(new URL("./daemon_conn_fixture.ts", import.meta.url));

async function scenario(name: string): Promise<Record<string, unknown>> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-conn-" });
  const socket = `${dir}/d.sock`;
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        `--allow-net=unix:${socket}`,
        `--allow-read=${dir}`,
        `--allow-write=${dir}`,
        FIXTURE,
        socket,
        name,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    return JSON.parse(new TextDecoder().decode(out.stdout));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("daemon connections: one over the cap gets BUSY at once; once one closes, a new one is served", async () => {
  const out = await scenario("busy");
  assert.deepEqual(out.over, {
    id: null,
    ok: false,
    error: { code: "BUSY", message: `more than ${MAX_CONNECTIONS} connections` },
  });
  assert.deepEqual(out.after, { id: 2, ok: true, result: { method: "status" } });
});

Deno.test("daemon connections: a query sends heartbeats with its id while it runs, then its answer", async () => {
  const out = await scenario("heartbeat");
  assert.deepEqual(out.first, { id: "q1", alive: true });
  assert.deepEqual(out.answer, { id: "q1", ok: true, result: { method: "query" } });
});

Deno.test("daemon connections: malformed lines get BAD_REQUEST on the same connection, and stop ends it", async () => {
  const out = await scenario("malformed");
  const bad = { code: "BAD_REQUEST", message: 'expected {"method": status|query|stop}' };
  assert.deepEqual(out.replies, [
    { id: null, ok: false, error: { code: "BAD_REQUEST", message: "not JSON" } },
    { id: null, ok: false, error: bad },
    { id: null, ok: false, error: bad },
  ]);
  assert.deepEqual(out.stop, { id: 7, ok: true, result: { method: "stop" } });
  assert.equal(out.afterStop, null, "the connection is closed after stop");
});
