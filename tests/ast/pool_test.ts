import assert from "node:assert/strict";
import { ParsePool } from "../../lib/ast/mod.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withTempDir } from "./helpers.ts";

const SOURCE = 'class A:\n    """Doc."""\n    def m(self, x: int) -> int:\n        return x\n';

for (const size of [0, 2]) {
  const where = size === 0 ? "in process" : "in workers";
  Deno.test(`ParsePool.parseJson (${where}): the worker's JSON text, the same skeleton parse() gives`, async () => {
    await withTempDir(async (dir) => {
      await Deno.writeTextFile(`${dir}/a.py`, SOURCE);
      const segment = await resolveSegment(dir);
      const pool = new ParsePool({ size });
      try {
        const job = { segment, rel: "a.py", abs: `${dir}/a.py`, language: "python" as const };
        const json = await pool.parseJson({ ...job, wantStat: true });
        const parsed = await pool.parse(job);
        assert.ok(json.ok && parsed.ok);
        assert.equal(typeof json.json, "string");
        assert.deepEqual(JSON.parse(json.json), parsed.skeleton);
        assert.equal(json.json, JSON.stringify(parsed.skeleton));
        assert.deepEqual(Object.keys(json).sort(), ["json", "ms", "mtimeMs", "ok", "size"]);
        assert.equal(json.size, SOURCE.length);
        assert.equal(typeof json.mtimeMs, "number");
      } finally {
        pool.close();
      }
    });
  });

  Deno.test(`ParsePool.parseJson (${where}): a binary file is the file's failure, by its code`, async () => {
    await withTempDir(async (dir) => {
      await Deno.writeFile(`${dir}/b.py`, new Uint8Array([0x61, 0, 0x62]));
      const segment = await resolveSegment(dir);
      const pool = new ParsePool({ size });
      try {
        const out = await pool.parseJson({
          segment,
          rel: "b.py",
          abs: `${dir}/b.py`,
          language: "python",
        });
        assert.equal(out.ok, false);
        assert.equal(out.ok ? "" : out.code, "BINARY_FILE");
      } finally {
        pool.close();
      }
    });
  });
}

