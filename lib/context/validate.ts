/**
 * `ctx validate`: the predecessor's pack rules (§2.4), plus a check that the
 * search index belongs to the pack. Stale = some error says a file changed
 * or does not match.
 *
 * @module
 */
import { basename, join } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { contentSha256Hex, isDenied, type Segment } from "../segment/mod.ts";
import { IndexReader } from "./fts.ts";
import { indexPath, readPack } from "./pack_io.ts";
import { codePointLength, normalizeNewlines } from "./text.ts";
import { INDEX_REL, PACK_SCHEMA_VERSION } from "./types.ts";
import { assertSafeRelPath } from "./ids.ts";

/** Total characters above which validate warns. */
export const LARGE_PACK_CHARS = 2_000_000;

/** The result of {@linkcode validatePack}. */
export interface ValidationReport {
  /** True when there are no errors. */
  passed: boolean;
  /** Errors (any makes validation fail). */
  errors: string[];
  /** Warnings. */
  warnings: string[];
  /** True when an error says a file changed or mismatches. */
  stale_detected: boolean;
  /** First 16 hex digits of sha256 of the pack file, or null without a pack. */
  pack_sha: string | null;
  /** Pack file mtime (epoch ms), or null. */
  pack_mtime: number | null;
  /** Chunks in the pack. */
  chunks: number;
  /** Source files listed. */
  source_files: number;
}

async function readIfFile(abs: string): Promise<Uint8Array | undefined> {
  try {
    return await Deno.readFile(abs);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.IsADirectory) {
      return undefined;
    }
    throw err;
  }
}

/** Check the pack of `segment` against its files and its index. */
export async function validatePack(segment: Segment): Promise<ValidationReport> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const report = (extra: Partial<ValidationReport>): ValidationReport => {
    const stale = errors.some((e) => /changed|mismatch/i.test(e));
    return {
      passed: errors.length === 0,
      errors,
      warnings,
      stale_detected: stale,
      pack_sha: null,
      pack_mtime: null,
      chunks: 0,
      source_files: 0,
      ...extra,
    };
  };
  let loaded;
  try {
    loaded = await readPack(segment);
  } catch (err) {
    if (err instanceof TrifectaError && err.code === "PACK_NOT_FOUND") {
      errors.push("Missing context_pack.json");
      return report({});
    }
    if (err instanceof TrifectaError && err.code === "PACK_CORRUPT") {
      errors.push(err.message);
      return report({});
    }
    throw err;
  }
  const { pack } = loaded;
  const base = {
    pack_sha: loaded.packSha,
    pack_mtime: loaded.mtimeMs,
    chunks: pack.chunks.length,
    source_files: pack.source_files.length,
  };
  if (pack.schema_version !== PACK_SCHEMA_VERSION) {
    errors.push(`Unsupported schema version: ${pack.schema_version}`);
    return report(base);
  }
  if (
    typeof pack.segment !== "string" || pack.segment.includes("..") || pack.segment.startsWith("/")
  ) {
    errors.push("Invalid or unsafe segment path");
  }
  const totalChars = pack.chunks.reduce((n, c) => n + (c.char_count ?? 0), 0);
  if (totalChars > LARGE_PACK_CHARS) {
    warnings.push(`Context pack is quite large (${totalChars} chars)`);
  }
  const ids = new Set(pack.chunks.map((c) => c.id));
  for (const e of pack.index) {
    if (!ids.has(e.id)) errors.push(`Index references missing chunk ID: ${e.id}`);
  }
  for (const f of pack.source_files) {
    try {
      assertSafeRelPath(f.path, "source path");
    } catch {
      errors.push(`Source path leaves the segment: ${f.path}`);
      continue;
    }
    if (isDenied(f.path)) {
      errors.push(`Source path is on the denylist: ${f.path}`);
      continue;
    }
    const abs = join(segment.root, f.path);
    let bytes = await readIfFile(abs);
    let used = abs;
    if (!bytes) {
      used = join(segment.root, basename(f.path));
      bytes = f.path.includes("/") ? await readIfFile(used) : undefined;
    }
    if (!bytes) {
      errors.push(`Source file listed in pack but missing from disk: ${f.path}`);
      continue;
    }
    const text = normalizeNewlines(new TextDecoder().decode(bytes));
    if (contentSha256Hex(text) !== f.sha256) {
      errors.push(`Source file content changed (Hash mismatch): ${f.path}`);
      continue;
    }
    const mtime = ((await Deno.stat(used)).mtime?.getTime() ?? 0) / 1000;
    if (Math.abs(mtime - f.mtime) > 1.0) {
      warnings.push(`Source file mtime changed but hash matches: ${f.path}`);
    }
    const chars = codePointLength(text);
    if (chars !== f.chars) {
      errors.push(`Source file size mismatch: ${f.path} (${chars} vs ${f.chars})`);
    }
  }
  if (pack.chunks.length === 0) errors.push("Context pack contains no chunks");
  try {
    const db = new IndexReader(indexPath(segment));
    try {
      if (db.meta("build_id") !== pack.build_id) {
        errors.push(
          `Search index ${INDEX_REL} does not belong to this pack (rebuild with ctx build)`,
        );
      } else if (db.count() !== pack.chunks.length) {
        errors.push(
          `Search index ${INDEX_REL} holds ${db.count()} chunks, the pack ${pack.chunks.length}`,
        );
      }
    } finally {
      db.close();
    }
  } catch (err) {
    errors.push(`Search index ${INDEX_REL} is missing or unreadable (${(err as Error).message})`);
  }
  return report(base);
}
