/**
 * Context pack data types and the file names the pack lives under.
 *
 * @module
 */

/** Schema version of `_ctx/context_pack.json`. */
export const PACK_SCHEMA_VERSION = 1;
/**
 * Segment-relative path of the pack: one SQLite database holding the chunks,
 * the source-file records, the symbol table and the FTS5 index (see
 * `store_schema.ts`).
 */
export const PACK_REL = "_ctx/context_pack.db";
/** Segment-relative path of the search index: inside the pack since issue 16. */
export const INDEX_REL = PACK_REL;
/** The JSON pack of builds before issue 16 (removed by the next build). */
export const LEGACY_PACK_REL = "_ctx/context_pack.json";
/** The separate index of builds before issue 16 (removed by the next build). */
export const LEGACY_INDEX_REL = "_ctx/context_index.db";
/** Segment-relative path of the build lock file. */
export const LOCK_REL = "_ctx/.pack.lock";

/** What a chunk holds. */
export type ChunkKind =
  | "skill"
  | "agents"
  | "prime"
  | "agent"
  | "session"
  | "ref"
  | "doc"
  | "code"
  | "header"
  | "config";

/** How a chunk was cut from its file. */
export type ChunkingMethod = "heading_section" | "symbol" | "module_header" | "whole_file";

/** One file the pack was built from. */
export interface PackSourceFile {
  /** Segment-relative POSIX path. */
  path: string;
  /** sha256 hex of the newline-normalised text. */
  sha256: string;
  /** Modification time, float epoch seconds. */
  mtime: number;
  /** Length of the normalised text in Unicode code points. */
  chars: number;
  /** Size on disk in bytes (lets a quick stale check skip re-hashing). */
  bytes: number;
}

/** One chunk of the pack. */
export interface PackChunk {
  /** Stable, content-derived id `kind:path:hash10`. */
  id: string;
  /** `kind:path`, the id without its hash. */
  doc: string;
  /** Kind. */
  kind: ChunkKind;
  /** File name, then headings or the symbol's qualified name. */
  title_path: string[];
  /** Text (newline-normalised, ends with `\n`). */
  text: string;
  /** Length in code points. */
  char_count: number;
  /** Token estimate of `text` (`estimateTokens`, lib/text.ts). */
  token_est: number;
  /** Segment-relative path of the file. */
  source_path: string;
  /** How it was cut. */
  chunking_method: ChunkingMethod;
  /** 1-based first line in the file. */
  start_line: number;
  /** 1-based last line in the file. */
  end_line: number;
  /** Qualified name of the top-level symbol (code chunks). */
  symbol?: string;
  /** Kind of that symbol. */
  symbol_kind?: string;
  /** Names of every symbol in the chunk (the symbol and its members), for search. */
  symbol_names?: string[];
  /** Skeleton rendering (signatures and first doc lines) for `get -m skeleton`. */
  skeleton?: string;
}

/** One entry of the pack's index (parallel to `chunks`). */
export interface PackIndexEntry {
  /** Chunk id. */
  id: string;
  /** Title path joined with ` > `. */
  title_path_norm: string;
  /** First 200 characters of the text. */
  preview: string;
  /** The chunk's token estimate (as {@linkcode PackChunk.token_est}). */
  token_est: number;
}

/** `_ctx/context_pack.json`. */
export interface ContextPack {
  /** Always {@linkcode PACK_SCHEMA_VERSION}. */
  schema_version: number;
  /** A label for the segment (its directory name), never an absolute path. */
  segment: string;
  /** ISO-8601 UTC time of the build. */
  created_at: string;
  /** Random id shared by the pack and its search index. */
  build_id: string;
  /** Files indexed, in indexing order. */
  source_files: PackSourceFile[];
  /** Chunks, in indexing order. */
  chunks: PackChunk[];
  /** One entry per chunk, same order. */
  index: PackIndexEntry[];
}

/** Where a long pack build or sync is (for progress output). */
export interface PackProgress {
  /** `walk` (discovery), `chunk` (read, parse, chunk), `index` (rows written), `commit`. */
  stage: "walk" | "chunk" | "index" | "commit";
  /** Units done in this stage. */
  done: number;
  /** Units in this stage. */
  total: number;
}
