import { MAX_DOC_CHARS, MAX_SIGNATURE_CHARS } from "../../lib/ast/limits.ts";
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  AST_CACHE_INVALID_COUNTER,
  cachedSkeleton,
  parseSkeleton,
  skeletonOfFile,
} from "../../lib/ast/mod.ts";
import { MemoryLruCache } from "../../lib/cache/mod.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { Telemetry } from "../../lib/telemetry/mod.ts";
import type { FileSkeleton, SkeletonSymbol } from "../../lib/ast/mod.ts";
import { MAX_SYMBOL_DEPTH } from "../../lib/ast/limits.ts";
import { MAIN_TS, narrowFlags, runCli } from "../e2e/helpers.ts";
import { parseFixture, withTempDir } from "./helpers.ts";

/** A token shape the masker knows (built here so no file holds it whole). */
const TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";

async function fresh(): Promise<FileSkeleton> {
  // A JSON round trip, as the persistent cache stores it.
  return JSON.parse(JSON.stringify(await parseFixture("python/nested.py")));
}

/** The first symbol of a skeleton (the fixtures have one). */
function firstSymbol(sk: FileSkeleton): SkeletonSymbol {
  const s = sk.symbols[0];
  assert.ok(s, `${sk.path} has a symbol`);
  return s;
}

function leaf(s: SkeletonSymbol): SkeletonSymbol {
  return { ...s, children: [] };
}

/** `top` with a chain of `depth - 1` copies of itself below it. */
function nestTo(top: SkeletonSymbol, depth: number): SkeletonSymbol {
  const root = leaf(top);
  let cur = root;
  for (let i = 1; i < depth; i++) {
    const next = leaf(top);
    cur.children.push(next);
    cur = next;
  }
  return root;
}

Deno.test("cache shape: a skeleton trifecta wrote is accepted as is", async () => {
  const sk = await fresh();
  assert.equal(cachedSkeleton(sk, sk.path), sk);
  const ts = JSON.parse(JSON.stringify(
    await parseSkeleton({
      rel: "a.ts",
      language: "typescript",
      bytes: new TextEncoder().encode("export const x = 1;\nexport { x as y };\n"),
    }),
  ));
  assert.ok(cachedSkeleton(ts, "a.ts"));
});

Deno.test("cache shape: nesting is accepted to MAX_SYMBOL_DEPTH and refused past it, 20,000 deep without a crash", async () => {
  const sk = await fresh();
  const top = firstSymbol(sk);
  assert.ok(cachedSkeleton({ ...sk, symbols: [nestTo(top, MAX_SYMBOL_DEPTH)] }, sk.path));
  assert.equal(
    cachedSkeleton({ ...sk, symbols: [nestTo(top, MAX_SYMBOL_DEPTH + 1)] }, sk.path),
    undefined,
  );
  assert.equal(cachedSkeleton({ ...sk, symbols: [nestTo(top, 20_000)] }, sk.path), undefined);
});

Deno.test("cache shape: bad lines, types, keys, paths and counts are refused", async () => {
  const sk = await fresh();
  const s0 = firstSymbol(sk);
  const bad: Array<[string, unknown]> = [
    ["negative start", { ...sk, symbols: [{ ...s0, start_line: -5 }] }],
    ["zero start", { ...sk, symbols: [{ ...s0, start_line: 0 }] }],
    ["start after end", { ...sk, symbols: [{ ...s0, start_line: s0.end_line + 1 }] }],
    ["fractional line", { ...sk, symbols: [{ ...s0, end_line: s0.end_line + 0.5 }] }],
    ["line past the file", { ...sk, symbols: [{ ...s0, end_line: sk.bytes + 2 }] }],
    ["unknown kind", { ...sk, symbols: [{ ...s0, kind: "gadget" }] }],
    ["unknown symbol key", { ...sk, symbols: [{ ...s0, note: "x" }] }],
    ["unknown top key", { ...sk, note: "x" }],
    ["other path", { ...sk, path: "other.py" }],
    ["symbols not a list", { ...sk, symbols: "x" }],
    ["children not a list", { ...sk, symbols: [{ ...s0, children: {} }] }],
    ["decorator not a string", { ...sk, symbols: [{ ...s0, decorators: [1] }] }],
    ["import line 0", { ...sk, imports: [{ text: "import os", line: 0 }] }],
    ["bad sha256", { ...sk, sha256: "x" }],
    ["bad language", { ...sk, language: "cobol" }],
    ["flag not true", { ...sk, symbols: [{ ...s0, depth_flattened: false }] }],
    ["more symbols than bytes", { ...sk, bytes: 2, symbols: [s0, s0, s0] }],
    ["string longer than the file allows", {
      ...sk,
      bytes: 1,
      symbols: [{ ...leaf(s0), start_line: 1, end_line: 1, doc: "d".repeat(5000) }],
    }],
    ["signature past the extraction cut", {
      ...sk,
      symbols: [{ ...s0, signature: "def f(" + "a".repeat(MAX_SIGNATURE_CHARS) + ")" }],
    }],
    ["doc past the extraction cut", {
      ...sk,
      symbols: [{ ...s0, doc: "d".repeat(MAX_DOC_CHARS + 3) }],
    }],
    ["null", null],
    ["array", [sk]],
  ];
  for (const [why, value] of bad) assert.equal(cachedSkeleton(value, sk.path), undefined, why);
});

