import assert from "node:assert/strict";
import { createAstCache } from "../../lib/cache/mod.ts";
import {
  IN_PROCESS_LIMIT,
  MAX_TAG_REFS,
  PARSE_BUDGET_ENV,
  ParsePool,
  skeletonOfFiles,
  tagsCacheKey,
  tagsOfFiles,
} from "../../lib/ast/mod.ts";
import { MAX_NAME_CHARS } from "../../lib/ast/limits.ts";
import { resolveSegment, type Segment } from "../../lib/segment/mod.ts";

// These tests check what tags hold and their caps, not the time budget
// (tests/ast/budget_test.ts does): a loaded machine must not skip a big file.
// The budget is read once per process, so it is fixed before any parse.
Deno.env.set(PARSE_BUDGET_ENV, "120000");

async function tempSegment(files: Record<string, string>): Promise<Segment> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-tags-" }));
  for (const [rel, text] of Object.entries(files)) {
    const abs = `${dir}/${rel}`;
    await Deno.mkdir(abs.slice(0, abs.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(abs, text);
  }
  return await resolveSegment(dir);
}

const PYTHON = [
  "from pkg.util import helper, Widget as W",
  "import os.path",
  "",
  "def run(x: Config) -> Result:",
  "    helper(x)",
  "    obj.method()",
  "    return value.attr",
  "",
].join("\n");

Deno.test("python tags: calls, attributes, types, names and imports with their module", async () => {
  const seg = await tempSegment({ "app.py": PYTHON });
  try {
    const [tags] = await tagsOfFiles(seg, ["app.py"]);
    assert.ok(tags);
    const has = (name: string, kind: string, line: number) =>
      tags.refs.some((r) => r.name === name && r.kind === kind && r.line === line);
    assert.ok(has("helper", "import", 1));
    assert.ok(has("Widget", "import", 1), "the original name of an aliased import");
    assert.ok(has("helper", "call", 5));
    assert.ok(has("method", "call", 6));
    assert.ok(has("Config", "type", 4));
    assert.ok(has("Result", "type", 4));
    assert.ok(has("attr", "attribute", 7));
    assert.ok(has("value", "name", 7));
    assert.deepEqual(
      tags.imports.filter((i) => i.line === 1),
      [{ name: "helper", module: "pkg.util", line: 1 }, {
        name: "Widget",
        module: "pkg.util",
        line: 1,
      }],
    );
    assert.ok(
      !tags.refs.some((r) => r.name === "pkg" || r.name === "util"),
      "module parts skipped",
    );
    const call = tags.refs.find((r) => r.name === "helper" && r.line === 5);
    assert.equal(call?.col, 5, "1-based column");
  } finally {
    await Deno.remove(seg.root, { recursive: true });
  }
});

Deno.test("typescript tags: named, default and namespace imports, calls, members, types", async () => {
  const ts = [
    'import def, { helper, Widget as W } from "./util.ts";',
    'import * as ns from "./ns.ts";',
    "export function run(x: Config): void {",
    "  helper(x);",
    "  ns.go();",
    "  new W();",
    "}",
  ].join("\n");
  const seg = await tempSegment({ "web/app.ts": ts });
  try {
    const [tags] = await tagsOfFiles(seg, ["web/app.ts"]);
    assert.ok(tags);
    const imported = tags.imports.map((i) => `${i.name}<${i.module}`).sort();
    assert.deepEqual(imported, [
      "Widget<./util.ts",
      "def<./util.ts",
      "helper<./util.ts",
      "ns<./ns.ts",
    ]);
    const kinds = (name: string) => tags.refs.filter((r) => r.name === name).map((r) => r.kind);
    assert.ok(kinds("helper").includes("call"));
    assert.ok(kinds("go").includes("call"));
    assert.ok(kinds("W").includes("call"));
    assert.ok(kinds("Config").includes("type"));
  } finally {
    await Deno.remove(seg.root, { recursive: true });
  }
});

Deno.test("hostile tags: a file with more references than the cap keeps the cap, names are bounded", async () => {
  const long = "n".repeat(5000);
  const many = Array.from({ length: MAX_TAG_REFS + 5000 }, (_, i) => `f${i}()`).join("\n");
  const seg = await tempSegment({ "many.py": many, "long.py": `${long}()\nx = "\\u202e"\n` });
  try {
    const tags = await tagsOfFiles(seg, ["many.py", "long.py"]);
    const many_ = tags.find((t) => t.path === "many.py");
    assert.equal(many_?.refs.length, MAX_TAG_REFS);
    assert.equal(many_?.truncated, true);
    const longRef = tags.find((t) => t.path === "long.py")?.refs[0];
    assert.ok(longRef && longRef.name.length <= MAX_NAME_CHARS + 2, "name clipped");
  } finally {
    await Deno.remove(seg.root, { recursive: true });
  }
});

Deno.test("tags are cached by content under their own key; skeletons keep theirs", async () => {
  const seg = await tempSegment({ "app.py": PYTHON, "util.py": "def helper(x):\n    return x\n" });
  const cache = createAstCache({ persist: false, segment: seg });
  try {
    const files = ["app.py", "util.py"];
    await skeletonOfFiles(seg, files.map((rel) => ({ rel, abs: `${seg.root}/${rel}` })), { cache });
    const first = await tagsOfFiles(seg, files, { cache });
    const misses = cache.stats().misses;
    const hits = cache.stats().hits;
    const second = await tagsOfFiles(seg, files, { cache });
    assert.deepEqual(second, first);
    assert.equal(cache.stats().misses, misses, "no miss on the second run");
    assert.ok(cache.stats().hits >= hits + 2);
    const sha = first[0]?.sha256 ?? "";
    assert.match(tagsCacheKey(seg, "app.py", sha), /:tags:\d+:app\.py:/);
    const sk = await skeletonOfFiles(seg, [{ rel: "app.py", abs: `${seg.root}/app.py` }], {
      cache,
    });
    assert.equal(sk.files[0]?.cache_status, "hit", "the skeleton entry survives the tags entry");
  } finally {
    cache.close();
    await Deno.remove(seg.root, { recursive: true });
  }
});

Deno.test("a cached tags value of the wrong shape is a miss, extracted again", async () => {
  const seg = await tempSegment({ "app.py": PYTHON });
  const cache = createAstCache({ persist: false, segment: seg });
  try {
    const [tags] = await tagsOfFiles(seg, ["app.py"], { cache });
    assert.ok(tags);
    const key = tagsCacheKey(seg, "app.py", tags.sha256);
    const stored = cache.get(key);
    assert.ok(stored !== null && typeof stored === "object" && "names" in stored, "stored packed");
    cache.set(key, { ...stored, refs: [0, 0, 0, 9] });
    const [again] = await tagsOfFiles(seg, ["app.py"], { cache });
    assert.deepEqual(again, tags);
  } finally {
    cache.close();
    await Deno.remove(seg.root, { recursive: true });
  }
});

Deno.test("tags from the worker pool equal tags in process; unsupported and binary files are left out", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < IN_PROCESS_LIMIT + 2; i++) {
    files[`m${i}.py`] = `from a import b${i}\nb${i}(${i})\n`;
  }
  files["notes.txt"] = "hello";
  const seg = await tempSegment(files);
  await Deno.writeFile(`${seg.root}/bin.py`, new Uint8Array([0, 1, 2, 0]));
  const pool = new ParsePool({ size: 2 });
  try {
    const rels = [...Object.keys(files), "bin.py"].sort();
    const skipped: string[] = [];
    const pooled = await tagsOfFiles(seg, rels, {
      pool,
      onSkip: (rel, code) => skipped.push(`${rel}:${code}`),
    });
    const single = await tagsOfFiles(seg, rels.filter((r) => r.startsWith("m")).slice(0, 3));
    assert.equal(pooled.length, IN_PROCESS_LIMIT + 2);
    assert.deepEqual(pooled.slice(0, 3), single);
    assert.deepEqual(skipped.sort(), ["bin.py:BINARY_FILE", "notes.txt:UNSUPPORTED_LANGUAGE"]);
  } finally {
    pool.close();
    await Deno.remove(seg.root, { recursive: true });
  }
});

// An MCP server serves other calls while a map or references run: an
// all-hits run never waits on real I/O, so it must give the event loop a turn.
Deno.test("tagsOfFiles: an all-hits run gives the event loop a turn (sliceMs)", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`m${i}.py`] = `def f${i}():\n    return ${i}\n`;
  const seg = await tempSegment(files);
  const cache = createAstCache({ persist: false, segment: seg });
  try {
    const rels = Object.keys(files);
    await tagsOfFiles(seg, rels, { cache });
    const misses = cache.stats().misses;
    let done = false;
    let turnDuringRun = false;
    setTimeout(() => turnDuringRun = !done, 0);
    const again = await tagsOfFiles(seg, rels, { cache, sliceMs: 0 });
    done = true;
    assert.equal(cache.stats().misses, misses, "every file a hit");
    assert.equal(again.length, 40);
    assert.ok(turnDuringRun, "a timer due during the run ran before it ended");
  } finally {
    cache.close();
    await Deno.remove(seg.root, { recursive: true });
  }
});
