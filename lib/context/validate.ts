/**
 * `ctx validate`: the predecessor's pack rules (§2.4), a strict check of the
 * pack's shape, SQLite's integrity check of the search index, and a check
 * that the index belongs to the pack (build id, pack size, chunk ids).
 * Source files are re-read through the read boundary. Stale = some error
 * says a file changed or does not match. A pair this machine did not build
 * (see `trust.ts`) fails with `PACK_UNTRUSTED` before any of the pack's
 * content is looked at; paths named in errors are shown with secrets masked.
 *
 * @module
 */
import { basename } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { maskSecrets } from "../secrets.ts";
import { isDenied, readInsideSync, type Segment } from "../segment/mod.ts";
import { indexPath, type LoadedPack, readPackFile } from "./pack_io.ts";
import { openIndex, pairMismatch } from "./pair.ts";
import { indexHeaderState, packHashProblem, UNSTAMPED_REASON } from "./trust.ts";
import { textSha256 } from "./stale.ts";
import { codePointLength, normalizeNewlines } from "./text.ts";
import { INDEX_REL } from "./types.ts";
import { assertSafeRelPath } from "./ids.ts";

/** Total characters above which validate warns. */
export const LARGE_PACK_CHARS = 2_000_000;

/** The result of {@linkcode validatePack}. */
export interface ValidationReport {
  /** True when there are no errors. */
  passed: boolean;
  /** Errors (any makes validation fail). */
  errors: string[];
  /**
   * Error codes of the errors, each once: `PACK_NOT_FOUND`, `PACK_CORRUPT`,
   * `PACK_TOO_LARGE`, `CTX_DIR_UNSAFE`, `INDEX_NOT_FOUND`, `INDEX_CORRUPT`,
   * `PACK_INDEX_MISMATCH`, `PACK_UNTRUSTED`, `SOURCE_CHANGED`, `SOURCE_MISSING`,
   * `SOURCE_REFUSED`, `UNSAFE_PATH`, `EMPTY_PACK`.
   */
  error_codes: string[];
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

/** A path from the pack, as an error message shows it (secrets masked). */
function shown(path: string): string {
  return maskSecrets(path).text;
}

/** The text of a source file through the boundary, or the error code that refused it. */
function readBounded(segment: Segment, rel: string): { text: string } | { code: string } {
  try {
    return { text: readInsideSync(segment, rel).text };
  } catch (err) {
    if (err instanceof TrifectaError) return { code: err.code };
    throw err;
  }
}

/** Check the pack of `segment` against its files and its index. */
export async function validatePack(segment: Segment): Promise<ValidationReport> {
  const errors: string[] = [];
  const codes = new Set<string>();
  const warnings: string[] = [];
  const fail = (code: string, message: string) => {
    codes.add(code);
    errors.push(message);
  };
  const report = (extra: Partial<ValidationReport>): ValidationReport => {
    const stale = errors.some((e) => /changed|mismatch/i.test(e));
    return {
      passed: errors.length === 0,
      errors,
      error_codes: [...codes],
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
    loaded = await readPackFile(segment);
  } catch (err) {
    if (err instanceof TrifectaError && err.code === "PACK_NOT_FOUND") {
      fail(err.code, "Missing context_pack.json");
      return report({});
    }
    if (err instanceof TrifectaError) {
      fail(err.code, err.message);
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
  const distrust = untrustedReason(segment, loaded);
  if (distrust !== undefined) {
    fail(
      "PACK_UNTRUSTED",
      `Context pack not trusted: ${distrust} (rebuild with ctx build or ctx sync)`,
    );
    return report(base);
  }
  if (pack.segment.includes("..") || pack.segment.startsWith("/")) {
    fail("UNSAFE_PATH", "Invalid or unsafe segment path");
  }
  const totalChars = pack.chunks.reduce((n, c) => n + c.char_count, 0);
  if (totalChars > LARGE_PACK_CHARS) {
    warnings.push(`Context pack is quite large (${totalChars} chars)`);
  }
  const ids = new Set(pack.chunks.map((c) => c.id));
  for (const e of pack.index) {
    if (!ids.has(e.id)) fail("PACK_CORRUPT", `Index references missing chunk ID: ${shown(e.id)}`);
  }
  for (const f of pack.source_files) {
    try {
      assertSafeRelPath(f.path, "source path");
    } catch (err) {
      // Named as a validation error, not thrown: validate lists every problem.
      if (!(err instanceof TrifectaError)) throw err;
      fail("UNSAFE_PATH", `Source path leaves the segment: ${shown(f.path)}`);
      continue;
    }
    if (isDenied(f.path)) {
      fail("UNSAFE_PATH", `Source path is on the denylist: ${shown(f.path)}`);
      continue;
    }
    let read = readBounded(segment, f.path);
    let used = f.path;
    if ("code" in read && read.code === "FILE_NOT_FOUND" && f.path.includes("/")) {
      used = basename(f.path);
      read = readBounded(segment, used);
    }
    if ("code" in read) {
      if (read.code === "FILE_NOT_FOUND") {
        fail(
          "SOURCE_MISSING",
          `Source file listed in pack but missing from disk: ${shown(f.path)}`,
        );
      } else {
        fail(
          "SOURCE_REFUSED",
          `Source file changed: the read boundary now refuses it (${read.code}): ${shown(f.path)}`,
        );
      }
      continue;
    }
    const text = read.text;
    if (textSha256(text) !== f.sha256) {
      fail("SOURCE_CHANGED", `Source file content changed (Hash mismatch): ${shown(f.path)}`);
      continue;
    }
    let mtime = f.mtime;
    try {
      mtime = ((await Deno.stat(`${segment.root}/${used}`)).mtime?.getTime() ?? 0) / 1000;
    } catch (err) {
      // Read a moment ago: a stat failing now is a race with an edit, which
      // the next validate reports; the mtime warning is all that is lost.
      if (!(err instanceof Error)) throw err;
    }
    if (Math.abs(mtime - f.mtime) > 1.0) {
      warnings.push(`Source file mtime changed but hash matches: ${shown(f.path)}`);
    }
    const chars = codePointLength(normalizeNewlines(text));
    if (chars !== f.chars) {
      fail(
        "SOURCE_CHANGED",
        `Source file size mismatch: ${shown(f.path)} (${chars} vs ${f.chars})`,
      );
    }
  }
  if (pack.chunks.length === 0) fail("EMPTY_PACK", "Context pack contains no chunks");
  checkIndex(segment, loaded, fail);
  return report(base);
}

/**
 * Why the pair is not trusted, or undefined when it is, or when the index
 * cannot tell (missing or damaged: {@linkcode checkIndex} names that).
 */
function untrustedReason(segment: Segment, loaded: LoadedPack): string | undefined {
  let header;
  try {
    header = indexHeaderState(indexPath(segment));
  } catch (err) {
    // Missing, a directory, unreadable: checkIndex names it with its code.
    if (err instanceof Error) return undefined;
    throw err;
  }
  if (header === "unstamped") return UNSTAMPED_REASON;
  if (header === "not_sqlite") return undefined;
  let db;
  try {
    db = openIndex(segment);
  } catch (err) {
    // Named by checkIndex, which opens it again.
    if (err instanceof TrifectaError) return undefined;
    throw err;
  }
  try {
    // A pair of two builds is PACK_INDEX_MISMATCH (checkIndex), not distrust.
    if (pairMismatch(db, { buildId: loaded.pack.build_id, bytes: loaded.bytes })) return undefined;
    return packHashProblem(db.meta("pack_sha256"), loaded.sha256);
  } catch (err) {
    // A damaged index: checkIndex names it (INDEX_CORRUPT).
    if (err instanceof TrifectaError) return undefined;
    throw err;
  } finally {
    db.close();
  }
}

function checkIndex(
  segment: Segment,
  loaded: LoadedPack,
  fail: (code: string, message: string) => void,
): void {
  let db;
  try {
    db = openIndex(segment);
  } catch (err) {
    if (!(err instanceof TrifectaError)) throw err;
    fail(err.code, `Search index ${INDEX_REL} is missing or unreadable: ${err.message}`);
    return;
  }
  try {
    const problems = db.integrity(5);
    if (problems.length > 0) {
      fail(
        "INDEX_CORRUPT",
        `Search index ${INDEX_REL} failed SQLite's integrity check (${problems.length} problem(s), e.g. ${
          problems[0].slice(0, 120)
        })`,
      );
      return;
    }
    const why = pairMismatch(db, { buildId: loaded.pack.build_id, bytes: loaded.bytes });
    if (why) {
      fail(
        "PACK_INDEX_MISMATCH",
        `Search index ${INDEX_REL} does not belong to this pack: ${why} (rebuild with ctx build)`,
      );
      return;
    }
    const indexed = db.ids();
    const packed = loaded.pack.chunks.map((c) => c.id);
    if (indexed.length !== packed.length) {
      fail(
        "PACK_INDEX_MISMATCH",
        `Search index ${INDEX_REL} holds ${indexed.length} chunks, the pack ${packed.length} (mismatch)`,
      );
    } else if (indexed.some((id, i) => id !== packed[i])) {
      fail(
        "PACK_INDEX_MISMATCH",
        `Search index ${INDEX_REL} lists other chunk ids than the pack (mismatch)`,
      );
    }
  } catch (err) {
    if (!(err instanceof TrifectaError)) throw err;
    fail(err.code, err.message);
  } finally {
    db.close();
  }
}
