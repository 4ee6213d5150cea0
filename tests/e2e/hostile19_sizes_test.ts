/**
 * Red team 19, angle 3: sizes and shapes per language. For each of the 14
 * source extensions: a file of exactly the size cap (2 MiB: a definition,
 * then one 2 MiB comment line), one byte over it, and 20,000 levels of
 * nesting. `ast skeleton` (text and --json) and `ctx build` must end, under
 * a hang guard (never a timed assertion), with a skeleton or a named skip
 * for every file and no INTERNAL_ERROR.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MAIN_TS, narrowFlags, removeSegment, REPO_ROOT, runGuarded } from "./helpers.ts";

const CAP = 2 * 1024 * 1024;

/** Extension → [a definition, a line comment opener, nesting of depth d]. */
const SHAPES: Record<string, [string, string, (d: number) => string]> = {
  py: ["def f0():\n    pass\n", "# ", (d) => `x = ${"(".repeat(d)}1${")".repeat(d)}\n`],
  ts: ["function f0() {}\n", "// ", (d) => `function g() {${"{".repeat(d)}${"}".repeat(d)}}\n`],
  tsx: [
    "function f0() { return <a />; }\n",
    "// ",
    (d) => `const x = ${"<a>".repeat(d)}${"</a>".repeat(d)};\n`,
  ],
  js: [
    "function f0() {}\n",
    "// ",
    (d) => `function g() { return ${"[".repeat(d)}${"]".repeat(d)}; }\n`,
  ],
  go: [
    "package p\nfunc f0() {}\n",
    "// ",
    (d) => `package p\nfunc g() {${"{".repeat(d)}${"}".repeat(d)}}\n`,
  ],
  rs: ["fn f0() {}\n", "// ", (d) => `fn g() {${"{".repeat(d)}${"}".repeat(d)}}\n`],
  java: ["class C0 {}\n", "// ", (d) => `class A { int x = ${"(".repeat(d)}1${")".repeat(d)}; }\n`],
  cs: ["class C0 {}\n", "// ", (d) => `class A { int x = ${"(".repeat(d)}1${")".repeat(d)}; }\n`],
  rb: ["def f0; end\n", "# ", (d) => `x = ${"[".repeat(d)}${"]".repeat(d)}\n`],
  php: ["<?php function f0() {}\n", "// ", (d) => `<?php $x = ${"[".repeat(d)}${"]".repeat(d)};\n`],
  c: ["void f0(void) {}\n", "// ", (d) => `int x = ${"(".repeat(d)}1${")".repeat(d)};\n`],
  h: ["void f0(void);\n", "// ", (d) => `int x = ${"(".repeat(d)}1${")".repeat(d)};\n`],
  cpp: ["void f0() {}\n", "// ", (d) => `int x = ${"(".repeat(d)}1${")".repeat(d)};\n`],
  hpp: ["namespace n0 {}\n", "// ", (d) => `int x = ${"(".repeat(d)}1${")".repeat(d)};\n`],
};

/** `head`, a comment, filled to exactly `size` bytes (ASCII) with a final newline. */
function sized(head: string, comment: string, size: number): string {
  const body = head + comment;
  return body + "x".repeat(size - body.length - 1) + "\n";
}

async function sizesSegment(): Promise<{ dir: string; names: string[] }> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-h19-sizes-" }));
  const names: string[] = [];
  for (const [ext, [head, comment, deep]] of Object.entries(SHAPES)) {
    const files: Record<string, string> = {
      [`cap_${ext}.${ext}`]: sized(head, comment, CAP),
      [`over_${ext}.${ext}`]: sized(head, comment, CAP + 1),
      [`deep_${ext}.${ext}`]: deep(20_000),
    };
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(join(dir, name), text);
      names.push(name);
    }
  }
  return { dir, names };
}

function run(args: readonly string[]) {
  return runGuarded(["run", ...narrowFlags(args), MAIN_TS, ...args], {
    deadlineMs: 300_000,
    cwd: REPO_ROOT,
  });
}

