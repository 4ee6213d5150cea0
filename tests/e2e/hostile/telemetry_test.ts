/**
 * Telemetry under hostile conditions (issue 12, classes 9 and 10): a huge
 * `events.jsonl` is read within a cap with a warning, a torn last line
 * loses no later event, and a full disk (a tiny tmpfs) keeps every command's
 * documented exit code, leaves the pack alone and shows up in `health`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  assertError,
  assertNoCrash,
  assertOk,
  Checks,
  CLI_MODES,
  disposeWorld,
  jsonOf,
  makeWorld,
  type Mode,
  type Run,
  shown,
  trifecta,
  type World,
} from "./helpers.ts";

function eventLine(cmd: string, i: number): string {
  return JSON.stringify({
    ts: "2026-01-01T00:00:00.000Z",
    run_id: `run_hostile_${i}`,
    segment_id: "deadbeef",
    cmd,
    args: {},
    result: { status: "ok" },
    timing_ms: 3,
    warnings: [],
  }) + "\n";
}

/** `events.jsonl` of about `mib` MiB: oldest events first, newest last. */
async function hugeEvents(w: World, mib: number): Promise<void> {
  const dir = join(w.seg, "_ctx/telemetry");
  await Deno.mkdir(dir, { recursive: true });
  const f = await Deno.open(join(dir, "events.jsonl"), {
    write: true,
    create: true,
    truncate: true,
  });
  try {
    const enc = new TextEncoder();
    let head = "";
    for (let i = 0; i < 500; i++) head += eventLine("hostile.oldest", i);
    await f.write(enc.encode(head));
    let block = "";
    for (let i = 0; block.length < 1 << 20; i++) block += eventLine("hostile.filler", i);
    const bytes = enc.encode(block);
    for (let i = 0; i < mib; i++) {
      let off = 0;
      while (off < bytes.length) off += await f.write(bytes.subarray(off));
    }
    let tail = "";
    for (let i = 0; i < 200; i++) tail += eventLine("hostile.newest", i);
    await f.write(enc.encode(tail));
  } finally {
    f.close();
  }
}

const CAP_WARNING = /capped|READ_MAX_BYTES|newest|oldest|too large/i;

Deno.test("telemetry: a ~200 MB events.jsonl is read within TRIFECTA_TELEMETRY_READ_MAX_BYTES, newest part, with a warning", async () => {
  const w = await makeWorld();
  const c = new Checks();
  try {
    await hugeEvents(w, 200);
    const env = { TRIFECTA_TELEMETRY_READ_MAX_BYTES: String(2 * 1024 * 1024) };
    const runs: Run[] = [];
    for (const mode of CLI_MODES) {
      for (
        const args of [
          ["telemetry", "report", "--last", "0", "--json"],
          ["telemetry", "report", "--last", "0"],
          ["telemetry", "health", "--json"],
          ["telemetry", "export", "--format", "json"],
          ["ctx", "stats", "--json"],
        ]
      ) {
        const r = await trifecta(w, args, { mode, env, timeoutMs: 120_000 });
        runs.push(r);
        c.check(() => {
          assertNoCrash(r);
          const okCodes = args[1] === "health" ? [0, 2] : [0];
          assert.ok(okCodes.includes(r.code), `exit ${okCodes.join("|")}: ${shown(r)}`);
          assert.match(
            r.stdout + r.stderr,
            CAP_WARNING,
            `no warning that the read was capped: ${shown(r)}`,
          );
        });
        if (args[1] === "report" && args.includes("--json") && r.code === 0) {
          c.check(() => {
            const cmds = ((jsonOf(r).commands ?? []) as { command?: string; cmd?: string }[])
              .map((x) => x.command ?? x.cmd);
            assert.ok(
              cmds.includes("hostile.newest"),
              `[${mode}] the newest events are reported: ${cmds}`,
            );
            assert.ok(
              !cmds.includes("hostile.oldest"),
              `[${mode}] the oldest events are past the cap: ${cmds}`,
            );
          });
        }
        if (args[1] === "export" && r.code === 0) {
          c.check(() => {
            const events = (jsonOf(r).events ?? []) as { cmd: string }[];
            assert.ok(
              events.some((e) => e.cmd === "hostile.newest"),
              `[${mode}] export has the newest events`,
            );
            assert.ok(
              !events.some((e) => e.cmd === "hostile.oldest"),
              `[${mode}] export stops at the cap`,
            );
          });
        }
      }
    }
    c.done();
  } finally {
    // Not kept for the no-PII scan: 200 MB of filler.
    await Deno.remove(join(w.seg, "_ctx/telemetry"), { recursive: true });
    await disposeWorld(w);
  }
});

Deno.test("telemetry: after a torn last line, the next events are appended on lines of their own and all parse", async () => {
  const w = await makeWorld();
  const c = new Checks();
  try {
    const dir = join(w.seg, "_ctx/telemetry");
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(
      join(dir, "events.jsonl"),
      eventLine("hostile.before", 0) + '{"ts":"2026-01-01T00:00:00.000Z","cmd":"ast.skel',
    );
    for (const mode of CLI_MODES) {
      const r = await trifecta(w, ["ast", "skeleton", "src/inventory/models.py", "--json"], {
        mode,
      });
      c.check(() => assertOk(r));
    }
    const ex = await trifecta(w, ["telemetry", "export", "--format", "json"]);
    c.check(() => {
      assertOk(ex);
      const j = jsonOf(ex);
      const events = j.events as { cmd: string }[];
      const skeletons = events.filter((e) => e.cmd === "ast.skeleton").length;
      assert.equal(skeletons, 2, `both ast.skeleton events parse (got ${skeletons}): ${shown(ex)}`);
      assert.ok(events.some((e) => e.cmd === "hostile.before"), "the event before the torn line");
      assert.equal(j.corrupt_lines, 1, "only the torn line is corrupt");
    });
    const left = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).filter((n) =>
      /\.tmp/.test(n)
    );
    c.check(() => assert.deepEqual(left, [], "temp files left in the telemetry directory"));
    c.done();
  } finally {
    await disposeWorld(w);
  }
});

