import assert from "node:assert/strict";
import { PARSE_BUDGET_ENV, skeletonOfFiles } from "../../lib/ast/mod.ts";
import { createAstCache } from "../../lib/cache/mod.ts";
import { rankFiles, repoMap } from "../../lib/nav/map.ts";
import { resolveSegment, type Segment } from "../../lib/segment/mod.ts";
import { estimateTokens } from "../../lib/text.ts";

// Ranking is under test, not the time budget (tests/ast/budget_test.ts): a
// loaded machine must not skip the big hostile file. Read once per process.
Deno.env.set(PARSE_BUDGET_ENV, "120000");

async function tempSegment(files: Record<string, string>): Promise<Segment> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-map-" }));
  for (const [rel, text] of Object.entries(files)) {
    const abs = `${dir}/${rel}`;
    await Deno.mkdir(abs.slice(0, abs.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(abs, text);
  }
  return await resolveSegment(dir);
}

async function withSegment(
  files: Record<string, string>,
  fn: (seg: Segment) => Promise<void>,
): Promise<void> {
  const seg = await tempSegment(files);
  try {
    await fn(seg);
  } finally {
    await Deno.remove(seg.root, { recursive: true });
  }
}

/** A hub referenced by many files, a leaf referenced by one, and two apps. */
const STAR: Record<string, string> = {
  "pkg/hub.py": "def shared_helper(x):\n    return x\n\nclass Registry:\n    pass\n",
  "pkg/leaf.py": "def leaf_only_thing():\n    return 1\n",
  "pkg/a.py": "from pkg.hub import shared_helper\n\ndef use_a():\n    return shared_helper(1)\n",
  "pkg/b.py":
    "from pkg.hub import shared_helper, Registry\n\ndef use_b():\n    return Registry()\n",
  "pkg/c.py": "from pkg.hub import shared_helper\nfrom pkg.leaf import leaf_only_thing\n\n" +
    "def use_c():\n    shared_helper(2)\n    return leaf_only_thing()\n",
};

Deno.test("map ranking: a file referenced by many ranks above a leaf", async () => {
  await withSegment(STAR, async (seg) => {
    const ranked = await rankFiles(seg, Object.keys(STAR).sort());
    const order = ranked.map((r) => r.path);
    assert.equal(order[0], "pkg/hub.py");
    assert.ok(order.indexOf("pkg/hub.py") < order.indexOf("pkg/leaf.py"));
    const map = await repoMap(seg, { budgetTokens: 1024 });
    assert.equal(map.entries[0]?.qualified_name, "shared_helper");
    assert.equal(map.entries[0]?.uri, "sym://python/type/pkg.hub/shared_helper");
  });
});

Deno.test("rankFiles ranks from the skeletons it is given instead of looking them up", async () => {
  await withSegment(STAR, async (seg) => {
    const files = Object.keys(STAR).sort();
    const batch = await skeletonOfFiles(
      seg,
      files.map((rel) => ({ rel, abs: `${seg.root}/${rel}` })),
    );
    const skeletons = batch.files.flatMap((o) => o.skeleton ? [o.skeleton] : []);
    assert.equal(skeletons.length, files.length);
    const given = await rankFiles(seg, files, { skeletons });
    assert.deepEqual(given, await rankFiles(seg, files));
    // With the hub's definitions taken out of what is given, nothing links to the hub.
    const hubless = skeletons.map((sk) => sk.path === "pkg/hub.py" ? { ...sk, symbols: [] } : sk);
    const ranked = await rankFiles(seg, files, { skeletons: hubless });
    assert.notEqual(ranked[0]?.path, "pkg/hub.py");
  });
});

Deno.test("map focus changes the order: the focus file and what it imports rank higher", async () => {
  await withSegment(STAR, async (seg) => {
    const plain = await rankFiles(seg, Object.keys(STAR).sort());
    const focused = await rankFiles(seg, Object.keys(STAR).sort(), { focus: ["pkg/c.py"] });
    const rank = (list: typeof plain, path: string) => list.find((f) => f.path === path)?.rank ?? 0;
    assert.ok(rank(focused, "pkg/leaf.py") > rank(plain, "pkg/leaf.py"));
    assert.ok(rank(focused, "pkg/c.py") > rank(plain, "pkg/c.py"));
    assert.notDeepEqual(focused.map((f) => f.path), plain.map((f) => f.path));
    const map = await repoMap(seg, { focus: ["pkg/c.py"] });
    const names = map.entries.map((e) => e.qualified_name);
    assert.ok(names.includes("leaf_only_thing") && names.includes("shared_helper"));
    assert.ok(!names.includes("use_c"), "the focus file's own definitions are left out");
    const byIdent = await repoMap(seg, { focus: ["leaf_only_thing"] });
    assert.deepEqual(byIdent.focus.identifiers, ["leaf_only_thing"]);
    const byUri = await repoMap(seg, { focus: ["sym://python/mod/pkg.c", "no_such_name"] });
    assert.deepEqual(byUri.focus.files, ["pkg/c.py"]);
    assert.deepEqual(byUri.focus.unmatched, ["no_such_name"]);
  });
});

/** A small model of django: apps/config.py imports two helpers among many modules. */
function djangoModel(): Record<string, string> {
  const files: Record<string, string> = {
    "django/utils/module_loading.py": "def import_string(dotted_path):\n    pass\n\n" +
      "def autodiscover_modules(*args):\n    pass\n\n" +
      "def module_has_submodule(package, module_name):\n    pass\n",
    "django/core/exceptions.py": "class ImproperlyConfigured(Exception):\n    pass\n",
    "django/apps/config.py": "from django.core.exceptions import ImproperlyConfigured\n" +
      "from django.utils.module_loading import import_string, module_has_submodule\n\n" +
      "class AppConfig:\n    def create(cls, entry):\n        mod = import_string(entry)\n" +
      "        if module_has_submodule(mod, 'apps'):\n            raise ImproperlyConfigured()\n" +
      "        return value.get(entry)\n",
  };
  for (let i = 0; i < 60; i++) {
    const methods = Array.from(
      { length: 8 },
      (_, j) => `    def get${j}(self, value):\n        return value\n`,
    )
      .join("");
    files[`django/contrib/app${i}/models.py`] =
      `from django.core.exceptions import ImproperlyConfigured\n\nclass Model${i}:\n${methods}` +
      `    def get(self, value):\n        return self.value.get(value)\n`;
  }
  return files;
}

Deno.test("map focused on apps/config.py at 1,024 tokens holds import_string and module_has_submodule", async () => {
  await withSegment(djangoModel(), async (seg) => {
    const map = await repoMap(seg, { focus: ["django/apps/config.py"], budgetTokens: 1024 });
    const names = map.entries.map((e) => `${e.path}:${e.qualified_name}`);
    assert.ok(names.includes("django/utils/module_loading.py:import_string"), names.join(" "));
    assert.ok(names.includes("django/utils/module_loading.py:module_has_submodule"));
    assert.ok(map.text.includes("  def import_string(dotted_path)  L1-2\n"), map.text);
    assert.ok(map.token_est <= 1024);
  });
});

Deno.test("map budget is never exceeded, at many budgets; a cut map ends with a marker", async () => {
  await withSegment(djangoModel(), async (seg) => {
    const cache = createAstCache({ persist: false, segment: seg });
    try {
      for (const budget of [1, 2, 5, 9, 17, 33, 64, 100, 257, 512, 1024, 3000]) {
        const map = await repoMap(seg, { budgetTokens: budget, cache });
        assert.ok(
          estimateTokens(map.text) <= budget,
          `budget ${budget}: ${estimateTokens(map.text)}`,
        );
        assert.equal(map.token_est, estimateTokens(map.text));
        if (budget >= 64) {
          assert.match(map.text, /more definitions past the budget of \d+ tokens\n$/);
        }
      }
      const all = await repoMap(seg, { budgetTokens: 100_000, cache });
      assert.equal(all.truncated, false);
      assert.equal(all.entries.length, all.definitions_count);
    } finally {
      cache.close();
    }
  });
});

Deno.test("map is deterministic and served from the cache on the second run", async () => {
  await withSegment(djangoModel(), async (seg) => {
    const cache = createAstCache({ persist: false, segment: seg });
    try {
      const first = await repoMap(seg, { focus: ["django/apps/config.py"], cache });
      const misses = cache.stats().misses;
      const second = await repoMap(seg, { focus: ["django/apps/config.py"], cache });
      assert.deepEqual(second, first);
      assert.equal(cache.stats().misses, misses, "skeletons and tags all hit");
      const third = await repoMap(seg, { focus: ["django/apps/config.py"] });
      assert.deepEqual(third, first, "the same without a cache");
    } finally {
      cache.close();
    }
  });
});

Deno.test("hostile map inputs: weird names are escaped, huge reference counts and focus items bounded", async () => {
  const weird = "class W\u202eeird:\n    pass\n\ndef f\u0000x():\n    pass\n";
  const calls = Array.from({ length: 30_000 }, () => "hub_function()").join("\n");
  await withSegment({
    "weird.py": weird,
    "hub.py": "def hub_function():\n    pass\n",
    "caller.py": `from hub import hub_function\n${calls}\n`,
  }, async (seg) => {
    const long = "x".repeat(5000);
    const map = await repoMap(seg, { focus: [long, "\u0007", "sym://bad uri"], budgetTokens: 256 });
    const raw = [...map.text].filter((c) => c === "\u202e" || (c < " " && c !== "\n"));
    assert.deepEqual(raw, [], "control and bidi characters escaped");
    assert.ok(map.token_est <= 256);
    assert.equal(map.focus.unmatched.length, 3);
    assert.ok(map.focus.unmatched.every((u) => u.length <= 1024));
    assert.equal(map.entries[0]?.qualified_name, "hub_function");
  });
});
