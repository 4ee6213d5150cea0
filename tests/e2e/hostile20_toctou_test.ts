/**
 * Red team 20, time of check to time of use: while another process swaps
 * `a.py` between a regular file and a symlink to a file outside the segment
 * (atomic renames, as fast as it can), `ast skeleton` (the walk and the
 * named file, persistent cache on) and an MCP session's `skeleton` and
 * `symbol` calls run again and again. The outside file's marker must never
 * appear in any output, nor in anything trifecta wrote (cache, telemetry).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { allText, MAIN_TS, narrowFlags, removeSegment, REPO_ROOT, runGuarded } from "./helpers.ts";

const MARKER = "red20_toctou_outside_marker";
/** Far above a normal run of this small segment; measures no speed. */
const HANG_GUARD_MS = 60_000;

/** Swaps `a.py` until `.stop` exists: a symlink out, then a regular file, each put in place by rename. */
const SWAPPER = `
const [dir, target] = [Deno.env.get("RED20_DIR"), Deno.env.get("RED20_TARGET")];
const inside = "def inside_fn():\\n    return 1\\n";
let swaps = 0;
// A pause of 1 ms after each swap (a sync sleep): each state holds long enough to be read at
// times, and the renames still land in the middle of checks and reads.
const pause = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
for (;;) {
  try { Deno.statSync(dir + "/.stop"); break; } catch { /* not yet: keep swapping */ }
  Deno.symlinkSync(target, dir + "/.swap_link");
  Deno.renameSync(dir + "/.swap_link", dir + "/a.py");
  pause();
  Deno.writeTextFileSync(dir + "/.swap_file", inside);
  Deno.renameSync(dir + "/.swap_file", dir + "/a.py");
  pause();
  swaps++;
}
console.log(swaps);
`;

function cli(args: readonly string[]) {
  return runGuarded(["run", ...narrowFlags(args), MAIN_TS, ...args], {
    deadlineMs: HANG_GUARD_MS,
    cwd: REPO_ROOT,
  });
}

/** An MCP session that gets `calls` requests in small groups, then EOF; all its stdout. */
async function mcpCalls(seg: string, calls: readonly unknown[]): Promise<string> {
  const args = ["mcp", "-s", seg, "--no-watch"];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...narrowFlags(args), MAIN_TS, ...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", TRIFECTA_LSP: "0" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  const send = (v: unknown) => w.write(new TextEncoder().encode(JSON.stringify(v) + "\n"));
  await send({
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "r", version: "1" },
    },
  });
  await send({ jsonrpc: "2.0", method: "notifications/initialized" });
  for (const [i, params] of calls.entries()) {
    await send({ jsonrpc: "2.0", id: i + 1, method: "tools/call", params });
    // Pacing only (spreads the calls over the swaps); nothing is timed.
    if (i % 4 === 3) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await w.close();
  const out = await child.output();
  const dec = new TextDecoder();
  return dec.decode(out.stdout) + dec.decode(out.stderr);
}

Deno.test({
  name:
    "hostile20 toctou: a.py swapped back and forth with a symlink out during ast skeleton runs and MCP skeleton/symbol calls never serves or stores the outside file",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const seg = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-red20-toctou-" }));
    const outside = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-red20-out-" }));
    const target = join(outside, "o.py");
    await Deno.writeTextFile(target, `def ${MARKER}():\n    return "${MARKER}"\n`);
    await Deno.writeTextFile(join(seg, "a.py"), "def inside_fn():\n    return 1\n");
    await Deno.writeTextFile(join(seg, "b.py"), "def other_fn():\n    return 2\n");
    const swapper = new Deno.Command(Deno.execPath(), {
      args: ["eval", SWAPPER],
      env: { RED20_DIR: seg, RED20_TARGET: target },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let swaps = "";
    try {
      const outputs: string[] = [];
      for (let round = 0; round < 4; round++) {
        for (const file of [".", "a.py"]) {
          const r = await cli(["ast", "skeleton", file, "-s", seg, "--json", "--persist-cache"]);
          assert.ok(r.finished, "ast skeleton ended (hang guard)");
          assert.ok(!r.stderr.includes("INTERNAL_ERROR"), r.stderr.slice(-2000));
          outputs.push(r.stdout + r.stderr);
        }
      }
      const calls = Array.from(
        { length: 24 },
        (_, i) =>
          i % 2 === 0
            ? { name: "skeleton", arguments: { path: i % 4 === 0 ? "." : "a.py" } }
            : { name: "symbol", arguments: { uri: "sym://python/mod/a" } },
      );
      outputs.push(await mcpCalls(seg, calls));
      await Deno.writeTextFile(join(seg, ".stop"), "");
      const done = await swapper.output();
      swaps = new TextDecoder().decode(done.stdout).trim();
      assert.equal(done.code, 0, new TextDecoder().decode(done.stderr));
      assert.ok(Number(swaps) > 0, `the swapper ran: ${swaps}`);
      for (const out of outputs) assert.ok(!out.includes(MARKER), out.slice(0, 3000));
      // Not vacuous: the runs outlined the segment (a.py itself may be refused every time
      // as changed during its read or outside: the swaps outpace the reads).
      assert.ok(outputs.some((out) => out.includes("other_fn")), "b.py was outlined");
      const served = outputs.filter((out) => out.includes("inside_fn")).length;
      console.log(`a.py outlined in ${served} of ${outputs.length} outputs`);
      for (const dir of [".trifecta", "_ctx"]) {
        const written = await allText(join(seg, dir));
        assert.ok(!written.includes(MARKER), `${dir} holds the outside marker`);
      }
    } finally {
      await Deno.writeTextFile(join(seg, ".stop"), "").catch(() => {/* already removed */});
      await swapper.status;
      await removeSegment(seg);
      await Deno.remove(outside, { recursive: true });
    }
    console.log(`swaps: ${swaps}`);
  },
});