async function sha(path: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", await Deno.readFile(path)));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Fill the file system of `dir` until a write fails. */
async function fill(dir: string): Promise<void> {
  const f = await Deno.open(join(dir, "filler.bin"), { write: true, create: true });
  try {
    for (const size of [1 << 16, 1 << 12, 1 << 8, 1]) {
      const chunk = new Uint8Array(size);
      while (true) {
        try {
          await f.write(chunk);
        } catch (err) {
          // ENOSPC: this chunk size no longer fits; try a smaller one.
          void err;
          break;
        }
      }
    }
  } finally {
    f.close();
  }
}

/** Mount a tiny tmpfs on `mnt`; the reason when that is impossible here (it needs root). */
async function mountTmpfs(mnt: string): Promise<string | undefined> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (err) {
    // No mount binary, or --allow-run does not cover it: the capability is missing.
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotCapable) {
      return err.message;
    }
    throw err;
  }
  if (out.success) return undefined;
  return new TextDecoder().decode(out.stderr).trim() || `mount exited ${out.code}`;
}

/**
 * Why no tmpfs can be mounted here (the full-disk case needs one), or
 * undefined when it can: probed once, before the tests are declared.
 */
async function tmpfsUnavailable(): Promise<string | undefined> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-hostile-tmpfs-probe-" });
  try {
    const why = await mountTmpfs(dir);
    if (why === undefined) await new Deno.Command("umount", { args: [dir] }).output();
    return why;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const FULL_DISK_TEST =
  "telemetry: on a full disk (tiny tmpfs) commands keep their documented exit codes, the pack stays, health reports the failed writes";
const NO_TMPFS = await tmpfsUnavailable();
if (NO_TMPFS !== undefined) {
  console.log(`SKIPPED ${FULL_DISK_TEST}: mount failed (${NO_TMPFS}); needs root`);
}

Deno.test({ name: FULL_DISK_TEST, ignore: NO_TMPFS !== undefined, fn: fullDiskCase });

async function fullDiskCase(): Promise<void> {
  const mnt = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-hostile-tmpfs-" }));
  const why = await mountTmpfs(mnt);
  let made: World | undefined; // disposed in `finally`, when it was made
  const c = new Checks();
  try {
    assert.equal(why, undefined, "the tmpfs mounts (it did when probed)");
    const w = await makeWorld({ under: mnt });
    made = w;
    assertOk(await trifecta(w, ["ctx", "build", "--json"]));
    // One SQLite file holds the pack and its index since issue 16.
    const pack = join(w.seg, "_ctx/context_pack.db");
    const packBefore = await sha(pack);
    await fill(mnt);
    const runs: Run[] = [];
    for (const mode of CLI_MODES as Mode[]) {
      const run = async (args: string[]) => {
        const r = await trifecta(w, args, { mode });
        runs.push(r);
        return r;
      };
      const sk = await run(["ast", "skeleton", "src/inventory/models.py", "--json"]);
      c.check(() => assertOk(sk));
      const se = await run(["ctx", "search", "-q", "inventory", "--json"]);
      c.check(() => assertOk(se));
      const b = await run(["ctx", "build", "--json"]);
      c.check(() => assertError(b, ["DISK_FULL"]));
      const h = await run(["telemetry", "health", "--json"]);
      c.check(() => {
        assertNoCrash(h);
        assert.ok([0, 2, 3].includes(h.code), shown(h));
      });
    }
    const packAfter = await sha(pack);
    c.check(() => assert.equal(packAfter, packBefore, "the pack changed on a full disk"));
    for (const d of ["_ctx", "_ctx/telemetry"]) {
      const names = (await Array.fromAsync(Deno.readDir(join(w.seg, d)))).map((e) => e.name);
      const left = names.filter((n) => /\.tmp/.test(n));
      c.check(() => assert.deepEqual(left, [], `temp files left in ${d} on a full disk`));
    }
    await Deno.remove(join(mnt, "filler.bin"));
    const h = await trifecta(w, ["telemetry", "health", "--json"]);
    c.check(() => {
      assertNoCrash(h);
      assert.ok([2, 3].includes(h.code), `health must not be OK after lost writes: ${shown(h)}`);
      const checks = (jsonOf(h).checks ?? []) as { name: string; status: string }[];
      const bad = checks.filter((x) => /drop|write|fail|lost/i.test(x.name) && x.status !== "OK");
      assert.ok(
        bad.length > 0,
        `no write check reports the failed writes: ${JSON.stringify(checks)}`,
      );
    });
    c.done();
  } finally {
    if (made) await disposeWorld(made);
    await new Deno.Command("umount", { args: [mnt] }).output();
    await Deno.remove(mnt, { recursive: true });
  }
}
