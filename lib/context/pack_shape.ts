/**
 * The pack's shape, checked strictly on load: a pack on disk is input like
 * any other (a hand edit, a truncated copy, a hostile repository that ships
 * its own `_ctx/`), so every field the readers use is checked for its type
 * before any of them touches it. A wrong shape is `PACK_CORRUPT`, naming the
 * first bad field — never its value.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import type {
  ChunkingMethod,
  ChunkKind,
  ContextPack,
  PackChunk,
  PackIndexEntry,
  PackSourceFile,
} from "./types.ts";
import { PACK_REL, PACK_SCHEMA_VERSION } from "./types.ts";

const KINDS: ReadonlySet<string> = new Set<ChunkKind>([
  "skill",
  "agents",
  "prime",
  "agent",
  "session",
  "ref",
  "doc",
  "code",
  "header",
  "config",
]);
const METHODS: ReadonlySet<string> = new Set<ChunkingMethod>([
  "heading_section",
  "symbol",
  "module_header",
  "whole_file",
]);

/** The error for a pack that is not a pack (`PACK_CORRUPT`, exit 1). */
export function packCorrupt(reason: string, cause?: unknown): TrifectaError {
  return new TrifectaError("PACK_CORRUPT", `Context pack ${PACK_REL} is corrupt: ${reason}`, {
    cause,
    nextSteps: ["Rebuild it with: trifecta ctx build -s <segment>"],
  });
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(o: Obj, key: string, at: string): string {
  const v = o[key];
  if (typeof v !== "string") throw packCorrupt(`${at}.${key} is not a string`);
  return v;
}

function num(o: Obj, key: string, at: string): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw packCorrupt(`${at}.${key} is not a number`);
  }
  return v;
}

function line(o: Obj, key: string, at: string): number {
  const v = num(o, key, at);
  if (!Number.isInteger(v) || v < 1) throw packCorrupt(`${at}.${key} is not a line number`);
  return v;
}

function strings(o: Obj, key: string, at: string): string[] {
  const v = o[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    throw packCorrupt(`${at}.${key} is not a list of strings`);
  }
  return v as string[];
}

function optStr(o: Obj, key: string, at: string): void {
  if (o[key] !== undefined) str(o, key, at);
}

function array(o: Obj, key: string): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) throw packCorrupt(`${key} is not a list`);
  return v;
}

// Paths in a pack name files inside the segment: relative, no `..`, no NUL.
function relPath(o: Obj, key: string, at: string): string {
  const p = str(o, key, at);
  const parts = p.split(/[\\/]/);
  if (
    p === "" || p.startsWith("/") || p.startsWith("\\") || /^[A-Za-z]:/.test(p) ||
    p.includes("\0") || parts.includes("..")
  ) {
    throw packCorrupt(`${at}.${key} is not a segment-relative path`);
  }
  return p;
}

function checkSource(v: unknown, at: string): PackSourceFile {
  if (!isObj(v)) throw packCorrupt(`${at} is not an object`);
  relPath(v, "path", at);
  str(v, "sha256", at);
  num(v, "mtime", at);
  num(v, "chars", at);
  // `bytes` is absent in packs of older builds (the stale check then hashes).
  if (v.bytes !== undefined) num(v, "bytes", at);
  return v as unknown as PackSourceFile;
}

function checkChunk(v: unknown, at: string): PackChunk {
  if (!isObj(v)) throw packCorrupt(`${at} is not an object`);
  str(v, "id", at);
  str(v, "doc", at);
  if (!KINDS.has(str(v, "kind", at))) throw packCorrupt(`${at}.kind is not a chunk kind`);
  if (strings(v, "title_path", at).length === 0) throw packCorrupt(`${at}.title_path is empty`);
  str(v, "text", at);
  num(v, "char_count", at);
  num(v, "token_est", at);
  relPath(v, "source_path", at);
  if (!METHODS.has(str(v, "chunking_method", at))) {
    throw packCorrupt(`${at}.chunking_method is not a chunking method`);
  }
  if (line(v, "end_line", at) < line(v, "start_line", at)) {
    throw packCorrupt(`${at} ends before it starts`);
  }
  optStr(v, "symbol", at);
  optStr(v, "symbol_kind", at);
  optStr(v, "skeleton", at);
  if (v.symbol_names !== undefined) strings(v, "symbol_names", at);
  return v as unknown as PackChunk;
}

function checkIndexEntry(v: unknown, at: string): PackIndexEntry {
  if (!isObj(v)) throw packCorrupt(`${at} is not an object`);
  str(v, "id", at);
  str(v, "title_path_norm", at);
  str(v, "preview", at);
  num(v, "token_est", at);
  return v as unknown as PackIndexEntry;
}

/**
 * Check that a parsed JSON value is a context pack of the supported schema.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkPackShape } from "./pack_shape.ts";
 * throws(() => checkPackShape(JSON.parse('{"chunks":[null,5]}')), { code: "PACK_CORRUPT" });
 * ```
 *
 * @throws {TrifectaError} `PACK_CORRUPT` naming the first field that is
 * missing or of the wrong type (never a value from the file).
 */
export function checkPackShape(value: unknown): ContextPack {
  if (!isObj(value)) throw packCorrupt("the top level is not an object");
  const version = value.schema_version;
  if (version !== PACK_SCHEMA_VERSION) {
    throw packCorrupt(
      typeof version === "number" && Number.isInteger(version)
        ? `unsupported schema_version ${version} (this trifecta reads ${PACK_SCHEMA_VERSION})`
        : "schema_version is missing or not a number",
    );
  }
  str(value, "segment", "pack");
  str(value, "created_at", "pack");
  str(value, "build_id", "pack");
  const sources = array(value, "source_files");
  const chunks = array(value, "chunks");
  const index = array(value, "index");
  sources.forEach((s, i) => checkSource(s, `source_files[${i}]`));
  chunks.forEach((c, i) => checkChunk(c, `chunks[${i}]`));
  if (index.length !== chunks.length) {
    throw packCorrupt(`index has ${index.length} entries for ${chunks.length} chunks`);
  }
  index.forEach((e, i) => checkIndexEntry(e, `index[${i}]`));
  return value as unknown as ContextPack;
}
