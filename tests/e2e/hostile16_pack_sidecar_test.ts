/**
 * Attacker's review of issue 16 (the pack in SQLite): SQLite side files a
 * repository ships next to the pack. The pack's trust stamp is read from the
 * main file's header (lib/context/trust.ts), but SQLite also reads
 * `<db>-wal` (a write-ahead log whose frames replace pages of the main file
 * when read) and `<db>-journal` (a hot rollback journal). A repository can
 * ship `_ctx/context_pack.db-wal` made from its own build of the same files:
 * the victim's `ctx build` stamps a fresh pack, and every reader then sees
 * the attacker's pages; a FIFO in the journal's place blocks every read. Also
 * a pack shipped as a symlink to another segment's (trusted) pack, and the
 * AST cache's WAL. These tests run the real CLI on a segment holding such
 * files.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { CLI_FLAGS, MAIN_TS, removeSegment, runCli, runGuarded } from "./helpers.ts";
import { packTexts, unpackTexts } from "../../lib/context/store_text.ts";

const SOURCE = 'def hello():\n    """Say hi."""\n    return "GENUINE_TEXT"\n';
const INJECTED = "INJECTED_BY_SHIPPED_SIDECAR";

/** A segment holding `a.py` only (with `text` in it). */
async function segmentWithSource(text = SOURCE): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-red16-" });
  await Deno.writeTextFile(join(dir, "a.py"), text);
  return dir;
}

/**
 * What an attacker ships: a side file of a copy of its OWN pack, built on its
 * own machine from the same file (another stamp, another build id; the same
 * files give the same page layout, so no knowledge of the victim's pack is
 * needed), whose stored text says `INJECTED`:
 *
 * - `wal`: the copy switched to WAL mode and its texts rewritten with the
 *   pack's own encoding (lib/context/store_text.ts), the WAL taken before
 *   the connection closes;
 * - `journal`: a hot rollback journal (a transaction left open), which a
 *   read-write open would roll back and a read-only one cannot open past.
 */
async function craftSidecar(kind: "wal" | "journal"): Promise<Uint8Array> {
  const attacker = await segmentWithSource();
  const scratch = await Deno.makeTempDir({ prefix: "trifecta-red16-scratch-" });
  try {
    const built = await runCli(["ctx", "build", "-s", attacker]);
    assert.equal(built.code, 0, built.stderr);
    const copy = join(scratch, "x.db");
    await Deno.copyFile(join(attacker, "_ctx/context_pack.db"), copy);
    const db = new DatabaseSync(copy);
    try {
      if (kind === "wal") {
        const rows = db.prepare("SELECT path, texts FROM source_files").all() as {
          path: string;
          texts: Uint8Array;
        }[];
        db.exec("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;");
        const update = db.prepare("UPDATE source_files SET texts = ? WHERE path = ?");
        for (const row of rows) {
          const stored = unpackTexts(row.texts) ?? [];
          const evil = stored.map(([text, skeleton]) => ({
            text: String(text).replace("GENUINE_TEXT", INJECTED),
            skeleton: typeof skeleton === "string" ? skeleton : undefined,
          }));
          update.run(packTexts(evil), row.path);
        }
        // Taken while the connection is open: closing would checkpoint it away.
        return await Deno.readFile(`${copy}-wal`);
      }
      db.exec("PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF; PRAGMA cache_size = 1;");
      db.exec(
        "BEGIN; CREATE TABLE red16_probe (x); INSERT INTO red16_probe VALUES (randomblob(9000));",
      );
      const journal = await Deno.readFile(`${copy}-journal`);
      db.exec("ROLLBACK");
      return journal;
    } finally {
      db.close();
    }
  } finally {
    await removeSegment(attacker);
    await Deno.remove(scratch, { recursive: true });
  }
}

/** The id of the one chunk of a segment's pack (read through the CLI). */
async function onlyChunkId(seg: string): Promise<string> {
  const found = await runCli(["ctx", "search", "-s", seg, "-q", "hello", "--json"]);
  assert.equal(found.code, 0, found.stderr);
  const parsed = JSON.parse(found.stdout) as { hits?: { id: string }[] };
  const id = parsed.hits?.[0]?.id;
  assert.ok(id, found.stdout);
  return id;
}

