import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { TrifectaError } from "../../lib/errors.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { resolveSymbol } from "../../lib/symbols/mod.ts";
import { type RawRow, rowOf, rowTag, tagKey } from "../../lib/cache/manifest.ts";
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

/** Give the manifest row of `rel` the tag this program would write (the test knows the stamp). */
async function retag(raw: DatabaseSync, rel: string): Promise<void> {
  const stamp = (raw.prepare("PRAGMA application_id").get() as { application_id: number })
    .application_id;
  const found = raw.prepare("SELECT * FROM manifest WHERE file_rel = ?").get(rel);
  const row = rowOf(found as unknown as RawRow);
  const tag = await rowTag(row, await tagKey(stamp));
  raw.prepare("UPDATE manifest SET tag = ? WHERE file_rel = ?").run(tag, rel);
}

/** `def <name>():` — names of one length give files of one size. */
function pyDef(name: string): string {
  return `def ${name}():\n    pass\n`;
}

function namesOf(doc: { files: Array<{ path: string; symbols: Array<{ name: string }> }> }) {
  return Object.fromEntries(doc.files.map((f) => [f.path, f.symbols.map((s) => s.name)]));
}

Deno.test("e2e ast skeleton --json --persist-cache: an unchanged file is written as stored; a same-size rewrite with its mtime restored, an inode swap and a symlink swap are read again", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-e2e-manifest-" }));
  const outside = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-e2e-outside-" }));
  try {
    const files = {
      "kept.py": "keep_a",
      "rewrite.py": "old_aa",
      "swap.py": "old_bb",
      "link.py": "old_cc",
    };
    for (const [rel, name] of Object.entries(files)) {
      await Deno.writeTextFile(`${dir}/${rel}`, pyDef(name));
    }
    await Deno.writeTextFile(`${outside}/other.py`, pyDef("out_dd"));
    // Wait (not a timing assertion): ctime comes in whole seconds and rows are
    // trusted 2 s after it, so the files must be settled before the first run.
    await new Promise((r) => setTimeout(r, 3_100));
    const args = ["ast", "skeleton", ".", "--json", "--persist-cache", "-s", dir];
    const cold = await runCli(args, { env: OFF });
    assert.equal(cold.code, 0, cold.stderr);
    const warm = await runCli(args, { env: OFF });
    // Byte for byte the cold run's document, but for the cache fields.
    const asHits = cold.stdout.replaceAll('"cache_status":"miss"', '"cache_status":"hit"')
      .replace('"cache_hits":0,"cache_misses":4', '"cache_hits":4,"cache_misses":0');
    assert.equal(warm.stdout, asHits);
    // Served as stored: a mark put into the stored entry (tagged with the
    // database's stamp, as this program writes) comes out as is.
    const raw = new DatabaseSync(`${dir}/.trifecta/cache/ast_cache.db`);
    raw.exec(`UPDATE manifest SET out = replace(out, '"symbols":', '"stored_mark":1,"symbols":')
              WHERE file_rel = 'kept.py'`);
    await retag(raw, "kept.py");
    raw.close();
    // Same size, mtime put back: only ctime tells.
    const st = await Deno.stat(`${dir}/rewrite.py`);
    await Deno.writeTextFile(`${dir}/rewrite.py`, pyDef("new_aa"));
    await Deno.utime(`${dir}/rewrite.py`, st.atime ?? new Date(), st.mtime ?? new Date());
    // Another inode with the old size and mtime, renamed over the file.
    const sw = await Deno.stat(`${dir}/swap.py`);
    await Deno.writeTextFile(`${dir}/swap.tmp`, pyDef("new_bb"));
    await Deno.utime(`${dir}/swap.tmp`, sw.atime ?? new Date(), sw.mtime ?? new Date());
    await Deno.rename(`${dir}/swap.tmp`, `${dir}/swap.py`);
    // A symlink to a file outside the segment in place of a file.
    await Deno.remove(`${dir}/link.py`);
    await Deno.symlink(`${outside}/other.py`, `${dir}/link.py`);
    const after = await runCli(args, { env: OFF });
    assert.equal(after.code, 0, after.stderr);
    const doc = JSON.parse(after.stdout);
    assert.deepEqual(namesOf(doc), {
      "kept.py": ["keep_a"],
      "rewrite.py": ["new_aa"],
      "swap.py": ["new_bb"],
    });
    assert.equal(doc.files[0].stored_mark, 1, "kept.py came out as stored");
    assert.equal(doc.files[0].cache_status, "hit");
    assert.deepEqual(doc.skipped.map((s: { path: string }) => s.path), ["link.py"]);
    assert.equal(doc.stats.cache_hits, 1);
    assert.equal(doc.stats.cache_misses, 2);
  } finally {
    await removeSegment(dir);
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("e2e ast skeleton --json --persist-cache: a file the walk now leaves out (.gitignore) is not served from the manifest", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-e2e-manifest-" }));
  try {
    await Deno.writeTextFile(`${dir}/a.py`, pyDef("aa"));
    await Deno.writeTextFile(`${dir}/b.py`, pyDef("bb"));
    await new Promise((r) => setTimeout(r, 3_100)); // a wait, as above, not an assertion
    const args = ["ast", "skeleton", ".", "--json", "--persist-cache", "-s", dir];
    assert.equal((await runCli(args, { env: OFF })).code, 0);
    await Deno.writeTextFile(`${dir}/.gitignore`, "b.py\n");
    const doc = JSON.parse((await runCli(args, { env: OFF })).stdout);
    assert.deepEqual(namesOf(doc), { "a.py": ["aa"] });
    assert.equal(doc.stats.cache_hits, 1);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("e2e ast skeleton --persist-cache (text): an unchanged file's outline is written as stored, also after a --json run; a same-size rewrite is read again", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-e2e-manifest-" }));
  try {
    await Deno.writeTextFile(`${dir}/a.py`, pyDef("aa"));
    await Deno.writeTextFile(`${dir}/b.py`, pyDef("bb"));
    await new Promise((r) => setTimeout(r, 3_100)); // a wait, as above, not an assertion
    const text = ["ast", "skeleton", ".", "--persist-cache", "-s", dir];
    // The rows are written by a --json run; the text run is served from them.
    assert.equal((await runCli([...text, "--json"], { env: OFF })).code, 0);
    const warm = await runCli(text, { env: OFF });
    const cold = await runCli(["ast", "skeleton", ".", "--no-persist-cache", "-s", dir], {
      env: OFF,
    });
    assert.equal(cold.code, 0, cold.stderr);
    assert.equal(
      warm.stdout,
      cold.stdout.replace("cache 0 hits / 2 misses", "cache 2 hits / 0 misses"),
    );
    // Served as stored: a mark put into the stored outline (tagged as this program would) comes out.
    const raw = new DatabaseSync(`${dir}/.trifecta/cache/ast_cache.db`);
    raw.exec(`UPDATE manifest SET text_out = replace(text_out, 'def aa()', 'def aa_stored()')
              WHERE file_rel = 'a.py'`);
    await retag(raw, "a.py");
    raw.close();
    const st = await Deno.stat(`${dir}/b.py`);
    await Deno.writeTextFile(`${dir}/b.py`, pyDef("cc"));
    await Deno.utime(`${dir}/b.py`, st.atime ?? new Date(), st.mtime ?? new Date());
    const after = await runCli(text, { env: OFF });
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stdout, /def aa_stored\(\)/);
    assert.match(after.stdout, /def cc\(\)/);
    assert.doesNotMatch(after.stdout, /def bb\(\)/);
    assert.match(after.stdout, /cache 1 hits \/ 1 misses/);
  } finally {
    await removeSegment(dir);
  }
});