Deno.test("cache shape: a secret in any string is refused, a trifecta mask is not", async () => {
  const sk = await fresh();
  const s0 = firstSymbol(sk);
  for (
    const value of [
      { ...sk, symbols: [{ ...s0, doc: `token ${TOKEN}` }] },
      { ...sk, symbols: [{ ...s0, signature: `def f(t="${TOKEN}")` }] },
      { ...sk, symbols: [{ ...s0, decorators: [`@auth("${TOKEN}")`] }] },
      { ...sk, imports: [{ text: `import ${TOKEN}`, line: 1 }] },
    ]
  ) {
    assert.equal(cachedSkeleton(value, sk.path), undefined);
  }
  const masked = { ...sk, symbols: [{ ...s0, doc: "token <SECRET_REDACTED:github-token>" }] };
  assert.ok(cachedSkeleton(masked, sk.path));
});

const SOURCE = 'def f():\n    """Doc."""\n    return 1\n';

function plant(dir: string, value: (good: FileSkeleton) => string): void {
  const db = new DatabaseSync(`${dir}/.trifecta/cache/ast_cache.db`);
  try {
    const rows = db.prepare("SELECT key, value FROM cache").all() as Array<
      { key: string; value: string }
    >;
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.ok(row, "one cache row");
    const text = value(JSON.parse(row.value));
    db.prepare("UPDATE cache SET value = ?, value_bytes = ? WHERE key = ?").run(
      text,
      new TextEncoder().encode(text).length,
      row.key,
    );
  } finally {
    db.close();
  }
}

/** JSON of `good` with its first symbol nested `depth` deep (built as text: no recursion). */
function deepJson(good: FileSkeleton, depth: number): string {
  const s = { ...firstSymbol(good), children: ["@"] };
  const [open = "", close = ""] = JSON.stringify(s).split('"@"');
  const inner = JSON.stringify({ ...firstSymbol(good), children: [] });
  const chain = open.repeat(depth) + inner + close.repeat(depth);
  return JSON.stringify({ ...good, symbols: ["@"] }).replace('"@"', chain);
}

const ENV = { TRIFECTA_LSP: "0", TRIFECTA_AST_PERSIST: "1" };

Deno.test("cache shape e2e: planted deep or out-of-range values are misses, re-parsed and overwritten", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.py`, SOURCE);
    const args = ["ast", "skeleton", "a.py", "-s", dir];
    const first = await runCli(args, { env: ENV });
    assert.equal(first.code, 0, first.stderr);
    const plants: Array<(g: FileSkeleton) => string> = [
      (g) => deepJson(g, 20_000),
      (g) => JSON.stringify({ ...g, symbols: [{ ...g.symbols[0], start_line: -5 }] }),
    ];
    for (const p of plants) {
      plant(dir, p);
      const r = await runCli(args, { env: ENV });
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /INTERNAL_ERROR/);
      assert.match(r.stdout, /def f\(\) {2}# L1-3: Doc\./);
      assert.doesNotMatch(r.stdout, /L-5/);
      assert.match(r.stdout, /cache 0 hits \/ 1 misses/);
      const again = await runCli(args, { env: ENV });
      assert.match(again.stdout, /cache 1 hits \/ 0 misses/, "the entry was overwritten");
    }
    plant(dir, (g) => deepJson(g, 20_000));
    const symbols = await runCli(["ast", "symbols", "sym://python/mod/a", "-s", dir], {
      env: ENV,
    });
    assert.equal(symbols.code, 0, symbols.stderr);
    assert.match(symbols.stdout, /function f {2}L1-3 {2}def f\(\)/);
    assert.match(symbols.stdout, /cache: miss/);
  });
});

Deno.test("cache shape e2e: a planted token in doc and signature is never served", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.py`, SOURCE);
    const args = ["ast", "skeleton", "a.py", "-s", dir, "--json"];
    assert.equal((await runCli(args, { env: ENV })).code, 0);
    plant(dir, (g) =>
      JSON.stringify({
        ...g,
        symbols: [{ ...g.symbols[0], doc: TOKEN, signature: `def f(t="${TOKEN}")` }],
      }));
    // Spawned without runCli: freed SQLite pages may still hold the planted
    // token, which is the attacker's write, not trifecta's, so this segment
    // is not handed to the no-PII scan.
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...narrowFlags(args), MAIN_TS, ...args],
      env: { NO_COLOR: "1", ...ENV },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    const stdout = dec.decode(out.stdout);
    assert.equal(out.code, 0, dec.decode(out.stderr));
    assert.ok(!stdout.includes("ghp_") && !dec.decode(out.stderr).includes("ghp_"));
    assert.equal(JSON.parse(stdout).files[0].symbols[0].doc, "Doc.");
  });
});

Deno.test("cache shape: a refused value is a counted miss, and the re-parse overwrites it", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.py`, SOURCE);
    const segment = await resolveSegment(dir);
    const telemetry = Telemetry.open(segment, { level: "lite", env: () => undefined });
    const cache = new MemoryLruCache();
    const file = { abs: `${dir}/a.py`, rel: "a.py" };
    const first = await skeletonOfFile(segment, file, { cache });
    const good = first.skeleton;
    cache.set(first.cache_key, { ...good, symbols: [{ ...good.symbols[0], start_line: -5 }] });
    const second = await skeletonOfFile(segment, file, { cache, telemetry });
    assert.equal(second.cache_status, "miss");
    assert.equal(second.skeleton.symbols[0]?.start_line, 1);
    const third = await skeletonOfFile(segment, file, { cache, telemetry });
    assert.equal(third.cache_status, "hit");
    await telemetry.flush();
    const metrics = JSON.parse(await Deno.readTextFile(`${dir}/_ctx/telemetry/metrics.json`));
    const counters = metrics.counters ?? metrics;
    assert.equal(counters[AST_CACHE_INVALID_COUNTER], 1);
  });
});