Deno.test("hostile16: a -wal shipped in _ctx never changes what ctx get serves from a pack built here", async () => {
  const wal = await craftSidecar("wal");
  const victim = await segmentWithSource();
  try {
    await Deno.mkdir(join(victim, "_ctx"));
    await Deno.writeFile(join(victim, "_ctx/context_pack.db-wal"), wal);
    const built = await runCli(["ctx", "build", "-s", victim]);
    assert.equal(built.code, 0, built.stderr);
    const search = await runCli(["ctx", "search", "-s", victim, "-q", "hello"]);
    assert.ok(
      !search.stdout.includes(INJECTED),
      `search served the shipped WAL:\n${search.stdout}`,
    );
    const id = await onlyChunkId(victim);
    const got = await runCli(["ctx", "get", "-s", victim, "--ids", id]);
    assert.ok(!got.stdout.includes(INJECTED), `ctx get served the shipped WAL:\n${got.stdout}`);
    assert.ok(got.code !== 0 || got.stdout.includes("GENUINE_TEXT"), got.stdout + got.stderr);
  } finally {
    await removeSegment(victim);
  }
});

Deno.test("hostile16: a -wal that arrives after the build (a git pull) never changes what ctx get serves", async () => {
  const wal = await craftSidecar("wal");
  const victim = await segmentWithSource();
  try {
    const built = await runCli(["ctx", "build", "-s", victim]);
    assert.equal(built.code, 0, built.stderr);
    // As if a `git pull` brought it in after the build.
    await Deno.writeFile(join(victim, "_ctx/context_pack.db-wal"), wal);
    const id = await onlyChunkId(victim);
    const got = await runCli(["ctx", "get", "-s", victim, "--ids", id]);
    const validated = await runCli(["ctx", "validate", "-s", victim]);
    assert.ok(
      !got.stdout.includes(INJECTED),
      `ctx get served the shipped WAL (validate exit ${validated.code}):\n${got.stdout}`,
    );
  } finally {
    await removeSegment(victim);
  }
});

Deno.test("hostile16: a hot -journal shipped in _ctx neither injects pages nor blocks the pack for good", async () => {
  const journal = await craftSidecar("journal");
  const victim = await segmentWithSource();
  try {
    await Deno.mkdir(join(victim, "_ctx"));
    await Deno.writeFile(join(victim, "_ctx/context_pack.db-journal"), journal);
    const built = await runCli(["ctx", "build", "-s", victim]);
    assert.equal(built.code, 0, built.stderr);
    // The documented remedy of a corrupt pack is `ctx build`: after it, the
    // pack must answer with the real text.
    const search = await runCli(["ctx", "search", "-s", victim, "-q", "hello"]);
    assert.equal(search.code, 0, `a shipped journal blocks the pack built here:\n${search.stderr}`);
    assert.ok(!search.stdout.includes(INJECTED), search.stdout);
    assert.ok(search.stdout.includes("GENUINE_TEXT"), search.stdout);
  } finally {
    await removeSegment(victim);
  }
});

/**
 * The persistent AST cache (issue 16 made it the default) has the same
 * shape: its trust stamp is checked through SQLite (`PRAGMA application_id`,
 * lib/cache/db_identity.ts), so a WAL carrying page 1 is caught, but one
 * carrying only data pages is replayed under the stamped header. The
 * attacker here reproduces the first-run layout of the victim's cache (same
 * files, same trifecta, a guessable checkout path such as a CI runner's: the
 * key holds the segment id, a digest of the real root); the test takes that
 * shortcut by copying the victim's database to make the WAL.
 */
Deno.test("hostile16: a -wal arriving next to a trusted AST cache (a git pull) is never replayed into a skeleton", async () => {
  const victim = await segmentWithSource();
  const scratch = await Deno.makeTempDir({ prefix: "trifecta-red16-scratch-" });
  try {
    const first = await runCli(["ast", "skeleton", "-s", victim, victim]);
    assert.equal(first.code, 0, first.stderr);
    assert.ok(first.stdout.includes("def hello()"), first.stdout);
    const live = join(victim, ".trifecta/cache/ast_cache.db");
    const copy = join(scratch, "x.db");
    await Deno.copyFile(live, copy);
    const db = new DatabaseSync(copy);
    db.exec("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;");
    db.exec(`UPDATE cache SET value = replace(value, 'hello', '${INJECTED}')`);
    const wal = await Deno.readFile(`${copy}-wal`);
    db.close();
    await Deno.writeFile(`${live}-wal`, wal);
    const second = await runCli(["ast", "skeleton", "-s", victim, victim]);
    assert.equal(second.code, 0, second.stderr);
    assert.ok(!second.stdout.includes(INJECTED), `the shipped WAL was served:\n${second.stdout}`);
    assert.ok(second.stdout.includes("def hello()"), second.stdout);
  } finally {
    await removeSegment(victim);
    await Deno.remove(scratch, { recursive: true });
  }
});

