import assert from "node:assert/strict";
import {
  CHUNK_CHARS,
  OrderedEntries,
  serveFromManifest,
  statStamp,
  withCacheFields,
} from "../../lib/cli/ast_skeleton_stream.ts";
import type { FileManifest } from "../../lib/cache/manifest_access.ts";
import type { ManifestRow } from "../../lib/cache/manifest.ts";
import { CACHE_KEY_VERSION } from "../../lib/cache/types.ts";
import type { SourceFile } from "../../lib/ast/skeleton_lookup.ts";
import { failedTail } from "../../lib/cli/ast_skeleton.ts";
import { TrifectaError } from "../../lib/errors.ts";

function entry(i: number): string {
  return JSON.stringify({ path: `f${i}.py`, pad: "x".repeat(1000) });
}

Deno.test("skeleton stream: entries are written in index order while later ones are still coming, in chunks", () => {
  const writes: string[] = [];
  const entries = new OrderedEntries((t) => writes.push(t), { stream: true, separator: "," });
  entries.raw("[");
  const n = Math.ceil((3 * CHUNK_CHARS) / 1000);
  // Every odd file first: nothing can go out before file 0.
  for (let i = 1; i < n; i += 2) entries.put(i, entry(i));
  assert.equal(writes.length, 0);
  for (let i = 0; i < n; i += 2) entries.put(i, entry(i));
  assert.ok(writes.length >= 2, "written before the end, chunk by chunk");
  assert.ok(writes.every((w) => w.length < 2 * CHUNK_CHARS));
  entries.raw("]");
  entries.flush();
  const doc = JSON.parse(writes.join(""));
  assert.deepEqual(
    doc.map((o: { path: string }) => o.path),
    [...Array(n).keys()].map((i) => `f${i}.py`),
  );
});

Deno.test("skeleton stream: without streaming nothing is written before flush (a request that names a file may still fail)", () => {
  const writes: string[] = [];
  const entries = new OrderedEntries((t) => writes.push(t), { stream: false, separator: "," });
  for (let i = 0; i < 200; i++) entries.put(i, entry(i));
  assert.equal(writes.length, 0);
  assert.equal(entries.written, false);
  entries.flush();
  assert.equal(writes.length, 1);
});

Deno.test("skeleton stream: a --json document that fails after output began is closed as valid JSON with the error", () => {
  let out = "";
  const entries = new OrderedEntries((t) => (out += t), { stream: true, separator: "," });
  entries.raw(`{"status":"ok","files":[`);
  for (let i = 0; i < 100; i++) entries.put(i, entry(i));
  assert.ok(entries.written);
  entries.raw(failedTail(new TrifectaError("RAW_IMPORTS_REQUIRED", "no raw imports")));
  entries.flush();
  const doc = JSON.parse(out);
  assert.equal(doc.files.length, 100);
  assert.equal(doc.stats, null);
  assert.deepEqual(doc.error, { code: "RAW_IMPORTS_REQUIRED", message: "no raw imports" });
});

Deno.test("skeleton stream: cache fields appended to a stored entry equal JSON.stringify of the whole object", () => {
  const addressed = { path: "a.py", symbols: [{ name: "f\u2028", uri: null }], exports: undefined };
  const whole = JSON.stringify({ ...addressed, cache_status: "hit", cache_key: "s:a.py:0:4" });
  assert.equal(withCacheFields(JSON.stringify(addressed), "hit", "s:a.py:0:4"), whole);
  const noKey = JSON.stringify({ ...addressed, cache_status: "miss", cache_key: undefined });
  assert.equal(withCacheFields(JSON.stringify(addressed), "miss", undefined), noKey);
});

Deno.test("skeleton stream: entries that wait for an earlier file (kept as UTF-8 bytes meanwhile) come out as put, any characters", () => {
  const texts = [
    "a = 1\n",
    "é ü ß 中文 🦕 \u2028 \t\n",
    "",
    "class Ω:\n    pass\n",
    "x".repeat(CHUNK_CHARS), // past CHUNK_CHARS held, entries are held as UTF-8 bytes
    "🦕 ü",
    "é".repeat(3000),
  ];
  let out = "";
  const entries = new OrderedEntries((t) => (out += t), { stream: true, separator: "|" });
  // Backwards: every entry but the first waits for file 0.
  for (let i = texts.length - 1; i >= 0; i--) entries.put(i, texts[i] ?? "");
  entries.flush();
  assert.equal(out, texts.filter((t) => t !== "").join("|"));
});

/** A manifest over `rows` for serveFromManifest; counts the tag checks it is asked for. */
function stubManifest(
  rows: Map<string, ManifestRow>,
  checksTags: boolean,
  genuineRel: (rel: string) => boolean,
): FileManifest & { asked: string[] } {
  const asked: string[] = [];
  return {
    rows,
    checksTags,
    asked,
    genuine: (row) => {
      asked.push(row.fileRel);
      return Promise.resolve(genuineRel(row.fileRel));
    },
    hit: () => {},
    put: () => {},
    flush: () => Promise.resolve(),
  };
}

/** Two real files, and a row for each whose stat and key match (verified after the trust window). */
function servedFixture(dir: string): { files: SourceFile[]; rows: Map<string, ManifestRow> } {
  const files: SourceFile[] = [];
  const rows = new Map<string, ManifestRow>();
  for (const rel of ["a.py", "b.py"]) {
    const abs = `${dir}/${rel}`;
    Deno.writeTextFileSync(abs, "x = 1\n");
    const stamp = statStamp(abs);
    assert.ok(stamp, "a regular file has a stamp");
    files.push({ abs, rel });
    rows.set(rel, {
      ...stamp,
      fileRel: rel,
      key: `${SEG}:${rel}:0123456789abcdef:${CACHE_KEY_VERSION}`,
      verifiedAtMs: Math.max(stamp.mtimeMs, stamp.ctimeMs) + 3_600_000,
      out: `{"path":${JSON.stringify(rel)},"symbols":[]}`,
      text: "",
      counts: {
        has_errors: false,
        bytes: 6,
        skeleton_bytes: 0,
        functions: 0,
        classes: 0,
        symbols: 0,
      },
    });
  }
  return { files, rows };
}

const SEG = "1a2b3c4d";

Deno.test("skeleton stream: with tags to check, a row whose tag is not genuine goes to the batch; without, no tag is asked for", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const { files, rows } = servedFixture(dir);
    const opts = (hits: number[]) => ({
      segmentId: SEG,
      maxBytes: 1 << 20,
      onHit: (i: number) => void hits.push(i),
    });
    const checked = stubManifest(rows, true, (rel) => rel === "b.py");
    const hits: number[] = [];
    const misses = await serveFromManifest(files, checked, opts(hits));
    assert.deepEqual(hits, [1]);
    assert.deepEqual(misses.files.map((f) => f.rel), ["a.py"]);
    assert.deepEqual(checked.asked.sort(), ["a.py", "b.py"]);
    // No log at open: every row is as this program left it, so none is asked about.
    const quiet = stubManifest(rows, false, () => false);
    const quietHits: number[] = [];
    const none = await serveFromManifest(files, quiet, opts(quietHits));
    assert.deepEqual(quietHits, [0, 1]);
    assert.deepEqual(none.files, []);
    assert.deepEqual(quiet.asked, []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
