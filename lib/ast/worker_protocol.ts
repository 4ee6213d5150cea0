/**
 * Messages between the parse pool and its workers.
 *
 * @module
 */
import type { Segment } from "../segment/segment.ts";
import type { Language } from "./types.ts";

/**
 * Files this large make tree-sitter's WebAssembly memory grow (by ~130 MB
 * for a 1.5 MB Python file), and that memory is never given back: after
 * one, a worker asks the pool to replace it (`retire`, lib/ast/pool.ts).
 */
export const RETIRE_AFTER_BYTES = 1024 * 1024;

/** A request to a parse worker. */
export type WorkerRequest =
  | {
    /** Load web-tree-sitter and these grammars now, before the first file. */
    type: "warm";
    /** Languages to load. */
    languages: Language[];
  }
  | {
    /** Parse one file. */
    type: "parse";
    /** Request id. */
    id: number;
    /** The segment: the worker reads only through the read boundary, inside it. */
    segment: Segment;
    /** Segment-relative path. */
    rel: string;
    /** Absolute path (read by the worker through the boundary when `text` is absent). */
    abs: string;
    /** Language. */
    language: Language;
    /** The text (masked), when the main thread has read it through the boundary. */
    text?: string;
    /** Size in bytes of the file, with `text`. */
    size?: number;
    /** sha256 of the raw bytes, with `text`. */
    sha256?: string;
    /** Size cap. */
    maxBytes: number;
    /** Report the file's mtime and size (for the cache). */
    wantStat: boolean;
    /** What to extract: the skeleton (default) or the tags (lib/ast/tags.ts). */
    task?: "skeleton" | "tags";
  };

/** A worker's answer to a `parse` request. */
export type WorkerReply =
  | {
    /** Request id. */
    id: number;
    /** Parsed. */
    ok: true;
    /**
     * The skeleton (or tags) as JSON text: one string crosses the thread boundary far
     * cheaper than the structured clone of thousands of small objects.
     */
    json: string;
    /** Read + parse + extraction time in ms. */
    ms: number;
    /** File mtime (ms) when the worker read it (absent when given text). */
    mtimeMs?: number;
    /** File size when the worker read it (absent when given text). */
    size?: number;
    /**
     * The worker asks to be replaced: it parsed a file so large that its
     * WebAssembly memory grew, and that memory is never given back.
     */
    retire?: boolean;
  }
  | {
    /** Request id. */
    id: number;
    /** Not parsed. */
    ok: false;
    /** Error code (`BINARY_FILE`, `FILE_TOO_LARGE`, `PATH_DENIED`, …). */
    code: string;
    /** Message (segment-relative paths only). */
    message: string;
    /** The error's details (e.g. `reason` of `PATH_DENIED`; no path, no content). */
    details?: Record<string, unknown>;
    /** As in a parsed file's reply: the worker asks to be replaced. */
    retire?: boolean;
  };
