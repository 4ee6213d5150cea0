import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const FIXTURE = fileURLToPath(new URL("./daemon_client_fixture.ts", import.meta.url));

async function scenario(name: string): Promise<Record<string, unknown>> {
  const dir = await Deno.makeTempDir();
  const socket = `${dir}/d.sock`;
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        `--allow-net=unix:${socket}`,
        `--allow-read=${dir}`,
        `--allow-write=${dir}`,
        "--allow-sys=uid",
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

Deno.test("callDaemon reassembles an answer line split across writes and inside a UTF-8 character", async () => {
  const out = await scenario("split");
  assert.equal(out.ok, true);
  assert.deepEqual(out.response, { id: 1, ok: true, result: { name: "Größe✓" } });
});

Deno.test("callDaemon gives up with a timeout error when the daemon never answers", async () => {
  const out = await scenario("silent");
  assert.equal(out.ok, false);
  assert.match(String(out.message), /no answer within 300 ms/);
  assert.equal(out.notRunning, false);
});

Deno.test("callDaemon reports a daemon that closes without answering", async () => {
  const out = await scenario("close");
  assert.equal(out.ok, false);
  assert.match(String(out.message), /closed the connection/);
});

Deno.test("callDaemon reports no daemon (notRunning) when nothing listens on the socket", async () => {
  const out = await scenario("absent");
  assert.equal(out.ok, false);
  assert.equal(out.notRunning, true);
});

Deno.test("callDaemon gives up on a daemon that sends nothing for the gap (a stopped daemon), long before its time limit", async () => {
  const out = await scenario("stalled");
  assert.equal(out.ok, false);
  assert.equal(out.stalled, true);
  assert.match(String(out.message), /sent nothing for 250 ms/);
});

Deno.test("callDaemon waits through heartbeat lines for a slow answer", async () => {
  const out = await scenario("heartbeat");
  assert.equal(out.ok, true);
  assert.deepEqual(out.response, { id: 1, ok: true, result: { late: true } });
});
