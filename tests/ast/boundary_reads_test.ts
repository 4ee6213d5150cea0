import assert from "node:assert/strict";
import { join } from "node:path";
import { createAstCache } from "../../lib/cache/mod.ts";
import { ParsePool, skeletonOfFile, skeletonOfFiles } from "../../lib/ast/mod.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { contentSha256Hex, resolveSegment } from "../../lib/segment/mod.ts";
import { withTempDir } from "./helpers.ts";

const AWS = "AKIAIOSFODNN7EXAMPLE";
const OUTSIDE = "OUTSIDE_MARKER_2b7e";
const KEY_BLOCK = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n";

Deno.test("skeletonOfFile: secrets in a signature, a default and a doc line are masked; the key hashes the raw bytes", async () => {
  await withTempDir(async (dir) => {
    const source = `def connect(key="${AWS}"):\n    """Uses ${AWS}."""\n    return key\n`;
    await Deno.writeTextFile(join(dir, "conn.py"), source);
    const segment = await resolveSegment(dir);
    const cache = createAstCache({ segment });
    const r = await skeletonOfFile(segment, { abs: join(dir, "conn.py"), rel: "conn.py" }, {
      cache,
    });
    const json = JSON.stringify(r.skeleton);
    assert.ok(!json.includes(AWS), json);
    const s0 = r.skeleton.symbols[0];
    assert.ok(s0, "a symbol");
    assert.match(s0.signature, /<SECRET_REDACTED:aws-access-key-id>/);
    assert.match(s0.doc, /<SECRET_REDACTED:aws-access-key-id>/);
    // Lines and sizes are those of the file, not of the masked text.
    assert.equal(s0.end_line, 3);
    assert.equal(r.skeleton.bytes, new TextEncoder().encode(source).length);
    const raw = contentSha256Hex(new TextEncoder().encode(source));
    assert.equal(r.skeleton.sha256, raw);
    assert.ok(r.cache_key.includes(raw.slice(0, 16)), r.cache_key);
    cache.close();
  });
});

/** A segment with ordinary files and one of each kind the boundary refuses. */
async function hostileBatch(dir: string, outside: string): Promise<{ abs: string; rel: string }[]> {
  const files: { abs: string; rel: string }[] = [];
  for (let i = 0; i < 14; i++) {
    const rel = `m${String(i).padStart(2, "0")}.py`;
    await Deno.writeTextFile(join(dir, rel), `def f${i}():\n    pass\n`);
    files.push({ abs: join(dir, rel), rel });
  }
  await Deno.writeTextFile(join(outside, "secret.py"), `def leak():\n    """${OUTSIDE}"""\n`);
  await Deno.writeTextFile(join(dir, ".env"), `K=${OUTSIDE}\n`);
  await Deno.symlink(join(outside, "secret.py"), join(dir, "z_out.py"));
  await Deno.symlink(".env", join(dir, "z_env.py"));
  await Deno.link(join(dir, ".env"), join(dir, "z_hard.py"));
  await Deno.writeTextFile(
    join(dir, "z_key.py"),
    `def k():\n    """${OUTSIDE}"""\nK = """${KEY_BLOCK}"""\n`,
  );
  const fifo = await new Deno.Command("mkfifo", { args: [join(dir, "z_pipe.py")] }).output();
  assert.equal(fifo.code, 0);
  for (const rel of ["z_out.py", "z_env.py", "z_hard.py", "z_key.py", "z_pipe.py"]) {
    files.push({ abs: join(dir, rel), rel });
  }
  return files;
}

const REFUSED: Record<string, [string, string | undefined]> = {
  "z_out.py": ["PATH_OUTSIDE_SEGMENT", "symlink"],
  "z_env.py": ["PATH_DENIED", "denied_target"],
  "z_hard.py": ["PATH_DENIED", "hard_link"],
  "z_key.py": ["PATH_DENIED", "private_key_content"],
  "z_pipe.py": ["NOT_A_REGULAR_FILE", undefined],
};

for (const workers of [2, 0]) {
  Deno.test(`skeletonOfFiles (${workers} workers): files the boundary refuses are skipped with code and reason, the rest parse`, async () => {
    await withTempDir(async (dir) => {
      const outside = await Deno.makeTempDir({ prefix: "trifecta-ast-out-" });
      const pool = new ParsePool({ size: workers });
      try {
        const files = await hostileBatch(dir, outside);
        const segment = await resolveSegment(dir);
        const batch = await skeletonOfFiles(segment, files, { pool });
        assert.equal(pool.size, workers);
        assert.ok(!JSON.stringify(batch).includes(OUTSIDE), "outside or denied content parsed");
        assert.equal(batch.stats.parsed, 14);
        assert.equal(batch.stats.skipped, 5);
        for (const o of batch.files.slice(14)) {
          const refused = REFUSED[o.path];
          assert.ok(refused, `${o.path} is one of the refused files`);
          const [code, reason] = refused;
          assert.equal(o.skipped, code, o.path);
          assert.equal(o.details?.reason, reason, o.path);
        }
      } finally {
        pool.close();
        await Deno.remove(outside, { recursive: true });
      }
    });
  });
}

Deno.test("skeletonOfFile: a refused file named on its own throws its named error", async () => {
  await withTempDir(async (dir) => {
    const outside = await Deno.makeTempDir({ prefix: "trifecta-ast-out-" });
    try {
      await hostileBatch(dir, outside);
      const segment = await resolveSegment(dir);
      for (const [rel, [code, reason]] of Object.entries(REFUSED)) {
        await assert.rejects(
          skeletonOfFile(segment, { abs: join(dir, rel), rel }),
          (err: unknown) =>
            err instanceof TrifectaError && err.code === code && err.details.reason === reason &&
            !err.message.includes(OUTSIDE),
          rel,
        );
      }
    } finally {
      await Deno.remove(outside, { recursive: true });
    }
  });
});
