/**
 * `ast find` in process: pattern forms, filters, ranking, depth and body,
 * budgets, paging (also through the MCP tool), bad patterns and hostile
 * names, on a small django-shaped segment written here.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createAstCache } from "../../lib/cache/mod.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { findPage, findSymbols, runFind } from "../../lib/nav/find.ts";
import { SymbolIndex } from "../../lib/nav/find_index.ts";
import { findItem, itemText } from "../../lib/nav/find_items.ts";
import { checkFindQuery, rankMatches } from "../../lib/nav/find_query.ts";
import { snapshotKey } from "../../lib/nav/find_snapshot.ts";
import { rowsOfSkeleton } from "../../lib/nav/symbol_rows.ts";
import { McpState } from "../../lib/mcp/state.ts";
import { FIND_SYMBOL_TOOL } from "../../lib/mcp/tools/find_symbol.ts";
import { resolveSegment, type Segment } from "../../lib/segment/mod.ts";
import { resolveSymbol } from "../../lib/symbols/mod.ts";
import { Telemetry } from "../../lib/telemetry/mod.ts";
import { estimateTokens } from "../../lib/text.ts";
import { secretSamples } from "../_secret_samples.ts";

const SECRET = secretSamples().find((s) => s.text.startsWith("DB_PASS ="));

/** A django-shaped project: a definition, its stub, its test double, methods, TS. */
const FILES: Record<string, string> = {
  "django/apps/config.py": [
    "import os",
    "",
    "",
    "class AppConfig:",
    '    """Class representing a Django application."""',
    "",
    "    def __init__(self, app_name):",
    "        self.name = app_name",
    `        ${SECRET?.text ?? 'DB_PASS = "x"'}`,
    "",
    "    def get_model(self, model_name):",
    "        return model_name",
    "",
    "    def get_models(self):",
    "        return []",
    "",
    "    class Meta:",
    "        def ready(self):",
    "            pass",
    "",
  ].join("\n"),
  "django/apps/registry.py": [
    "class Apps:",
    "    def get_model(self, app_label, model_name=None):",
    "        return None",
    "",
    "    def get_app_config(self, label):",
    "        return None",
    "",
  ].join("\n"),
  "django/db/migrations/state.py": [
    "from django.apps import AppConfig",
    "",
    "",
    "class AppConfigStub(AppConfig):",
    "    def __init__(self, label):",
    "        self.label = label",
    "",
  ].join("\n"),
  "django/conf/settings.py": [
    "class Config:",
    "    pass",
    "",
    "",
    "class ConfigParser:",
    "    pass",
    "",
    "",
    "def appconfig():",
    "    return None",
    "",
    "",
    "def get_model(name):",
    "    return name",
    "",
  ].join("\n"),
  "tests/apps/tests.py": [
    "class AppConfig:",
    "    pass",
    "",
  ].join("\n"),
  "web/api.ts": [
    "export class InventoryClient {",
    "  async getItem(sku: string): Promise<string> {",
    "    return sku;",
    "  }",
    "}",
    "",
  ].join("\n"),
  "web/api.test.ts": [
    "export function getItem(): string {",
    '  return "";',
    "}",
    "",
  ].join("\n"),
};

