import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { permissionFlags } from "../../tools/permissions.ts";
import { MAIN_TS, removeSegment, tempExample } from "./helpers.ts";

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
  const cli = (args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", ...flags, MAIN_TS, ...args, "-s", seg, "--json"],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
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
  } finally {
    const stop = await cli(["lsp", "daemon", "stop"]);
    assert.equal(stop.code, 0, new TextDecoder().decode(stop.stderr));
    await removeSegment(seg);
  }
});
