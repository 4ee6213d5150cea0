import assert from "node:assert/strict";
import { join } from "node:path";
import { removeSegment, runCli, tempExample, withTempSegment } from "./helpers.ts";

// The example project's line numbers (fixtures/example):
// models.py: @dataclass 11, class Item 12-28, @property 21, needs_restock 22-24,
//   total_value_cents 26-28, class Inventory 31-59, class Snapshot 34-41,
//   Snapshot.quantity_of 40-41.
// service.py: restock 11-20, dump_levels 61-63 and 67-68 (try/except).
// web/api.ts: class InventoryClient 20-35, getItem 24-28, stockValue 38-40.

interface JsonOut {
  code: number;
  json: Record<string, unknown>;
  stderr: string;
}

async function cliJson(
  segment: string,
  args: string[],
  env?: Record<string, string>,
): Promise<JsonOut> {
  const r = await runCli([...args, "--json", "-s", segment], { env });
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(r.stdout);
  } catch (err) {
    throw new Error(`stdout is not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`, {
      cause: err,
    });
  }
  return { code: r.code, json, stderr: r.stderr };
}

async function withExample(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await tempExample();
  try {
    await fn(dir);
  } finally {
    await removeSegment(dir);
  }
}

async function fileLines(dir: string, rel: string): Promise<string[]> {
  const lines = (await Deno.readTextFile(join(dir, rel))).split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Lines first..last (1-based, inclusive) joined as the CLI returns them. */
function slice(lines: readonly string[], first: number, last: number): string {
  return lines.slice(first - 1, last).join("\n") + "\n";
}

type Sym = { kind: string; name: string; line: number; end_line: number; children: Sym[] };

function assertError(out: JsonOut, code: string): Record<string, unknown> {
  assert.equal(out.code, 1, JSON.stringify(out.json));
  assert.equal(out.json.status, "error");
  assert.equal(out.json.error_code, code, JSON.stringify(out.json));
  assert.equal(typeof out.json.message, "string");
  return out.json;
}

async function readEvents(dir: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(join(dir, "_ctx", "telemetry", "events.jsonl"));
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
}

Deno.test("ast symbols: the predecessor's src/example.py case lists foo and Bar with kinds and lines", async () => {
  await withTempSegment(
    { "src/example.py": "def foo():\n    pass\n\nclass Bar:\n    pass\n" },
    async (dir) => {
      const out = await cliJson(dir, ["ast", "symbols", "sym://python/mod/src.example"]);
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.json.status, "ok");
      assert.equal(out.json.segment_root, await Deno.realPath(dir));
      assert.equal(out.json.file_rel, "src/example.py");
      const symbols = out.json.symbols as Sym[];
      const byName = new Map(symbols.map((s) => [s.name, s]));
      assert.ok(byName.has("foo") && byName.has("Bar"));
      assert.deepEqual([
        byName.get("foo")!.kind,
        byName.get("foo")!.line,
        byName.get("foo")!.end_line,
      ], [
        "function",
        1,
        2,
      ]);
      assert.deepEqual([
        byName.get("Bar")!.kind,
        byName.get("Bar")!.line,
        byName.get("Bar")!.end_line,
      ], ["class", 4, 5]);
      for (const s of symbols) assert.ok(["function", "class"].includes(s.kind));
      assert.ok(["hit", "miss"].includes(out.json.cache_status as string));
      assert.equal(typeof out.json.cache_key, "string");
      // The persistent cache is the default (issue 16): a fresh segment has no database yet.
      assert.equal(out.json.miss_reason, "cold_cache_db_missing");
      assert.equal(out.json.symbol, undefined, "mod URIs carry no resolved symbol");
    },
  );
});

Deno.test("ast symbols: a file with no definitions gives an empty list", async () => {
  await withTempSegment({ "src/empty.py": "# Just a comment\npass\n" }, async (dir) => {
    const out = await cliJson(dir, ["ast", "symbols", "sym://python/mod/src.empty"]);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(out.json.symbols, []);
  });
});

