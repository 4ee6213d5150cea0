/**
 * Acceptance (issue 16): kill -9 at random points of `ctx build` and of
 * `ctx sync` — the real CLI as a subprocess, on a generated tree big enough
 * that the kill lands mid-work — always leaves a pack that answers and
 * validates: the previous one (stale against the edited files at most) or
 * the new one, never half of each. The next write sweeps the killed one's
 * temp file.
 *
 * Kill points are random (the seed is printed; set TRIFECTA_KILL_SEED to
 * replay one) within the length of the last run that was not killed; runs
 * go on until 20 kills landed before the command ended (no timing is
 * asserted: a run that ends first only narrows the next kill points).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  readPack,
  readPackChunks,
  searchPack,
  validatePack,
  type ValidationReport,
} from "../../lib/context/mod.ts";
import { resolveSegment, type Segment } from "../../lib/segment/mod.ts";
import { CLI_FLAGS, MAIN_TS, removeSegment, runCli } from "./helpers.ts";

const TRIALS = 20;

/** A small seeded PRNG (mulberry32): kill points that can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A tree of Markdown and Python files, enough that a build takes a while. */
async function bigTree(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-e2e-kill-" });
  const body = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(20);
  for (let d = 0; d < 24; d++) {
    await Deno.mkdir(join(dir, `docs/d${d}`), { recursive: true });
    await Deno.mkdir(join(dir, `src/p${d}`), { recursive: true });
    for (let f = 0; f < 25; f++) {
      await Deno.writeTextFile(
        join(dir, `docs/d${d}/f${f}.md`),
        `# File ${d}-${f}\n${body}\n## Part\nkillword${f} ${body}\n`,
      );
    }
    for (let f = 0; f < 8; f++) {
      const fns = Array.from(
        { length: 6 },
        (_, i) => `def fn_${d}_${f}_${i}(x):\n    """Doc ${i}."""\n    return x + ${i}\n`,
      ).join("\n\n");
      await Deno.writeTextFile(join(dir, `src/p${d}/m${f}.py`), `import os\n\n${fns}`);
    }
  }
  return dir;
}

/**
 * Run the CLI command and kill it after `delayMs`; whether the kill landed
 * before it ended, and how long it ran.
 */
async function killAfter(
  args: string[],
  delayMs: number,
): Promise<{ killed: boolean; ranMs: number }> {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_FLAGS, MAIN_TS, ...args],
    stdout: "null",
    stderr: "null",
    env: { TRIFECTA_NO_TELEMETRY: "1" },
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch (err) {
      // Already exited: the kill came too late, which the status tells.
      if (!(err instanceof TypeError)) throw err;
    }
  }, delayMs);
  const status = await child.status;
  clearTimeout(timer);
  return { killed: status.signal === "SIGKILL", ranMs: performance.now() - t0 };
}

/** Most runs tried to land {@linkcode TRIALS} kills before the end (the rest ran to completion). */
const MAX_ATTEMPTS = TRIALS * 3;

