import assert from "node:assert/strict";
import { getChunks, parseIds, pdReportLine } from "../../lib/context/get.ts";
import type { ContextPack, PackChunk } from "../../lib/context/types.ts";

function chunk(id: string, text: string, extra: Partial<PackChunk> = {}): PackChunk {
  return {
    id,
    doc: id.slice(0, id.lastIndexOf(":")),
    kind: "doc",
    title_path: [id],
    text,
    char_count: text.length,
    token_est: Math.floor(text.length / 4),
    source_path: "x.md",
    chunking_method: "whole_file",
    start_line: 1,
    end_line: 1,
    ...extra,
  };
}

function pack(chunks: PackChunk[]): ContextPack {
  return {
    schema_version: 1,
    segment: "t",
    created_at: "",
    build_id: "b",
    source_files: [],
    chunks,
    index: chunks.map((c) => ({
      id: c.id,
      title_path_norm: c.id,
      preview: c.text,
      token_est: c.token_est,
    })),
  };
}

const SMALL = pack([
  chunk("test:chunk1", "first chunk text\n"),
  chunk("test:chunk2", "second chunk text\n"),
]);

Deno.test("get returns every chunk and stops as complete when all fit", () => {
  const r = getChunks(SMALL, ["test:chunk1", "test:chunk2"], { mode: "excerpt" });
  assert.equal(r.chunks_returned, 2);
  assert.equal(r.stop_reason, "complete");
  assert.equal(r.chars_returned_total, "first chunk text".length + "second chunk text".length);
});

Deno.test("--max-chunks 1 returns only the first chunk with stop_reason max_chunks", () => {
  const r = getChunks(SMALL, ["test:chunk1", "test:chunk2"], { mode: "excerpt", maxChunks: 1 });
  assert.deepEqual(r.chunks.map((c) => c.id), ["test:chunk1"]);
  assert.equal(r.stop_reason, "max_chunks");
  assert.equal(r.chunks_requested, 2);
  assert.ok(r.chars_returned_total > 0);
});

Deno.test("the first chunk is returned even when it alone exceeds the budget", () => {
  const big = pack([chunk("a:big", "word ".repeat(400) + "\n"), chunk("a:next", "tiny\n")]);
  const r = getChunks(big, ["a:big", "a:next"], { mode: "excerpt", budget: 10 });
  assert.deepEqual(r.chunks.map((c) => c.id), ["a:big"]);
  assert.equal(r.stop_reason, "budget");
});

Deno.test("budget backpressure drops the chunk that would pass the budget, and budget beats max_chunks", () => {
  const p = pack([
    chunk("a:1", "x".repeat(40) + "\n"),
    chunk("a:2", "y".repeat(40) + "\n"),
    chunk("a:3", "z\n"),
  ]);
  const r = getChunks(p, ["a:1", "a:2", "a:3"], { mode: "raw", budget: 15, maxChunks: 2 });
  assert.deepEqual(r.chunks.map((c) => c.id), ["a:1"]);
  assert.equal(r.stop_reason, "budget");
  assert.equal(r.chars_returned_total, 41, "dropped chunks are not counted");
});

Deno.test("raw mode cuts a chunk that does not fit to 20 lines with a note", () => {
  const text = Array.from({ length: 60 }, (_, i) => `line number ${i}`).join("\n") + "\n";
  const r = getChunks(pack([chunk("a:long", text)]), ["a:long"], { mode: "raw", budget: 50 });
  assert.equal(r.chunks[0].text.split("\n").filter((l) => l.startsWith("line number")).length, 20);
  assert.match(r.chunks[0].text, /\[!NOTE\]/);
  assert.equal(r.stop_reason, "budget");
});

Deno.test("skeleton mode of a code chunk returns the stored skeleton, not the body", () => {
  const code = chunk("code:a.py:1", "def f(x):\n    return secret_body(x)\n", {
    kind: "code",
    skeleton: "def f(x):\n    ...\n",
  });
  const r = getChunks(pack([code]), ["code:a.py:1"], { mode: "skeleton" });
  assert.equal(r.chunks[0].text, "def f(x):\n    ...");
  assert.doesNotMatch(r.chunks[0].text, /secret_body/);
});

Deno.test("evidence stops at the chunk that defines the query's symbol", () => {
  const p = pack([
    chunk("code:a.py:1", "def Foo(x):\n    pass\n", { kind: "code", symbol: "Foo" }),
    chunk("code:a.py:2", "def other():\n    pass\n", { kind: "code", symbol: "other" }),
  ]);
  const r = getChunks(p, ["code:a.py:1", "code:a.py:2"], { stopOnEvidence: true, query: "Foo" });
  assert.equal(r.stop_reason, "evidence");
  assert.equal(r.chunks_returned, 1);
  assert.deepEqual(r.evidence, { strong_hit: true, support: true });
});

Deno.test("evidence: FooBar does not satisfy Foo, and keyword queries never trigger", () => {
  const p = pack([
    chunk("code:a.py:1", "class FooBar:\n    pass\n", { kind: "code", symbol: "FooBar" }),
  ]);
  assert.equal(
    getChunks(p, ["code:a.py:1"], { stopOnEvidence: true, query: "Foo" }).stop_reason,
    "complete",
  );
  const kw = pack([chunk("code:a.py:2", "def def(x):\n", { kind: "code", symbol: "def" })]);
  assert.equal(
    getChunks(kw, ["code:a.py:2"], { stopOnEvidence: true, query: "def" }).stop_reason,
    "complete",
  );
});

Deno.test("PD_REPORT has exactly seven key=value pairs and the zero-chunk form", () => {
  const r = getChunks(SMALL, ["nope:1", "nope:2", "nope:3"], {});
  const line = pdReportLine(r);
  assert.equal(
    line,
    "PD_REPORT v=1 stop_reason=complete chunks_returned=0 chunks_requested=3 chars_returned_total=0 strong_hit=0 support=0",
  );
  assert.equal(line.split(" ").slice(1).filter((p) => /^[a-z_]+=[^ ]+$/.test(p)).length, 7);
  assert.deepEqual(r.missing_ids, ["nope:1", "nope:2", "nope:3"]);
});

Deno.test("parseIds trims, drops empties and duplicates", () => {
  assert.deepEqual(parseIds(" a:1 , ,b:2,a:1"), ["a:1", "b:2"]);
});
