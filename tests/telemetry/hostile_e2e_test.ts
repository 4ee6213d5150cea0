/**
 * The real CLI (documented narrow flags) against hostile telemetry files:
 * a file past the read cap, FIFOs, a symlinked telemetry directory, a full
 * disk (a real tmpfs).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MAIN_TS, narrowFlags, runCli } from "../e2e/helpers.ts";

async function withSegment(fn: (root: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-tel-hostile-" });
  try {
    await fn(await Deno.realPath(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function line(cmd: string, i: number): string {
  return JSON.stringify({
    ts: new Date().toISOString(),
    run_id: `run_${cmd}`,
    cmd,
    args: { query_preview: `q${i}` },
    result: { status: "ok", hits: 1 },
    timing_ms: 2,
    x: { pad: "p".repeat(300) },
  }) + "\n";
}

Deno.test("report, health and ctx stats over a file past TRIFECTA_TELEMETRY_READ_MAX_BYTES read its newest part and warn", async () => {
  await withSegment(async (root) => {
    const dir = join(root, "_ctx", "telemetry");
    await Deno.mkdir(dir, { recursive: true });
    // ~4 MB: old.cmd events, then 100 ctx.search events at the end.
    const f = await Deno.open(join(dir, "events.jsonl"), { write: true, create: true });
    const enc = new TextEncoder();
    const block = enc.encode(Array.from({ length: 1000 }, (_, i) => line("old.cmd", i)).join(""));
    for (let i = 0; i < 10; i++) await f.write(block);
    await f.write(
      enc.encode(Array.from({ length: 100 }, (_, i) => line("ctx.search", i)).join("")),
    );
    f.close();
    const env = { TRIFECTA_TELEMETRY_READ_MAX_BYTES: "20000" };

    const rep = await runCli(["telemetry", "report", "-s", root, "--json", "--last", "0"], { env });
    assert.equal(rep.code, 0, rep.stderr);
    const r = JSON.parse(rep.stdout);
    assert.deepEqual(r.commands.map((c: { cmd: string }) => c.cmd), ["ctx.search"]);
    assert.ok(r.events > 10 && r.events < 100, `${r.events} events`);
    assert.equal(r.read.cap_bytes, 20000);
    assert.ok(r.read.bytes_skipped > 3_000_000);
    assert.match(
      r.read_warnings[0],
      /^telemetry read capped at 19\.5 KiB .* the oldest 4\.\d MiB of 4\.\d MiB were left out/,
    );
    const text = await runCli(["telemetry", "report", "-s", root, "--last", "0"], { env });
    assert.match(text.stdout, /⚠ telemetry read capped at 19\.5 KiB/);

    const h = await runCli(["telemetry", "health", "-s", root, "--json"], { env });
    assert.equal(h.code, 2, h.stdout);
    const check = JSON.parse(h.stdout).checks.find((c: { name: string }) =>
      c.name === "read_limits"
    );
    assert.equal(check.status, "WARN");

    const st = await runCli(["ctx", "stats", "-s", root, "--json"], { env });
    assert.equal(st.code, 0, st.stderr);
    assert.ok(JSON.parse(st.stdout).searches < 100);
  });
});

async function mkfifo(path: string): Promise<void> {
  const out = await new Deno.Command("mkfifo", { args: [path] }).output();
  assert.ok(out.success, `mkfifo ${path}`);
}

Deno.test("FIFOs named metrics.json, last_run.json and pending/*.json do not hang readers or writers", async () => {
  await withSegment(async (root) => {
    const dir = join(root, "_ctx", "telemetry");
    await Deno.mkdir(join(dir, "pending"), { recursive: true });
    await Deno.writeTextFile(join(dir, "events.jsonl"), line("ctx.search", 1));
    for (const p of ["metrics.json", "last_run.json", "pending/a.json"]) await mkfifo(join(dir, p));
    const args = ["telemetry", "health", "-s", root, "--json"];
    // A guard against the old behaviour (blocking in open(2) forever), not a
    // timing assertion: the run is killed only if it hangs.
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...narrowFlags(args), MAIN_TS, ...args],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(60_000),
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 2, stdout + new TextDecoder().decode(out.stderr));
    const h = JSON.parse(stdout);
    const msg = h.checks.find((c: { name: string }) => c.name === "read_limits").message;
    assert.match(msg, /metrics\.json is not a regular file: treated as corrupt/);
    assert.match(msg, /last_run\.json is not a regular file: not read/);
    assert.match(msg, /1 pending\/ files are not usable/);
  });
});

Deno.test("a symlinked _ctx/telemetry: readers fail with TELEMETRY_DIR_UNSAFE and nothing is written through it", async () => {
  await withSegment(async (root) => {
    const outside = await Deno.makeTempDir({ prefix: "trifecta-tel-elsewhere-" });
    try {
      const content = line("outside.marker", 1);
      await Deno.writeTextFile(join(outside, "events.jsonl"), content);
      await Deno.mkdir(join(root, "_ctx"));
      await Deno.symlink(outside, join(root, "_ctx", "telemetry"));
      const r = await runCli(["telemetry", "export", "-s", root, "--json"]);
      assert.equal(r.code, 1, r.stdout);
      assert.equal(JSON.parse(r.stdout).error_code, "TELEMETRY_DIR_UNSAFE");
      assert.doesNotMatch(r.stdout + r.stderr, /outside\.marker/);
      const names = [...Deno.readDirSync(outside)].map((e) => e.name);
      assert.deepEqual(names, ["events.jsonl"], "no file created there");
      assert.equal(await Deno.readTextFile(join(outside, "events.jsonl")), content);
    } finally {
      await Deno.remove(outside, { recursive: true });
    }
  });
});

async function tryMountTmpfs(dir: string): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", "size=512k", "tmpfs", dir],
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

/**
 * Why no tmpfs can be mounted here (the full-disk case needs one), or
 * undefined when it can: probed once, before the tests are declared.
 */
