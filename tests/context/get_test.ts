import assert from "node:assert/strict";
import {
  BUDGET_MARKER,
  getChunks,
  MAX_LINE_CHARS,
  parseIds,
  pdReportLine,
} from "../../lib/context/get.ts";
import { estimateTokens } from "../../lib/text.ts";
import type { ContextPack, PackChunk } from "../../lib/context/types.ts";
import { buildPack, readPack } from "../../lib/context/mod.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { tempExample } from "../e2e/helpers.ts";
import { nth, removeSegment } from "./helpers.ts";

function chunk(id: string, text: string, extra: Partial<PackChunk> = {}): PackChunk {
  return {
    id,
    doc: id.slice(0, id.lastIndexOf(":")),
    kind: "doc",
    title_path: [id],
    text,
    char_count: text.length,
    token_est: estimateTokens(text),
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

Deno.test("the first chunk alone over the budget is cut to fit it, with the marker", () => {
  const big = pack([chunk("a:big", "word ".repeat(400) + "\n"), chunk("a:next", "tiny\n")]);
  const r = getChunks(big, ["a:big", "a:next"], { mode: "excerpt", budget: 30 });
  assert.deepEqual(r.chunks.map((c) => c.id), ["a:big"]);
  assert.equal(r.stop_reason, "budget");
  assert.ok(r.total_tokens <= 30, `${r.total_tokens} tokens`);
  assert.ok(nth(r.chunks, 0).text.endsWith(BUDGET_MARKER));
  assert.match(nth(r.chunks, 0).text, /^word word/);
  assert.equal(nth(r.chunks, 0).truncated, true);
  assert.equal(r.budget_exceeded, true);
});

Deno.test("no mode returns more than the budget, for one-line chunks of any size", () => {
  const line = "HUGELINE ".repeat(200_000);
  const p = pack([
    chunk("doc:h.md:1", `# Title\n${line}\n`),
    chunk("code:s.py:1", `def f(${line}):\n    return 1\n`, {
      kind: "code",
      skeleton: `def f(${line}):\n    """${line}"""\n`,
    }),
  ]);
  for (const id of ["doc:h.md:1", "code:s.py:1"]) {
    for (const mode of ["skeleton", "excerpt", "raw"] as const) {
      for (const budget of [1, 40, 1500]) {
        const r = getChunks(p, [id], { mode, budget });
        const text = r.chunks.map((c) => c.text).join("\n");
        assert.ok(
          estimateTokens(text) <= budget && r.total_tokens <= budget,
          `${id} ${mode} -b ${budget}: ${estimateTokens(text)} tokens`,
        );
        assert.ok(text.split("\n").every((l) => l.length <= MAX_LINE_CHARS + 1));
      }
    }
  }
});

Deno.test("a line longer than the cap ends with … and marks the chunk truncated", () => {
  const p = pack([chunk("doc:a.md:1", "x".repeat(2000) + "\n")]);
  const r = getChunks(p, ["doc:a.md:1"], { mode: "excerpt", budget: 100_000 });
  assert.equal(nth(r.chunks, 0).text, "x".repeat(MAX_LINE_CHARS) + "…");
  assert.equal(nth(r.chunks, 0).truncated, true);
});

Deno.test("secret shapes in a chunk id, its path and a missing id are masked in the answer", () => {
  const key = "AKIAIOSFODNN7EXAMPLE";
  const id = `doc:${key}.md:1`;
  const p = pack([chunk(id, "plain\n", { source_path: `${key}.md` })]);
  const r = getChunks(p, [id, `doc:${key}_old.md:1`], {});
  assert.equal(r.chunks_returned, 1);
  const out = JSON.stringify(r);
  assert.doesNotMatch(out, new RegExp(key));
  assert.match(nth(r.chunks, 0).id, /SECRET_REDACTED/);
  assert.match(nth(r.chunks, 0).source_path, /SECRET_REDACTED/);
  assert.match(nth(r.missing_ids, 0), /SECRET_REDACTED/);
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

Deno.test("raw mode cuts a chunk that does not fit to at most 20 lines, within the budget", () => {
  const text = Array.from({ length: 60 }, (_, i) => `line number ${i}`).join("\n") + "\n";
  const r = getChunks(pack([chunk("a:long", text)]), ["a:long"], { mode: "raw", budget: 50 });
  const kept = nth(r.chunks, 0).text.split("\n").filter((l) => l.startsWith("line number")).length;
  assert.ok(kept > 0 && kept <= 20, `${kept} lines`);
  assert.ok(r.total_tokens <= 50);
  assert.ok(nth(r.chunks, 0).text.endsWith(BUDGET_MARKER));
  assert.equal(r.stop_reason, "budget");
});

Deno.test("raw mode keeps 20 lines and the note when they fit the budget", () => {
  const text = Array.from({ length: 60 }, (_, i) => `line number ${i}`).join("\n") + "\n";
  const r = getChunks(pack([chunk("a:long", text)]), ["a:long"], { mode: "raw", budget: 150 });
  assert.equal(
    nth(r.chunks, 0).text.split("\n").filter((l) => l.startsWith("line number")).length,
    20,
  );
  assert.match(nth(r.chunks, 0).text, /\[!NOTE\]/);
  assert.equal(r.stop_reason, "budget");
});

Deno.test("skeleton mode of a code chunk returns the stored skeleton, not the body", () => {
  const code = chunk("code:a.py:1", "def f(x):\n    return secret_body(x)\n", {
    kind: "code",
    skeleton: "def f(x):\n    ...\n",
  });
  const r = getChunks(pack([code]), ["code:a.py:1"], { mode: "skeleton" });
  assert.equal(nth(r.chunks, 0).text, "def f(x):\n    ...");
  assert.doesNotMatch(nth(r.chunks, 0).text, /secret_body/);
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

Deno.test("the budget holds for the whole output, not only for each chunk's own estimate", () => {
  // Each text is 1 token alone; joined by a newline they are 3 ("abcd abcd", 9 code points).
  const p = pack([chunk("a:1", "abcd\n"), chunk("a:2", "abcd\n"), chunk("a:3", "ab\n")]);
  const r = getChunks(p, ["a:1", "a:2", "a:3"], { mode: "raw", budget: 2 });
  assert.deepEqual(r.chunks.map((c) => c.id), ["a:1"]);
  assert.equal(r.stop_reason, "budget");
  assert.equal(r.total_tokens, 1);
  const three = getChunks(p, ["a:1", "a:2"], { mode: "raw", budget: 3 });
  assert.equal(three.chunks_returned, 2);
  assert.equal(three.total_tokens, estimateTokens("abcd\nabcd"));
  assert.equal(three.total_tokens, 3);
});

Deno.test("on a real pack, estimateTokens of the whole output is within every budget, in every mode", async () => {
  const seg = await resolveSegment(await tempExample());
  try {
    await buildPack(seg);
    const { pack: real } = await readPack(seg);
    const ids = real.chunks.map((c) => c.id);
    assert.ok(ids.length > 10, `${ids.length} chunks`);
    for (const mode of ["skeleton", "excerpt", "raw"] as const) {
      let returned = 0;
      for (const budget of [1, 12, 40, 97, 250, 600, 1500, 100_000]) {
        const r = getChunks(real, ids, { mode, budget });
        const output = r.chunks.map((c) => c.text).join("\n");
        const where = `${mode} -b ${budget}`;
        assert.ok(estimateTokens(output) <= budget, `${where}: ${estimateTokens(output)} tokens`);
        assert.equal(r.total_tokens, estimateTokens(output), where);
        for (const c of r.chunks) assert.equal(c.token_est, estimateTokens(c.text), where);
        assert.ok(r.chunks_returned >= returned, `${where}: a larger budget returns no less`);
        returned = r.chunks_returned;
      }
      assert.equal(returned, ids.length, `${mode}: the largest budget returns every chunk`);
    }
  } finally {
    await removeSegment(seg);
  }
});
