/**
 * A segment is untrusted, and so is what it ships in `.trifecta/`: symlinks
 * that would send the cache (and the writes of `cache clear`) outside the
 * segment, and crafted databases that would crash the CLI or have their rows
 * served as answers. Real symlinks, real SQLite files, the real CLI as a
 * subprocess under the narrow flags and under `-A`.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { removeSegment, runCli } from "../e2e/helpers.ts";
import { readEvents } from "./helpers.ts";

const ALL = ["-A", "--unstable-raw-imports"];
const GRANTS: [string, readonly string[] | undefined][] = [["narrow flags", undefined], [
  "-A",
  ALL,
]];

interface Layout {
  /** Temp directory holding `seg/` and `outside/`. */
  base: string;
  seg: string;
  outside: string;
}

async function layout(): Promise<Layout> {
  const base = await Deno.makeTempDir({ prefix: "trifecta-hostile-cache-" });
  const seg = `${base}/seg`;
  const outside = `${base}/outside`;
  await Deno.mkdir(seg);
  await Deno.mkdir(outside);
  await Deno.writeTextFile(`${seg}/a.py`, "def real_function():\n    return 1\n");
  // Older than the 2 s mtime trust window, so the stat fast path applies.
  const past = new Date(Date.now() - 3_600_000);
  await Deno.utime(`${seg}/a.py`, past, past);
  return { base, seg, outside };
}

async function cleanup(l: Layout): Promise<void> {
  await removeSegment(l.seg);
  await Deno.remove(l.base, { recursive: true });
}