Deno.test({
  name:
    "hostile19 sizes: every language at the size cap, one byte over it, and 20,000 levels deep gets a skeleton or a named skip, never INTERNAL_ERROR",
  sanitizeResources: false,
  async fn() {
    const { dir, names } = await sizesSegment();
    try {
      const r = await run(["ast", "skeleton", ".", "-s", dir, "--json", "--no-persist-cache"]);
      assert.ok(r.finished, "ast skeleton ended (hang guard)");
      assert.ok(!(r.stdout + r.stderr).includes("INTERNAL_ERROR"), r.stderr.slice(-2000));
      assert.equal(r.code, 0, r.stderr.slice(-2000));
      const j = JSON.parse(r.stdout) as {
        files: { path: string; symbols: unknown[] }[];
        skipped: { path: string; reason: string }[];
      };
      const outlined = new Set(j.files.map((f) => f.path));
      const skipped = new Map(j.skipped.map((s) => [s.path, s.reason]));
      const unaccounted = names.filter((n) => !outlined.has(n) && !skipped.has(n));
      assert.deepEqual(unaccounted, [], "every file is outlined or skipped with a reason");
      for (const ext of Object.keys(SHAPES)) {
        // The cap is inclusive: exactly 2 MiB is read; one byte more is too_large.
        assert.ok(
          outlined.has(`cap_${ext}.${ext}`),
          `cap_${ext}: ${skipped.get(`cap_${ext}.${ext}`)}`,
        );
        assert.equal(skipped.get(`over_${ext}.${ext}`), "too_large", `over_${ext}`);
        const capFile = j.files.find((f) => f.path === `cap_${ext}.${ext}`);
        assert.ok((capFile?.symbols.length ?? 0) >= 1, `cap_${ext}: its definition is outlined`);
      }
      for (const reason of new Set(skipped.values())) {
        assert.ok(["too_large", "too_complex"].includes(reason), `named reason: ${reason}`);
      }

      const b = await run(["ctx", "build", "-s", dir, "--json"]);
      assert.ok(b.finished, "ctx build ended (hang guard)");
      assert.ok(!(b.stdout + b.stderr).includes("INTERNAL_ERROR"), b.stderr.slice(-2000));
      assert.equal(b.code, 0, b.stderr.slice(-2000));
      const built = JSON.stringify(JSON.parse(b.stdout));
      for (const ext of Object.keys(SHAPES)) {
        assert.match(
          built,
          new RegExp(`over_${ext}\\.${ext}`),
          `ctx build names over_${ext} as skipped`,
        );
      }
    } finally {
      await removeSegment(dir);
    }
  },
});

/** Nested definitions: each symbol's header costs O(depth) in web-tree-sitter (parent, siblings). */
const NESTED: Record<string, (d: number) => string> = {
  ts: (d) => `${"namespace a {".repeat(d)}${"}".repeat(d)}\n`,
};

Deno.test({
  name:
    "hostile19 sizes: the parse budget bounds extraction too: 3,000 nested TypeScript namespaces (seconds of work) under a 200 ms budget are too_complex, not outlined",
  sanitizeResources: false,
  async fn() {
    // Found open by red team 19, fixed by the assembly's own clock
    // (`extractionDeadline`, lib/ast/budget.ts). Before, without a fixed
    // budget, 5,000 / 10,000 / 20,000 nested namespaces took 11 / 33 / 126 s
    // (Rust `mod`s, C++ namespaces 4 / 13 / 53 s) and were outlined: the
    // assembly asked `budgetSpent` once per 256 items, which reads the clock
    // only past 30 checks per ms of budget, never reached there.
    const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-h19-nest-" }));
    try {
      await Deno.writeTextFile(join(dir, "nested.ts"), NESTED.ts!(3000));
      const args = ["ast", "skeleton", ".", "-s", dir, "--json", "--no-persist-cache"];
      const r = await runGuarded(["run", ...narrowFlags(args), MAIN_TS, ...args], {
        deadlineMs: 300_000,
        cwd: REPO_ROOT,
        env: { TRIFECTA_PARSE_BUDGET_MS: "200" },
      });
      assert.ok(r.finished, "ast skeleton ended (hang guard)");
      assert.equal(r.code, 0, r.stderr.slice(-2000));
      const j = JSON.parse(r.stdout) as {
        files: { path: string }[];
        skipped: { path: string; reason: string }[];
      };
      assert.deepEqual(
        {
          outlined: j.files.map((f) => f.path),
          skipped: j.skipped.map((s) => `${s.path}: ${s.reason}`),
        },
        { outlined: [], skipped: ["nested.ts: too_complex"] },
      );
    } finally {
      await removeSegment(dir);
    }
  },
});
