/**
 * Messages between the parse pool and its workers.
 *
 * @module
 */
import type { Language } from "./types.ts";

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
    /** Segment-relative path. */
    rel: string;
    /** Real absolute path (read by the worker when `bytes` is absent). */
    abs: string;
    /** Language. */
    language: Language;
    /** The bytes, when the main thread has read them already. */
    bytes?: Uint8Array;
    /** sha256 of `bytes`, when known. */
    sha256?: string;
    /** Size cap. */
    maxBytes: number;
    /** Report the file's mtime and size (for the cache). */
    wantStat: boolean;
  };

/** A worker's answer to a `parse` request. */
export type WorkerReply =
  | {
    /** Request id. */
    id: number;
    /** Parsed. */
    ok: true;
    /**
     * The skeleton as JSON text: one string crosses the thread boundary far
     * cheaper than the structured clone of thousands of small objects.
     */
    json: string;
    /** Read + parse + extraction time in ms. */
    ms: number;
    /** File mtime (ms) when the worker read it (absent when given bytes). */
    mtimeMs?: number;
    /** File size when the worker read it (absent when given bytes). */
    size?: number;
  }
  | {
    /** Request id. */
    id: number;
    /** Not parsed. */
    ok: false;
    /** Error code (`BINARY_FILE`, `FILE_TOO_LARGE`, `FILE_NOT_FOUND`, …). */
    code: string;
    /** Message (segment-relative paths only). */
    message: string;
  };
