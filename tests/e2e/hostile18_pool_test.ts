/**
 * Attacker's review of pool affinity (lib/ast/pool.ts: grammars stick to
 * workers; a worker loads another grammar only when no worker has it or 16
 * of its files wait). The repository picks the mix: every grammar with a
 * file or two each, interleaved so no two neighbours share one, a large run
 * of one grammar, files that fail (binary, too large), and one big file per
 * grammar that may make its worker retire mid-batch while it holds the only
 * copy of that grammar. The batch must finish (hang guard), each file must
 * get its own skeleton (never another file's) and the output must stay in
 * sorted path order. The real CLI as a subprocess.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CLI_FLAGS, MAIN_TS, removeSegment, runGuarded } from "./helpers.ts";

/** One source file per language: its extension and a function named `name`. */
const LANGS: Record<string, (name: string) => string> = {
  py: (n) => `def ${n}():\n    return 1\n`,
  js: (n) => `function ${n}() { return 1 }\n`,
  ts: (n) => `export function ${n}(): number { return 1 }\n`,
  tsx: (n) => `export function ${n}() { return <div/> }\n`,
  go: (n) => `package m\n\nfunc ${n}() int { return 1 }\n`,
  c: (n) => `int ${n}(void) { return 1; }\n`,
  cpp: (n) => `int ${n}() { return 1; }\n`,
  rs: (n) => `fn ${n}() -> i32 { 1 }\n`,
  java: (n) => `class ${n} { int m() { return 1; } }\n`,
  cs: (n) => `class ${n} { int M() { return 1; } }\n`,
  php: (n) => `<?php function ${n}() { return 1; }\n`,
  rb: (n) => `def ${n}; 1; end\n`,
};

interface FileEntry {
  path: string;
  symbols?: unknown[];
}

Deno.test({
  name:
    "h18 pool: many grammars with a file each, a long run of one, failing and huge files: the batch finishes, each file gets its own skeleton, in path order",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-h18-pool-" }));
    try {
      const expected = new Map<string, string>();
      let k = 0;
      // Interleaved: neighbours in the queue never share a grammar.
      for (let round = 0; round < 2; round++) {
        for (const [ext, make] of Object.entries(LANGS)) {
          const name = `zqmark_${ext}_${round}`;
          const rel = `m${String(k++).padStart(3, "0")}_${ext}.${ext}`;
          await Deno.writeTextFile(join(seg, rel), make(name));
          expected.set(rel, name);
        }
      }
      // A long run of one grammar after them, and one in the middle of it of every other.
      for (let i = 0; i < 40; i++) {
        const rel = `r${String(i).padStart(3, "0")}.py`;
        const name = `zqmark_run_${i}`;
        await Deno.writeTextFile(join(seg, rel), LANGS.py?.(name) ?? "");
        expected.set(rel, name);
      }
      // Big files (one per grammar): a worker may retire after one, holding its grammar alone.
      for (const ext of ["ts", "cpp", "rs"]) {
        const make = LANGS[ext] ?? (() => "");
        const body = Array.from({ length: 12_000 }, (_, i) => make(`zqbig_${ext}_${i}`))
          .join("");
        const rel = `big_${ext}.${ext}`;
        await Deno.writeTextFile(join(seg, rel), body);
        expected.set(rel, `zqbig_${ext}_0`);
      }
      // Files that fail: binary, and over the size cap.
      await Deno.writeFile(join(seg, "bin_x.py"), new Uint8Array([0, 1, 2, 0, 255, 0]));
      await Deno.writeTextFile(join(seg, "huge_x.py"), "x = 1\n".repeat(600_000));
      const args = ["ast", "skeleton", seg, "-s", seg, "--json", "--no-persist-cache"];
      const run = await runGuarded(["run", ...CLI_FLAGS, MAIN_TS, ...args], {
        deadlineMs: 240_000,
      });
      assert.ok(run.finished, `the batch never finished (killed by the hang guard)\n${run.stderr}`);
      const out = JSON.parse(run.stdout) as { files?: FileEntry[] };
      const files = out.files ?? [];
      const paths = files.map((f) => f.path);
      assert.deepEqual(paths, [...paths].sort(), "output in sorted path order");
      const wrong: string[] = [];
      for (const [rel, name] of expected) {
        const entry = files.find((f) => f.path === rel);
        const json = JSON.stringify(entry?.symbols ?? []);
        if (!json.includes(`"${name}"`)) wrong.push(`${rel}: missing ${name}`);
        const others = (json.match(/zq(?:mark|big)_[a-z]+_\d+/g) ?? [])
          .filter((m) => !m.startsWith(name.replace(/_\d+$/, "_")) && m !== name);
        if (others.length > 0) wrong.push(`${rel}: holds ${others.slice(0, 3).join(", ")}`);
      }
      assert.deepEqual(wrong, []);
    } finally {
      await removeSegment(seg);
    }
  },
});
