/**
 * The AST cache on a read-only file system with a leftover write-ahead log
 * (issue 12, class 11): `cache prune|clear|stats|verify` end in a named error
 * (`CACHE_READ_ONLY`, exit 1, next steps) or answer, never `INTERNAL_ERROR`,
 * and `ast skeleton` still works on a memory cache. Tests run as root, where
 * `chmod -w` stops nothing, so the segment is a real tmpfs remounted
 * read-only; where `mount` is not permitted the tests say so and are skipped.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { copyTree, EXAMPLE_DIR, runCli } from "../e2e/helpers.ts";

async function sh(cmd: string, args: string[]): Promise<{ ok: boolean; err: string }> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).output();
    return { ok: out.code === 0, err: new TextDecoder().decode(out.stderr).trim() };
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { ok: false, err: `${cmd} not found` };
    throw err;
  }
}

async function canMount(): Promise<string | undefined> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-ro-probe-" });
  try {
    const m = await sh("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", dir]);
    if (!m.ok) return `cannot mount a tmpfs: ${m.err}`;
    await sh("umount", [dir]);
    return undefined;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const why = await canMount();
if (why) console.log(`SKIPPED read-only cache tests: ${why}`);

/** Writes a WAL frame and exits without closing: the -wal (and -shm) stay behind. */
const LEAVE_WAL = `
import { DatabaseSync } from "node:sqlite";
const db = new DatabaseSync(Deno.args[0]);
db.exec("PRAGMA wal_autocheckpoint = 0");
db.exec("UPDATE totals SET hits = hits + 1 WHERE id = 1");
Deno.exit(0);
`;

/**
 * The example on a fresh tmpfs with a persistent cache and a leftover WAL
 * (`keepShm` false removes the shared-memory file too), remounted read-only.
 */
async function readOnlySegment(
  keepShm: boolean,
): Promise<{ seg: string; done: () => Promise<void> }> {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-ro-" });
  const mounted = await sh("mount", ["-t", "tmpfs", "-o", "size=32m", "tmpfs", seg]);
  assert.ok(mounted.ok, mounted.err);
  const done = async () => {
    await sh("umount", [seg]);
    await Deno.remove(seg, { recursive: true });
  };
  try {
    await copyTree(EXAMPLE_DIR, seg);
    const build = await runCli(["ast", "skeleton", "src", "-s", seg, "--persist-cache"]);
    assert.equal(build.code, 0, build.stderr);
    const db = join(seg, ".trifecta", "cache", "ast_cache.db");
    const script = join(seg, "leave_wal.ts");
    await Deno.writeTextFile(script, LEAVE_WAL);
    const left = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, db],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(left.code, 0, new TextDecoder().decode(left.stderr));
    await Deno.remove(script);
    assert.ok((await Deno.stat(`${db}-wal`)).size > 0, "a leftover WAL with frames");
    if (!keepShm) await Deno.remove(`${db}-shm`);
    const ro = await sh("mount", ["-o", "remount,ro", seg]);
    assert.ok(ro.ok, ro.err);
    return { seg, done };
  } catch (err) {
    await done();
    throw err;
  }
}

function assertReadOnlyError(r: { code: number; stdout: string; stderr: string }, what: string) {
  assert.equal(r.code, 1, `${what}: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, /^TRIFECTA_ERROR_CODE: CACHE_READ_ONLY$/m, what);
  assert.match(r.stderr, /^NEXT_STEPS:\n {2}\S/m, what);
  assert.doesNotMatch(r.stderr, /INTERNAL_ERROR|^\s+at /m, what);
}

for (const keepShm of [true, false]) {
  const variant = keepShm ? "WAL and -shm left" : "WAL left, -shm gone";
  Deno.test({
    name: `cache read-only (${variant}): prune and clear give CACHE_READ_ONLY, exit 1`,
    ignore: why !== undefined,
    fn: async () => {
      const { seg, done } = await readOnlySegment(keepShm);
      try {
        for (const cmd of ["prune", "clear"]) {
          assertReadOnlyError(await runCli(["cache", cmd, "-s", seg]), `cache ${cmd}`);
          const j = await runCli(["cache", cmd, "-s", seg, "--json"]);
          assert.equal(j.code, 1);
          assert.equal(JSON.parse(j.stdout).error_code, "CACHE_READ_ONLY");
        }
      } finally {
        await done();
      }
    },
  });

  Deno.test({
    name: `cache read-only (${variant}): stats and verify answer, or say CACHE_READ_ONLY`,
    ignore: why !== undefined,
    fn: async () => {
      const { seg, done } = await readOnlySegment(keepShm);
      try {
        for (const cmd of ["stats", "verify"]) {
          const r = await runCli(["cache", cmd, "-s", seg]);
          // With its -shm file SQLite can read the WAL on a read-only mount.
          if (keepShm) {
            assert.equal(r.code, 0, `cache ${cmd}: ${r.stderr}`);
            assert.match(r.stdout, /AST cache/);
          } else assertReadOnlyError(r, `cache ${cmd}`);
        }
      } finally {
        await done();
      }
    },
  });

  Deno.test({
    name: `cache read-only (${variant}): ast skeleton still works, on a memory cache`,
    ignore: why !== undefined,
    fn: async () => {
      const { seg, done } = await readOnlySegment(keepShm);
      try {
        for (const extra of [[], ["--persist-cache"]]) {
          const r = await runCli(["ast", "skeleton", "src", "-s", seg, ...extra]);
          assert.equal(r.code, 0, `${extra.join(" ")}: ${r.stderr}`);
          assert.match(r.stdout, /class Inventory\b/);
          assert.doesNotMatch(r.stderr, /INTERNAL_ERROR/);
        }
      } finally {
        await done();
      }
    },
  });
}
