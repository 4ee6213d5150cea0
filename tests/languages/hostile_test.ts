/**
 * Every registry language against hostile input: the files of its fixture
 * project, mutated (cut anywhere, flooded with open brackets, control and
 * invalid bytes spliced in, nested into themselves hundreds of levels deep),
 * must give a well-formed, bounded skeleton or `PARSE_TOO_COMPLEX`; never
 * another error, a crash or a hang past the time budget. The seeds are the
 * language's own fixture files, so a language added to the registry is
 * covered without a line here (and one without a fixture fails).
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { fileURLToPath } from "node:url";
import { parseSkeleton } from "../../lib/ast/mod.ts";
import type { FileSkeleton, SkeletonSymbol } from "../../lib/ast/mod.ts";
import {
  MAX_DECORATOR_CHARS,
  MAX_DOC_CHARS,
  MAX_NAME_CHARS,
  MAX_SIGNATURE_CHARS,
  MAX_SYMBOL_DEPTH,
} from "../../lib/ast/limits.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { languageOfPath, LANGUAGES } from "../../lib/languages/mod.ts";

const FIXTURES = fileURLToPath(new URL("../../fixtures", import.meta.url));
/** Largest ratio of skeleton JSON to input bytes allowed (a skeleton repeats names, never nests them unboundedly). */
const MAX_AMPLIFICATION = 40;
/** Strings are cut to their bound and then get ` …` (two more characters). */
const ELLIPSIS = 2;

/** Every fixture file of each language, by registry name. */
async function seedsByLanguage(): Promise<Map<string, Uint8Array[]>> {
  const out = new Map<string, Uint8Array[]>();
  async function walk(dir: string): Promise<void> {
    for await (const e of Deno.readDir(dir)) {
      if (e.name.startsWith(".") || e.name === "_ctx") continue;
      const path = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(path);
      else if (e.isFile) {
        const spec = languageOfPath(e.name);
        if (spec === undefined) continue;
        const list = out.get(spec.name) ?? [];
        list.push(await Deno.readFile(path));
        out.set(spec.name, list);
      }
    }
  }
  await walk(FIXTURES);
  return out;
}

/** Check one skeleton's shape and bounds; returns the number of symbols. */
function checkSkeleton(sk: FileSkeleton, lines: number): number {
  assert.equal(typeof sk.has_errors, "boolean");
  let count = 0;
  const visit = (list: readonly SkeletonSymbol[], depth: number): void => {
    assert.ok(depth <= MAX_SYMBOL_DEPTH, `depth ${depth}`);
    for (const s of list) {
      count++;
      assert.ok(
        s.start_line >= 1 && s.start_line <= s.end_line,
        `lines ${s.start_line}-${s.end_line}`,
      );
      assert.ok(s.end_line <= lines, `end ${s.end_line} past ${lines} lines`);
      assert.ok(s.name.length <= MAX_NAME_CHARS + ELLIPSIS, "name bound");
      assert.ok(s.signature.length <= MAX_SIGNATURE_CHARS + ELLIPSIS, "signature bound");
      assert.ok(s.doc.length <= MAX_DOC_CHARS + ELLIPSIS, "doc bound");
      for (const d of s.decorators) assert.ok(d.length <= MAX_DECORATOR_CHARS + ELLIPSIS);
      assert.ok(!s.doc.includes("\n"), "doc is one line");
      visit(s.children, depth + 1);
    }
  };
  visit(sk.symbols, 1);
  for (const imp of sk.imports) {
    assert.ok(imp.line >= 1 && imp.line <= lines);
    assert.ok(!imp.text.includes("\n"), "import on one line");
  }
  return count;
}

function lineCount(bytes: Uint8Array): number {
  let n = 1;
  for (const b of bytes) if (b === 10) n++;
  return n;
}

/** Parse; a too-complex file is an answer, any other error is a failure. */
async function parseOrTooComplex(language: string, bytes: Uint8Array): Promise<void> {
  try {
    const sk = await parseSkeleton({ rel: `hostile.${language}`, language, bytes });
    checkSkeleton(sk, lineCount(bytes));
    // No quadratic blow-up (nested names repeat their ancestors' names).
    const out = JSON.stringify(sk).length;
    assert.ok(
      out <= MAX_AMPLIFICATION * bytes.length + 4096,
      `${out} bytes of JSON from ${bytes.length}`,
    );
  } catch (err) {
    if (err instanceof TrifectaError && err.code === "PARSE_TOO_COMPLEX") return;
    throw err;
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One hostile edit of a seed. */
type Mutation =
  | { kind: "cut"; at: number }
  | { kind: "flood"; at: number; char: string; count: number }
  | { kind: "bytes"; at: number; bytes: Uint8Array }
  | { kind: "nest"; at: number; depth: number };

function mutate(seed: Uint8Array, m: Mutation): Uint8Array {
  const at = Math.min(m.at, seed.length);
  const head = seed.subarray(0, at);
  const tail = seed.subarray(at);
  switch (m.kind) {
    case "cut":
      return head;
    case "flood":
      return concat(head, new TextEncoder().encode(m.char.repeat(m.count)), tail);
    case "bytes":
      return concat(head, m.bytes, tail);
    case "nest": {
      // The file inside itself at the same place, `depth` times: nesting
      // as deep as `depth` at a size linear in it.
      let inner = seed;
      for (let i = 0; i < m.depth; i++) inner = concat(head, inner, tail);
      return inner;
    }
  }
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat(20_000) }),
  fc.record({
    kind: fc.constant("flood" as const),
    at: fc.nat(20_000),
    char: fc.constantFrom("{", "(", "[", "<", "/*", '"', "'", "#", "\\", "`", "<?php", "<<EOF\n"),
    count: fc.integer({ min: 1, max: 20_000 }),
  }),
  fc.record({
    kind: fc.constant("bytes" as const),
    at: fc.nat(20_000),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  }),
  fc.record({
    kind: fc.constant("nest" as const),
    at: fc.nat(20_000),
    depth: fc.integer({ min: 2, max: 120 }),
  }),
);

const SEEDS = await seedsByLanguage();

Deno.test("hostile input: every registry language has fixture files to mutate", () => {
  const missing = LANGUAGES.map((l) => l.name).filter((n) => !SEEDS.has(n));
  assert.deepEqual(missing, [], `languages without a fixture file under fixtures/: ${missing}`);
});

for (const spec of LANGUAGES) {
  const seeds = SEEDS.get(spec.name) ?? [];
  Deno.test({
    name:
      `hostile input (${spec.name}): mutated files give a bounded skeleton or PARSE_TOO_COMPLEX`,
    ignore: seeds.length === 0,
    fn: async () => {
      // Fixed seed: a failure is reproducible; the run still covers 40 edits per language.
      await fc.assert(
        fc.asyncProperty(fc.nat(seeds.length - 1), mutation, async (i, m) => {
          const seed = seeds[i] ?? new Uint8Array();
          await parseOrTooComplex(spec.name, mutate(seed, m));
        }),
        { numRuns: 40, seed: 1429 },
      );
    },
  });
}
