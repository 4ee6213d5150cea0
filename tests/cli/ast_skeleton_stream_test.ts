import assert from "node:assert/strict";
import { CHUNK_CHARS, OrderedEntries, withCacheFields } from "../../lib/cli/ast_skeleton_stream.ts";
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
