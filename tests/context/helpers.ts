/**
 * Helpers for the context-pack tests: temp segments written from a file map.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { resolveSegment, type Segment } from "../../lib/segment/mod.ts";
import { packTexts, unpackTexts } from "../../lib/context/store_text.ts";

/** Write `files` (relative path → text) under a new temp dir and resolve it as a segment. */
export async function tempSegment(files: Record<string, string>): Promise<Segment> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-ctx-" });
  for (const [rel, text] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(dir, rel)), { recursive: true });
    await Deno.writeTextFile(join(dir, rel), text);
  }
  return await resolveSegment(dir);
}

/** Remove a temp segment. */
export async function removeSegment(segment: Segment): Promise<void> {
  await Deno.remove(segment.root, { recursive: true });
}

/**
 * Item `i` of `items`, failing the test (with `what` in the message) when
 * there is none: an index read under `noUncheckedIndexedAccess`.
 */
export function nth<T>(items: readonly T[], i: number, what = "item"): T {
  const item = items[i];
  if (item === undefined) throw new Error(`no ${what} at ${i} (of ${items.length})`);
  return item;
}

/**
 * Put `text` in place of the text of chunk `id` in the pack database at
 * `dbPath`, editing the file in place (same inode: the stamp still holds),
 * as a tampered but trusted pack would hold it. With `path`, the chunk also
 * moves to that file (a record for it is made when there is none).
 */
export function plantChunkText(
  dbPath: string,
  id: string,
  change: { text: string; path?: string },
): void {
  const db = new DatabaseSync(dbPath);
  try {
    const row = db.prepare("SELECT path, seq FROM chunks WHERE id = ?").get(id) as
      | { path: string; seq: number }
      | undefined;
    if (!row) throw new Error(`no chunk ${id}`);
    const path = change.path ?? row.path;
    const stored = db.prepare("SELECT texts FROM source_files WHERE path = ?").get(path) as
      | { texts: Uint8Array }
      | undefined;
    const texts = (stored ? unpackTexts(stored.texts) : undefined) ?? [];
    while (texts.length <= row.seq) texts.push(["", null]);
    texts[row.seq] = [change.text, texts[row.seq]?.[1] ?? null];
    const value = packTexts(
      texts.map(([text, skeleton]) => ({ text, skeleton: skeleton ?? undefined })),
    );
    if (stored) db.prepare("UPDATE source_files SET texts = ? WHERE path = ?").run(value, path);
    else {
      db.prepare("INSERT INTO source_files VALUES (?, 99, 'x', 0, 1, 1, '/config', ?)")
        .run(path, value);
    }
    db.prepare("UPDATE chunks SET path = ? WHERE id = ?").run(path, id);
  } finally {
    db.close();
  }
}
