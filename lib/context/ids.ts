/**
 * Chunk ids: `kind:path:hash10`, derived from content so that an unchanged
 * chunk keeps its id across builds. Ids are untrusted input in `ctx get`:
 * {@linkcode parseChunkId} refuses paths that climb out of the segment.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { TrifectaError } from "../errors.ts";
import { contentSha256Hex } from "../segment/mod.ts";

/** The parts of a chunk id. */
export interface ChunkIdParts {
  /** Kind (before the first colon), lowercased. */
  kind: string;
  /** Segment-relative path (between the first and the last colon), or "". */
  path: string;
  /** The hash (after the last colon). */
  hash: string;
}

/**
 * The chunk id for a chunk of `path`: `kind:path:` + the first 10 hex digits
 * of `sha1(doc + "\n" + title + "\n" + sha256(text))`, where `doc` is
 * `kind:path` and `title` the chunk's last title element (the predecessor's
 * recipe used the file name; a per-section title keeps the ids of sections
 * with equal text apart).
 *
 * @example
 * ```ts
 * import { match } from "node:assert/strict";
 * import { chunkId } from "./ids.ts";
 * const id = chunkId("doc", "docs/design.md", { title: "Storage", text: "## Storage\n" });
 * match(id, /^doc:docs\/design\.md:[0-9a-f]{10}$/);
 * ```
 */
export function chunkId(kind: string, path: string, options: ChunkIdOptions): string {
  const doc = `${kind}:${path}`;
  const digest = createHash("sha1")
    .update(`${doc}\n${options.title}\n${contentSha256Hex(options.text)}`)
    .digest("hex")
    .slice(0, 10);
  return `${doc}:${digest}`;
}

/** Options for {@linkcode chunkId}. */
export interface ChunkIdOptions {
  /** The chunk's title (file name, heading or symbol name). */
  title: string;
  /** The chunk's normalised text. */
  text: string;
}

/**
 * Refuse a segment-relative path that is absolute, has a drive letter, a NUL
 * byte or a `..` segment.
 *
 * @throws {TrifectaError} `PATH_TRAVERSAL` (exit 2).
 */
export function assertSafeRelPath(path: string, what = "path"): void {
  const parts = path.split(/[\\/]/);
  if (
    path.startsWith("/") || path.startsWith("\\") || /^[A-Za-z]:/.test(path) ||
    path.includes("\0") || parts.includes("..")
  ) {
    throw traversalError(what, path);
  }
}

function traversalError(what: string, value: string): TrifectaError {
  return new TrifectaError("PATH_TRAVERSAL", `Refused ${what} that leaves the segment: ${value}`, {
    exitCode: 2,
    nextSteps: ["Ids and paths are relative to the segment root and may not contain '..'"],
  });
}

/**
 * Split a chunk id into kind, path and hash. An id without a colon has kind
 * `unknown`.
 *
 * @throws {TrifectaError} `PATH_TRAVERSAL` when the id's path climbs out of
 * the segment.
 */
export function parseChunkId(id: string): ChunkIdParts {
  if (id.includes("\0") || id.split(/[\\/:]/).includes("..") || /^[\\/]/.test(id)) {
    throw traversalError("chunk id", id);
  }
  const first = id.indexOf(":");
  if (first < 0) return { kind: "unknown", path: "", hash: id };
  const last = id.lastIndexOf(":");
  const kind = id.slice(0, first).toLowerCase();
  if (last === first) return { kind, path: "", hash: id.slice(first + 1) };
  const path = id.slice(first + 1, last);
  assertSafeRelPath(path, "chunk id");
  return { kind, path, hash: id.slice(last + 1) };
}
