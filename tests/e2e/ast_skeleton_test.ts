import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { TrifectaError } from "../../lib/errors.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { resolveSymbol } from "../../lib/symbols/mod.ts";
import { copyTree, removeSegment, runCli } from "./helpers.ts";

const AST_FIXTURES = fileURLToPath(new URL("../../fixtures/ast", import.meta.url));

async function tempFixtures(): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-e2e-ast-" }));
  await copyTree(AST_FIXTURES, dir);
  return dir;
}

async function withFixtures(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await tempFixtures();
  try {
    await fn(dir);
  } finally {
    await removeSegment(dir);
  }
}

const OFF = { TRIFECTA_NO_TELEMETRY: "1" };

Deno.test("e2e ast skeleton: text outline of one file", async () => {
  await withFixtures(async (dir) => {
    const r = await runCli(["ast", "skeleton", "python/nested.py", "-s", dir], { env: OFF });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n");
    assert.equal(lines[0], "python/nested.py (python, 939 bytes)");
    assert.ok(lines.includes("  class Outer(Base, metaclass=Meta)  # L9-37: Outer class."));
    assert.ok(lines.includes("    @property def size(self) -> int  # L22-23"));
    assert.match(r.stdout, /^# 1 files, 12 symbols/m);
  });
});

Deno.test("e2e ast skeleton --json: the design's shape, directory in sorted order", async () => {
  await withFixtures(async (dir) => {
    const r = await runCli(["ast", "skeleton", ".", "--json", "-s", dir], { env: OFF });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(Object.keys(out)[0], "status", "status first, like every --json object");
    assert.equal(out.status, "ok");
    const paths = out.files.map((f: { path: string }) => f.path);
    assert.deepEqual(paths, [...paths].sort());
    assert.deepEqual(paths, [
      "python/broken.py",
      "python/conditional.py",
      "python/empty.py",
      "python/invalid_utf8.py",
      "python/long_line.py",
      "python/nested.py",
      "typescript/broken.ts",
      "typescript/component.tsx",
      "typescript/plain.js",
      "typescript/shapes.ts",
    ]);
    const nested = out.files.find((f: { path: string }) => f.path === "python/nested.py");
    for (const key of ["language", "sha256", "has_errors", "bytes", "skeleton_bytes", "symbols"]) {
      assert.ok(key in nested, key);
    }
    assert.match(nested.sha256, /^[0-9a-f]{64}$/);
    const outer = nested.symbols[0];
    assert.deepEqual(
      Object.keys(outer).sort(),
      [
        "children",
        "decorators",
        "doc",
        "end_line",
        "kind",
        "name",
        "qualified_name",
        "signature",
        "start_line",
        "uri",
      ],
    );
    assert.equal(outer.uri, "sym://python/type/python.nested/Outer");
    assert.equal(outer.children[0].uri, "sym://python/type/python.nested/Outer#Inner");
    assert.equal(outer.children[0].qualified_name, "Outer.Inner");
    assert.equal(out.stats.files, 10);
    assert.equal(out.stats.parsed, 10);
    assert.equal(out.stats.skipped, 0);
    assert.equal(out.stats.files_with_errors, 2);
  });
});

interface UriSymbol {
  qualified_name: string;
  start_line: number;
  uri: string | null;
  children: UriSymbol[];
}

Deno.test("e2e ast skeleton --json: every symbol's uri resolves back to it through the resolver", async () => {
  await withFixtures(async (dir) => {
    const files = ["python/nested.py", "typescript/shapes.ts", "typescript/component.tsx"];
    const r = await runCli(["ast", "skeleton", ...files, "--json", "-s", dir], { env: OFF });
    assert.equal(r.code, 0, r.stderr);
    const out: { files: { path: string; symbols: UriSymbol[] }[] } = JSON.parse(r.stdout);
    const segment = await resolveSegment(dir);
    let checked = 0;
    for (const file of out.files) {
      const all: UriSymbol[] = [];
      const stack = [...file.symbols];
      for (let s = stack.pop(); s !== undefined; s = stack.pop()) {
        stack.push(...s.children);
        all.push(s);
      }
      for (const s of all) {
        const uri = s.uri;
        assert.ok(uri, `${file.path} ${s.qualified_name}: no uri`);
        if (all.filter((o) => o.qualified_name === s.qualified_name).length > 1) {
          // A name defined twice (overloads, conditional definitions): the URI names them all.
          await assert.rejects(resolveSymbol(segment, uri), (e: unknown) => {
            assert.ok(e instanceof TrifectaError && e.code === "AMBIGUOUS_SYMBOL", uri);
            assert.ok(e.message.includes(`${file.path}:${s.start_line} `), e.message);
            return true;
          });
          continue;
        }
        const back = await resolveSymbol(segment, uri);
        assert.equal(back.file.rel, file.path, uri);
        assert.equal(back.symbol?.qualified_name, s.qualified_name, uri);
        assert.equal(back.symbol?.start_line, s.start_line, uri);
        checked++;
      }
    }
    assert.ok(checked > 20, `only ${checked} symbols`);
  });
});

Deno.test("e2e ast skeleton: binary and oversized files in a directory are skipped with a reason", async () => {
  await withFixtures(async (dir) => {
    await Deno.writeFile(`${dir}/python/data.py`, new Uint8Array([35, 0, 1, 2]));
    await Deno.writeTextFile(`${dir}/python/zbig.py`, "x = 1\n".repeat(2000));
    await Deno.writeTextFile(`${dir}/.gitignore`, "ignored/\n");
    await Deno.mkdir(`${dir}/ignored`);
    await Deno.writeTextFile(`${dir}/ignored/x.py`, "def hidden():\n    pass\n");
    const r = await runCli(["ast", "skeleton", ".", "--json", "-s", dir], {
      env: { ...OFF, TRIFECTA_AST_MAX_BYTES: "10000" },
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(
      out.skipped.map((s: { path: string; reason: string }) => [s.path, s.reason]),
      [["python/data.py", "binary"], ["python/long_line.py", "too_large"], [
        "python/zbig.py",
        "too_large",
      ]],
    );
    const paths = out.files.map((f: { path: string }) => f.path);
    assert.ok(!paths.some((p: string) => p.startsWith("ignored/")));
    assert.equal(out.stats.skipped, 3);
  });
});

Deno.test("e2e ast skeleton: a binary or oversized single file is an error with a code", async () => {
  await withFixtures(async (dir) => {
    await Deno.writeFile(`${dir}/data.py`, new Uint8Array([35, 0, 1, 2]));
    let r = await runCli(["ast", "skeleton", "data.py", "--json", "-s", dir], { env: OFF });
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).error_code, "BINARY_FILE");
    r = await runCli(["ast", "skeleton", "python/long_line.py", "-s", dir], {
      env: { ...OFF, TRIFECTA_AST_MAX_BYTES: "1000" },
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /TRIFECTA_ERROR_CODE: FILE_TOO_LARGE/);
    assert.ok(!r.stderr.includes("    at "), "no stack trace");
    r = await runCli(["ast", "skeleton", "README.txt", "--json", "-s", dir], { env: OFF });
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).error_code, "FILE_NOT_FOUND");
    await Deno.writeTextFile(`${dir}/notes.txt`, "hi");
    r = await runCli(["ast", "skeleton", "notes.txt", "--json", "-s", dir], { env: OFF });
    assert.equal(JSON.parse(r.stdout).error_code, "UNSUPPORTED_LANGUAGE");
  });
});