function listing(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

/** An outside SQLite file with one row, as a victim's own database. */
function victimDb(path: string): void {
  const db = new DatabaseSync(path);
  db.exec("CREATE TABLE precious (v TEXT); INSERT INTO precious VALUES ('keep me')");
  db.close();
}

function skeleton(l: Layout, flags: readonly string[] | undefined) {
  return runCli(["ast", "skeleton", "a.py", "--persist-cache", "-s", l.seg], { flags });
}

function assertNoCrash(r: { code: number; stdout: string; stderr: string }): void {
  assert.doesNotMatch(r.stdout + r.stderr, /INTERNAL_ERROR|\n {4}at /, r.stderr);
}

async function fallbackReasons(seg: string): Promise<unknown[]> {
  return (await readEvents(seg))
    .filter((e) => e.cmd === "ast.cache.fallback")
    .map((e) => (e.result as Record<string, unknown>).reason);
}

for (const [grant, flags] of GRANTS) {
  for (const linkAt of [".trifecta", ".trifecta/cache"]) {
    Deno.test(`hostile cache (${grant}): ${linkAt} as a symlink to outside: ast skeleton succeeds on memory, nothing written outside`, async () => {
      const l = await layout();
      try {
        if (linkAt === ".trifecta/cache") await Deno.mkdir(`${l.seg}/.trifecta`);
        await Deno.symlink(l.outside, `${l.seg}/${linkAt}`);
        const r = await skeleton(l, flags);
        assert.equal(r.code, 0, r.stderr);
        assertNoCrash(r);
        assert.match(r.stdout, /a\.py/);
        assert.deepEqual(listing(l.outside), []);
        assert.deepEqual(await fallbackReasons(l.seg), ["unsafe_path"]);
      } finally {
        await cleanup(l);
      }
    });
  }

  for (
    const name of ["ast_cache.db", "ast_cache.db-wal", "ast_cache.db-shm", "ast_cache.db.lock"]
  ) {
    Deno.test(`hostile cache (${grant}): ${name} as a symlink to an outside database: never opened or changed`, async () => {
      const l = await layout();
      try {
        await Deno.mkdir(`${l.seg}/.trifecta/cache`, { recursive: true });
        const victim = `${l.outside}/victim.sqlite`;
        victimDb(victim);
        const before = await Deno.readFile(victim);
        await Deno.symlink(victim, `${l.seg}/.trifecta/cache/${name}`);
        const r = await skeleton(l, flags);
        assert.equal(r.code, 0, r.stderr);
        assertNoCrash(r);
        assert.deepEqual(await Deno.readFile(victim), before);
        assert.deepEqual(listing(l.outside), ["victim.sqlite"]);
        assert.deepEqual(await fallbackReasons(l.seg), ["unsafe_path"]);
        // The link is still a link: nothing replaced or followed it.
        assert.ok(Deno.lstatSync(`${l.seg}/.trifecta/cache/${name}`).isSymlink);
      } finally {
        await cleanup(l);
      }
    });
  }

  for (const sub of ["stats", "clear", "verify", "prune"]) {
    Deno.test(`hostile cache (${grant}): cache ${sub} with .trifecta linked outside fails with CACHE_DIR_UNSAFE and deletes nothing`, async () => {
      const l = await layout();
      try {
        await Deno.mkdir(`${l.outside}/cache`);
        victimDb(`${l.outside}/cache/ast_cache.db`);
        const before = await Deno.readFile(`${l.outside}/cache/ast_cache.db`);
        await Deno.symlink(l.outside, `${l.seg}/.trifecta`);
        const r = await runCli(["cache", sub, "-s", l.seg], { flags });
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(r.stderr, /CACHE_DIR_UNSAFE/);
        assert.match(r.stderr, /Remove \.trifecta/);
        assertNoCrash(r);
        assert.deepEqual(listing(`${l.outside}/cache`), ["ast_cache.db"]);
        assert.deepEqual(await Deno.readFile(`${l.outside}/cache/ast_cache.db`), before);
      } finally {
        await cleanup(l);
      }
    });
  }
}

Deno.test("hostile cache: a hard-linked database is refused (a write would change the other name)", async () => {
  const l = await layout();
  try {
    await Deno.mkdir(`${l.seg}/.trifecta/cache`, { recursive: true });
    const victim = `${l.outside}/victim.sqlite`;
    victimDb(victim);
    const before = await Deno.readFile(victim);
    await Deno.link(victim, `${l.seg}/.trifecta/cache/ast_cache.db`);
    const r = await skeleton(l, ALL);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await Deno.readFile(victim), before);
    assert.deepEqual(await fallbackReasons(l.seg), ["unsafe_path"]);
    const stats = await runCli(["cache", "stats", "-s", l.seg], { flags: ALL });
    assert.equal(stats.code, 1);
    assert.match(stats.stderr, /CACHE_DIR_UNSAFE/);
  } finally {
    await cleanup(l);
  }
});

Deno.test("hostile cache: a FIFO in place of the database never blocks or is opened", async () => {
  const l = await layout();
  try {
    await Deno.mkdir(`${l.seg}/.trifecta/cache`, { recursive: true });
    const mk = await new Deno.Command("mkfifo", { args: [`${l.seg}/.trifecta/cache/ast_cache.db`] })
      .output();
    assert.equal(mk.code, 0);
    const r = await skeleton(l, ALL);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await fallbackReasons(l.seg), ["unsafe_path"]);
  } finally {
    await cleanup(l);
  }
});

/** Databases a segment might ship: each must be rebuilt, never crash the CLI. */
const SHIPPED: [string, string][] = [
  ["a cache table with other columns (version 0)", "CREATE TABLE cache (k TEXT)"],
  [
    "a cache table with other columns (version 1)",
    "CREATE TABLE cache (k TEXT); PRAGMA user_version = 1",
  ],
  [
    "a current version number over a foreign layout",
    "CREATE TABLE cache (k TEXT); CREATE TABLE totals (x); PRAGMA user_version = 2",
  ],
  [
    "a current version number and a manifest of another shape",
    "CREATE TABLE cache (k TEXT); CREATE TABLE manifest (file_rel TEXT); PRAGMA user_version = 3",
  ],
  [
    "the legacy layout plus a foreign trigger",
    `CREATE TABLE cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, created_at REAL NOT NULL,
       last_access REAL NOT NULL, value_bytes INTEGER NOT NULL);
     CREATE TRIGGER t AFTER DELETE ON cache BEGIN INSERT INTO cache VALUES ('x','1',0,0,1); END;`,
  ],
];

