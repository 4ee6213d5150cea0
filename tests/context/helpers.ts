/**
 * Helpers for the context-pack tests: temp segments written from a file map.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { resolveSegment, type Segment } from "../../lib/segment/mod.ts";

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