Deno.test("hostile16: a FIFO shipped as _ctx/context_pack.db-journal cannot hang ctx search on a pack built here", async () => {
  const victim = await segmentWithSource();
  try {
    await Deno.mkdir(join(victim, "_ctx"));
    const made = new Deno.Command("mkfifo", {
      args: [join(victim, "_ctx/context_pack.db-journal")],
    })
      .outputSync();
    assert.ok(made.success, "mkfifo");
    const built = await runCli(["ctx", "build", "-s", victim]);
    assert.equal(built.code, 0, built.stderr);
    // SQLite opens <db>-journal to see whether it is hot: a FIFO there blocks
    // that open until a writer comes, i.e. for ever. Hang guard, not a timing.
    const out = await runGuarded(
      ["run", ...CLI_FLAGS, MAIN_TS, "ctx", "search", "-s", victim, "-q", "hello"],
      { deadlineMs: 60_000 },
    );
    assert.ok(out.finished, "ctx search still blocked on the FIFO journal after 60 s (killed)");
    assert.ok(out.stdout.includes("GENUINE_TEXT"), out.stdout + out.stderr);
  } finally {
    await removeSegment(victim);
  }
});

Deno.test("hostile16: a pack shipped as a symlink to another segment's trusted pack is refused, and ctx sync replaces the link, never its target", async () => {
  const other = await segmentWithSource();
  const seg = await segmentWithSource('def b():\n    return "B_TEXT"\n');
  try {
    assert.equal((await runCli(["ctx", "build", "-s", other])).code, 0);
    const target = join(other, "_ctx/context_pack.db");
    const before = await Deno.readFile(target);
    await Deno.mkdir(join(seg, "_ctx"));
    await Deno.symlink(target, join(seg, "_ctx/context_pack.db"));
    const search = await runCli(["ctx", "search", "-s", seg, "-q", "hello"], { piiScan: false });
    assert.notEqual(search.code, 0, search.stdout);
    assert.ok(!search.stdout.includes("GENUINE_TEXT"), search.stdout);
    const synced = await runCli(["ctx", "sync", "-s", seg]);
    assert.equal(synced.code, 0, synced.stderr);
    assert.ok(!(await Deno.lstat(join(seg, "_ctx/context_pack.db"))).isSymlink);
    assert.deepEqual(await Deno.readFile(target), before, "the other segment's pack was written");
  } finally {
    await removeSegment(seg);
    await removeSegment(other);
  }
});

Deno.test("hostile16: FIFOs and links shipped in place of trifecta's lock and log files neither hang a command nor write outside", async () => {
  const seg = await segmentWithSource();
  const outsideDir = await Deno.makeTempDir({ prefix: "trifecta-red16-out-" });
  try {
    const outside = join(outsideDir, "victim.txt");
    await Deno.writeTextFile(outside, "ORIGINAL\n");
    await Deno.mkdir(join(seg, "_ctx"));
    await Deno.mkdir(join(seg, ".trifecta/cache"), { recursive: true });
    for (const rel of ["_ctx/.gitignore", ".trifecta/cache/ast_cache.db-wal"]) {
      assert.ok(new Deno.Command("mkfifo", { args: [join(seg, rel)] }).outputSync().success);
    }
    await Deno.symlink(outside, join(seg, ".trifecta/cache/ast_cache.db.live"));
    await Deno.symlink(outside, join(seg, ".trifecta/.gitignore"));
    for (const args of [["ast", "skeleton", "-s", seg, seg], ["ctx", "build", "-s", seg]]) {
      const out = await runGuarded(["run", ...CLI_FLAGS, MAIN_TS, ...args], {
        deadlineMs: 60_000,
      });
      assert.ok(out.finished, `${args.join(" ")} still blocked after 60 s (killed)`);
      assert.equal(out.code, 0, out.stderr);
    }
    assert.equal(await Deno.readTextFile(outside), "ORIGINAL\n");
  } finally {
    await removeSegment(seg);
    await Deno.remove(outsideDir, { recursive: true });
  }
});
