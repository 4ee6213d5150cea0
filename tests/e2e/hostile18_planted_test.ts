/**
 * Attacker's review of the extraction fingerprint (lib/cache/fingerprint.ts,
 * lib/cache/types.ts keys, lib/context/sync.ts meta `extraction`). The
 * fingerprint is public (a hash of the shipped code), so a repository can
 * ship an AST cache or a pack whose keys and meta carry the CURRENT
 * fingerprint, cut from other content: only the databases' stamps (device,
 * inode, birth time) may refuse them. Here the planted databases are real
 * ones made by this very code for this very segment path, then the file is
 * swapped for one of the same size and mtime, and the database is put back
 * as a new file (what a checkout or an archive does). And a pack that was
 * cut by other extraction code on this machine must be rebuilt whole by
 * `ctx sync`. The real CLI as a subprocess, under a hang guard.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { CLI_FLAGS, MAIN_TS, removeSegment, runGuarded } from "./helpers.ts";

const FORGED = "zqforged_h18";
const REAL = "zqhonest_h18";

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = await runGuarded(["run", ...CLI_FLAGS, MAIN_TS, ...args], { deadlineMs: 120_000 });
  assert.ok(run.finished, `hung: ${args.join(" ")}\n${run.stderr}`);
  return run;
}

/** Write `text` to `file` with the given mtime. */
async function writeAt(file: string, text: string, mtime: Date): Promise<void> {
  await Deno.writeTextFile(file, text);
  await Deno.utime(file, mtime, mtime);
}

/** Copy `from` to `to` as a new file (new inode and birth time), dropping WAL sidecars. */
async function plant(from: string, to: string): Promise<void> {
  await Deno.mkdir(join(to, ".."), { recursive: true });
  await Deno.copyFile(from, to);
}

Deno.test({
  name:
    "h18 planted: an AST cache made for this segment path with the current fingerprint, put back as a new file, never serves its skeleton for a same-size same-mtime file",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-h18-plant-" }));
    const aside = await Deno.makeTempDir({ prefix: "trifecta-h18-aside-" });
    try {
      const file = join(seg, "app.py");
      const when = new Date(Date.now() - 3_600_000);
      await writeAt(file, `def ${FORGED}():\n    return 1\n`, when);
      const first = await cli(["ast", "skeleton", file, "-s", seg, "--json", "--persist-cache"]);
      assert.match(first.stdout, new RegExp(FORGED), first.stderr);
      const db = join(seg, ".trifecta", "cache", "ast_cache.db");
      // Fold the WAL in so the copy holds every entry.
      const open = new DatabaseSync(db);
      open.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      open.close();
      await Deno.copyFile(db, join(aside, "ast_cache.db"));
      await Deno.remove(join(seg, ".trifecta"), { recursive: true });
      // Same size, same mtime, other content.
      await writeAt(file, `def ${REAL}():\n    return 1\n`, when);
      await plant(join(aside, "ast_cache.db"), db);
      const second = await cli(["ast", "skeleton", file, "-s", seg, "--json", "--persist-cache"]);
      assert.doesNotMatch(second.stdout, new RegExp(FORGED), "the planted skeleton was served");
      assert.match(second.stdout, new RegExp(REAL), second.stderr);
    } finally {
      await removeSegment(seg);
      await Deno.remove(aside, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "h18 planted: a pack made for this segment path with the current fingerprint, put back as a new file, is refused by ctx search",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-h18-plant-" }));
    const aside = await Deno.makeTempDir({ prefix: "trifecta-h18-aside-" });
    try {
      const file = join(seg, "app.py");
      const when = new Date(Date.now() - 3_600_000);
      await writeAt(file, `def ${FORGED}():\n    return 1\n`, when);
      const built = await cli(["ctx", "build", "-s", seg]);
      assert.equal(built.code, 0, built.stderr);
      const pack = join(seg, "_ctx", "context_pack.db");
      const meta = new DatabaseSync(pack);
      const row = meta.prepare("SELECT value FROM meta WHERE key = 'extraction'").get() as
        | { value: string }
        | undefined;
      meta.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      meta.close();
      assert.ok(row?.value, "the pack records its extraction fingerprint");
      await Deno.copyFile(pack, join(aside, "context_pack.db"));
      await Deno.remove(join(seg, "_ctx"), { recursive: true });
      await writeAt(file, `def ${REAL}():\n    return 1\n`, when);
      await plant(join(aside, "context_pack.db"), pack);
      const search = await cli(["ctx", "search", "-s", seg, "-q", FORGED, "--json"]);
      assert.doesNotMatch(search.stdout, new RegExp(`def ${FORGED}`), search.stdout);
      assert.match(search.stdout + search.stderr, /PACK_UNTRUSTED/, search.stdout + search.stderr);
    } finally {
      await removeSegment(seg);
      await Deno.remove(aside, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "h18 planted: a pack cut by other extraction code (its meta names another fingerprint) is rebuilt whole by ctx sync",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-h18-plant-" }));
    try {
      await Deno.writeTextFile(join(seg, "app.py"), `def ${REAL}():\n    return 1\n`);
      await Deno.writeTextFile(join(seg, "other.py"), "def other():\n    return 2\n");
      const built = await cli(["ctx", "build", "-s", seg]);
      assert.equal(built.code, 0, built.stderr);
      const pack = join(seg, "_ctx", "context_pack.db");
      // In place (same inode: still trusted), as an older trifecta would have left it.
      const db = new DatabaseSync(pack);
      db.exec("UPDATE meta SET value = '00000000' WHERE key = 'extraction'");
      db.close();
      const sync = await cli(["ctx", "sync", "-s", seg, "--json"]);
      assert.equal(sync.code, 0, sync.stderr);
      assert.match(sync.stdout, /"mode":\s*"full"/, sync.stdout);
      assert.match(sync.stdout, /extraction code changed/, sync.stdout);
      const again = await cli(["ctx", "sync", "-s", seg, "--json"]);
      assert.doesNotMatch(again.stdout, /extraction code changed/, "the rebuilt pack says so");
    } finally {
      await removeSegment(seg);
    }
  },
});