for (const [what, sql] of SHIPPED) {
  Deno.test(`hostile cache: a shipped database with ${what} is moved aside and rebuilt; ast and cache commands succeed`, async () => {
    const l = await layout();
    try {
      await Deno.mkdir(`${l.seg}/.trifecta/cache`, { recursive: true });
      const db = new DatabaseSync(`${l.seg}/.trifecta/cache/ast_cache.db`);
      db.exec(sql);
      db.close();
      const r = await skeleton(l, undefined);
      assert.equal(r.code, 0, r.stderr);
      assertNoCrash(r);
      assert.match(r.stdout, /real_function/);
      const events = await readEvents(l.seg);
      const corrupt = events.find((e) => e.cmd === "ast.cache.corruption_detected");
      assert.equal((corrupt?.result as Record<string, unknown>).reason, "unexpected_schema");
      assert.ok(listing(`${l.seg}/.trifecta/cache`).some((n) => n.includes(".corrupt-")));
      for (const sub of ["stats", "verify", "prune", "clear"]) {
        const c = await runCli(["cache", sub, "-s", l.seg]);
        assert.equal(c.code, 0, `${sub}: ${c.stderr}`);
        assertNoCrash(c);
      }
    } finally {
      await cleanup(l);
    }
  });
}

Deno.test("hostile cache: cache stats on a shipped foreign database names no INTERNAL_ERROR", async () => {
  const l = await layout();
  try {
    await Deno.mkdir(`${l.seg}/.trifecta/cache`, { recursive: true });
    const db = new DatabaseSync(`${l.seg}/.trifecta/cache/ast_cache.db`);
    db.exec("CREATE TABLE cache (k TEXT)");
    db.close();
    const c = await runCli(["cache", "stats", "--json", "-s", l.seg]);
    assert.equal(c.code, 0, c.stderr);
    assertNoCrash(c);
    const out = JSON.parse(c.stdout) as { recovered?: boolean };
    assert.equal(out.recovered, true);
  } finally {
    await cleanup(l);
  }
});

function poison(dbPath: string): number {
  const db = new DatabaseSync(dbPath);
  try {
    const changes = db.prepare(
      "UPDATE cache SET value = replace(value, 'real_function', 'POISONED_fn')",
    ).run().changes;
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return Number(changes);
  } finally {
    db.close();
  }
}

Deno.test("hostile cache: rows of a database trifecta did not make in place (shipped, copied) are never served", async () => {
  const l = await layout();
  try {
    const first = await skeleton(l, undefined);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /real_function/);
    const dbPath = `${l.seg}/.trifecta/cache/ast_cache.db`;
    // A crafted skeleton for the real file's key and stat row.
    assert.ok(poison(dbPath) > 0);
    // The same bytes as a file this machine did not make here (what a
    // shipped or copied database is): a new inode.
    await Deno.copyFile(dbPath, `${l.base}/shipped.db`);
    for (const suffix of ["", "-wal", "-shm"]) {
      await Deno.remove(dbPath + suffix).catch((err) => {
        // The WAL and SHM are gone after the checkpoint and close.
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      });
    }
    await Deno.rename(`${l.base}/shipped.db`, dbPath);
    const r = await skeleton(l, undefined);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /POISONED_fn/);
    assert.match(r.stdout, /real_function/);
    const cleared = (await readEvents(l.seg)).find((e) => e.cmd === "ast.cache.untrusted_cleared");
    assert.ok(cleared, "ast.cache.untrusted_cleared recorded");
  } finally {
    await cleanup(l);
  }
});
