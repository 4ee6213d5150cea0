/**
 * Attacker's review of issue 16: `trifecta watch` (real subprocess, narrow
 * flags) while the repository changes under it in hostile ways the watch
 * tests do not already cover: a hard link to a file outside the segment, a
 * watched directory replaced by a symlink to an outside directory, and
 * trifecta's own `_ctx/` replaced by a symlink to an outside directory before
 * a sync, a FIFO named like a source file. Nothing outside the segment may
 * be indexed or written, and the watcher must keep reporting. Each wait
 * is a deadline for an event (a hang guard), not a speed assertion.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { removeSegment, runCli } from "./helpers.ts";
import { WatchProcess } from "./watch_process.ts";

const READY_DEADLINE_MS = 60_000;
const EVENT_DEADLINE_MS = 30_000;

/** What the watcher reported as added or changed so far. */
function seen(w: WatchProcess): string[] {
  return [...w.seen("added"), ...w.seen("changed")];
}

/** SIGTERM, then the exit code must be 0. */
async function stopped(w: WatchProcess): Promise<void> {
  const end = await w.stop("SIGTERM");
  assert.equal(end.code, 0, end.stderr);
}

/** Every file under `dir` (names, recursively). */
async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    out.push(e.name);
    if (e.isDirectory) {
      out.push(...(await listTree(join(dir, e.name))).map((n) => `${e.name}/${n}`));
    }
  }
  return out.sort();
}

