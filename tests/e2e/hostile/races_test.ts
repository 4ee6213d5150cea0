/**
 * Races during a build (issue 12, classes 2 and 7): a file swapped for a
 * symlink to an outside file between the check and the read never lands in
 * the pack, and files that vanish mid-build are skipped, not fatal. Each
 * race runs for a bounded number of builds; the helper scripts stop
 * themselves.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  assertOk,
  Background,
  Checks,
  disposeWorld,
  jsonOf,
  makeWorld,
  type Mode,
  plant,
  type Run,
  SKIP_REASONS,
  trifecta,
  type World,
} from "./helpers.ts";

async function manyFiles(w: World, dir: string, n: number): Promise<void> {
  await Deno.mkdir(join(w.seg, dir), { recursive: true });
  for (let i = 0; i < n; i++) {
    await Deno.writeTextFile(
      join(w.seg, dir, `m${i}.py`),
      `def f${i}(x: int) -> int:\n    """Doc ${i}."""\n    return x\n`,
    );
  }
}

/** The builds (and one skeleton) each race runs: both ways of running the source. */
const RACE_RUNS: [Mode, string[]][] = [
  ["A", ["ctx", "build", "--json"]],
  ["narrow", ["ctx", "build", "--json"]],
  ["A", ["ast", "skeleton", ".", "--json"]],
  ["A", ["ctx", "build", "--json"]],
];

Deno.test({
  name:
    "race: a file swapped for a symlink to an outside file during ctx build never lands in the pack",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const w = await makeWorld();
    const c = new Checks();
    let bg: Background | undefined;
    try {
      await manyFiles(w, "many", 2000);
      const target = await plant(w, "swap_target.py", { kind: "swapped", where: "outside" });
      await w.write("swap.py", "def harmless() -> int:\n    return 1\n");
      bg = await Background.start("swapper.ts", [w.seg, "swap.py", target.path]);
      const runs: Run[] = [];
      for (const [mode, args] of RACE_RUNS) {
        const r = await trifecta(w, args, { mode });
        runs.push(r);
        c.check(() => assertOk(r));
        // After every build: the pack and index as they are now.
        await c.leaks(w, { runs: [r] });
      }
      const swaps = Number(await bg.stop(join(w.seg, ".stop-swapper")));
      bg = undefined;
      c.check(() => assert.ok(swaps > 100, `the swapper ran (${swaps} swaps)`));
      c.done();
    } finally {
      await bg?.stop(join(w.seg, ".stop-swapper"));
      await disposeWorld(w);
    }
  },
});

Deno.test({
  name:
    "race: files deleted during ctx build are skipped and counted, the build finishes with exit 0",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const w = await makeWorld();
    const c = new Checks();
    let bg: Background | undefined;
    try {
      await manyFiles(w, "many", 1500);
      await Deno.mkdir(join(w.seg, "churn"));
      bg = await Background.start("churn.ts", [join(w.seg, "churn"), "500"]);
      const reasons = new Set<string>();
      for (const [mode, args] of RACE_RUNS) {
        const r = await trifecta(w, args, { mode });
        c.check(() => {
          const j = assertOk(r);
          for (const s of (j.skipped ?? []) as { reason: string }[]) reasons.add(s.reason);
        });
      }
      const deleted = Number(await bg.stop(join(w.seg, "churn", ".stop-churn")));
      bg = undefined;
      c.check(() => assert.ok(deleted > 100, `the churn ran (${deleted} deletions)`));
      // Which files vanish between walk and read is up to the scheduler; a
      // reason, when one is reported, must be one the contract names.
      for (const reason of reasons) {
        c.check(() =>
          assert.ok(SKIP_REASONS.includes(reason), `skip reason ${reason} is not a walker reason`)
        );
      }
      const v = await trifecta(w, ["ctx", "build", "--json"]);
      c.check(() => assert.equal(typeof jsonOf(v).files, "number"));
      c.done();
    } finally {
      await bg?.stop(join(w.seg, "churn", ".stop-churn"));
      await disposeWorld(w);
    }
  },
});
