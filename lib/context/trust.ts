/**
 * Which pack trifecta trusts. A repository may ship its own
 * `_ctx/context_pack.db` (committed, or in an archive), crafted so that
 * nothing looks stale, yet holding chunks of `.env` or text that is in no
 * file. Nothing inside the segment can hold a secret the attacker could not
 * ship too, so, as for the AST cache (`lib/cache/db_identity.ts`), trust
 * comes from what the kernel assigns when a build or sync writes the pack on
 * this machine: a digest of its device, inode and birth time, written into
 * the SQLite header (`PRAGMA application_id`). A reader trusts the pack only
 * when its stamp names the file itself; anything else (shipped, copied,
 * restored) is `PACK_UNTRUSTED` until `ctx build` or `ctx sync` rebuilds it.
 *
 * The stamp is read from the file's first 100 bytes before SQLite opens it,
 * so a shipped database never reaches SQLite's query engine.
 *
 * @module
 */
import { stampOf } from "../cache/db_identity.ts";
import { TrifectaError } from "../errors.ts";
import { INDEX_REL } from "./types.ts";

/** SQLite's file header magic ("SQLite format 3\0"). */
const SQLITE_MAGIC = "SQLite format 3\0";
/** Offset of `application_id` in the SQLite header (big-endian int32). */
const APPLICATION_ID_OFFSET = 68;

/** What the header of an index file says about it. */
export type IndexHeaderState = "stamped" | "unstamped" | "not_sqlite";

/**
 * Whether the index file at `path` carries this machine's stamp for itself,
 * read from its header without opening it as a database.
 */
export function indexHeaderState(path: string): IndexHeaderState {
  const head = new Uint8Array(100);
  let n = 0;
  const f = Deno.openSync(path, { read: true });
  let stamp: number | null;
  try {
    // The stamp from the same handle as the header: a build may rename a new
    // index over the path between a read by path and a stat by path.
    stamp = stampOf(f.statSync());
    while (n < head.length) {
      const got = f.readSync(head.subarray(n));
      if (got === null || got === 0) break;
      n += got;
    }
  } finally {
    f.close();
  }
  if (n < 100 || new TextDecoder().decode(head.subarray(0, 16)) !== SQLITE_MAGIC) {
    return "not_sqlite";
  }
  const id = new DataView(head.buffer).getInt32(APPLICATION_ID_OFFSET, false);
  return id !== 0 && id === stamp ? "stamped" : "unstamped";
}

/** The error for a pack this machine did not build (`PACK_UNTRUSTED`, exit 1). */
export function untrustedError(reason: string): TrifectaError {
  return new TrifectaError(
    "PACK_UNTRUSTED",
    `The context pack in _ctx/ is not trusted: ${reason}`,
    {
      nextSteps: [
        "Rebuild them with: trifecta ctx build -s <segment> (or trifecta ctx sync -s <segment>)",
      ],
    },
  );
}

/** Why an unstamped index is refused. */
export const UNSTAMPED_REASON = `${INDEX_REL} was not written by a build on this machine ` +
  "(shipped with the repository, copied, restored, or built by an older trifecta)";