Deno.test("ast symbols: dotted and slashed module paths resolve to the same file; packages to __init__.py", async () => {
  await withExample(async (dir) => {
    const dotted = await cliJson(dir, ["ast", "symbols", "sym://python/mod/src.inventory.models"]);
    const slashed = await cliJson(dir, ["ast", "symbols", "sym://py/mod/src/inventory/models"]);
    assert.equal(dotted.code, 0, dotted.stderr);
    assert.equal(dotted.json.file_rel, "src/inventory/models.py");
    assert.deepEqual(slashed.json.symbols, dotted.json.symbols);
    const names = (dotted.json.symbols as Sym[]).map((s) => s.name);
    assert.deepEqual(names, ["Item", "Inventory"]);
    const inventory = (dotted.json.symbols as Sym[])[1];
    assert.ok(inventory);
    assert.deepEqual(inventory.children.map((c) => c.name), [
      "Snapshot",
      "__init__",
      "add",
      "get",
      "__iter__",
      "snapshot",
    ]);
    const pkg = await cliJson(dir, ["ast", "symbols", "sym://python/mod/src.inventory"]);
    assert.equal(pkg.code, 0, pkg.stderr);
    assert.equal(pkg.json.file_rel, "src/inventory/__init__.py");
  });
});

Deno.test("ast symbols: type URIs in slashed, dotted and mixed notation give the class and its range", async () => {
  await withExample(async (dir) => {
    for (
      const uri of [
        "sym://python/type/src/inventory/models/Inventory",
        "sym://python/type/src.inventory.models.Inventory",
        "sym://python/type/src.inventory.models/Inventory",
      ]
    ) {
      const out = await cliJson(dir, ["ast", "symbols", uri]);
      assert.equal(out.code, 0, `${uri}: ${out.stderr}${JSON.stringify(out.json)}`);
      assert.equal(out.json.file_rel, "src/inventory/models.py");
      const symbol = out.json.symbol as Record<string, unknown>;
      assert.equal(symbol.kind, "class");
      assert.equal(symbol.qualified_name, "Inventory");
      assert.deepEqual(symbol.range, { start_line: 31, end_line: 59 });
      const symbols = out.json.symbols as Sym[];
      assert.equal(symbols.length, 1);
      const [only] = symbols;
      assert.ok(only);
      assert.equal(only.name, "Inventory");
      assert.equal(only.children.length, 6);
    }
  });
});

Deno.test("ast symbols: #member resolves a method, and a dotted member a nested class's method", async () => {
  await withExample(async (dir) => {
    const method = await cliJson(dir, [
      "ast",
      "symbols",
      "sym://python/type/src.inventory.models/Item#total_value_cents",
    ]);
    assert.equal(method.code, 0, method.stderr);
    assert.deepEqual((method.json.symbol as Record<string, unknown>).range, {
      start_line: 26,
      end_line: 28,
    });
    assert.equal(
      (method.json.symbol as Record<string, unknown>).qualified_name,
      "Item.total_value_cents",
    );

    const nested = await cliJson(dir, [
      "ast",
      "symbols",
      "sym://python/type/src/inventory/models/Inventory#Snapshot.quantity_of",
    ]);
    assert.equal(nested.code, 0, nested.stderr);
    const s = nested.json.symbol as Record<string, unknown>;
    assert.equal(s.qualified_name, "Inventory.Snapshot.quantity_of");
    assert.deepEqual(s.range, { start_line: 40, end_line: 41 });

    const dottedNested = await cliJson(dir, [
      "ast",
      "symbols",
      "sym://python/type/src.inventory.models.Inventory.Snapshot",
    ]);
    assert.equal(dottedNested.code, 0, dottedNested.stderr);
    assert.deepEqual((dottedNested.json.symbol as Record<string, unknown>).range, {
      start_line: 34,
      end_line: 41,
    });
  });
});

Deno.test("ast symbols: TypeScript modules and class members resolve", async () => {
  await withExample(async (dir) => {
    const mod = await cliJson(dir, ["ast", "symbols", "sym://typescript/mod/web/api"]);
    assert.equal(mod.code, 0, mod.stderr);
    assert.equal(mod.json.file_rel, "web/api.ts");
    const names = (mod.json.symbols as Sym[]).map((s) => s.name);
    for (const n of ["ApiError", "InventoryClient", "stockValue"]) assert.ok(names.includes(n), n);
    const member = await cliJson(dir, [
      "ast",
      "symbols",
      "sym://typescript/type/web/api/InventoryClient#getItem",
    ]);
    assert.equal(member.code, 0, member.stderr);
    assert.deepEqual((member.json.symbol as Record<string, unknown>).range, {
      start_line: 24,
      end_line: 28,
    });
    const fn = await cliJson(dir, ["ast", "symbols", "sym://typescript/type/web.api.stockValue"]);
    assert.equal(fn.code, 0, fn.stderr);
    assert.deepEqual((fn.json.symbol as Record<string, unknown>).range, {
      start_line: 38,
      end_line: 40,
    });
  });
});

