/**
 * A query is untrusted input: its cost stays bounded (`search_query.ts`
 * bounds, `fts.ts` one evaluation per phrase). These tests check what the
 * bounds do to the results (never how long a search takes): a one-letter
 * last word is not expanded, long terms are cut and extra terms left out
 * with a warning, and the one-query column check answers what one
 * column-filtered query per column answered.
 */
import assert from "node:assert/strict";
import { buildPack, openIndex, searchPack } from "../../lib/context/mod.ts";
import { FTS_COLUMNS } from "../../lib/context/fts.ts";
import {
  boundedTerms,
  matchExpression,
  MAX_QUERY_WORDS,
  MAX_TERM_WORDS,
  MAX_TERMS,
  phrase,
} from "../../lib/context/search_query.ts";
import { removeSegment, tempSegment } from "./helpers.ts";

const FILES: Record<string, string> = {
  "bench.py": [
    "def bench_setup(size):",
    "    return [self_check(i) for i in range(size)]",
    "",
    "",
    "def bench_s(x):",
    "    return x",
    "",
    "",
    "class Runner:",
    "    def run(self, a, b):",
    "        return bench_setup(a) + bench_setup(b)",
  ].join("\n") + "\n",
  "docs/guide.md": "# Bench setup\n\nRun `bench_setup` before the self check of a run.\n",
  "util/self_check.py": "def self_check(i):\n    return i is not None\n",
};

async function withPack(
  fn: (seg: Awaited<ReturnType<typeof tempSegment>>) => Promise<void> | void,
) {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    await fn(seg);
  } finally {
    await removeSegment(seg);
  }
}

Deno.test("a term whose last word has one letter is searched exactly; two letters or more, as a prefix", () => {
  assert.equal(phrase("bench_s"), '"bench_s"');
  assert.equal(phrase("bench_se"), '"bench_se"*');
  assert.equal(phrase("csrf"), '"csrf"*');
  assert.equal(matchExpression(["x_y", "token"]), '"x_y" OR "token"*');
});

Deno.test("bench_S finds the function named bench_s, not every bench_ word starting with s", async () => {
  await withPack(async (seg) => {
    const exact = await searchPack(seg, "bench_S", { checkStale: false });
    assert.equal(exact.match, '"bench_s"');
    assert.ok(exact.hits.length > 0);
    assert.ok(exact.hits.every((h) => !h.preview.startsWith("def bench_setup")), exact.hits[0]?.id);
    const prefix = await searchPack(seg, "bench_se", { checkStale: false });
    assert.ok(prefix.hits.some((h) => h.preview.startsWith("def bench_setup")));
  });
});

Deno.test("a term of more than the word cap is cut to its first words, with a warning", async () => {
  const long = Array(2000).fill("run").join("_") + "_zz";
  const b = boundedTerms(long);
  assert.deepEqual(b.terms, [Array(MAX_TERM_WORDS).fill("run").join("_")]);
  assert.deepEqual(b.cut, b.terms);
  await withPack(async (seg) => {
    const r = await searchPack(seg, long, { checkStale: false });
    assert.deepEqual(r.terms, b.terms);
    assert.ok(r.warnings.some((w) => w.includes(`cut to their first ${MAX_TERM_WORDS} words`)));
    assert.ok(r.total_matches >= r.hits.length);
  });
});

Deno.test("terms past the term cap or the word budget are left out, with a warning", async () => {
  const many = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
  const b = boundedTerms(many);
  assert.equal(b.terms.length, MAX_TERMS);
  assert.equal(b.dropped, 40 - MAX_TERMS);
  // Long terms fill the word budget before the term cap.
  const wide = Array.from({ length: 8 }, (_, i) => Array(MAX_TERM_WORDS).fill(`w${i}`).join("_"))
    .join(" ");
  const w = boundedTerms(wide);
  assert.equal(w.terms.length, MAX_QUERY_WORDS / MAX_TERM_WORDS);
  assert.equal(w.dropped, 8 - w.terms.length);
  await withPack(async (seg) => {
    const r = await searchPack(seg, many, { checkStale: false });
    assert.equal(r.terms.length, MAX_TERMS);
    assert.ok(r.warnings.some((x) => x.startsWith(`${40 - MAX_TERMS} query term(s) left out`)));
    const plain = await searchPack(seg, "bench setup", { checkStale: false });
    assert.deepEqual(plain.warnings, []);
  });
});

Deno.test("one query per term tells the same columns as one column-filtered query per column", async () => {
  await withPack((seg) => {
    const db = openIndex(seg);
    try {
      const rowids = db.search('"bench"* OR "self"* OR "run"* OR "check"*', 100)
        .map((h) => Number(h.rowid));
      assert.ok(rowids.length >= 3);
      for (const term of ["bench", "bench_s", "self_check", "run", "setup", "guide", "util", "x"]) {
        const got = db.matchingColumns(phrase(term), rowids);
        for (const col of FTS_COLUMNS) {
          const want = db.matching(`{${col}} : ${phrase(term)}`, rowids);
          const have = new Set([...got].filter(([, cols]) => cols.includes(col)).map(([id]) => id));
          assert.deepEqual([...have].sort(), [...want].sort(), `${term} in ${col}`);
        }
      }
    } finally {
      db.close();
    }
  });
});

Deno.test("pathological shapes keep total_matches, zero_hit_reason and warnings coherent", async () => {
  const shapes = [
    "**",
    '"self" "def"',
    'se"lf',
    "the of and to in is a an",
    "a_".repeat(3000) + "b",
    "日本語テキスト".repeat(200),
    "ñandú 😀😀 bench",
    Array.from({ length: 400 }, (_, i) => `w${i}x`).join(" "),
  ];
  await withPack(async (seg) => {
    for (const q of shapes) {
      const r = await searchPack(seg, q, { checkStale: false });
      assert.ok(r.terms.length <= MAX_TERMS, q.slice(0, 40));
      assert.ok(r.total_matches >= r.hits.length, q.slice(0, 40));
      assert.equal(r.zero_hit_reason !== undefined, r.hits.length === 0, q.slice(0, 40));
      if (r.terms.length === 0) assert.equal(r.zero_hit_reason, "no_terms");
    }
  });
});
