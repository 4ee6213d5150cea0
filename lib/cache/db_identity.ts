/**
 * Which cache databases trifecta trusts. A segment may ship
 * `.trifecta/cache/ast_cache.db` (committed, or in an archive) holding a
 * crafted skeleton for a real file's key or stat row, which trifecta would
 * otherwise serve without reading the file (`keyForStat`). Nothing inside
 * the segment can hold a secret the attacker could not ship too, so trust
 * comes from what the kernel assigns when the file is made on this machine:
 * its device, inode and (where the file system records it) birth time.
 * trifecta writes a 32-bit digest of them into the file's header
 * (`PRAGMA application_id`) when it creates a file; when it finds a file
 * whose stamp is missing or names another file (shipped, copied, restored,
 * or made by an older version), it deletes every entry and stamps it before
 * using it. See `docs/cache.md` ("Trust").
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { sha256 } from "../sha256.ts";

/** The stamp of the file at `path` (not following a symlink), or null when unknown. */
export function fileStamp(path: string): number | null {
  return stampOf(Deno.lstatSync(path));
}

/**
 * The stamp of a file from its metadata (e.g. `fstat` of a handle already
 * open, so the stamp and what is read from the handle are of one file even
 * while the path is being replaced), or null when unknown.
 */
export function stampOf(info: Deno.FileInfo): number | null {
  if (info.ino === null || !info.isFile) return null;
  const identity = `${info.dev}:${info.ino}:${info.birthtime?.getTime() ?? "-"}`;
  const d = sha256(identity);
  // A signed 32-bit integer (the digest's first 4 bytes, big-endian), as
  // `application_id` holds; never 0 (unstamped).
  const stamp = new DataView(d.buffer, d.byteOffset, 4).getInt32(0);
  return stamp === 0 ? 1 : stamp;
}

/** True when the file's header carries exactly `stamp`. */
export function stampMatches(db: DatabaseSync, stamp: number | null): boolean {
  if (stamp === null) return false;
  const row = db.prepare("PRAGMA application_id").get() as { application_id: number };
  return row.application_id === stamp;
}

/**
 * Take over a file trifecta did not stamp here: delete every entry, reset
 * the counters and write the stamp, in one transaction. Returns the number of
 * entries deleted. The caller has checked the schema (no foreign trigger can
 * run).
 */
export function adoptDatabase(db: DatabaseSync, stamp: number): number {
  db.exec("BEGIN IMMEDIATE");
  try {
    const removed = Number(db.prepare("DELETE FROM cache").run().changes);
    // Rows without an entry too: a shipped row must not wait for its key to be written.
    db.exec("DELETE FROM manifest");
    db.exec("UPDATE totals SET entries = 0, bytes = 0, hits = 0, misses = 0 WHERE id = 1");
    db.exec(`PRAGMA application_id = ${stamp}`);
    db.exec("COMMIT");
    return removed;
  } catch (err) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw err;
  }
}