/** How long an unkilled run of the CLI command takes (ms, wall clock; used only to spread kills). */
async function lengthOf(args: string[]): Promise<number> {
  const t0 = performance.now();
  const r = await runCli(args, { env: { TRIFECTA_NO_TELEMETRY: "1" } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return performance.now() - t0;
}

const STALE_CODES = new Set(["SOURCE_CHANGED", "SOURCE_MISSING"]);

/**
 * The pack answers: it loads, get reads a chunk of it, search finds a word
 * every version holds, and validation finds no problem but staleness (the
 * previous pack against files edited since); `digests` are those of the
 * packs it may be, and the new one must validate clean.
 */
async function assertAnswers(seg: Segment, digests: { old: string }): Promise<string> {
  const { pack, sha256 } = await readPack(seg);
  assert.ok(pack.chunks.length > 0);
  const first = pack.chunks[0];
  assert.ok(first);
  assert.equal((await readPackChunks(seg, [first.id])).pack.chunks[0]?.text, first.text);
  assert.ok((await searchPack(seg, "killword3", { checkStale: false })).hits.length > 0);
  const v: ValidationReport = await validatePack(seg);
  if (sha256 === digests.old) {
    const other = v.error_codes.filter((c) => !STALE_CODES.has(c));
    assert.deepEqual(other, [], v.errors.slice(0, 3).join("\n"));
  } else {
    assert.equal(v.passed, true, v.errors.slice(0, 3).join("\n"));
  }
  return sha256;
}

function temps(dir: string): string[] {
  return [...Deno.readDirSync(join(dir, "_ctx"))].map((e) => e.name).filter((n) =>
    n.includes(".tmp-")
  );
}

const seed = Number(Deno.env.get("TRIFECTA_KILL_SEED") ?? Date.now() % 1_000_000);
console.log(`ctx_kill_test seed: ${seed} (TRIFECTA_KILL_SEED=${seed} replays it)`);

Deno.test(`kill -9 at ${TRIALS} random points of ctx build always leaves a pack that answers and validates`, async () => {
  const dir = await bigTree();
  const random = prng(seed);
  try {
    const length = await lengthOf(["ctx", "build", "-s", dir]);
    const seg = await resolveSegment(dir);
    // Kill points spread over the length of the last run that was not
    // killed (machine load changes it), until TRIALS kills landed mid-run.
    let span = length;
    let killed = 0;
    let attempts = 0;
    let midWrite = 0;
    while (killed < TRIALS && attempts < MAX_ATTEMPTS) {
      attempts++;
      const old = (await readPack(seg)).sha256;
      const run = await killAfter(["ctx", "build", "-s", dir], random() * span);
      if (run.killed) killed++;
      else span = run.ranMs;
      if (temps(dir).length > 0) midWrite++;
      await assertAnswers(seg, { old });
    }
    console.log(`build: ${killed} killed mid-run in ${attempts} runs, ${midWrite} while writing`);
    assert.equal(killed, TRIALS, `${TRIALS} kills landed mid-run within ${MAX_ATTEMPTS} runs`);
    const v = await runCli(["ctx", "validate", "-s", dir]);
    assert.equal(v.code, 0, v.stdout);
    assert.equal((await runCli(["ctx", "build", "-s", dir])).code, 0);
    assert.deepEqual(temps(dir), [], "the next build sweeps the temp files");
  } finally {
    await removeSegment(dir);
  }
});

Deno.test(`kill -9 at ${TRIALS} random points of ctx sync always leaves the old or the new pack, whole`, async () => {
  const dir = await bigTree();
  const random = prng(seed + 1);
  try {
    assert.equal((await runCli(["ctx", "build", "-s", dir])).code, 0);
    const seg = await resolveSegment(dir);
    // Each trial edits, adds and deletes files, so the sync has work to do.
    const edit = async (round: number) => {
      for (let d = 0; d < 24; d += 2) {
        await Deno.writeTextFile(
          join(dir, `src/p${d}/m${round % 8}.py`),
          `def edited_${round}_${d}():\n    return ${round}\n\n\ndef killword3():\n    pass\n`,
        );
        await Deno.writeTextFile(
          join(dir, `docs/d${d}/new${round}.md`),
          `# New ${round}\nkillword3\n`,
        );
        await Deno.remove(join(dir, `docs/d${d}/f${(round + 5) % 25}.md`)).catch(() => {});
      }
    };
    await edit(100);
    const length = await lengthOf(["ctx", "sync", "-s", dir]);
    let span = length;
    let killed = 0;
    let attempts = 0;
    let moved = 0;
    let midWrite = 0;
    while (killed < TRIALS && attempts < MAX_ATTEMPTS) {
      attempts++;
      const old = (await readPack(seg)).sha256;
      await edit(attempts);
      const run = await killAfter(["ctx", "sync", "-s", dir], random() * span);
      if (run.killed) killed++;
      else span = run.ranMs;
      if (temps(dir).length > 0) midWrite++;
      if ((await assertAnswers(seg, { old })) !== old) moved++;
    }
    console.log(
      `sync: ${killed} killed mid-run in ${attempts} runs, ${midWrite} while writing, ${moved} committed`,
    );
    assert.equal(killed, TRIALS, `${TRIALS} kills landed mid-run within ${MAX_ATTEMPTS} runs`);
    const sync = await runCli(["ctx", "sync", "-s", dir]);
    assert.equal(sync.code, 0, sync.stdout);
    assert.deepEqual(temps(dir), [], "the next sync sweeps the temp files");
    const get = await runCli(["ctx", "search", "-s", dir, "-q", "killword3"]);
    assert.equal(get.code, 0, get.stdout + get.stderr);
  } finally {
    await removeSegment(dir);
  }
});
