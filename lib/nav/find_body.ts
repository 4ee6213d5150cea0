/**
 * Bodies of found symbols: each file read once through the read boundary
 * (secrets masked, the real path checked), its hash checked against the
 * skeleton the symbol came from, and each symbol's lines cut by the render
 * layer's excerpt (no margin, capped at {@linkcode BODY_MAX_LINES}). A body
 * that cannot be read is null with a note; the other items still come.
 *
 * @module
 */
import { discloseExcerpt, splitLines } from "../ast/mod.ts";
import { TrifectaError } from "../errors.ts";
import { contentSha256Hex, readInside, type Segment } from "../segment/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import type { FindItem } from "./find_items.ts";
import type { FindMatch } from "./find_query.ts";

/** Most lines of a body (the rest are counted in `omitted_lines`). */
export const BODY_MAX_LINES = 100;

/** Options for {@linkcode attachBodies}. */
export interface BodyOptions {
  /** Real absolute path of each file, by segment-relative path. */
  files: ReadonlyMap<string, string>;
  /** Telemetry: bytes handed out are counted under `file_read_excerpt_bytes_total`. */
  telemetry?: Telemetry;
}

const encoder = new TextEncoder();

/** The file's lines, or why they cannot be shown. */
async function linesOf(
  segment: Segment,
  match: FindMatch,
  abs: string | undefined,
): Promise<string[] | string> {
  if (abs === undefined) return "the file was not walked";
  try {
    const read = await readInside(segment, abs, { mode: "excerpt", hasher: contentSha256Hex });
    if (read.sha256 !== match.row.file.sha256) return "the file changed since it was indexed";
    return splitLines(read.text, { language: match.row.language });
  } catch (err) {
    if (!(err instanceof TrifectaError)) throw err;
    return `${err.code}: the file could not be read`; // the code only: a message may name paths
  }
}

/**
 * Set `body` on each item (same order as `matches`), reading each file once.
 */
export async function attachBodies(
  segment: Segment,
  pairs: { items: FindItem[]; matches: readonly FindMatch[] },
  options: BodyOptions,
): Promise<void> {
  const cache = new Map<string, string[] | string>();
  let bytes = 0;
  for (const [i, item] of pairs.items.entries()) {
    const match = pairs.matches[i];
    if (match === undefined) continue;
    let lines = cache.get(match.row.path);
    if (lines === undefined) {
      lines = await linesOf(segment, match, options.files.get(match.row.path));
      cache.set(match.row.path, lines);
    }
    if (typeof lines === "string") {
      item.body = null;
      item.body_note = lines;
      continue;
    }
    const d = discloseExcerpt(lines, { skeleton: match.row.file, symbol: match.row.symbol }, {
      margin: 0,
      maxLines: BODY_MAX_LINES,
    });
    bytes += encoder.encode(d.content).length;
    item.body = {
      start_line: d.range.start_line,
      end_line: d.range.end_line,
      text: d.content,
      truncated: d.truncated,
      omitted_lines: d.omitted_lines,
    };
  }
  if (bytes > 0) options.telemetry?.incr("file_read_excerpt_bytes_total", bytes);
}
