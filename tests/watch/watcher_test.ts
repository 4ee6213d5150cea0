/**
 * The segment watcher with real file-system events (`Deno.watchFs`): what
 * it reports for added, changed, renamed and deleted files, what it never
 * reports (ignored, denied, links out of the segment, trifecta's own
 * directories), and the full re-scan when events overflow its bound. Tests
 * wait for a batch up to a deadline; none asserts a speed.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { resolveSegment, type Segment } from "../../lib/segment/mod.ts";
import {
  type RawEvent,
  SegmentWatcher,
  type WatchBatch,
  type WatcherOptions,
} from "../../lib/watch/mod.ts";

const DEADLINE_MS = 5000;

interface Harness {
  dir: string;
  segment: Segment;
  watcher: SegmentWatcher;
  batches: WatchBatch[];
  errors: string[];
  /** Every path reported so far, by list. */
  seen(): { added: string[]; changed: string[]; deleted: string[] };
  /** Wait until `pred` holds over the batches (fails at the deadline). */
  waitFor(pred: () => boolean, what: string): Promise<void>;
  close(): Promise<void>;
}

async function harness(
  setup: (dir: string) => void,
  options: Partial<WatcherOptions> = {},
): Promise<Harness> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-watch-" });
  setup(dir);
  const segment = await resolveSegment(dir);
  const batches: WatchBatch[] = [];
  const errors: string[] = [];
  const watcher = await SegmentWatcher.start(segment, {
    debounceMs: 50,
    rescanIntervalMs: 0,
    checkMs: 0,
    ...options,
    onBatch: (b) => {
      batches.push(b);
    },
    onError: (err, what) => errors.push(`${what}: ${err}`),
  });
  const h: Harness = {
    dir,
    segment,
    watcher,
    batches,
    errors,
    seen: () => ({
      added: batches.flatMap((b) => b.added),
      changed: batches.flatMap((b) => b.changed),
      deleted: batches.flatMap((b) => b.deleted),
    }),
    async waitFor(pred, what) {
      const until = Date.now() + DEADLINE_MS;
      while (!pred()) {
        if (Date.now() > until) {
          throw new Error(`no batch with ${what} by the deadline: ${JSON.stringify(batches)}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await watcher.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
  return h;
}

Deno.test("watcher reports an added, a changed, a renamed and a deleted file", async () => {
  const h = await harness((dir) => {
    Deno.mkdirSync(`${dir}/pkg`);
    Deno.writeTextFileSync(`${dir}/pkg/keep.py`, "x = 1\n");
    Deno.writeTextFileSync(`${dir}/pkg/old.py`, "y = 1\n");
    Deno.writeTextFileSync(`${dir}/gone.py`, "z = 1\n");
  });
  try {
    equal(h.watcher.fileCount, 3);
    Deno.writeTextFileSync(`${h.dir}/pkg/new.py`, "def f(): pass\n");
    await h.waitFor(() => h.seen().added.includes("pkg/new.py"), "pkg/new.py added");
    Deno.writeTextFileSync(`${h.dir}/pkg/keep.py`, "x = 2\n"); // same size: the event counts
    await h.waitFor(() => h.seen().changed.includes("pkg/keep.py"), "pkg/keep.py changed");
    Deno.renameSync(`${h.dir}/pkg/old.py`, `${h.dir}/pkg/renamed.py`);
    await h.waitFor(
      () => h.seen().deleted.includes("pkg/old.py") && h.seen().added.includes("pkg/renamed.py"),
      "the rename as a delete and an add",
    );
    Deno.removeSync(`${h.dir}/gone.py`);
    await h.waitFor(() => h.seen().deleted.includes("gone.py"), "gone.py deleted");
    equal(h.watcher.fileCount, 3);
    deepEqual(h.errors, []);
  } finally {
    await h.close();
  }
});

Deno.test("writes within the debounce coalesce into one batch naming each file once", async () => {
  // A long debounce (capped at MAX_WAIT_MS) so the writes, a few µs apart, all fall in it.
  const h = await harness((dir) => Deno.writeTextFileSync(`${dir}/a.py`, "x = 0\n"), {
    debounceMs: 5000,
  });
  try {
    for (let i = 1; i <= 5; i++) Deno.writeTextFileSync(`${h.dir}/a.py`, `x = ${i}\n`);
    Deno.writeTextFileSync(`${h.dir}/b.py`, "y = 1\n");
    Deno.removeSync(`${h.dir}/b.py`); // created and gone again: nothing to report
    Deno.writeTextFileSync(`${h.dir}/c.py`, "z = 1\n");
    await h.waitFor(() => h.batches.length > 0, "a batch");
    await h.watcher.flush();
    deepEqual(h.batches.map((b) => ({ added: b.added, changed: b.changed, deleted: b.deleted })), [
      { added: ["c.py"], changed: ["a.py"], deleted: [] },
    ]);
  } finally {
    await h.close();
  }
});

Deno.test("watcher picks up files in a directory created after it started, and their deletion", async () => {
  const h = await harness(() => {});
  try {
    Deno.mkdirSync(`${h.dir}/a/b`, { recursive: true });
    Deno.writeTextFileSync(`${h.dir}/a/b/deep.py`, "x = 1\n");
    await h.waitFor(() => h.seen().added.includes("a/b/deep.py"), "a/b/deep.py added");
    Deno.removeSync(`${h.dir}/a`, { recursive: true });
    await h.waitFor(() => h.seen().deleted.includes("a/b/deep.py"), "a/b/deep.py deleted");
  } finally {
    await h.close();
  }
});

Deno.test("watcher never reports ignored, denied, outward-linked or trifecta's own files", async () => {
  const h = await harness((dir) => {
    Deno.writeTextFileSync(`${dir}/.gitignore`, "build/\n*.log\n");
  });
  try {
    Deno.writeTextFileSync(`${h.dir}/.env`, "TOKEN=hunter2\n");
    Deno.symlinkSync("/etc/passwd", `${h.dir}/passwd.py`);
    Deno.symlinkSync(`${h.dir}/.env`, `${h.dir}/env_link.py`);
    Deno.mkdirSync(`${h.dir}/build`);
    Deno.writeTextFileSync(`${h.dir}/build/out.py`, "x = 1\n");
    Deno.writeTextFileSync(`${h.dir}/run.log`, "log\n");
    Deno.mkdirSync(`${h.dir}/_ctx`);
    Deno.writeTextFileSync(`${h.dir}/_ctx/context_pack.db`, "x");
    Deno.mkdirSync(`${h.dir}/.git`);
    Deno.writeTextFileSync(`${h.dir}/.git/index`, "x");
    // A file that counts, written last: once it is reported, the rest had their chance.
    Deno.writeTextFileSync(`${h.dir}/marker.py`, "m = 1\n");
    await h.waitFor(() => h.seen().added.includes("marker.py"), "marker.py added");
    await h.watcher.flush();
    const all = Object.values(h.seen()).flat();
    deepEqual(all, ["marker.py"]);
  } finally {
    await h.close();
  }
});

Deno.test("watcher drops a file that becomes a symlink out of the segment", async () => {
  // With the silence check on, as in every real session: the remove and the
  // link's create do not always both arrive as events (seen about one run in
  // three here); the check's stat scan then reports the file gone.
  const h = await harness((dir) => Deno.writeTextFileSync(`${dir}/app.py`, "x = 1\n"), {
    checkMs: 200,
  });
  try {
    Deno.removeSync(`${h.dir}/app.py`);
    Deno.symlinkSync("/etc/passwd", `${h.dir}/app.py`);
    await h.waitFor(() => h.seen().deleted.includes("app.py"), "app.py deleted");
    ok(!h.seen().added.includes("app.py"));
    ok(!h.seen().changed.includes("app.py"));
  } finally {
    await h.close();
  }
});

Deno.test("more events than the bound give one full re-scan that misses nothing", async () => {
  // A real overflow of the watcher's own bound: 40 files against maxPending 5.
  const h = await harness(() => {}, { maxPending: 5, debounceMs: 300 });
  try {
    const names = Array.from({ length: 40 }, (_, i) => `f${String(i).padStart(2, "0")}.py`);
    for (const n of names) Deno.writeTextFileSync(`${h.dir}/${n}`, "x = 1\n");
    await h.waitFor(() => h.seen().added.length >= 40, "all 40 files added");
    deepEqual(h.seen().added.sort(), names);
    ok(h.batches.some((b) => b.rescan === "overflow"), JSON.stringify(h.batches));
  } finally {
    await h.close();
  }
});

/**
 * An event source that never reports anything, or fails: lost events and a
 * broken stream cannot be provoked on demand with real inotify, so these two
 * tests use it (the re-scan they check is the real one).
 */
function silentSource(fail: boolean) {
  return (_root: string) => {
    let stop: () => void = () => {};
    const stopped = new Promise<void>((r) => (stop = r));
    return {
      [Symbol.asyncIterator](): AsyncIterator<RawEvent> {
        return {
          async next(): Promise<IteratorResult<RawEvent>> {
            if (fail) throw new Error("event stream failed");
            await stopped;
            return { done: true, value: undefined };
          },
        };
      },
      close: () => stop(),
    };
  };
}

Deno.test("the periodic re-scan finds changes whose events were lost", async () => {
  const h = await harness((dir) => Deno.writeTextFileSync(`${dir}/a.py`, "x = 1\n"), {
    source: silentSource(false),
    rescanIntervalMs: 100,
  });
  try {
    Deno.writeTextFileSync(`${h.dir}/b.py`, "y = 1\n");
    Deno.removeSync(`${h.dir}/a.py`);
    await h.waitFor(
      () => h.seen().added.includes("b.py") && h.seen().deleted.includes("a.py"),
      "b.py added and a.py deleted",
    );
    ok(h.batches.every((b) => b.rescan === "periodic"));
  } finally {
    await h.close();
  }
});

Deno.test("a failed event stream is reported and followed by a re-scan", async () => {
  const h = await harness(() => {}, { source: silentSource(true) });
  try {
    Deno.writeTextFileSync(`${h.dir}/late.py`, "x = 1\n");
    // The stream failed at start: the re-scan after it (and its reopened,
    // failing again, stream) finds the file.
    await h.waitFor(() => h.seen().added.includes("late.py"), "late.py added");
    ok(h.errors.some((e) => e.startsWith("watch_events: Error: event stream failed")));
    ok(h.batches.some((b) => b.rescan === "watch_error"));
  } finally {
    await h.close();
  }
});

Deno.test("a silent event stream that misses a change is declared lost, then the segment is polled", async () => {
  const lost: number[] = [];
  const h = await harness(() => {}, {
    source: silentSource(false),
    checkMs: 100,
    onEventsLost: ({ pollMs }) => lost.push(pollMs),
  });
  try {
    equal(h.watcher.eventsLost, false);
    Deno.writeTextFileSync(`${h.dir}/b.py`, "y = 1\n");
    await h.waitFor(() => h.seen().added.includes("b.py"), "b.py added");
    ok(h.watcher.eventsLost);
    deepEqual(lost, [1000]);
    ok(h.batches.every((b) => b.rescan === "lost_events"), JSON.stringify(h.batches));
    // Polled from now on: a later change is still seen.
    Deno.writeTextFileSync(`${h.dir}/c.py`, "z = 1\n");
    await h.waitFor(() => h.seen().added.includes("c.py"), "c.py added");
    deepEqual(lost, [1000]);
  } finally {
    await h.close();
  }
});

Deno.test("the silence check never declares a live event stream lost", async () => {
  const lost: number[] = [];
  const h = await harness(() => {}, { checkMs: 50, onEventsLost: () => lost.push(1) });
  try {
    for (const n of [1, 2, 3, 4]) {
      Deno.writeTextFileSync(`${h.dir}/f${n}.py`, `x = ${n}\n`);
      await h.waitFor(() => h.seen().added.includes(`f${n}.py`), `f${n}.py added`);
      // Leave the stream quiet long enough for silence checks to run.
      await new Promise((r) => setTimeout(r, 400));
    }
    equal(h.watcher.eventsLost, false);
    deepEqual(lost, []);
    ok(h.batches.every((b) => b.rescan === undefined), JSON.stringify(h.batches));
  } finally {
    await h.close();
  }
});

Deno.test({
  name: "a FIFO made in the segment while it is watched does not hide later changes",
  // Deno's watcher thread stays blocked opening the FIFO after the test (see docs/watch.md).
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const h = await harness((dir) => Deno.writeTextFileSync(`${dir}/app.py`, "x = 1\n"), {
      checkMs: 1000,
    });
    try {
      const made = new Deno.Command("mkfifo", { args: [`${h.dir}/pipe.py`] }).outputSync();
      ok(made.success, "mkfifo");
      await new Promise((r) => setTimeout(r, 200));
      Deno.writeTextFileSync(`${h.dir}/app.py`, "x = 2\n");
      Deno.writeTextFileSync(`${h.dir}/marker.py`, "m = 1\n");
      await h.waitFor(() => h.seen().added.includes("marker.py"), "marker.py added");
      ok(h.seen().changed.includes("app.py") || h.seen().added.includes("app.py"));
      ok(!JSON.stringify(h.batches).includes("pipe.py"), JSON.stringify(h.batches));
    } finally {
      // Release Deno's watcher thread, blocked opening the FIFO for reading:
      // a writer's open lets it through. Through a hard link outside the
      // segment, the segment's name removed first, so the thread does not
      // block again on the events of that open (bounded by `timeout`).
      const other = Deno.makeTempDirSync({ prefix: "trifecta-watch-fifo-" });
      Deno.linkSync(`${h.dir}/pipe.py`, `${other}/p`);
      Deno.removeSync(`${h.dir}/pipe.py`);
      new Deno.Command("timeout", { args: ["5", "sh", "-c", `: > "$1"`, "sh", `${other}/p`] })
        .outputSync();
      Deno.removeSync(other, { recursive: true });
      await h.close();
    }
  },
});
