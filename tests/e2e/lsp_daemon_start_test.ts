/**
 * `lsp daemon start` keeps the code of a named cause instead of folding it
 * into DAEMON_SPAWN_FAILED.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { removeSegment, runCli } from "./helpers.ts";

Deno.test("lsp daemon start: a world-writable runtime directory gives DAEMON_RUNTIME_DIR_UNSAFE, not DAEMON_SPAWN_FAILED", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-daemon-start-" });
  const runtime = await Deno.makeTempDir({ prefix: "trifecta-rt-" });
  try {
    await Deno.writeTextFile(join(seg, "a.py"), "x = 1\n");
    await Deno.mkdir(join(runtime, "trifecta"));
    await Deno.chmod(join(runtime, "trifecta"), 0o777);
    const r = await runCli(["lsp", "daemon", "start", "-s", seg, "--json"], {
      env: { XDG_RUNTIME_DIR: runtime },
    });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.error_code, "DAEMON_RUNTIME_DIR_UNSAFE", r.stdout);
    // Nothing was started in the unsafe directory.
    const names = [];
    for await (const e of Deno.readDir(join(runtime, "trifecta"))) names.push(e.name);
    assert.deepEqual(names, []);
  } finally {
    await removeSegment(seg);
    await Deno.remove(runtime, { recursive: true });
  }
});