async function tmpfsUnavailable(): Promise<string | undefined> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-tel-full-e2e-probe-" });
  try {
    const why = await tryMountTmpfs(dir);
    if (why === undefined) await new Deno.Command("umount", { args: [dir] }).output();
    return why;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const FULL_DISK_TEST =
  "commands on a full disk exit 0, and telemetry health then reports their events as lost";
const NO_TMPFS = await tmpfsUnavailable();
if (NO_TMPFS !== undefined) {
  console.log(`SKIPPED ${FULL_DISK_TEST}: cannot mount a tmpfs here (${NO_TMPFS})`);
}

Deno.test({ name: FULL_DISK_TEST, ignore: NO_TMPFS !== undefined, fn: fullDiskCase });

async function fullDiskCase(): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-tel-full-e2e-" }));
  const why = await tryMountTmpfs(dir);
  try {
    assert.equal(why, undefined, "the tmpfs mounts (it did when probed)");
    const first = await runCli(["telemetry", "report", "-s", dir, "--json"]);
    assert.equal(first.code, 0, first.stderr);
    const events = join(dir, "_ctx", "telemetry", "events.jsonl");
    // Pad the log to a page boundary with blank lines (readers skip them),
    // so that the next append needs a new page, then fill the disk.
    const size = (await Deno.stat(events)).size;
    await Deno.writeTextFile(events, "\n".repeat((4096 - size % 4096) % 4096), { append: true });
    const f = await Deno.open(join(dir, "filler"), { write: true, create: true });
    try {
      for (;;) await f.write(new Uint8Array(4096));
    } catch (err) {
      if (!/os error 28/.test(String(err))) throw err; // ENOSPC is the point
    } finally {
      f.close();
    }
    for (let i = 0; i < 3; i++) {
      const r = await runCli(["telemetry", "report", "-s", dir, "--json"]);
      assert.equal(r.code, 0, `a failed telemetry write never fails the command: ${r.stderr}`);
    }
    const h = await runCli(["telemetry", "health", "-s", dir, "--json"]);
    const health = JSON.parse(h.stdout);
    const drops = health.checks.find((c: { name: string }) => c.name === "event_drops");
    assert.equal(drops.status, "FAIL");
    assert.match(drops.message, /^3 of 4 events were not written/);
    const flush = health.checks.find((c: { name: string }) => c.name === "flush_failures");
    assert.equal(flush.status, "WARN");
    assert.match(flush.message, /^3 flushes could not update metrics\.json/);
    assert.equal(h.code, 3);
    const tmp = [...Deno.readDirSync(join(dir, "_ctx", "telemetry"))].filter((e) =>
      e.name.endsWith(".tmp")
    );
    assert.deepEqual(tmp, [], "no temp file left");
  } finally {
    await new Deno.Command("umount", { args: [dir] }).output();
    await Deno.remove(dir, { recursive: true });
  }
}