/** Hits of `ctx search -q query --json` (the pack as the CLI serves it). */
async function searchHits(seg: string, query: string): Promise<string> {
  const r = await runCli(["ctx", "search", "-s", seg, "-q", query, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.stringify((JSON.parse(r.stdout) as { hits: unknown[] }).hits);
}

Deno.test({
  name:
    "hostile16: watch never indexes a hard link to an outside file, nor a directory swapped for a link out",
  sanitizeResources: false,
  fn: async () => {
    const seg = await Deno.makeTempDir({ prefix: "trifecta-red16-watch-" });
    const outside = await Deno.makeTempDir({ prefix: "trifecta-red16-outside-" });
    try {
      await Deno.mkdir(join(seg, "pkg"));
      await Deno.writeTextFile(join(seg, "pkg/inner.py"), "def inner():\n    return 1\n");
      await Deno.writeTextFile(join(seg, "app.py"), "def app():\n    return 1\n");
      await Deno.writeTextFile(join(outside, "secret.py"), "OUTSIDE_HARDLINK_PROBE = 1\n");
      await Deno.writeTextFile(join(outside, "inner.py"), "OUTSIDE_DIRSWAP_PROBE = 1\n");
      assert.equal((await runCli(["ctx", "build", "-s", seg])).code, 0);
      const w = new WatchProcess(seg);
      try {
        await w.waitFor(() => w.lines.some((l) => l.event === "ready"), "ready", READY_DEADLINE_MS);
        await Deno.link(join(outside, "secret.py"), join(seg, "hard.py"));
        await Deno.rename(join(seg, "pkg"), join(seg, "pkg_old"));
        await Deno.symlink(outside, join(seg, "pkg"));
        // Written last: once reported, the batch holding the others is done.
        await Deno.writeTextFile(join(seg, "marker.py"), "marker = 1\n");
        await w.waitFor(() => seen(w).includes("marker.py"), "marker", EVENT_DEADLINE_MS);
      } finally {
        await stopped(w);
      }
      const reported = seen(w);
      // hard.py may be reported (the walker lists names; the read boundary
      // refuses a hard link's content): what matters is the pack.
      assert.ok(!reported.some((p) => p.startsWith("pkg/")), `link out reported: ${reported}`);
      assert.ok((await searchHits(seg, "app")).includes("app.py"), "control: the pack answers");
      for (const probe of ["OUTSIDE_HARDLINK_PROBE", "OUTSIDE_DIRSWAP_PROBE"]) {
        assert.equal(await searchHits(seg, probe), "[]", `${probe} is in the pack`);
      }
    } finally {
      await removeSegment(seg);
      await Deno.remove(outside, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "hostile16: watch never writes the pack through a _ctx swapped for a symlink to an outside dir",
  sanitizeResources: false,
  fn: async () => {
    const seg = await Deno.makeTempDir({ prefix: "trifecta-red16-watch-" });
    const outside = await Deno.makeTempDir({ prefix: "trifecta-red16-outside-" });
    try {
      await Deno.writeTextFile(join(seg, "app.py"), "def app():\n    return 1\n");
      assert.equal((await runCli(["ctx", "build", "-s", seg])).code, 0);
      const w = new WatchProcess(seg);
      let planted = new Uint8Array();
      let plantedIno: number | null = null;
      try {
        await w.waitFor(() => w.lines.some((l) => l.event === "ready"), "ready", READY_DEADLINE_MS);
        // The attacker keeps a copy of the pack there, so the watcher still finds "a pack".
        await Deno.copyFile(join(seg, "_ctx/context_pack.db"), join(outside, "context_pack.db"));
        planted = await Deno.readFile(join(outside, "context_pack.db"));
        plantedIno = (await Deno.lstat(join(outside, "context_pack.db"))).ino;
        await Deno.rename(join(seg, "_ctx"), join(seg, "_ctx_old"));
        await Deno.symlink(outside, join(seg, "_ctx"));
        await Deno.writeTextFile(join(seg, "marker.py"), "marker = 1\n");
        await w.waitFor(() => seen(w).includes("marker.py"), "marker", EVENT_DEADLINE_MS);
        // One more batch, so a sync of the first has surely ended.
        await Deno.writeTextFile(join(seg, "marker2.py"), "marker2 = 1\n");
        await w.waitFor(() => seen(w).includes("marker2.py"), "marker2", EVENT_DEADLINE_MS);
      } finally {
        await stopped(w);
      }
      assert.deepEqual(await listTree(outside), ["context_pack.db"], "written through the link");
      // A sync renames a new file over the pack: same name, other inode and bytes.
      assert.equal((await Deno.lstat(join(outside, "context_pack.db"))).ino, plantedIno);
      assert.deepEqual(await Deno.readFile(join(outside, "context_pack.db")), planted);
      // The watcher tried and was refused by name, not silently skipped.
      const refused = w.lines.filter((l) =>
        (l as { errors?: Record<string, string> }).errors?.pack === "CTX_DIR_UNSAFE"
      );
      assert.ok(refused.length > 0, JSON.stringify(w.lines));
    } finally {
      await removeSegment(seg);
      await Deno.remove(outside, { recursive: true });
    }
  },
});

Deno.test({
  name: "hostile16: watch is not stalled by a FIFO named like a source file, made while it runs",
  sanitizeResources: false,
  fn: async () => {
    const seg = await Deno.makeTempDir({ prefix: "trifecta-red16-watch-" });
    try {
      await Deno.writeTextFile(join(seg, "app.py"), "def app():\n    return 1\n");
      assert.equal((await runCli(["ctx", "build", "-s", seg])).code, 0);
      const w = new WatchProcess(seg);
      try {
        await w.waitFor(() => w.lines.some((l) => l.event === "ready"), "ready", READY_DEADLINE_MS);
        const made = new Deno.Command("mkfifo", { args: [join(seg, "pipe.py")] }).outputSync();
        assert.ok(made.success, "mkfifo");
        await Deno.writeTextFile(join(seg, "app.py"), "def app():\n    return 2\n");
        // A later batch proves the watcher (cache warm-up, pack sync) did not block on the FIFO.
        await new Promise((r) => setTimeout(r, 500));
        await Deno.writeTextFile(join(seg, "marker.py"), "marker = 1\n");
        await w.waitFor(() => seen(w).includes("marker.py"), "marker", EVENT_DEADLINE_MS);
      } finally {
        await stopped(w);
      }
      assert.ok(!seen(w).includes("pipe.py"), JSON.stringify(w.lines));
    } finally {
      await removeSegment(seg);
    }
  },
});
