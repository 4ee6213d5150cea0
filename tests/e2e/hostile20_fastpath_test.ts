/**
 * Red team 20, the fast CLI path (lib/cli/fast.ts, fast_parse.ts): it reads
 * argv without commander for `ast skeleton`, `ast symbols`, `ast find`, so
 * any argv it reads differently must give the same output and exit code as
 * commander's path, or be declined. Hostile forms of options (`--json=false`,
 * `--`, `-`, a path starting with `-`, repeated and unknown flags, both
 * cache flags in either order) and hostile path arguments (a symlink out of
 * the segment, a FIFO, /dev/zero, a directory loop) are run both ways under
 * the hang guard and compared.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type GuardedRun, MAIN_TS, narrowFlags, removeSegment, runGuarded } from "./helpers.ts";

const FAST = { TRIFECTA_LSP: "0" };
const FULL = { TRIFECTA_LSP: "0", TRIFECTA_NO_FAST_PATH: "1" };
/** Far above a normal run of this small segment; measures no speed. */
const HANG_GUARD_MS = 60_000;
const OUTSIDE_PROBE = "red20_outside_probe";

function run(seg: string, args: readonly string[], env: Record<string, string>) {
  // The narrow flags for this segment, whatever `-s` the case itself gives.
  const flags = narrowFlags(["-s", seg]);
  return runGuarded(["run", ...flags, MAIN_TS, ...args], {
    deadlineMs: HANG_GUARD_MS,
    env,
    cwd: seg,
  });
}

/** Keys that depend on the cache's state (the first run of a case warms it), not on the parser. */
const WARMTH_KEYS = new Set([
  "cache_status",
  "cache_key",
  "cache_hits",
  "cache_misses",
  "parsed",
  "reused",
  "from_snapshot",
]);

/** What must be equal on both paths: timings and cache warmth left out. */
function comparable(r: GuardedRun): { code: number; stdout: unknown; stderr: string } {
  let stdout: unknown = r.stdout.replace(/; cache \d+ hits? \/ \d+ miss(es)?/g, "");
  try {
    stdout = JSON.parse(
      r.stdout,
      (key, value) => (key.endsWith("_ms") || WARMTH_KEYS.has(key) ? undefined : value),
    );
  } catch (err) {
    // Text output (or none): compared as text.
    if (!(err instanceof SyntaxError)) throw err;
  }
  const stderr = r.stderr.replace(/\d+(\.\d+)? ?ms\b/g, "N ms");
  return { code: r.code, stdout, stderr };
}

async function hostileSegment(): Promise<{ seg: string; outside: string }> {
  const seg = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-red20-fast-" }));
  const outside = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-red20-out-" }));
  await Deno.writeTextFile(join(outside, "o.py"), `def ${OUTSIDE_PROBE}():\n    return 1\n`);
  await Deno.writeTextFile(join(seg, "a.py"), "def alpha():\n    return 1\n");
  await Deno.writeTextFile(join(seg, "-dash.py"), "def dashed():\n    return 2\n");
  await Deno.mkdir(join(seg, "sub"));
  await Deno.writeTextFile(join(seg, "sub", "b.py"), "def beta():\n    return alpha()\n");
  await Deno.writeTextFile(join(seg, ".env"), `TOKEN=${OUTSIDE_PROBE}\n`);
  await Deno.symlink(join(outside, "o.py"), join(seg, "out.py"));
  await Deno.symlink(outside, join(seg, "outdir"));
  await Deno.symlink("/dev/zero", join(seg, "zero.py"));
  await Deno.symlink("..", join(seg, "sub", "loop"));
  const mk = await new Deno.Command("mkfifo", { args: [join(seg, "fifo.py")] }).output();
  assert.equal(mk.code, 0, "mkfifo");
  return { seg, outside };
}

Deno.test({
  name:
    "hostile20 fast path: hostile option forms and hostile path arguments give the same exit code, stdout and stderr as the commander path, and never serve outside or denied text",
  sanitizeResources: false,
  async fn() {
    const { seg, outside } = await hostileSegment();
    try {
      const cases: string[][] = [
        ["ast", "skeleton", "a.py", "--json=false"],
        ["ast", "skeleton", "--json", "--", "-dash.py"],
        ["ast", "skeleton", "-dash.py", "--json"],
        ["ast", "skeleton", "-", "--json"],
        ["ast", "skeleton", "a.py", "-s", "/nonexistent-red20", "-s", seg, "--json"],
        ["ast", "skeleton", "a.py", "-s=" + seg],
        ["ast", "skeleton", "a.py", "-s", join(seg, "fifo.py"), "--json"],
        ["ast", "skeleton", "a.py", "-s", "/dev/zero", "--json"],
        ["ast", "skeleton", "a.py", "-s", join(seg, "sub", "loop", "sub", "loop"), "--json"],
        ["ast", "skeleton", "a.py", `--segment=${seg}`, "--json", "--json"],
        ["ast", "skeleton", "a.py", "--jsn"],
        ["ast", "skeleton", "a.py", "--telemetry", "--json"],
        ["ast", "skeleton", ".", "--persist-cache", "--no-persist-cache", "--json"],
        ["ast", "skeleton", ".", "--no-persist-cache", "--persist-cache", "--json"],
        ["ast", "skeleton", "sub/../.env", "--json"],
        ["ast", "skeleton", "./a.py/", "--json"],
        ["ast", "skeleton", "out.py", "--json"],
        ["ast", "skeleton", "outdir", "--json"],
        ["ast", "skeleton", "zero.py"],
        ["ast", "skeleton", "fifo.py", "--json"],
        ["ast", "skeleton", "a.py", "fifo.py", "sub/loop", "--json"],
        ["ast", "skeleton", "sub/loop/sub/loop/a.py", "sub", "--json"],
        ["ast", "skeleton", "a.py", "--json", "--no-persist-cache", "--", "--json"],
        ["ast", "find", "alpha", "--limit", "-1", "--json"],
        ["ast", "find", "-dash*", "--json"],
        ["ast", "find", "--json", "--", "-dash*"],
        ["ast", "symbols", "sym://python/type/a/alpha", "extra"],
        ["ast", "symbols", "sym://python/mod/out", "--json"],
      ];
      for (const args of cases) {
        const withSeg = args.some((a) => a === "-s" || a.startsWith("-s=") || a.startsWith("--seg"))
          ? args
          : [...args.slice(0, 2), "-s", seg, ...args.slice(2)];
        const fast = await run(seg, withSeg, FAST);
        const full = await run(seg, withSeg, FULL);
        const label = withSeg.join(" ");
        assert.ok(fast.finished && full.finished, `hang guard: ${label}`);
        assert.deepEqual(comparable(fast), comparable(full), label);
        for (const r of [fast, full]) {
          assert.ok(!(r.stdout + r.stderr).includes(OUTSIDE_PROBE), `outside text: ${label}`);
          assert.ok(!(r.stdout + r.stderr).includes(outside), `outside path: ${label}`);
          assert.ok(!(r.stdout + r.stderr).includes("INTERNAL_ERROR"), `${label}: ${r.stderr}`);
        }
      }
    } finally {
      await removeSegment(seg);
      await Deno.remove(outside, { recursive: true });
    }
  },
});
