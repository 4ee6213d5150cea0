import assert from "node:assert/strict";
import { join } from "node:path";
import { EXTRACTION_FINGERPRINT } from "../../lib/cache/fingerprint.ts";
import {
  CACHE_KEY_VERSION,
  CACHE_SCHEMA_VERSION,
  cacheKey,
  MemoryLruCache,
} from "../../lib/cache/mod.ts";
import { skeletonOfFile } from "../../lib/ast/mod.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { currentFingerprint, fingerprintFiles } from "../../tools/fingerprint.ts";

const REPO = new URL("../../", import.meta.url);

Deno.test("the extraction fingerprint in lib/cache/fingerprint.ts is the one of the sources (else run tools/fingerprint.ts --write)", async () => {
  assert.equal(
    await currentFingerprint(),
    EXTRACTION_FINGERPRINT,
    "stale: run `deno run --allow-read --allow-write tools/fingerprint.ts --write`",
  );
  assert.match(CACHE_KEY_VERSION, new RegExp(`\\.${EXTRACTION_FINGERPRINT}$`));
});

Deno.test("the fingerprint covers every query, the registry, the extraction code and the secret rules, and moves with each", async () => {
  const files = fingerprintFiles();
  for (
    const must of [
      "lib/languages/python/skeleton.scm",
      "lib/languages/cpp/refs.scm",
      "lib/languages/c/mod.ts",
      "lib/ast/extract.ts",
      "lib/secret_rules.ts",
      "lib/escape.ts",
    ]
  ) assert.ok(files.includes(must), must);
  // A copy of the covered files: change one byte of each kind, the fingerprint moves.
  const dir = await Deno.makeTempDir({ prefix: "trifecta-fp-" });
  try {
    for (const rel of [...files, "deno.json"]) {
      await Deno.mkdir(join(dir, rel, ".."), { recursive: true });
      await Deno.copyFile(new URL(rel, REPO), join(dir, rel));
    }
    const root = new URL(`file://${dir}/`);
    const base = await currentFingerprint(root);
    assert.equal(base, EXTRACTION_FINGERPRINT, "a copy fingerprints like the checkout");
    for (const rel of ["lib/languages/python/skeleton.scm", "lib/secret_rules.ts", "deno.json"]) {
      const path = join(dir, rel);
      const before = await Deno.readTextFile(path);
      const changed = rel === "deno.json"
        ? before.replace("tree-sitter-python@0.25.0", "tree-sitter-python@0.25.1")
        : `${before} `;
      assert.notEqual(changed, before, rel);
      await Deno.writeTextFile(path, changed);
      assert.notEqual(await currentFingerprint(root), base, rel);
      await Deno.writeTextFile(path, before);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a skeleton cached under other extraction code is not served: the file is parsed again", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-fp-" });
  try {
    await Deno.writeTextFile(join(dir, "a.py"), "def real():\n    return 1\n");
    const segment = await resolveSegment(dir);
    const cache = new MemoryLruCache();
    const first = await skeletonOfFile(segment, { abs: join(dir, "a.py"), rel: "a.py" }, { cache });
    const sha = first.skeleton.sha256;
    // What older extraction code stored for the same content.
    const stale = { ...first.skeleton, symbols: [] };
    cache.clear();
    // The key before the fingerprint (`…:<schema>`), and one of other extraction code.
    for (const version of [CACHE_SCHEMA_VERSION, `${CACHE_SCHEMA_VERSION}.0badc0de`]) {
      cache.set(cacheKey(segment.id, "a.py", sha, version), stale, {
        fileRel: "a.py",
        fileMtimeMs: 0,
        fileSize: 1,
      });
    }
    const again = await skeletonOfFile(segment, { abs: join(dir, "a.py"), rel: "a.py" }, { cache });
    assert.equal(again.cache_status, "miss");
    assert.deepEqual(again.skeleton.symbols.map((s) => s.name), ["real"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
