/**
 * The pieces of the watcher without events: the bounded event buffer
 * (coalescing, the bound, the platform's `rescan` flag), the scan roots of
 * a set of paths, and the comparison of a scan with what was known.
 */
import { deepEqual, equal } from "node:assert/strict";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { applyScan, EventBuffer, type FileStates, scanRootsOf } from "../../lib/watch/mod.ts";

Deno.test("events on one path coalesce into one pending path; reads are ignored", () => {
  const buf = new EventBuffer("/repo");
  buf.add({ kind: "create", paths: ["/repo/src/a.py"] });
  buf.add({ kind: "modify", paths: ["/repo/src/a.py"] });
  buf.add({ kind: "modify", paths: ["/repo/src/a.py"] });
  equal(buf.add({ kind: "access", paths: ["/repo/src/b.py"] }), false);
  buf.add({ kind: "rename", paths: ["/repo/old.py", "/repo/new.py"] });
  deepEqual(buf.take(), { paths: ["new.py", "old.py", "src/a.py"] });
  equal(buf.empty, true);
});

Deno.test("events outside the segment, in VCS or trifecta's own directories are dropped", () => {
  const buf = new EventBuffer("/repo");
  for (
    const p of [
      "/repo/_ctx/context_pack.db",
      "/repo/.trifecta/cache/ast_cache.db",
      "/repo/.git/index",
      "/repo/node_modules/x/index.js",
      "/repo/sub/__pycache__/a.pyc",
      "/repository/a.py",
      "/other/a.py",
      "/repo",
    ]
  ) {
    equal(buf.add({ kind: "modify", paths: [p] }), false, p);
  }
  equal(buf.empty, true);
});

Deno.test("the platform's rescan flag and the bound both turn pending paths into a re-scan", () => {
  const buf = new EventBuffer("/repo", { maxPending: 3 });
  buf.add({ kind: "create", paths: ["/repo/a.py"] });
  buf.add({ kind: "other", paths: [], flag: "rescan" });
  deepEqual(buf.take(), { paths: [], rescan: "lost_events" });
  for (let i = 0; i < 10; i++) buf.add({ kind: "create", paths: [`/repo/f${i}.py`] });
  deepEqual(buf.take(), { paths: [], rescan: "overflow" });
  deepEqual(buf.take(), { paths: [] });
});

Deno.test("scan roots: a file's directory, a new directory itself, a gone path alone", async () => {
  const dir = await Deno.makeTempDir();
  try {
    Deno.mkdirSync(`${dir}/src/new/deeper`, { recursive: true });
    Deno.mkdirSync(`${dir}/lib`);
    Deno.writeTextFileSync(`${dir}/src/a.py`, "x\n");
    Deno.writeTextFileSync(`${dir}/lib/.gitignore`, "*.tmp\n");
    Deno.symlinkSync("/etc", `${dir}/etc_link`);
    const seg = await resolveSegment(dir);
    deepEqual(scanRootsOf(seg, ["src/new/deeper", "gone/x.py"]), [
      { dirRel: "gone/x.py", gone: true },
      { dirRel: "src/new/deeper", gone: false },
    ]);
    // src/a.py's directory covers src/new/deeper.
    deepEqual(scanRootsOf(seg, ["src/a.py", "src/new/deeper"]), [{ dirRel: "src", gone: false }]);
    // A .gitignore changes what its directory admits: the directory is re-scanned.
    deepEqual(scanRootsOf(seg, ["lib/.gitignore"]), [{ dirRel: "lib", gone: false }]);
    // A path through a symlinked directory is judged from the real directory above it.
    deepEqual(scanRootsOf(seg, ["etc_link/passwd"]), [{ dirRel: "", gone: false }]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a scan reports a same-stamp file as changed only when an event named it", () => {
  const known: FileStates = new Map([["a.py", { mtimeMs: 5, size: 3 }]]);
  const fresh: FileStates = new Map([["a.py", { mtimeMs: 5, size: 3 }]]);
  deepEqual(applyScan(known, { dirRel: "", fresh }), { added: [], changed: [], deleted: [] });
  deepEqual(applyScan(known, { dirRel: "", fresh }, { touched: new Set(["a.py"]) }), {
    added: [],
    changed: ["a.py"],
    deleted: [],
  });
});