async function withSegment(fn: (segment: Segment, dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-find-" });
  try {
    for (const [rel, text] of Object.entries(FILES)) {
      await Deno.mkdir(join(dir, rel, ".."), { recursive: true });
      await Deno.writeTextFile(join(dir, rel), text);
    }
    await fn(await resolveSegment(dir), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function names(items: readonly { qualified_name: string; path: string }[]): string[] {
  return items.map((i) => `${i.path}:${i.qualified_name}`);
}

async function usageCode(p: Promise<unknown>): Promise<{ code: string; exit: number }> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof TrifectaError, String(err));
    return { code: err.code, exit: err.exitCode };
  }
  throw new Error("expected an error");
}

Deno.test("an exact name puts the source definition first, then its test double, then prefixes", async () => {
  await withSegment(async (segment) => {
    const page = await findSymbols(segment, { pattern: "AppConfig" });
    assert.deepEqual(names(page.items), [
      "django/apps/config.py:AppConfig",
      "tests/apps/tests.py:AppConfig",
      "django/conf/settings.py:appconfig", // exact in any case, after the exact ones
      "django/db/migrations/state.py:AppConfigStub",
    ]);
    assert.deepEqual(page.items.map((i) => i.match), ["exact", "exact", "exact", "prefix"]);
    assert.deepEqual(page.items.map((i) => i.is_test), [false, true, false, false]);
    assert.deepEqual(page.items.map((i) => i.case_sensitive), [true, true, false, true]);
    assert.equal(page.items[0]?.uri, "sym://python/type/django.apps.config/AppConfig");
  });
});

Deno.test("exact ranks before prefix before substring", async () => {
  await withSegment(async (segment) => {
    const page = await findSymbols(segment, { pattern: "Config" });
    assert.deepEqual(page.items.map((i) => [i.qualified_name, i.match]), [
      ["Config", "exact"],
      ["ConfigParser", "prefix"],
      ["AppConfig", "substring"],
      ["AppConfigStub", "substring"], // source before tests
      ["AppConfig", "substring"], // the test double
      ["appconfig", "substring"], // any case, after the case-sensitive ones
      ["Apps.get_app_config", "substring"],
    ]);
    assert.equal(page.items[4]?.path, "tests/apps/tests.py");
  });
});

Deno.test("shorter qualified names rank first among equal matches", async () => {
  await withSegment(async (segment) => {
    const page = await findSymbols(segment, { pattern: "get_model", kind: ["function", "method"] });
    assert.deepEqual(page.items.map((i) => i.qualified_name), [
      "get_model",
      "Apps.get_model",
      "AppConfig.get_model",
      "AppConfig.get_models",
    ]);
  });
});

Deno.test("case-sensitive matches rank before case-insensitive ones", async () => {
  await withSegment(async (segment) => {
    const page = await findSymbols(segment, { pattern: "appconfig", kind: "class,function" });
    assert.equal(page.items[0]?.qualified_name, "appconfig");
    assert.equal(page.items[0]?.case_sensitive, true);
    assert.equal(page.items[1]?.qualified_name, "AppConfig");
    assert.equal(page.items[1]?.match, "exact");
    assert.equal(page.items[1]?.case_sensitive, false);
  });
});

Deno.test("a qualified path matches the last parts, with / or ., and a leading / anchors", async () => {
  await withSegment(async (segment) => {
    for (const pattern of ["Apps/get_model", "Apps.get_model"]) {
      const page = await findSymbols(segment, { pattern });
      assert.deepEqual(names(page.items), ["django/apps/registry.py:Apps.get_model"], pattern);
      assert.equal(page.items[0]?.uri, "sym://python/type/django.apps.registry/Apps#get_model");
    }
    const nested = await findSymbols(segment, { pattern: "Meta/ready" });
    assert.deepEqual(nested.items.map((i) => i.qualified_name), ["AppConfig.Meta.ready"]);
    const anchored = await findSymbols(segment, { pattern: "/get_model" });
    assert.deepEqual(names(anchored.items), ["django/conf/settings.py:get_model"]);
    const prefixPath = await findSymbols(segment, { pattern: "AppConfig/get_" });
    assert.deepEqual(prefixPath.items.map((i) => [i.qualified_name, i.match]), [
      ["AppConfig.get_model", "prefix"],
      ["AppConfig.get_models", "prefix"],
    ]);
  });
});

Deno.test("globs match whole names with *, ? and classes", async () => {
  await withSegment(async (segment) => {
    const star = await findSymbols(segment, { pattern: "get_*", kind: "method" });
    assert.deepEqual(star.items.map((i) => i.qualified_name), [
      "Apps.get_model",
      "AppConfig.get_model",
      "Apps.get_app_config", // shorter qualified name
      "AppConfig.get_models",
    ]);
    assert.ok(star.items.every((i) => i.match === "glob"));
    const suffix = await findSymbols(segment, { pattern: "*Config" });
    assert.deepEqual(suffix.items.map((i) => [i.qualified_name, i.case_sensitive]), [
      ["Config", true],
      ["AppConfig", true],
      ["AppConfig", true],
      ["appconfig", false],
      ["Apps.get_app_config", false],
    ]);
    const one = await findSymbols(segment, { pattern: "?pps" });
    assert.deepEqual(one.items.map((i) => i.qualified_name), ["Apps"]);
    const cls = await findSymbols(segment, { pattern: "get_model[s]" });
    assert.deepEqual(cls.items.map((i) => i.qualified_name), ["AppConfig.get_models"]);
  });
});

Deno.test("filters: kind, language (with aliases) and a path prefix by whole segments", async () => {
  await withSegment(async (segment) => {
    const methods = await findSymbols(segment, { pattern: "get", kind: "method" });
    assert.ok(methods.items.length > 0 && methods.items.every((i) => i.kind === "method"));
    const ts = await findSymbols(segment, { pattern: "getItem", language: "ts" });
    assert.deepEqual(names(ts.items), [
      "web/api.ts:InventoryClient.getItem",
      "web/api.test.ts:getItem",
    ]);
    // The test file's function is shorter, but source ranks before tests.
    assert.equal(ts.items[1]?.is_test, true);
    const py = await findSymbols(segment, { pattern: "getItem", language: "python" });
    assert.equal(py.total, 0);
    const apps = await findSymbols(segment, { pattern: "get_model", path: "django/apps/" });
    assert.ok(apps.items.every((i) => i.path.startsWith("django/apps/")));
    assert.equal(apps.items.length, 3);
    const file = await findSymbols(segment, {
      pattern: "get_model",
      path: "./django/apps/registry.py",
    });
    assert.deepEqual(names(file.items), ["django/apps/registry.py:Apps.get_model"]);
    const missing = await usageCode(findSymbols(segment, { pattern: "x", path: "django/app" }));
    assert.equal(missing.code, "FILE_NOT_FOUND");
    const unknown = await findSymbols(segment, { pattern: "x", language: "cobol" });
    assert.equal(unknown.warnings.length, 1);
  });
});

Deno.test("every URI resolves to the symbol it was found as", async () => {
  await withSegment(async (segment) => {
    const page = await findSymbols(segment, { pattern: "*" }, { limit: 500 });
    assert.ok(page.total >= 15, `${page.total}`);
    for (const item of page.items) {
      assert.ok(item.uri, `${item.qualified_name} has a URI`);
      const r = await resolveSymbol(segment, item.uri);
      assert.equal(r.file.rel, item.path, item.uri);
      assert.equal(r.symbol?.start_line, item.start_line, item.uri);
    }
  });
});

Deno.test("depth shows children as skeleton lines; 0 shows none", async () => {
  await withSegment(async (segment) => {
    const none = await findSymbols(segment, { pattern: "/AppConfig", path: "django" });
    assert.equal(none.items[0]?.children, undefined);
    const one = await findSymbols(segment, { pattern: "/AppConfig", path: "django" }, { depth: 1 });
    const lines = one.items[0]?.children ?? [];
    assert.ok(
      lines.some((l) => l.startsWith("def get_model(self, model_name)  # L11-12")),
      lines.join("\n"),
    );
    assert.ok(lines.some((l) => l.startsWith("class Meta")));
    assert.ok(!lines.some((l) => l.includes("def ready")), "depth 1 stops above Meta.ready");
    const two = await findSymbols(segment, { pattern: "/AppConfig", path: "django" }, { depth: 2 });
    assert.ok((two.items[0]?.children ?? []).some((l) => l.includes("def ready")));
    assert.ok(one.text.includes("def get_model(self, model_name)"));
  });
});

Deno.test("the body is the symbol's lines through the read boundary, secrets masked", async () => {
  assert.ok(SECRET, "a DB_PASS sample");
  await withSegment(async (segment) => {
    const page = await findSymbols(segment, { pattern: "AppConfig/__init__" }, {
      includeBody: true,
    });
    const body = page.items[0]?.body;
    assert.ok(body);
    assert.equal(body.start_line, 7);
    assert.equal(body.end_line, 9);
    assert.ok(body.text.startsWith("    def __init__(self, app_name):\n"));
    assert.ok(!body.text.includes(SECRET.secret), "the secret is masked");
    assert.ok(!page.text.includes(SECRET.secret), "the text holds no secret");
    assert.ok(page.text.includes("7 |     def __init__"));
  });
});

Deno.test("a body whose file changed since it was indexed is null with a note", async () => {
  await withSegment(async (segment, dir) => {
    const run = await runFind(segment, { pattern: "Apps" }, { includeBody: true });
    await Deno.writeTextFile(join(dir, "django/apps/registry.py"), "class Apps:\n    x = 1\n");
    const page = await findPage(segment, run, {});
    assert.equal(page.items[0]?.body, null);
    assert.match(page.items[0]?.body_note ?? "", /changed/);
  });
});

Deno.test("the text never exceeds the budget, and the pages return every item exactly once", async () => {
  await withSegment(async (segment) => {
    const input = { pattern: "*" };
    const all = await findSymbols(segment, input, { limit: 500, depth: 2, includeBody: true });
    const want = names(all.items);
    for (const budget of [256, 300, 420, 700, 1500]) {
      const run = await runFind(segment, input, { depth: 2, includeBody: true });
      const seen: string[] = [];
      let offset: number | undefined = 0;
      let pages = 0;
      while (offset !== undefined) {
        const page = await findPage(segment, run, { offset, budgetTokens: budget, limit: 7 });
        assert.ok(estimateTokens(page.text) <= budget, `${estimateTokens(page.text)} > ${budget}`);
        assert.equal(page.token_est, estimateTokens(page.text));
        assert.ok(page.items.length >= 1, "every page moves on");
        seen.push(...names(page.items));
        offset = page.next;
        pages++;
      }
      assert.deepEqual(seen, want, `budget ${budget}`);
      assert.ok(pages > 1, `budget ${budget} pages`);
    }
  });
});

Deno.test("limit caps a page (default 20, at most 500)", async () => {
  await withSegment(async (segment) => {
    const two = await findSymbols(segment, { pattern: "*" }, { limit: 2 });
    assert.equal(two.items.length, 2);
    assert.equal(two.next, 2);
    assert.match(two.text, /# showing 1-2 of \d+; raise --limit/);
    const big = await usageCode(findSymbols(segment, { pattern: "*" }, { limit: 501 }));
    assert.deepEqual(big, { code: "USAGE_ERROR", exit: 2 });
  });
});

Deno.test("bad patterns are usage errors (exit 2)", async () => {
  await withSegment(async (segment) => {
    for (
      const pattern of ["", "   ", "x".repeat(513), "get_[a", "a]b", "[z-a]", "a//b", "a\x1bb"]
    ) {
      const e = await usageCode(findSymbols(segment, { pattern }));
      assert.deepEqual(e, { code: "USAGE_ERROR", exit: 2 }, JSON.stringify(pattern));
    }
    assert.equal((await findSymbols(segment, { pattern: "x".repeat(512) })).total, 0);
    for (const kind of ["macro", "class,bogus"]) {
      const e = await usageCode(findSymbols(segment, { pattern: "x", kind }));
      assert.equal(e.code, "USAGE_ERROR", kind);
    }
    for (const path of ["/etc", "../x", "a/../b"]) {
      const e = await usageCode(findSymbols(segment, { pattern: "x", path }));
      assert.equal(e.code, "USAGE_ERROR", path);
    }
  });
});

Deno.test("hostile names are escaped in the text, and have no URI rather than a made-up one", () => {
  const evil = "evil\x1b[2J\u202ename";
  const sym = {
    kind: "function" as const,
    name: evil,
    qualified_name: evil,
    start_line: 1,
    end_line: 2,
    signature: `def ${evil}()`,
    decorators: [],
    doc: "",
    children: [],
  };
  const rows = rowsOfSkeleton({
    path: "pkg/mod\x07.py",
    language: "python",
    sha256: "",
    has_errors: true,
    bytes: 10,
    skeleton_bytes: 0,
    imports: [],
    symbols: [sym],
  });
  const matches = rankMatches(rows, checkFindQuery({ pattern: "evil*" }));
  assert.equal(matches.length, 1);
  const [match] = matches;
  assert.ok(match);
  const item = findItem(match, 0);
  assert.equal(item.uri, null);
  assert.match(item.uri_note ?? "", /cannot be written/);
  const text = itemText(item, 1);
  // deno-lint-ignore no-control-regex -- control characters are what must not be there
  assert.ok(!/[\x00-\x08\x0b-\x1f\x7f\u202e]/.test(text), JSON.stringify(text));
  assert.ok(text.includes("evil\\x1b[2J\\u202ename"));
  assert.ok(text.includes("pkg/mod\\x07.py"));
  assert.ok(text.includes("(no URI: the file's path cannot be written in a sym:// URI)"), text);
  // A clean path with the hostile name: the name is what has no URI form.
  const [named] = rowsOfSkeleton({
    path: "pkg/mod.py",
    language: "python",
    sha256: "",
    has_errors: true,
    bytes: 10,
    skeleton_bytes: 0,
    imports: [],
    symbols: [sym],
  });
  assert.equal(named?.uri, null);
  assert.equal(named?.uriNote, "the name cannot be written in a sym:// URI");
});

Deno.test("a warm index with the persistent cache parses nothing", async () => {
  await withSegment(async (segment) => {
    const open = () => createAstCache({ persist: true, segment });
    const first = open();
    try {
      const load = await new SymbolIndex().load(segment, { cache: first });
      assert.equal(load.parsed, load.filesTotal);
    } finally {
      first.close();
    }
    const second = open();
    try {
      const index = new SymbolIndex();
      const load = await index.load(segment, { cache: second });
      assert.equal(load.parsed, 0);
      assert.equal(load.cacheHits, load.filesTotal);
      assert.equal(index.memoised, load.filesTotal);
    } finally {
      second.close();
    }
  });
});

Deno.test("a kept index looks up only files whose mtime or size changed", async () => {
  await withSegment(async (segment, dir) => {
    const past = new Date(Date.now() - 3_600_000);
    for (const rel of Object.keys(FILES)) await Deno.utime(join(dir, rel), past, past);
    const index = new SymbolIndex();
    const first = await index.load(segment);
    assert.equal(first.reused, 0);
    const second = await index.load(segment);
    assert.equal(second.reused, second.filesTotal);
    assert.equal(second.parsed, 0);
    assert.deepEqual(
      second.rows.map((r) => r.symbol.qualified_name),
      first.rows.map((r) => r.symbol.qualified_name),
    );
    await Deno.writeTextFile(join(dir, "django/apps/registry.py"), "class Registry:\n    pass\n");
    const third = await index.load(segment);
    assert.equal(third.reused, third.filesTotal - 1);
    assert.equal(third.parsed, 1);
    const names = third.rows.map((r) => r.symbol.qualified_name);
    assert.ok(names.includes("Registry") && !names.includes("Apps"));
    await Deno.remove(join(dir, "django/apps/registry.py"));
    const fourth = await index.load(segment);
    assert.ok(!fourth.rows.some((r) => r.path === "django/apps/registry.py"));
  });
});

async function agedSegment(dir: string): Promise<void> {
  const past = new Date(Date.now() - 3_600_000);
  for (const rel of Object.keys(FILES)) await Deno.utime(join(dir, rel), past, past);
}

Deno.test("a fresh process reads the index snapshot from the persistent cache, and pages alike", async () => {
  await withSegment(async (segment, dir) => {
    await agedSegment(dir);
    const cache = createAstCache({ persist: true, segment });
    try {
      const opts = { cache, snapshot: true, depth: 1, includeBody: true, limit: 500 };
      const cold = await findSymbols(segment, { pattern: "*" }, opts);
      assert.equal(cold.run.load.fromSnapshot, false);
      const warm = await findSymbols(segment, { pattern: "*" }, opts);
      assert.equal(warm.run.load.fromSnapshot, true);
      assert.equal(warm.run.load.parsed, 0);
      assert.deepEqual(warm.items, cold.items, "children and bodies are read back in");
      assert.equal(warm.text, cold.text);
      const lean = await findSymbols(segment, { pattern: "AppConfig" }, { cache, snapshot: true });
      assert.equal(lean.run.load.fromSnapshot, true);
      assert.equal(lean.items[0]?.uri, "sym://python/type/django.apps.config/AppConfig");
      // A changed file changes the walk's digest: the snapshot is not used, then replaced.
      await Deno.writeTextFile(join(dir, "django/apps/registry.py"), "class Registry:\n    pass\n");
      const changed = await findSymbols(segment, { pattern: "Registry" }, {
        cache,
        snapshot: true,
      });
      assert.equal(changed.run.load.fromSnapshot, false);
      assert.equal(changed.total, 1);
      // Its mtime is within the trust window of the new snapshot: not used yet.
      const recent = await findSymbols(segment, { pattern: "Registry" }, { cache, snapshot: true });
      assert.equal(recent.run.load.fromSnapshot, false);
    } finally {
      cache.close();
    }
  });
});

Deno.test("a snapshot of another shape is refused and the index is built from the skeletons", async () => {
  await withSegment(async (segment, dir) => {
    await agedSegment(dir);
    const cache = createAstCache({ persist: true, segment });
    try {
      const first = await findSymbols(segment, { pattern: "Apps" }, { cache, snapshot: true });
      const key = snapshotKey(segment, ".");
      const stored = cache.get(key);
      assert.ok(stored !== null && typeof stored === "object");
      const files: unknown = Reflect.get(stored, "f");
      assert.ok(Array.isArray(files));
      const tampered: unknown[] = [
        { ...stored, f: files.slice(1) }, // a file fewer than the walk
        { ...stored, f: files.map(() => ["python", "", [["macro", "X", 1, 1, ""]]]) }, // bad kind
        { ...stored, f: files.map(() => ["cobol", "", []]) }, // bad language
        { ...stored, f: files.map(() => ["python", "", [["class", "X", 0, 1, ""]]]) }, // line 0
        { ...stored, d: "0".repeat(64) }, // another walk
        "not an object",
      ];
      for (const value of tampered) {
        cache.set(key, value);
        const again = await findSymbols(segment, { pattern: "Apps" }, { cache, snapshot: true });
        assert.equal(again.run.load.fromSnapshot, false, JSON.stringify(value).slice(0, 80));
        assert.deepEqual(again.items, first.items);
      }
    } finally {
      cache.close();
    }
  });
});

async function callTool(
  state: McpState,
  args: Record<string, unknown>,
): Promise<Record<string, unknown> & { text: string }> {
  const out = await FIND_SYMBOL_TOOL.run(state, FIND_SYMBOL_TOOL.input.parse(args));
  return { ...out.structured, text: out.text };
}

async function withState(fn: (state: McpState, dir: string) => Promise<void>): Promise<void> {
  await withSegment(async (segment, dir) => {
    const state = McpState.open(segment, { telemetry: Telemetry.disabled() });
    try {
      await fn(state, dir);
    } finally {
      await state.close();
    }
  });
}

Deno.test("find_symbol pages by cursor: every item once, each page within budget_tokens", async () => {
  await withState(async (state) => {
    const base = { pattern: "*", depth: 1, include_body: true, budget_tokens: 300 };
    const all = await callTool(state, { pattern: "*", limit: 500, budget_tokens: 200_000 });
    const want = (all.items as { path: string; qualified_name: string }[]).map((i) =>
      `${i.path}:${i.qualified_name}`
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await callTool(state, cursor === undefined ? base : { ...base, cursor });
      assert.ok(estimateTokens(page.text) <= 300, `${estimateTokens(page.text)}`);
      assert.equal(page.total, want.length);
      const items = page.items as { path: string; qualified_name: string }[];
      seen.push(...items.map((i) => `${i.path}:${i.qualified_name}`));
      cursor = typeof page.next_cursor === "string" ? page.next_cursor : undefined;
      if (cursor !== undefined) assert.ok(page.text.includes(cursor), "the text names the cursor");
    } while (cursor !== undefined);
    assert.deepEqual(seen, want);
  });
});

Deno.test("find_symbol refuses a cursor of another query, or after the results changed", async () => {
  await withState(async (state, dir) => {
    const first = await callTool(state, { pattern: "*", limit: 2 });
    const cursor = String(first.next_cursor);
    await assert.rejects(
      () => callTool(state, { pattern: "get*", limit: 2, cursor }),
      (err: unknown) => err instanceof TrifectaError && err.code === "USAGE_ERROR",
    );
    await Deno.writeTextFile(join(dir, "django/new.py"), "class Added:\n    pass\n");
    await assert.rejects(
      () => callTool(state, { pattern: "*", limit: 2, cursor }),
      (err: unknown) => err instanceof TrifectaError && err.code === "USAGE_ERROR",
    );
    await assert.rejects(
      () => callTool(state, { pattern: "*", cursor: "bm90IGEgY3Vyc29y" }),
      (err: unknown) => err instanceof TrifectaError && err.code === "USAGE_ERROR",
    );
  });
});

Deno.test("find_symbol keeps the index for the session and sees a changed file", async () => {
  await withState(async (state, dir) => {
    const before = await callTool(state, { pattern: "Renamed" });
    assert.equal(before.total, 0);
    await Deno.writeTextFile(join(dir, "django/apps/registry.py"), "class Renamed:\n    pass\n");
    const after = await callTool(state, { pattern: "Renamed" });
    assert.equal(after.total, 1);
  });
});