// A worker starts loading web-tree-sitter as it starts (parser.ts
// preloadRuntime). Under a config without raw imports that load fails before
// any file is sent: the failure must still reach the first parse, by its code.
Deno.test("a worker's runtime preload failing without raw imports is the first parse's RAW_IMPORTS_REQUIRED", async () => {
  await withTempDir(async (dir) => {
    const repo = fileURLToPath(new URL("../../", import.meta.url));
    const config = JSON.parse(await Deno.readTextFile(join(repo, "deno.json")));
    config.unstable = (config.unstable as string[]).filter((f) => f !== "raw-imports");
    await Deno.writeTextFile(join(dir, "deno.json"), JSON.stringify(config));
    await Deno.writeTextFile(join(dir, "a.py"), "def f():\n    pass\n");
    const script = join(dir, "run.ts");
    await Deno.writeTextFile(
      script,
      `import { ParsePool } from ${JSON.stringify(join(repo, "lib/ast/mod.ts"))};
import { resolveSegment } from ${JSON.stringify(join(repo, "lib/segment/mod.ts"))};
const segment = await resolveSegment(${JSON.stringify(dir)});
const pool = new ParsePool({ size: 1 });
await new Promise((r) => setTimeout(r, 500)); // the preload fails meanwhile
const out = await pool.parseJson({ segment, rel: "a.py", abs: ${
        JSON.stringify(join(dir, "a.py"))
      }, language: "python" });
pool.close();
console.log(JSON.stringify(out));
`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--config", join(dir, "deno.json"), "--no-lock", "--allow-read", script],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const result = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.equal(result.ok, false);
    assert.equal(result.code, "RAW_IMPORTS_REQUIRED");
    assert.doesNotMatch(stderr, /Uncaught|unhandled/i);
  });
});

// A file of 1 MiB or more grows the worker's WebAssembly memory for good
// (worker.ts): the pool retires that worker and a fresh one parses the rest.
Deno.test("a worker that parsed a file of 1 MiB or more is replaced; the files after it still parse", async () => {
  await withTempDir(async (dir) => {
    // Comment lines: over 1 MiB, yet quick to parse on a loaded machine.
    const big = `# ${"x".repeat(98)}\n`.repeat(11_000);
    await Deno.writeTextFile(`${dir}/big.py`, big);
    await Deno.writeTextFile(`${dir}/a.py`, SOURCE);
    const segment = await resolveSegment(dir);
    const pool = new ParsePool({ size: 1, warm: ["python"] });
    try {
      const job = (rel: string) => ({
        segment,
        rel,
        abs: `${dir}/${rel}`,
        language: "python" as const,
      });
      const first = await pool.parse(job("a.py"));
      assert.equal(pool.retired, 0);
      const [large, ...after] = await Promise.all([
        pool.parse(job("big.py")),
        pool.parse(job("a.py")),
        pool.parse(job("a.py")),
        pool.parse(job("a.py")),
      ]);
      assert.ok(large?.ok && large.skeleton.bytes === big.length);
      assert.equal(pool.retired, 1);
      for (const o of after) assert.deepEqual(o, { ...first, ms: o.ok ? o.ms : 0 });
      const again = await pool.parseJson(job("a.py"));
      assert.ok(again.ok && first.ok);
      assert.equal(again.json, JSON.stringify(first.skeleton));
    } finally {
      pool.close();
    }
  });
});

Deno.test("a worker whose large file's caller has more large files to come (keepWorker) is kept; the next large one retires it", async () => {
  await withTempDir(async (dir) => {
    const big = `# ${"x".repeat(98)}\n`.repeat(11_000);
    await Deno.writeTextFile(`${dir}/big.py`, big);
    const segment = await resolveSegment(dir);
    const pool = new ParsePool({ size: 1, warm: ["python"] });
    try {
      const job = { segment, rel: "big.py", abs: `${dir}/big.py`, language: "python" as const };
      const kept = await pool.parse({ ...job, keepWorker: true });
      assert.ok(kept.ok);
      assert.equal(pool.retired, 0, "kept for the large file that follows");
      const last = await pool.parse(job);
      assert.ok(last.ok);
      assert.equal(pool.retired, 1);
    } finally {
      pool.close();
    }
  });
});

Deno.test("a worker whose file of 1 MiB or more failed after its read (over the time budget) is replaced too", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/big.py`, "x = 1\n".repeat(180_000));
    await Deno.writeTextFile(`${dir}/a.py`, SOURCE);
    const segment = await resolveSegment(dir);
    const job = (rel: string) => ({
      segment,
      rel,
      abs: `${dir}/${rel}`,
      language: "python" as const,
    });
    const env = "TRIFECTA_PARSE_BUDGET_MS";
    const before = Deno.env.get(env);
    const restore = () => before === undefined ? Deno.env.delete(env) : Deno.env.set(env, before);
    // Read by the worker at its first parse: 1 ms is past for 1 MiB.
    Deno.env.set(env, "1");
    const pool = new ParsePool({ size: 1 });
    try {
      const out = await pool.parseJson(job("big.py"));
      assert.equal(out.ok ? "" : out.code, "PARSE_TOO_COMPLEX");
      assert.equal(pool.retired, 1);
      restore();
      const next = await pool.parseJson(job("a.py"));
      assert.ok(next.ok, "the fresh worker parses with the usual budget");
    } finally {
      restore();
      pool.close();
    }
  });
});

/** `n` files named `<i>.<ext>` in `dir`, as pool jobs. */
async function jobsOf(
  dir: string,
  ext: "py" | "js",
  n: number,
): Promise<Array<{ rel: string; abs: string; language: "python" | "javascript" }>> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const rel = `${ext}_${i}.${ext}`;
    const body = ext === "py"
      ? `def f${i}(x):\n    return x\n`
      : `function f${i}(x) { return x; }\n`;
    await Deno.writeTextFile(join(dir, rel), body);
    out.push({
      rel,
      abs: join(dir, rel),
      language: ext === "py" ? "python" as const : "javascript" as const,
    });
  }
  return out;
}

Deno.test("the files of a grammar few files need go to the one worker that loaded it", async () => {
  await withTempDir(async (dir) => {
    const segment = await resolveSegment(dir);
    const py = await jobsOf(dir, "py", 30);
    const js = await jobsOf(dir, "js", 3);
    const pool = new ParsePool({ size: 2 });
    try {
      pool.warm(["python", "javascript"], { files: new Map([["python", 30], ["javascript", 3]]) });
      // The JavaScript files come between the Python ones, as a walk finds them.
      const jobs = [...py.slice(0, 10), js[0], ...py.slice(10, 20), js[1], js[2], ...py.slice(20)];
      const outs = await Promise.all(jobs.map((j) => j && pool.parse({ ...j, segment })));
      assert.ok(outs.every((o) => o?.ok), JSON.stringify(outs.find((o) => !o?.ok)));
      // Python in both workers, the TSX grammar (JavaScript) in one.
      assert.equal(pool.grammarLoads, 3);
    } finally {
      pool.close();
    }
  });
});

Deno.test("a worker without a grammar loads it when many of its files wait, and every file is parsed", async () => {
  await withTempDir(async (dir) => {
    const segment = await resolveSegment(dir);
    const js = await jobsOf(dir, "js", 40);
    const pool = new ParsePool({ size: 2 });
    try {
      const outs = await Promise.all(js.map((j) => pool.parse({ ...j, segment })));
      assert.equal(outs.filter((o) => o.ok).length, 40);
      assert.equal(pool.grammarLoads, 2);
    } finally {
      pool.close();
    }
  });
});
