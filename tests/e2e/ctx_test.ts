/**
 * End-to-end tests of `trifecta ctx …` through the real CLI.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { searchPack } from "../../lib/context/mod.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { estimateTokens } from "../../lib/text.ts";
import { CLI_FLAGS, MAIN_TS, removeSegment, runCli, tempExample } from "./helpers.ts";

const ANCHOR_DOC = "# Servicio\n" + "Texto de relleno para el documento. ".repeat(12) +
  "\n\n## Usage\nSERVICIO_ANCHOR_TOKEN lives here.\n";

async function example(): Promise<string> {
  const dir = await tempExample();
  await Deno.writeTextFile(join(dir, "docs/servicio.md"), ANCHOR_DOC);
  return dir;
}

async function events(dir: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(join(dir, "_ctx/telemetry/events.jsonl"));
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
}

/** The pack's chunks, in pack order, read straight from its database. */
function packJson(
  dir: string,
): Promise<{ chunks: { id: string; source_path: string; kind: string }[] }> {
  const db = new DatabaseSync(join(dir, "_ctx/context_pack.db"), { readOnly: true });
  try {
    const chunks = db.prepare(
      `SELECT c.id AS id, c.path AS source_path, c.kind AS kind FROM chunks AS c
       JOIN source_files AS f ON f.path = c.path ORDER BY f.ord, c.seq`,
    ).all() as { id: string; source_path: string; kind: string }[];
    return Promise.resolve({ chunks });
  } finally {
    db.close();
  }
}

