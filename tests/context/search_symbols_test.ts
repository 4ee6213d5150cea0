/**
 * Search that knows symbols: a query that names a symbol ranks the chunk
 * that defines it first (methods and qualified names included), source
 * before tests; titles carry the relative path; explain says why; an index
 * of an older build (no symbol table) still answers, with a warning.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import {
  buildPack,
  chunkId,
  INDEX_SCHEMA_VERSION,
  OLD_INDEX_WARNING,
  readPack,
  type SearchHit,
  searchPack,
  validatePack,
} from "../../lib/context/mod.ts";
import { nth, removeSegment, tempSegment } from "./helpers.ts";

const USES =
  "    x = sympify(a) + sympify(b)\n    m = apps.get_model('x')  # get_model get_model\n";

const FILES = {
  "pkg/apps/config.py": "class AppConfig:\n" +
    '    """An application."""\n\n' +
    "    def __init__(self, name):\n        self.name = name\n\n" +
    "    def get_model(self, name):\n        return self.models[name]\n\n" +
    "    def get_models(self):\n        return list(self.models)\n\n\n" +
    "def helper():\n    return AppConfig('x')\n",
  "pkg/migrations/state.py": "from pkg.apps.config import AppConfig\n\n\n" +
    "class AppConfigStub(AppConfig):\n" +
    '    """A stub of AppConfig: AppConfig AppConfig AppConfig."""\n\n' +
    "    def __init__(self, label):\n        AppConfig.__init__(self, label)\n",
  "pkg/core/sympify.py": "class SympifyError(ValueError):\n" +
    '    """Raised by sympify when sympify fails: sympify, sympify."""\n\n\n' +
    "def sympify(a):\n    return a\n",
  "pkg/usage.py": "from pkg.core.sympify import sympify\n\n\n" +
    "def run(a, b, apps):\n" + USES.repeat(12) + "    return x\n",
  "pkg/lower.py": "def appconfig():\n    return None\n",
  "tests/test_config.py": "class AppConfig:\n    pass\n\n\n" +
    "def test_app_config():\n    assert AppConfig() and AppConfig() and AppConfig()\n",
  "tests/conftest.py": "def sympify(a):\n    return a\n",
  "config/settings.yaml": "name: demo\n",
  "README.md": "# Demo\nAppConfig and sympify and get_model are explained here.\n",
};

async function withPack(
  fn: (seg: Awaited<ReturnType<typeof tempSegment>>) => Promise<void> | void,
) {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    await fn(seg);
  } finally {
    await removeSegment(seg);
  }
}

function top(hits: readonly SearchHit[]): SearchHit {
  return nth(hits, 0, "hit");
}

Deno.test("an exact class name ranks its defining chunk first, before a subclass named after it", async () => {
  await withPack(async (seg) => {
    const r = await searchPack(seg, "AppConfig");
    assert.equal(top(r.hits).path, "pkg/apps/config.py");
    assert.equal(top(r.hits).symbol, "AppConfig");
    assert.equal(top(r.hits).definition?.match, "name");
    const stub = r.hits.findIndex((h) => h.symbol === "AppConfigStub");
    assert.ok(stub > 0, "the stub comes after the definition");
  });
});

Deno.test("a function named like an exception class (sympify vs SympifyError) ranks the function first", async () => {
  await withPack(async (seg) => {
    const r = await searchPack(seg, "sympify");
    assert.equal(top(r.hits).path, "pkg/core/sympify.py");
    assert.equal(top(r.hits).symbol, "sympify");
    assert.equal(top(r.hits).definition?.kind, "function");
  });
});

Deno.test("a usage-heavy file does not outrank the definition", async () => {
  await withPack(async (seg) => {
    const r = await searchPack(seg, "get_model", { limit: 10 });
    assert.equal(top(r.hits).path, "pkg/apps/config.py");
    const usage = r.hits.findIndex((h) => h.path === "pkg/usage.py");
    assert.ok(usage > 0, "the usages are found, after the definition");
  });
});

Deno.test("a method name finds the class chunk and says which method, with its lines", async () => {
  await withPack(async (seg) => {
    const r = await searchPack(seg, "get_model");
    const d = top(r.hits).definition;
    assert.equal(top(r.hits).symbol, "AppConfig");
    assert.deepEqual(d && [d.name, d.kind, d.start_line, d.end_line, d.test], [
      "AppConfig.get_model",
      "method",
      7,
      8,
      false,
    ]);
  });
});

Deno.test("qualified names (Class.method, Class/method, module.Class) rank their definition first", async () => {
  await withPack(async (seg) => {
    for (const q of ["AppConfig.get_model", "AppConfig/get_model", "config.AppConfig"]) {
      const r = await searchPack(seg, q);
      assert.equal(top(r.hits).path, "pkg/apps/config.py", q);
      assert.equal(top(r.hits).definition?.match, "qualified", q);
    }
    const m = await searchPack(seg, "AppConfig.get_model");
    assert.equal(top(m.hits).definition?.name, "AppConfig.get_model");
  });
});

Deno.test("a definition in source ranks before the same name defined in tests", async () => {
  await withPack(async (seg) => {
    for (const q of ["AppConfig", "sympify"]) {
      const r = await searchPack(seg, q, { limit: 10 });
      const defs = r.hits.filter((h) => h.definition?.match === "name");
      assert.deepEqual(defs.map((h) => h.definition?.test), [false, true], q);
      assert.match(nth(defs, 1).path, /^tests\//);
    }
  });
});

Deno.test("case-sensitive matches come before case-insensitive ones", async () => {
  await withPack(async (seg) => {
    const r = await searchPack(seg, "appconfig", { limit: 10 });
    assert.deepEqual(r.hits.slice(0, 3).map((h) => [h.path, h.definition?.match]), [
      ["pkg/lower.py", "name"],
      ["pkg/apps/config.py", "name_ci"],
      ["tests/test_config.py", "name_ci"],
    ]);
  });
});

Deno.test("a code-shaped word in a longer query boosts its defining chunk, without reordering by definition", async () => {
  await withPack(async (seg) => {
    const r = await searchPack(seg, "where is get_model called", { explain: true, limit: 10 });
    assert.equal(top(r.hits).path, "pkg/apps/config.py");
    assert.equal(top(r.hits).signals?.rank, "bm25");
    assert.equal(top(r.hits).signals?.symbol_match?.match, "word");
    assert.equal(top(r.hits).signals?.symbol_bonus, 5);
  });
});

Deno.test("titles start with the path relative to the segment, and chunk ids keep their recipe", async () => {
  await withPack(async (seg) => {
    const { pack } = await readPack(seg);
    const cfg = pack.chunks.find((c) =>
      c.source_path === "pkg/apps/config.py" && c.kind === "code"
    );
    assert.deepEqual(cfg?.title_path, ["pkg/apps/config.py", "AppConfig"]);
    const yaml = pack.chunks.find((c) => c.source_path === "config/settings.yaml");
    assert.deepEqual(yaml?.title_path, ["config/settings.yaml"]);
    // Whole-file chunks are named by the base name in the id recipe, as before.
    assert.equal(
      yaml?.id,
      chunkId("config", "config/settings.yaml", { title: "settings.yaml", text: "name: demo\n" }),
    );
    const r = await searchPack(seg, "AppConfig");
    assert.deepEqual(top(r.hits).title_path, ["pkg/apps/config.py", "AppConfig"]);
  });
});

Deno.test("explain says why each hit ranked: definition or score, symbol match, BM25 and bonuses", async () => {
  await withPack(async (seg) => {
    const r = await searchPack(seg, "sympify", { explain: true, limit: 10 });
    const s = top(r.hits).signals;
    assert.equal(s?.rank, "definition");
    assert.equal(s?.symbol_bonus, 10);
    assert.equal(s?.symbol_match?.name, "sympify");
    assert.ok((s?.field_bonus ?? 0) > 0 && (s?.bm25 ?? 0) < 0);
    const plain = r.hits.find((h) => h.definition === undefined);
    assert.equal(plain?.signals?.rank, "bm25");
    assert.equal(plain?.signals?.symbol_bonus, 0);
    assert.equal(r.symbol_index, "present");
  });
});

Deno.test("the index records its schema version and the symbol table", async () => {
  await withPack((seg) => {
    const db = new DatabaseSync(join(seg.root, "_ctx/context_pack.db"), { readOnly: true });
    try {
      const v = db.prepare("PRAGMA user_version").get() as { user_version: number };
      assert.equal(v.user_version, INDEX_SCHEMA_VERSION);
      assert.equal(INDEX_SCHEMA_VERSION, 3);
      const rows = db.prepare("SELECT qualified_name FROM symbols WHERE name = 'get_model'")
        .all() as { qualified_name: string }[];
      assert.deepEqual(rows.map((r) => r.qualified_name), ["AppConfig.get_model"]);
    } finally {
      db.close();
    }
  });
});

Deno.test("an index built before the symbol table still answers by BM25, with a warning naming ctx build", async () => {
  await withPack(async (seg) => {
    // A pack with no symbol table (as the index of schema 1 had none). Edited
    // in place, so the file keeps this machine's stamp.
    const db = new DatabaseSync(join(seg.root, "_ctx/context_pack.db"));
    db.exec("DROP TABLE symbols;");
    db.close();
    const old = await searchPack(seg, "get_model");
    assert.equal(old.symbol_index, "missing");
    assert.ok(old.warnings.includes(OLD_INDEX_WARNING));
    assert.match(OLD_INDEX_WARNING, /ctx build/);
    assert.ok(old.hits.length > 0 && old.hits.every((h) => h.definition === undefined));
    const v = await validatePack(seg);
    assert.equal(v.passed, true, v.errors.join("\n"));
    assert.ok(v.warnings.includes(OLD_INDEX_WARNING));
    await buildPack(seg);
    const fresh = await searchPack(seg, "get_model");
    assert.equal(fresh.symbol_index, "present");
    assert.equal(top(fresh.hits).definition?.name, "AppConfig.get_model");
  });
});
