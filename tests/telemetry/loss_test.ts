/**
 * Telemetry loses nothing it could keep: torn last lines, a full disk (a
 * real tmpfs), temp files of failed or killed flushes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { checkHealth, readMetrics, readTelemetry, Telemetry } from "../../lib/telemetry/mod.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { allEventLines, runWriters } from "./_multiproc.ts";
import { fakeEnv, tempSegment } from "./_helpers.ts";

const TORN = '{"ts":"2026-01-01T00:00:00.000Z","cmd":"crashed","ar';

Deno.test("an event after a torn last line starts on its own line and is kept", async () => {
  const s = await tempSegment();
  try {
    await Deno.mkdir(s.telDir, { recursive: true });
    const path = join(s.telDir, "events.jsonl");
    await Deno.writeTextFile(path, TORN);
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    t.event("after", { result: { status: "ok" }, timingMs: 1 });
    t.event("again", { result: { status: "ok" }, timingMs: 1 });
    await t.flush();
    const text = await Deno.readTextFile(path);
    assert.ok(text.startsWith(TORN + "\n{"), "the fragment is closed by a newline");
    const d = await readTelemetry(s.telDir);
    assert.deepEqual(d.events.map((e) => e.cmd), ["after", "again"]);
    assert.equal(d.corruptLines, 1, "only the fragment");
    assert.equal(d.metrics.telemetry_torn_lines_repaired, 1, "the second event needed no repair");
  } finally {
    await s.cleanup();
  }
});

Deno.test("16 processes appending after a torn last line lose no event", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-tel-torn-" });
  try {
    const dir = join(seg, "_ctx", "telemetry");
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(join(dir, "events.jsonl"), TORN);
    await runWriters(seg, { procs: 16, events: 200 });
    const { lines } = await allEventLines(dir);
    const bad = lines.filter((l) => {
      try {
        JSON.parse(l);
        return false;
      } catch (err) {
        if (err instanceof SyntaxError) return true;
        throw err;
      }
    });
    assert.deepEqual(bad, [TORN]);
    assert.equal(lines.length, 16 * 200 + 1);
    const m = readMetrics(dir).metrics;
    assert.equal(m.telemetry_events_written, 16 * 200);
    assert.ok((m.telemetry_torn_lines_repaired ?? 0) >= 1);
  } finally {
    await Deno.remove(seg, { recursive: true });
  }
});

Deno.test("stale temp files of killed flushes are swept at the next merge; fresh ones are left", async () => {
  const s = await tempSegment();
  try {
    await Deno.mkdir(join(s.telDir, "pending"), { recursive: true });
    const old = new Date(Date.now() - 5 * 60_000);
    const stale = [
      join(s.telDir, "metrics.json.4242.deadbeef.tmp"),
      join(s.telDir, "last_run.json.4242.0badc0de.tmp"),
      join(s.telDir, "pending", "run_1-1-abcdef.json.4242.12345678.tmp"),
    ];
    for (const p of stale) {
      await Deno.writeFile(p, new Uint8Array());
      await Deno.utime(p, old, old);
    }
    const fresh = join(s.telDir, "metrics.json.4243.cafebabe.tmp"); // a writer mid-flush
    await Deno.writeFile(fresh, new Uint8Array());
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    t.event("e", { timingMs: 1 });
    await t.flush();
    for (const p of stale) {
      await assert.rejects(() => Deno.lstat(p), Deno.errors.NotFound, `${p} swept`);
    }
    assert.ok((await Deno.lstat(fresh)).isFile, "a fresh temp file is left to its writer");
  } finally {
    await s.cleanup();
  }
});

/** Mount a tmpfs of `size` on `dir`; the reason when that is impossible here. */
async function tryMountTmpfs(dir: string, size: string): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.success) return undefined;
    return new TextDecoder().decode(out.stderr).trim() || `mount exited ${out.code}`;
  } catch (err) {
    // No mount binary, or --allow-run does not cover it.
    return err instanceof Error ? err.message : String(err);
  }
}

/** Fill the file system holding `dir` until a write fails with ENOSPC. */
async function fillDisk(dir: string): Promise<void> {
  const f = await Deno.open(join(dir, "filler"), { write: true, create: true });
  try {
    const page = new Uint8Array(4096);
    for (;;) await f.write(page);
  } catch (err) {
    if (!/os error 28/.test(String(err))) throw err; // ENOSPC is the point
  } finally {
    f.close();
  }
}

function tempFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    if (e.isDirectory) out.push(...tempFiles(join(dir, e.name)).map((n) => `${e.name}/${n}`));
    else if (e.name.endsWith(".tmp")) out.push(e.name);
  }
  return out;
}

/**
 * Why no tmpfs can be mounted here (the full-disk case needs one), or
 * undefined when it can: probed once, before the tests are declared.
 */
async function tmpfsUnavailable(): Promise<string | undefined> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-tel-full-probe-" });
  try {
    const why = await tryMountTmpfs(dir, "256k");
    if (why === undefined) await new Deno.Command("umount", { args: [dir] }).output();
    return why;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const FULL_DISK_TEST =
  "on a full disk (tmpfs) lost events are counted, health reports them, no temp file is left";
const NO_TMPFS = await tmpfsUnavailable();
if (NO_TMPFS !== undefined) {
  console.log(`SKIPPED ${FULL_DISK_TEST}: cannot mount a tmpfs here (${NO_TMPFS})`);
}

Deno.test({ name: FULL_DISK_TEST, ignore: NO_TMPFS !== undefined, fn: fullDiskCase });

async function fullDiskCase(): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-tel-full-" }));
  const why = await tryMountTmpfs(dir, "256k");
  try {
    assert.equal(why, undefined, "the tmpfs mounts (it did when probed)");
    const segment = await resolveSegment(dir);
    const telDir = join(dir, "_ctx", "telemetry");
    const first = Telemetry.open(segment, { env: fakeEnv() });
    first.event("before", { result: { status: "ok" }, timingMs: 1 });
    await first.flush();
    await fillDisk(dir);

    const t = Telemetry.open(segment, { env: fakeEnv() });
    for (let i = 0; i < 40; i++) {
      t.event("during", {
        args: { pad: "p".repeat(200), i },
        result: { status: "ok" },
        timingMs: 1,
      }); // never throws
    }
    await t.flush(); // never rejects
    assert.deepEqual(tempFiles(telDir), [], "no temp file left by the failed flush");

    const d = await readTelemetry(telDir);
    const during = d.events.filter((e) => e.cmd === "during").length;
    assert.ok(during < 40, `${during} of 40 appended`);
    assert.equal(d.metrics.telemetry_events_attempted, 41);
    assert.equal(d.metrics.telemetry_events_written, 1 + during, "written = lines present");
    assert.equal(d.metrics.telemetry_flush_failed, 1);
    const h = checkHealth(d);
    const drops = h.checks.find((c) => c.name === "event_drops");
    assert.equal(drops?.status, "FAIL", drops?.message);
    assert.match(drops?.message ?? "", new RegExp(`^${40 - during} of 41 events were not written`));
    assert.equal(h.checks.find((c) => c.name === "flush_failures")?.status, "WARN");
    assert.equal(h.exit_code, 3);
  } finally {
    await new Deno.Command("umount", { args: [dir] }).output();
    await Deno.remove(dir, { recursive: true });
  }
}