Deno.test("ctx build on a project without scaffolding indexes docs, src, config and tests files", async () => {
  const dir = await example();
  try {
    const r = await runCli(["ctx", "build", "-s", dir, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, "ok");
    const paths = new Set((await packJson(dir)).chunks.map((c) => c.source_path));
    for (
      const p of [
        "README.md",
        "docs/design.md",
        "docs/servicio.md",
        "pyproject.toml",
        "src/inventory/service.py",
        "tests/test_service.py",
        "web/api.ts",
      ]
    ) {
      assert.ok(paths.has(p), `${p} indexed`);
    }
    assert.ok(!JSON.stringify(out).includes(dir), "no absolute path in the report");
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("ctx search finds a token that lies beyond the preview, and --explain prints the contract keys", async () => {
  const dir = await example();
  try {
    assert.equal((await runCli(["ctx", "build", "-s", dir])).code, 0);
    const r = await runCli(["ctx", "search", "-s", dir, "-q", "SERVICIO_ANCHOR_TOKEN", "-l", "3"]);
    assert.equal(r.code, 0, r.stderr);
    const m = /Search Results \((\d+) hits?\)/.exec(r.stdout);
    assert.ok(m && Number(m[1]) > 0, r.stdout);
    assert.match(r.stdout, /docs\/servicio\.md/);

    const e = await runCli(["ctx", "search", "-s", dir, "-q", "restock", "-l", "1", "--explain"]);
    assert.equal(e.code, 0, e.stderr);
    const x = JSON.parse(e.stdout);
    for (const k of ["query", "normalized_query", "linter", "expansions", "hits", "total_hits"]) {
      assert.ok(k in x, k);
    }
    assert.equal(typeof x.linter.expanded, "boolean");
    assert.ok(Array.isArray(x.linter.added_strong) && Array.isArray(x.linter.added_weak));
    for (const k of ["alias_expanded", "alias_terms_count", "expanded_terms"]) {
      assert.ok(k in x.expansions, k);
    }
    assert.equal(x.hits.length, 1);
    assert.deepEqual(x.hits[0].signals.matched_terms, ["restock"]);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("ctx search on a method name prints the defining chunk first with the method and its lines, titled by relative path", async () => {
  const dir = await example();
  try {
    assert.equal((await runCli(["ctx", "build", "-s", dir])).code, 0);
    const r = await runCli(["ctx", "search", "-s", dir, "-q", "getItem", "-l", "3"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^1\. \[code:web\/api\.ts:[0-9a-f]{10}\] web\/api\.ts > InventoryClient$/m,
    );
    assert.match(r.stdout, /Defines: method InventoryClient\.getItem \(lines 24-28\)/);
    const j = JSON.parse(
      (await runCli(["ctx", "search", "-s", dir, "-q", "getItem", "--json"])).stdout,
    );
    assert.equal(j.hits[0].definition.name, "InventoryClient.getItem");
    assert.equal(j.symbol_index, "present");
    const e = await runCli([
      "ctx",
      "search",
      "-s",
      dir,
      "-q",
      "InventoryClient/getItem",
      "--explain-format",
      "text",
    ]);
    assert.equal(e.code, 0, e.stderr);
    assert.match(
      e.stdout,
      /Rank: 1 by definition: method InventoryClient\.getItem \(lines 24-28\), exact qualified name, in source/,
    );
    assert.match(e.stdout, /Symbol bonus: 10/);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("ctx search rejects empty, blank and 1-character queries with an event, and accepts 2 characters", async () => {
  const dir = await example();
  try {
    assert.equal((await runCli(["ctx", "build", "-s", dir])).code, 0);
    for (const q of ["", "   ", "x"]) {
      const r = await runCli(["ctx", "search", "-s", dir, "-q", q]);
      assert.equal(r.code, 2, `query '${q}'`);
      assert.match(r.stderr, /TRIFECTA_ERROR_CODE: QUERY_REJECTED/);
      assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
    }
    assert.equal((await runCli(["ctx", "search", "-s", dir, "-q", "ab"])).code, 0);
    const rejected = (await events(dir)).filter((e) => e.cmd === "ctx.search.rejected");
    assert.equal(rejected.length, 3);
    assert.ok(
      rejected.every((e) => typeof (e.x as Record<string, unknown>).rejection_reason === "string"),
    );
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("ctx get honours --max-chunks, prints PD_REPORT last, and records bytes_read and disclosure_mode", async () => {
  const dir = await example();
  try {
    assert.equal((await runCli(["ctx", "build", "-s", dir])).code, 0);
    const ids = (await packJson(dir)).chunks.slice(0, 2).map((c) => c.id);
    const r = await runCli([
      "ctx",
      "get",
      "-s",
      dir,
      "-i",
      ids.join(","),
      "--max-chunks",
      "1",
      "-m",
      "excerpt",
      "--pd-report",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Retrieved 1 chunk\(s\)/);
    const [first, second] = ids;
    assert.ok(first !== undefined && second !== undefined, "the example pack has 2+ chunks");
    assert.ok(r.stdout.includes(first) && !r.stdout.includes(second));
    const last = r.stdout.trimEnd().split("\n").pop() ?? "";
    assert.match(
      last,
      /^PD_REPORT v=1 stop_reason=max_chunks chunks_returned=1 chunks_requested=2 chars_returned_total=[1-9]\d* strong_hit=0 support=0$/,
    );
    assert.equal(r.stdout.split("PD_REPORT").length - 1, 1);
    const ev = (await events(dir)).filter((e) => e.cmd === "ctx.get").at(-1)!;
    const res = ev.result as Record<string, unknown>;
    assert.equal(res.stop_reason, "max_chunks");
    assert.equal(res.disclosure_mode, "excerpt");
    assert.ok(Number(res.bytes_read) > 0);

    const env = await runCli(["ctx", "get", "-s", dir, "-i", ids.join(","), "--pd-report"], {
      env: { TRIFECTA_PD_MAX_CHUNKS: "1" },
    });
    assert.match(env.stdout, /stop_reason=max_chunks/);
    const all = await runCli(["ctx", "get", "-s", dir, "-i", ids.join(","), "--pd-report"]);
    assert.match(all.stdout, /stop_reason=complete chunks_returned=2/);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("ctx get refuses an id with ../ with PATH_TRAVERSAL", async () => {
  const dir = await example();
  try {
    assert.equal((await runCli(["ctx", "build", "-s", dir])).code, 0);
    const r = await runCli([
      "ctx",
      "get",
      "-s",
      dir,
      "-i",
      "doc:../../etc/passwd:0000000000",
      "--json",
    ]);
    assert.equal(r.code, 2);
    assert.equal(JSON.parse(r.stdout).error_code, "PATH_TRAVERSAL");
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("ctx sync passes on CRLF files and files without a final newline", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-e2e-" });
  try {
    await Deno.writeTextFile(join(dir, "notes.md"), "# Notes\r\nline one\r\nno final newline");
    await Deno.writeTextFile(join(dir, "tool.py"), "def run():\r\n    return 1");
    const r = await runCli(["ctx", "sync", "-s", dir]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /✅ Validation Passed/);
    assert.doesNotMatch(r.stdout, /Hash mismatch/);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("an edited file makes validate fail as stale, records pack_state, and search and get warn", async () => {
  const dir = await example();
  try {
    assert.equal((await runCli(["ctx", "build", "-s", dir])).code, 0);
    assert.equal((await runCli(["ctx", "validate", "-s", dir])).code, 0);
    await Deno.writeTextFile(join(dir, "docs/design.md"), "# Design\nchanged\n");
    const v = await runCli(["ctx", "validate", "-s", dir]);
    assert.equal(v.code, 1);
    assert.match(v.stdout, /Hash mismatch\): docs\/design\.md/);
    const lastRun = JSON.parse(await Deno.readTextFile(join(dir, "_ctx/telemetry/last_run.json")));
    assert.equal(lastRun.pack_state.stale_detected, true);
    assert.match(lastRun.pack_state.pack_sha, /^[0-9a-f]{16}$/);
    const s = await runCli(["ctx", "search", "-s", dir, "-q", "design"]);
    assert.equal(s.code, 0);
    assert.match(s.stderr, /stale.*ctx sync/);
    const id = (await packJson(dir)).chunks.find((c) => c.source_path === "docs/design.md")!.id;
    const g = await runCli(["ctx", "get", "-s", dir, "-i", id]);
    assert.match(g.stderr, /stale.*ctx sync/);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("parallel builds give one valid pack: each process succeeds or fails with PACK_LOCKED", async () => {
  const dir = await example();
  try {
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => runCli(["ctx", "build", "-s", dir, "--json"])),
    );
    for (const r of runs) {
      if (r.code !== 0) {
        assert.equal(JSON.parse(r.stdout).error_code, "PACK_LOCKED", r.stdout + r.stderr);
      }
    }
    assert.ok(runs.some((r) => r.code === 0));
    const v = await runCli(["ctx", "validate", "-s", dir]);
    assert.equal(v.code, 0, v.stdout);
    const leftovers = [...Deno.readDirSync(join(dir, "_ctx"))].filter((e) =>
      e.name.includes(".tmp-")
    );
    assert.deepEqual(leftovers, []);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("searches while builds replace the pack and index always answer from one build", async () => {
  const dir = await example();
  try {
    assert.equal((await runCli(["ctx", "build", "-s", dir])).code, 0);
    const seg = await resolveSegment(dir);
    // Builds in another process, one after another, each with a new build id.
    const builds = (async () => {
      for (let i = 0; i < 4; i++) {
        await Deno.writeTextFile(join(dir, "docs/round.md"), `# Round ${i}\nrestock round ${i}\n`);
        const r = await runCli(["ctx", "build", "-s", dir], {
          env: { TRIFECTA_NO_TELEMETRY: "1" },
        });
        assert.equal(r.code, 0, r.stderr);
      }
    })();
    let done = false;
    builds.finally(() => (done = true));
    let searches = 0;
    while (!done) {
      const r = await searchPack(seg, "restock", { checkStale: false });
      assert.ok(r.hits.length > 0);
      assert.deepEqual(r.warnings, []);
      searches++;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await builds;
    assert.ok(searches > 0);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("kill -9 during a build leaves the previous pack intact and valid", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-e2e-kill-" });
  try {
    const body = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(30);
    for (let d = 0; d < 40; d++) {
      await Deno.mkdir(join(dir, `docs/d${d}`), { recursive: true });
      for (let f = 0; f < 60; f++) {
        await Deno.writeTextFile(
          join(dir, `docs/d${d}/f${f}.md`),
          `# File ${d}-${f}\n${body}\n## Part\n${body}\n`,
        );
      }
    }
    assert.equal((await runCli(["ctx", "build", "-s", dir])).code, 0);
    const packFile = join(dir, "_ctx/context_pack.db");
    const before = await Deno.readFile(packFile);

    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...CLI_FLAGS, MAIN_TS, "ctx", "build", "-s", dir],
      stdout: "null",
      stderr: "null",
      env: { TRIFECTA_NO_TELEMETRY: "1" },
    }).spawn();
    let sawTemp = false;
    const status = child.status;
    let done = false;
    status.then(() => (done = true));
    while (!done) {
      if ([...Deno.readDirSync(join(dir, "_ctx"))].some((e) => e.name.includes(".tmp-"))) {
        sawTemp = true;
        child.kill("SIGKILL");
        break;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    const st = await status;
    assert.ok(sawTemp, "the build was killed while writing its temp files");
    assert.equal(st.signal, "SIGKILL");
    assert.deepEqual(await Deno.readFile(packFile), before, "the previous pack is untouched");
    const v = await runCli(["ctx", "validate", "-s", dir]);
    assert.equal(v.code, 0, v.stdout);
    assert.equal((await runCli(["ctx", "build", "-s", dir])).code, 0);
    const leftovers = [...Deno.readDirSync(join(dir, "_ctx"))].filter((e) =>
      e.name.includes(".tmp-")
    );
    assert.deepEqual(leftovers, [], "the next build removes the killed build's temp files");
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("ctx stats reports searches, hits and zero-hit reasons from the events the commands wrote", async () => {
  const dir = await example();
  try {
    assert.equal((await runCli(["ctx", "build", "-s", dir])).code, 0);
    await runCli(["ctx", "search", "-s", dir, "-q", "restock"]);
    await runCli(["ctx", "search", "-s", dir, "-q", "zzqqxxnothing"]);
    const r = await runCli(["ctx", "stats", "-s", dir, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.searches, 2);
    assert.equal(s.with_hits, 1);
    assert.deepEqual(s.zero_hit_reasons, { no_match: 1 });
    assert.deepEqual(s.top_zero_hit_queries, [{ query_preview: "zzqqxxnothing", count: 1 }]);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("ctx get --json: estimateTokens of the whole output it prints stays within each budget", async () => {
  const dir = await example();
  try {
    assert.equal((await runCli(["ctx", "build", "-s", dir])).code, 0);
    const ids = (await packJson(dir)).chunks.map((c) => c.id).join(",");
    for (const mode of ["excerpt", "raw"]) {
      for (const budget of [5, 60, 300, 1500]) {
        const r = await runCli([
          "ctx",
          "get",
          "-s",
          dir,
          "-i",
          ids,
          "-m",
          mode,
          "-b",
          String(budget),
          "--json",
        ]);
        assert.equal(r.code, 0, r.stderr);
        const got: { chunks: { text: string }[]; total_tokens: number } = JSON.parse(r.stdout);
        const output = got.chunks.map((c) => c.text).join("\n");
        const where = `${mode} -b ${budget}`;
        assert.ok(got.chunks.length > 0, where);
        assert.ok(estimateTokens(output) <= budget, `${where}: ${estimateTokens(output)} tokens`);
        assert.equal(got.total_tokens, estimateTokens(output), where);
      }
    }
  } finally {
    await removeSegment(dir);
  }
});
