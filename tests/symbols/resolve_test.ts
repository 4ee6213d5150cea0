import assert from "node:assert/strict";
import { join } from "node:path";
import { TrifectaError } from "../../lib/errors.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { Telemetry } from "../../lib/telemetry/mod.ts";
import { resolveSymbol, telemetryQuery } from "../../lib/symbols/mod.ts";

// Resolution steps that fail before any file is parsed, on real directories.

async function withSegment(
  files: Record<string, string>,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-resolve-" });
  try {
    for (const [rel, text] of Object.entries(files)) {
      await Deno.mkdir(join(dir, rel, ".."), { recursive: true });
      await Deno.writeTextFile(join(dir, rel), text);
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<TrifectaError> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof TrifectaError, `expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

Deno.test("resolve: a missing module is FILE_NOT_FOUND listing the files tried and the nearest module", async () => {
  await withSegment(
    { "src/inventory/models.py": "", "src/inventory/__init__.py": "" },
    async (dir) => {
      const seg = await resolveSegment(dir);
      const e = await rejectsWith(
        resolveSymbol(seg, "sym://python/mod/src.inventory.modles"),
        "FILE_NOT_FOUND",
      );
      assert.equal(e.message, "Could not find module for src.inventory.modles");
      assert.deepEqual(e.details.tried, [
        "src/inventory/modles.py",
        "src/inventory/modles/__init__.py",
      ]);
      assert.deepEqual(e.details.suggestions, ["src.inventory.models"]);
      assert.equal(e.nextSteps[0], "Did you mean sym://python/mod/src.inventory.models?");
    },
  );
});

Deno.test("resolve: a type URI whose every module part is missing is FILE_NOT_FOUND", async () => {
  await withSegment({}, async (dir) => {
    const seg = await resolveSegment(dir);
    const e = await rejectsWith(resolveSymbol(seg, "sym://python/type/a.b/C"), "FILE_NOT_FOUND");
    assert.deepEqual(e.details.tried, ["a/b.py", "a/b/__init__.py", "a.py", "a/__init__.py"]);
  });
});

Deno.test("resolve: two files for one module is AMBIGUOUS_SYMBOL, checked before parsing", async () => {
  await withSegment(
    { "web/api.ts": "", "web/api.tsx": "", "web/api/index.ts": "" },
    async (dir) => {
      const seg = await resolveSegment(dir);
      const e = await rejectsWith(
        resolveSymbol(seg, "sym://typescript/mod/web/api"),
        "AMBIGUOUS_SYMBOL",
      );
      assert.deepEqual(e.details.candidates, [
        { file: "web/api.ts" },
        { file: "web/api.tsx" },
        { file: "web/api/index.ts" },
      ]);
      assert.match(e.message, /3 files match: web\/api\.ts, web\/api\.tsx, web\/api\/index\.ts$/);
    },
  );
});

Deno.test("resolve: languages do not mix (a .js file is no typescript module)", async () => {
  await withSegment({ "lib/util.js": "" }, async (dir) => {
    const seg = await resolveSegment(dir);
    await rejectsWith(resolveSymbol(seg, "sym://typescript/mod/lib/util"), "FILE_NOT_FOUND");
  });
});

Deno.test("resolve: a directory named like the module is not a module file", async () => {
  await withSegment({ "pkg/mod.py/keep.txt": "" }, async (dir) => {
    const seg = await resolveSegment(dir);
    await rejectsWith(resolveSymbol(seg, "sym://python/mod/pkg.mod"), "FILE_NOT_FOUND");
  });
});

Deno.test("resolve: denylisted candidates fail closed", async () => {
  await withSegment({ ".git/hooks.ts": "" }, async (dir) => {
    const seg = await resolveSegment(dir);
    await rejectsWith(resolveSymbol(seg, "sym://typescript/mod/.git/hooks"), "PATH_DENIED");
  });
});

Deno.test("resolve: every call records selector.resolve without absolute paths", async () => {
  await withSegment({}, async (dir) => {
    const seg = await resolveSegment(dir);
    const telemetry = await Telemetry.open(seg, { level: "lite" });
    await rejectsWith(resolveSymbol(seg, "sym://python/mod/nope", { telemetry }), "FILE_NOT_FOUND");
    await rejectsWith(
      resolveSymbol(seg, `sym://python/mod/${seg.root}`, { telemetry }),
      "INVALID_URI",
    );
    await telemetry.flush();
    const text = await Deno.readTextFile(join(seg.root, "_ctx", "telemetry", "events.jsonl"));
    const events = text.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => e.cmd), ["selector.resolve", "selector.resolve"]);
    assert.equal(events[0].args.symbol_query, "sym://python/mod/nope");
    assert.deepEqual(
      [events[0].result.resolved, events[0].result.kind, events[0].result.error_code],
      [false, "mod", "FILE_NOT_FOUND"],
    );
    assert.equal(events[1].args.symbol_query, "<invalid>");
    assert.match(events[1].args.symbol_query_sha8, /^[0-9a-f]{8}$/);
    assert.equal(events[1].result.error_code, "INVALID_URI");
    assert.ok(!text.includes(seg.root), "the absolute path in a bad URI never reaches telemetry");
  });
});

Deno.test("resolve: telemetryQuery keeps well-formed URIs and hashes the rest", () => {
  assert.deepEqual(telemetryQuery("sym://py/mod/a.b"), { symbol_query: "sym://py/mod/a.b" });
  const bad = telemetryQuery("sym://python/mod//home/alice/x");
  assert.equal(bad.symbol_query, "<invalid>");
  assert.equal(bad.symbol_query_len, "sym://python/mod//home/alice/x".length);
});
