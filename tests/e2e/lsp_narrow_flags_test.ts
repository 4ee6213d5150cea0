import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { permissionFlags } from "../../tools/permissions.ts";
import { exists, MAIN_TS, removeSegment, tempExample } from "./helpers.ts";

const LIB = fileURLToPath(new URL("../../lib", import.meta.url));

Deno.test("lsp query with the segment-only flags answers one-shot instead of failing on the daemon check", async () => {
  const seg = await tempExample();
  try {
    // No grant for the daemon's runtime directory: the query cannot see a
    // daemon and must still answer (regression: PERMISSION_NOT_GRANTED).
    const flags = permissionFlags({ segment: seg, codeDirs: [LIB], daemon: false });
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...flags,
        MAIN_TS,
        "lsp",
        "definition",
        "src/inventory/service.py:13:22",
        "-s",
        seg,
        "--json",
      ],
      env: { NO_COLOR: "1", TRIFECTA_LSP_READY_TIMEOUT: "0" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const json = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.equal(json.status, "ok");
    assert.equal(json.data.file, "src/inventory/service.py");
    assert.doesNotMatch(stderr, /PERMISSION_NOT_GRANTED/);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("the daemon starts, answers and stops under the documented segment-scoped flags", async () => {
  const seg = await tempExample();
  const flags = permissionFlags({ segment: seg, codeDirs: [LIB], daemon: true });
  const cli = cliWith(seg, flags);
  try {
    const start = await cli(["lsp", "daemon", "start"]);
    assert.equal(start.code, 0, new TextDecoder().decode(start.stderr));
    const status = JSON.parse(
      new TextDecoder().decode((await cli(["lsp", "daemon", "status"])).stdout),
    );
    assert.equal(status.running, true);
    assert.equal(status.reachable, true);
    const def = await cli(["lsp", "definition", "src/inventory/service.py:13:22"]);
    assert.equal(def.code, 0, new TextDecoder().decode(def.stderr));
    assert.equal(JSON.parse(new TextDecoder().decode(def.stdout)).status, "ok");
    // Stop returns only once the daemon's process has ended (its last
    // telemetry write included), although these flags do not let it signal
    // or probe processes: it waits on the daemon's lock.
    const after = JSON.parse(
      new TextDecoder().decode((await cli(["lsp", "daemon", "status"])).stdout),
    );
    assert.equal(typeof after.pid, "number");
    assert.equal(typeof after.server_pid, "number");
    assert.equal(await processGone(after.pid), false);
    const stop = await cli(["lsp", "daemon", "stop"]);
    assert.equal(stop.code, 0, new TextDecoder().decode(stop.stderr));
    assert.equal(JSON.parse(new TextDecoder().decode(stop.stdout)).daemon, "stopped");
    assert.equal(
      await processGone(after.pid),
      true,
      `daemon pid ${after.pid} still runs after stop`,
    );
    assert.equal(
      await processGone(after.server_pid),
      true,
      "language server still runs after stop",
    );
    for (const path of [after.socket, after.socket.replace(/\.sock$/, ".lock")]) {
      assert.equal(await exists(path), false, `${path} left behind`);
    }
  } finally {
    await cli(["lsp", "daemon", "stop"]);
    await removeSegment(seg);
  }
});

/**
 * True when `pid` has exited (no /proc entry, or a zombie not yet reaped).
 * Read through `cat`: Deno grants /proc/<pid> only with --allow-all.
 */
async function processGone(pid: number): Promise<boolean> {
  const out = await new Deno.Command("cat", { args: [`/proc/${pid}/stat`], stderr: "null" })
    .output();
  if (out.code !== 0) return true;
  const stat = new TextDecoder().decode(out.stdout);
  return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
}

Deno.test("stop without the socket grant and without signal rights says DAEMON_UNREACHABLE and leaves the daemon running", async () => {
  const seg = await tempExample();
  const flags = permissionFlags({ segment: seg, codeDirs: [LIB], daemon: true });
  const cli = cliWith(seg, flags);
  try {
    const start = await cli(["lsp", "daemon", "start"]);
    assert.equal(start.code, 0, new TextDecoder().decode(start.stderr));
    const noSocket = flags.filter((f) => !f.startsWith("--allow-net="));
    assert.notEqual(noSocket.length, flags.length, "the daemon flags grant the socket");
    const stop = await cli(["lsp", "daemon", "stop"], noSocket);
    assert.equal(stop.code, 1);
    const err = JSON.parse(new TextDecoder().decode(stop.stdout));
    assert.equal(err.error_code, "DAEMON_UNREACHABLE");
    const status = JSON.parse(
      new TextDecoder().decode((await cli(["lsp", "daemon", "status"])).stdout),
    );
    assert.equal(status.running, true, "a refused stop leaves the daemon alone");
  } finally {
    const stop = await cli(["lsp", "daemon", "stop"]);
    assert.equal(stop.code, 0, new TextDecoder().decode(stop.stderr));
    await removeSegment(seg);
  }
});

/** Runs `main.ts <args> -s seg --json` under `flags` (or `use` for one call). */
function cliWith(seg: string, flags: readonly string[]) {
  return (args: string[], use: readonly string[] = flags) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", ...use, MAIN_TS, ...args, "-s", seg, "--json"],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
}