Deno.test("e2e ast skeleton: absolute paths must lie inside the segment", async () => {
  await withFixtures(async (dir) => {
    let r = await runCli([
      "ast",
      "skeleton",
      `${dir}/python/empty.py`,
      "--json",
      "-s",
      `${dir}/python`,
    ], {
      env: OFF,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).files[0].path, "empty.py");
    r = await runCli([
      "ast",
      "skeleton",
      `${dir}/typescript/shapes.ts`,
      "--json",
      "-s",
      `${dir}/python`,
    ], {
      env: OFF,
    });
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).error_code, "PATH_OUTSIDE_SEGMENT");
  });
});

Deno.test("e2e ast skeleton --persist-cache: the second run is served from the cache", async () => {
  await withFixtures(async (dir) => {
    const args = ["ast", "skeleton", ".", "--json", "--persist-cache", "-s", dir];
    const first = JSON.parse((await runCli(args, { env: OFF })).stdout);
    const second = JSON.parse((await runCli(args, { env: OFF })).stdout);
    assert.equal(first.stats.cache_misses, 10);
    assert.equal(second.stats.cache_hits, 10);
    assert.equal(second.stats.cache_misses, 0);
    const strip = (o: { files: Array<Record<string, unknown>> }) =>
      o.files.map(({ cache_status: _s, ...rest }) => rest);
    assert.deepEqual(strip(second), strip(first));
  });
});

Deno.test("e2e ast skeleton: telemetry has the command event and counters, no absolute paths", async () => {
  await withFixtures(async (dir) => {
    const r = await runCli(["ast", "skeleton", "python", "-s", dir, "--telemetry", "lite"]);
    assert.equal(r.code, 0, r.stderr);
    const raw = await Deno.readTextFile(`${dir}/_ctx/telemetry/events.jsonl`);
    assert.ok(!raw.includes(dir));
    const events = raw.trim().split("\n").map((l) => JSON.parse(l));
    const cmd = events.find((e) => e.cmd === "ast.skeleton");
    assert.equal(cmd.result.status, "ok");
    assert.equal(cmd.result.parsed, 6);
    assert.equal(events.filter((e) => e.cmd === "ast.parse").length, 6);
    const metrics = JSON.parse(await Deno.readTextFile(`${dir}/_ctx/telemetry/metrics.json`));
    const counters = metrics.counters ?? metrics;
    assert.equal(counters.ast_parse_count, 6);
    assert.equal(counters.ast_cache_miss_count, 6);
  });
});