Deno.test("ast symbols: text output names the file, the symbol range and the outline", async () => {
  await withExample(async (dir) => {
    const r = await runCli([
      "ast",
      "symbols",
      "sym://python/type/src.inventory.models/Inventory",
      "-s",
      dir,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^src\/inventory\/models\.py:31-59 {2}class Inventory$/m);
    assert.match(r.stdout, /^ {6}method quantity_of {2}L40-41 {2}def quantity_of/m);
    assert.match(r.stdout, /^cache: (hit|miss) /m);
  });
});

Deno.test("ast symbols: malformed URIs are INVALID_URI with the predecessor's messages, exit 1", async () => {
  await withTempSegment({}, async (dir) => {
    const cases: [string, RegExp][] = [
      ["sym://cobol/mod/a", /^URI must start with sym:\/\/python\//],
      ["sym://python/mod", /^URI must contain kind and path$/],
      ["sym://python/func/x", /^Kind must be mod or type$/],
      ["sym://python/mod/src.example#Bar", /^Kind 'mod' should not have fragment$/],
      ["sym://python/mod/../etc/passwd", /no '\.\.'/],
    ];
    for (const [uri, message] of cases) {
      const e = assertError(await cliJson(dir, ["ast", "symbols", uri]), "INVALID_URI");
      assert.match(e.message as string, message, uri);
    }
  });
});

Deno.test("ast symbols: an unknown module is FILE_NOT_FOUND, with the nearest module suggested", async () => {
  await withTempSegment({}, async (dir) => {
    const e = assertError(
      await cliJson(dir, ["ast", "symbols", "sym://python/mod/nonexistent"]),
      "FILE_NOT_FOUND",
    );
    assert.equal(e.message, "Could not find module for nonexistent");
  });
  await withExample(async (dir) => {
    const e = assertError(
      await cliJson(dir, ["ast", "symbols", "sym://python/mod/src.inventory.model"]),
      "FILE_NOT_FOUND",
    );
    assert.ok(
      (e.next_steps as string[]).includes("Did you mean sym://python/mod/src.inventory.models?"),
      JSON.stringify(e),
    );
    // In a type URI, `src.inventory` exists, so `model` is looked up there as a
    // symbol; the typo in the module part is still suggested.
    const t = assertError(
      await cliJson(dir, ["ast", "symbols", "sym://python/type/src.inventory.model/Item"]),
      "SYMBOL_NOT_FOUND",
    );
    assert.equal(
      ((t.details as Record<string, unknown>).suggestions as string[])[0],
      "sym://python/type/src.inventory.models/Item",
    );
  });
});

Deno.test("ast symbols: an unknown symbol is SYMBOL_NOT_FOUND with near misses and the names that exist", async () => {
  await withExample(async (dir) => {
    const typo = assertError(
      await cliJson(dir, ["ast", "symbols", "sym://python/type/src.inventory.models/Inventroy"]),
      "SYMBOL_NOT_FOUND",
    );
    assert.equal(typo.message, "Symbol 'Inventroy' not found in src/inventory/models.py");
    const details = typo.details as Record<string, unknown>;
    assert.deepEqual(
      (details.suggestions as string[])[0],
      "sym://python/type/src.inventory.models/Inventory",
    );

    const member = assertError(
      await cliJson(dir, [
        "ast",
        "symbols",
        "sym://python/type/src.inventory.models/Inventory#Snapshot.quantity",
      ]),
      "SYMBOL_NOT_FOUND",
    );
    assert.equal(
      member.message,
      "Symbol 'quantity' not found in Inventory.Snapshot (src/inventory/models.py)",
    );
    assert.ok(
      ((member.details as Record<string, unknown>).suggestions as string[]).includes(
        "sym://python/type/src.inventory.models/Inventory#Snapshot.quantity_of",
      ),
    );

    const imported = assertError(
      await cliJson(dir, ["ast", "symbols", "sym://python/type/src.inventory/Item"]),
      "SYMBOL_NOT_FOUND",
    );
    assert.ok(
      (imported.next_steps as string[]).some((s) =>
        s.includes("'Item' is imported into src/inventory/__init__.py")
      ),
    );
  });
});

Deno.test("ast symbols: a name defined twice (try/except) is AMBIGUOUS_SYMBOL listing both", async () => {
  await withExample(async (dir) => {
    const e = assertError(
      await cliJson(dir, ["ast", "symbols", "sym://python/type/src.inventory.service/dump_levels"]),
      "AMBIGUOUS_SYMBOL",
    );
    const candidates = (e.details as Record<string, unknown>).candidates as Record<
      string,
      unknown
    >[];
    assert.deepEqual(candidates.map((c) => [c.file, c.start_line, c.end_line]), [
      ["src/inventory/service.py", 61, 63],
      ["src/inventory/service.py", 67, 68],
    ]);
    assert.match(
      e.message as string,
      /src\/inventory\/service\.py:61 dump_levels; src\/inventory\/service\.py:67 dump_levels/,
    );
  });
});

Deno.test("ast symbols: a module that is both pkg/mod.py and pkg/mod/__init__.py is AMBIGUOUS_SYMBOL", async () => {
  await withTempSegment({
    "pkg/mod.py": "def a():\n    pass\n",
    "pkg/mod/__init__.py": "def a():\n    pass\n",
  }, async (dir) => {
    const e = assertError(
      await cliJson(dir, ["ast", "symbols", "sym://python/mod/pkg.mod"]),
      "AMBIGUOUS_SYMBOL",
    );
    const files = ((e.details as Record<string, unknown>).candidates as { file: string }[]).map((
      c,
    ) => c.file);
    assert.deepEqual(files, ["pkg/mod.py", "pkg/mod/__init__.py"]);
    // The same module ambiguity holds when a type URI passes through it.
    assertError(
      await cliJson(dir, ["ast", "symbols", "sym://python/type/pkg.mod/a"]),
      "AMBIGUOUS_SYMBOL",
    );
  });
});

Deno.test("ast symbols: splits that resolve in two places are AMBIGUOUS_SYMBOL", async () => {
  // `a.b.C` is module a.b / class C, and also module a / class b#C.
  await withTempSegment({
    "a/b.py": "class C:\n    pass\n",
    "a/__init__.py": "class b:\n    class C:\n        pass\n",
  }, async (dir) => {
    const e = assertError(
      await cliJson(dir, ["ast", "symbols", "sym://python/type/a.b.C"]),
      "AMBIGUOUS_SYMBOL",
    );
    const uris = ((e.details as Record<string, unknown>).candidates as { uri: string }[]).map((c) =>
      c.uri
    );
    assert.deepEqual(uris, ["sym://python/type/a.b/C", "sym://python/type/a/b#C"]);
    // Each candidate URI is itself unambiguous.
    const one = await cliJson(dir, ["ast", "symbols", "sym://python/type/a/b#C"]);
    assert.equal(one.code, 0, JSON.stringify(one.json));
    assert.equal(one.json.file_rel, "a/__init__.py");
  });
});

Deno.test("ast symbols: a module symlinked out of the segment is refused", async () => {
  const outside = await Deno.makeTempDir({ prefix: "trifecta-outside-" });
  try {
    await Deno.writeTextFile(join(outside, "secret.py"), "def leak():\n    pass\n");
    await withTempSegment({}, async (dir) => {
      await Deno.symlink(join(outside, "secret.py"), join(dir, "evil.py"));
      const e = assertError(
        await cliJson(dir, ["ast", "symbols", "sym://python/mod/evil"]),
        "PATH_OUTSIDE_SEGMENT",
      );
      assert.doesNotMatch(JSON.stringify(e), /leak/);
    });
  } finally {
    await removeSegment(outside);
  }
});

Deno.test("ast symbols: without --json an error is a card on stderr, exit 1, no stack trace", async () => {
  await withExample(async (dir) => {
    const r = await runCli([
      "ast",
      "symbols",
      "sym://python/type/src.inventory.models/Nope",
      "-s",
      dir,
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^TRIFECTA_ERROR_CODE: SYMBOL_NOT_FOUND$/m);
    assert.match(r.stderr, /^NEXT_STEPS:$/m);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
    assert.equal(r.stdout, "");
  });
});

Deno.test("ast snippet --mode raw: exactly the symbol's lines, decorator included", async () => {
  await withExample(async (dir) => {
    const lines = await fileLines(dir, "src/inventory/models.py");
    const out = await cliJson(dir, [
      "ast",
      "snippet",
      "sym://python/type/src.inventory.models/Item",
      "--mode",
      "raw",
    ]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.json.mode, "raw");
    assert.deepEqual(out.json.range, { start_line: 11, end_line: 28 });
    assert.equal(out.json.content, slice(lines, 11, 28));
    assert.equal(out.json.truncated, false);
    assert.equal(out.json.bytes_read, new TextEncoder().encode(slice(lines, 11, 28)).length);
    const method = await cliJson(dir, [
      "ast",
      "snippet",
      "sym://python/type/src.inventory.models/Item#needs_restock",
      "--mode",
      "raw",
    ]);
    assert.equal(
      method.json.content,
      slice(lines, 21, 24),
      "the @property line belongs to the method",
    );
  });
});

Deno.test("ast snippet --mode excerpt: the lines with a 2-line margin, and a marker past 25 lines", async () => {
  await withExample(async (dir) => {
    const service = await fileLines(dir, "src/inventory/service.py");
    const short = await cliJson(dir, [
      "ast",
      "snippet",
      "sym://python/type/src.inventory.service/restock",
      "--mode",
      "excerpt",
    ]);
    assert.equal(short.code, 0, short.stderr);
    assert.deepEqual(short.json.range, { start_line: 9, end_line: 22 });
    assert.equal(short.json.content, slice(service, 9, 22));
    assert.equal(short.json.truncated, false);

    const models = await fileLines(dir, "src/inventory/models.py");
    const long = await cliJson(dir, [
      "ast",
      "snippet",
      "sym://python/type/src.inventory.models/Inventory",
    ]);
    assert.equal(long.json.mode, "excerpt", "excerpt is the default mode");
    assert.deepEqual(long.json.range, { start_line: 29, end_line: 53 });
    assert.equal(
      long.json.content,
      slice(models, 29, 53) +
        "… truncated at the 25-line excerpt cap: lines 54-59 (6 more) not shown; use --mode raw\n",
    );
    assert.equal(long.json.truncated, true);
    assert.equal(long.json.truncated_reason, "line_cap");
  });
});

Deno.test("ast snippet --mode skeleton: signature, doc line and members with their lines", async () => {
  await withExample(async (dir) => {
    const out = await cliJson(dir, [
      "ast",
      "snippet",
      "sym://python/type/src.inventory.models/Inventory",
      "--mode",
      "skeleton",
    ]);
    assert.equal(out.code, 0, out.stderr);
    const lines = (out.json.content as string).split("\n");
    assert.match(lines[0] ?? "", /^class Inventory.* {2}# L31-59$/);
    assert.equal(lines[1], '    """All items, keyed by SKU."""');
    assert.ok(
      lines.some((l) => /^ {4}class Snapshot.* {2}# L34-41$/.test(l)),
      out.json.content as string,
    );
    assert.ok(
      lines.some((l) => /^ {8}def quantity_of\(self, sku: str\) -> int:? {2}# L40-41$/.test(l)),
      out.json.content as string,
    );
    assert.doesNotMatch(out.json.content as string, /return self/, "no bodies in skeleton mode");
    const outline = out.json.outline as { qualified_name: string; depth: number }[];
    assert.deepEqual(outline.map((o) => o.qualified_name).slice(0, 4), [
      "Inventory",
      "Inventory.Snapshot",
      "Inventory.Snapshot.__init__",
      "Inventory.Snapshot.quantity_of",
    ]);
  });
});

Deno.test("ast snippet: text output numbers the lines", async () => {
  await withExample(async (dir) => {
    const r = await runCli([
      "ast",
      "snippet",
      "sym://typescript/type/web/api/InventoryClient#getItem",
      "--mode",
      "raw",
      "-s",
      dir,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n");
    assert.match(
      lines[0] ?? "",
      /^# web\/api\.ts:24-28 {2}method InventoryClient\.getItem {2}\[raw, ~\d+ tokens\]$/,
    );
    assert.equal(lines[1], "24 |   async getItem(sku: Sku): Promise<ItemDto> {");
    assert.equal(lines[5], "28 |   }");
  });
});

Deno.test("ast snippet: over --budget-token-est is BUDGET_EXCEEDED with the needed estimate", async () => {
  await withExample(async (dir) => {
    const e = assertError(
      await cliJson(dir, [
        "ast",
        "snippet",
        "sym://python/type/src.inventory.models/Inventory",
        "--mode",
        "raw",
        "--budget-token-est",
        "10",
      ]),
      "BUDGET_EXCEEDED",
    );
    const d = e.details as { budget_tokens: number; needed_token_est: number };
    assert.equal(d.budget_tokens, 10);
    assert.ok(d.needed_token_est > 10);
    assert.match(
      e.message as string,
      new RegExp(`needs ~${d.needed_token_est} tokens, over the budget of 10`),
    );
    const fits = await cliJson(dir, [
      "ast",
      "snippet",
      "sym://python/type/src.inventory.models/Inventory",
      "--mode",
      "raw",
      "--budget-token-est",
      String(d.needed_token_est),
    ]);
    assert.equal(fits.code, 0, "the needed estimate is enough");
    assert.equal(fits.json.token_est, d.needed_token_est);
    // The JSON key is MCP's (`budget_tokens`); the flag keeps its name.
    assert.equal(fits.json.budget_tokens, d.needed_token_est);
    assert.equal("budget_token_est" in fits.json, false);
  });
});

Deno.test("ast snippet: file.read events carry bytes_read and disclosure_mode; telemetry holds no absolute path", async () => {
  await withExample(async (dir) => {
    const sizes: Record<string, number> = {};
    for (const mode of ["skeleton", "excerpt", "raw"]) {
      const out = await cliJson(dir, [
        "ast",
        "snippet",
        "sym://python/type/src.inventory.models/Item",
        "--mode",
        mode,
      ]);
      assert.equal(out.code, 0, out.stderr);
      sizes[mode] = out.json.bytes_read as number;
    }
    await cliJson(dir, ["ast", "symbols", "sym://python/type/src.inventory.models/Nope"]);
    const events = await readEvents(dir);
    const reads = events.filter((e) => e.cmd === "file.read");
    assert.deepEqual(
      reads.map((
        e,
      ) => [
        (e.x as Record<string, unknown>).disclosure_mode,
        (e.x as Record<string, unknown>).bytes_read,
      ]),
      [["skeleton", sizes.skeleton], ["excerpt", sizes.excerpt], ["raw", sizes.raw]],
    );
    const { skeleton = NaN, raw = NaN } = sizes;
    assert.ok(skeleton < raw, "skeleton discloses less than raw");
    for (const e of reads) {
      assert.equal((e.args as Record<string, unknown>).file, "src/inventory/models.py");
    }
    const resolves = events.filter((e) => e.cmd === "selector.resolve");
    assert.equal(resolves.length, 4);
    const ok = resolves[0];
    assert.ok(ok);
    assert.equal(
      (ok.args as Record<string, unknown>).symbol_query,
      "sym://python/type/src.inventory.models/Item",
    );
    assert.deepEqual(
      ["resolved", "matches", "ambiguous", "kind", "file"].map((k) =>
        (ok.result as Record<string, unknown>)[k]
      ),
      [true, 1, false, "type", "src/inventory/models.py"],
    );
    const miss = resolves[3]?.result as Record<string, unknown>;
    assert.deepEqual([miss.resolved, miss.error_code], [false, "SYMBOL_NOT_FOUND"]);
    const text = await Deno.readTextFile(join(dir, "_ctx", "telemetry", "events.jsonl"));
    assert.ok(!text.includes(await Deno.realPath(dir)), "no absolute segment path in events");
    assert.ok(!text.includes("quantity < self.reorder_level"), "no content in events");
  });
});

Deno.test("ast symbols --persist-cache: a second run is a hit with the same symbols and key", async () => {
  await withTempSegment({ "target.py": "def foo():\n    pass\n" }, async (dir) => {
    const first = await cliJson(dir, [
      "ast",
      "symbols",
      "sym://python/mod/target",
      "--persist-cache",
    ]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.json.cache_status, "miss");
    assert.ok(
      ["cold_cache_db_missing", "cold_cache_empty"].includes(first.json.miss_reason as string),
      String(first.json.miss_reason),
    );
    assert.equal(first.json.cache_backend, "sqlite");
    const second = await cliJson(dir, [
      "ast",
      "symbols",
      "sym://python/mod/target",
      "--persist-cache",
    ]);
    assert.equal(second.json.cache_status, "hit");
    assert.equal(second.json.miss_reason, "cache_hit");
    assert.equal(second.json.cache_key, first.json.cache_key);
    assert.deepEqual(second.json.symbols, first.json.symbols);
  });
});
