/**
 * Red team 20, the persistent AST cache under crashes and damage: two cold
 * `ast skeleton` runs at once on one segment, one of them killed with SIGKILL
 * while it streams (its transaction of rows half written), then the database
 * cut to half its size. Every run after that must print what a cold run with
 * no cache prints (docs/cache.md: "a warm run's output equals a cold run's"),
 * exit 0, and `cache verify` must end with a named outcome, never
 * INTERNAL_ERROR.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MAIN_TS, narrowFlags, removeSegment, REPO_ROOT, runGuarded } from "./helpers.ts";

/** Far above a normal run of this 240-file segment; measures no speed. */
const HANG_GUARD_MS = 120_000;
const FILES = 240;

async function manyFiles(): Promise<string> {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-red20-cache-" });
  for (let i = 0; i < FILES; i++) {
    const body = Array.from(
      { length: 30 },
      (_, j) => `    def m${j}(self, x):\n        """Doc ${i}.${j}."""\n        return x + ${j}\n`,
    ).join("");
    await Deno.writeTextFile(
      join(seg, `f${String(i).padStart(3, "0")}.py`),
      `class C${i}:\n${body}`,
    );
  }
  return seg;
}

function cli(args: readonly string[]) {
  return runGuarded(["run", ...narrowFlags(args), MAIN_TS, ...args], {
    deadlineMs: HANG_GUARD_MS,
    cwd: REPO_ROOT,
  });
}

/** The skeleton JSON without what depends on the cache's state or the clock. */
function outline(stdout: string): unknown {
  const dropped = new Set(["cache_status", "cache_key", "cache_hits", "cache_misses", "workers"]);
  return JSON.parse(stdout, (k, v) => (dropped.has(k) || k.endsWith("_ms") ? undefined : v));
}

/** Start `ast skeleton . --json` and SIGKILL it once it has streamed `bytes` of output. */
async function killMidStream(seg: string, bytes: number): Promise<boolean> {
  const args = ["ast", "skeleton", ".", "-s", seg, "--json", "--persist-cache"];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...narrowFlags(args), MAIN_TS, ...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let seen = 0;
  let killed = false;
  for await (const chunk of child.stdout) {
    seen += chunk.length;
    if (!killed && seen >= bytes) {
      child.kill("SIGKILL");
      killed = true;
    }
  }
  const status = await child.status;
  return killed && status.signal === "SIGKILL";
}

Deno.test({
  name:
    "hostile20 cache: one of two concurrent cold runs killed mid-write, then the database cut in half: every later run prints the cold outline and exits 0",
  sanitizeResources: false,
  async fn() {
    const seg = await manyFiles();
    try {
      const cold = await cli(["ast", "skeleton", ".", "-s", seg, "--json", "--no-persist-cache"]);
      assert.ok(cold.finished && cold.code === 0, cold.stderr.slice(-2000));
      const expected = outline(cold.stdout);

      const other = cli(["ast", "skeleton", ".", "-s", seg, "--json", "--persist-cache"]);
      const killed = await killMidStream(seg, 64 * 1024);
      const survivor = await other;
      assert.ok(survivor.finished && survivor.code === 0, survivor.stderr.slice(-2000));
      assert.deepEqual(outline(survivor.stdout), expected, "the run beside the killed one");
      if (!killed) console.log("note: the run to kill ended before 64 KiB of output");

      for (const label of ["after the kill", "warm"]) {
        const r = await cli(["ast", "skeleton", ".", "-s", seg, "--json", "--persist-cache"]);
        assert.ok(r.finished && r.code === 0, `${label}: ${r.stderr.slice(-2000)}`);
        assert.deepEqual(outline(r.stdout), expected, label);
      }

      const db = join(seg, ".trifecta", "cache", "ast_cache.db");
      const size = (await Deno.stat(db)).size;
      await Deno.truncate(db, Math.floor(size / 2));
      for (const label of ["on the cut database", "after it was rebuilt"]) {
        const r = await cli(["ast", "skeleton", ".", "-s", seg, "--json", "--persist-cache"]);
        assert.ok(r.finished && r.code === 0, `${label}: ${r.stderr.slice(-2000)}`);
        assert.ok(!(r.stdout + r.stderr).includes("INTERNAL_ERROR"), r.stderr.slice(-2000));
        assert.deepEqual(outline(r.stdout), expected, label);
      }
      const verify = await cli(["cache", "verify", "-s", seg, "--json"]);
      assert.ok(verify.finished, "cache verify ended");
      assert.ok(!(verify.stdout + verify.stderr).includes("INTERNAL_ERROR"), verify.stderr);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    } finally {
      await removeSegment(seg);
    }
  },
});
