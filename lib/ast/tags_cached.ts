/**
 * Tags as the cache holds them: packed (each name once, each reference as
 * four numbers: name index, line, column, kind index), since a repository's
 * references outnumber its symbols a hundredfold and would crowd skeletons
 * out of the cache's byte cap. A cache is a file on disk, so a value read
 * back is held to the bounds extraction keeps (lib/ast/tags_extract.ts)
 * before it is used; anything else is a miss.
 *
 * @module
 */
import { MAX_NAME_CHARS } from "./limits.ts";
import {
  type FileTags,
  MAX_MODULE_CHARS,
  MAX_TAG_IMPORTS,
  MAX_TAG_REFS,
  type TagImport,
  type TagKind,
  type TagRef,
} from "./tags_extract.ts";
import { languageOf } from "./skeleton.ts";

/** Kinds by their index in a packed value. */
const KINDS: readonly TagKind[] = ["call", "name", "type", "attribute", "import"];
const KIND_INDEX: ReadonlyMap<string, number> = new Map(KINDS.map((k, i) => [k, i]));

/** A packed tags value. */
export interface PackedTags {
  /** Segment-relative path. */
  path: string;
  /** Language. */
  language: string;
  /** sha256 hex of the raw bytes. */
  sha256: string;
  /** A cap cut the references or imports. */
  truncated: boolean;
  /** Each referenced name once. */
  names: string[];
  /** Four numbers per reference: name index, line, column, kind index. */
  refs: number[];
  /** Imports as extracted. */
  imports: TagImport[];
}

/** The packed form of `tags`, for the cache. */
export function packTags(tags: FileTags): PackedTags {
  const index = new Map<string, number>();
  const names: string[] = [];
  const refs: number[] = [];
  for (const r of tags.refs) {
    let i = index.get(r.name);
    if (i === undefined) {
      i = names.push(r.name) - 1;
      index.set(r.name, i);
    }
    refs.push(i, r.line, r.col, KIND_INDEX.get(r.kind) ?? 1);
  }
  const { path, language, sha256, truncated, imports } = tags;
  return { path, language, sha256, truncated, names, refs, imports };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isName(v: unknown, max: number): v is string {
  // A clipped name ends with " …": two units past the cap.
  return typeof v === "string" && v.length > 0 && v.length <= max + 2;
}

function isPosition(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 1;
}

function isImport(v: unknown): v is TagImport {
  return isRecord(v) && isName(v.name, MAX_NAME_CHARS) && isPosition(v.line) &&
    (v.module === undefined || isName(v.module, MAX_MODULE_CHARS));
}

/** The references of a packed value, or undefined when one is out of bounds. */
function unpackRefs(names: unknown, refs: unknown): TagRef[] | undefined {
  if (!Array.isArray(names) || !Array.isArray(refs)) return undefined;
  if (refs.length % 4 !== 0 || refs.length > 4 * MAX_TAG_REFS) return undefined;
  if (!names.every((n) => isName(n, MAX_NAME_CHARS))) return undefined;
  const out: TagRef[] = [];
  for (let i = 0; i < refs.length; i += 4) {
    const name: unknown = names[refs[i]];
    const kind = KINDS[refs[i + 3]];
    const line: unknown = refs[i + 1];
    const col: unknown = refs[i + 2];
    if (typeof name !== "string" || kind === undefined || !isPosition(line) || !isPosition(col)) {
      return undefined;
    }
    out.push({ name, line, col, kind });
  }
  return out;
}

/**
 * The cached (packed) value as tags of `rel` when it has their shape and
 * bounds, else undefined.
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { cachedTags, packTags } from "./tags_cached.ts";
 * const tags = { path: "a.py", language: "python" as const, sha256: "ab", truncated: false,
 *   refs: [{ name: "f", line: 2, col: 1, kind: "call" as const }], imports: [] };
 * deepEqual(cachedTags(packTags(tags), "a.py"), tags);
 * equal(cachedTags({ ...packTags(tags), refs: [0, 0, 1, 0] }, "a.py"), undefined);
 * ```
 */
export function cachedTags(value: unknown, rel: string, sha256?: string): FileTags | undefined {
  const language = languageOf(rel);
  if (!isRecord(value) || value.path !== rel || !language || value.language !== language) {
    return undefined;
  }
  if (typeof value.sha256 !== "string" || (sha256 !== undefined && value.sha256 !== sha256)) {
    return undefined;
  }
  const { imports } = value;
  if (!Array.isArray(imports) || imports.length > MAX_TAG_IMPORTS || !imports.every(isImport)) {
    return undefined;
  }
  const refs = unpackRefs(value.names, value.refs);
  if (refs === undefined) return undefined;
  return {
    path: rel,
    language,
    sha256: value.sha256,
    refs,
    imports,
    truncated: value.truncated === true,
  };
}
