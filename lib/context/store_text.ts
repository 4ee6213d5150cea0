/**
 * Chunk texts as the pack database stores them: per file, one value — the
 * UTF-8 JSON of `[[text, skeleton or null], …]` (the file's chunks in
 * order), raw DEFLATE (`node:zlib`), about a quarter of the source's size.
 * One value per file, not per chunk: a DEFLATE call costs far more than its
 * bytes on small inputs (40,000 chunk-sized calls took 13 s on the large
 * corpus, 3,000 file-sized ones well under 2 s).
 *
 * A stored value is decoded with a cap on what it may inflate to, so a
 * crafted row cannot make a reader allocate more than a file's chunks can
 * hold, and its shape is checked before use.
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { packTexts, unpackTexts } from "./store_text.ts";
 *
 * const chunks = [{ text: "def f():\n    return 1\n".repeat(50), skeleton: "def f()" }, {
 *   text: "x = 1\n",
 * }];
 * const stored = packTexts(chunks);
 * equal(stored.length < 120, true);
 * deepEqual(unpackTexts(stored), [[chunks[0]?.text, "def f()"], ["x = 1\n", null]]);
 * equal(unpackTexts(new Uint8Array([5])), undefined);
 * ```
 *
 * @module
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";

/** The most one file's stored texts may inflate to (a file is at most 2 MiB). */
export const MAX_TEXTS_BYTES = 16 * 1024 * 1024;

/** One chunk's stored text and skeleton (null when it has none). */
export type StoredText = [text: string, skeleton: string | null];

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** The texts and skeletons of one file's chunks, in order, as stored. */
export function packTexts(chunks: readonly { text: string; skeleton?: string }[]): Uint8Array {
  const value: StoredText[] = chunks.map((c) => [c.text, c.skeleton ?? null]);
  return deflateRawSync(encoder.encode(JSON.stringify(value)));
}

function isStoredText(v: unknown): v is StoredText {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === "string" &&
    (v[1] === null || typeof v[1] === "string");
}

/**
 * A stored value back as the file's `[text, skeleton]` pairs, or undefined
 * when it is not one (not DEFLATE, inflates past {@linkcode MAX_TEXTS_BYTES},
 * not UTF-8 JSON, or of another shape).
 */
export function unpackTexts(value: unknown): StoredText[] | undefined {
  if (!(value instanceof Uint8Array)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      decoder.decode(inflateRawSync(value, { maxOutputLength: MAX_TEXTS_BYTES })),
    );
  } catch (err) {
    // Damaged, oversized, not UTF-8 or not JSON: the caller names the field.
    if (err instanceof Error) return undefined;
    throw err;
  }
  return Array.isArray(parsed) && parsed.every(isStoredText) ? parsed : undefined;
}
