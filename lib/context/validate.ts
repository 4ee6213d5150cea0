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
import { OLD_INDEX_WARNING } from "./search.ts";
import { indexHeaderState, packHashProblem, UNSTAMPED_REASON } from "./trust.ts";
import { textSha256 } from "./stale.ts";
import { codePointLength, normalizeNewlines } from "./text.ts";
import { type ContextPack, INDEX_REL, type PackSourceFile } from "./types.ts";
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

/** Errors, their codes and warnings, collected as validation goes. */
class Findings {
  readonly errors: string[] = [];
  readonly codes = new Set<string>();
  readonly warnings: string[] = [];

  /** Record an error under `code`. */
  fail(code: string, message: string): void {
    this.codes.add(code);
    this.errors.push(message);
  }

  /** The report, with what is known of the pack. */
  report(extra: Partial<ValidationReport>): ValidationReport {
    return {
      passed: this.errors.length === 0,
      errors: this.errors,
      error_codes: [...this.codes],
      warnings: this.warnings,
      stale_detected: this.errors.some((e) => /changed|mismatch/i.test(e)),
      pack_sha: null,
      pack_mtime: null,
      chunks: 0,
      source_files: 0,
      ...extra,
    };
  }
}

/** The pack, or undefined when it cannot be read (the error is recorded). */
async function loadPack(segment: Segment, found: Findings): Promise<LoadedPack | undefined> {
  try {
    return await readPackFile(segment);
  } catch (err) {
    if (!(err instanceof TrifectaError)) throw err;
    found.fail(err.code, err.code === "PACK_NOT_FOUND" ? "Missing context_pack.json" : err.message);
    return undefined;
  }
}

/** The predecessor's rules on the pack itself: its segment label, its size, its index. */
function checkPackRules(pack: ContextPack, found: Findings): void {
  if (pack.segment.includes("..") || pack.segment.startsWith("/")) {
    found.fail("UNSAFE_PATH", "Invalid or unsafe segment path");
  }
  const totalChars = pack.chunks.reduce((n, c) => n + c.char_count, 0);
  if (totalChars > LARGE_PACK_CHARS) {
    found.warnings.push(`Context pack is quite large (${totalChars} chars)`);
  }
  const ids = new Set(pack.chunks.map((c) => c.id));
  for (const e of pack.index) {
    if (!ids.has(e.id)) {
      found.fail("PACK_CORRUPT", `Index references missing chunk ID: ${shown(e.id)}`);
    }
  }
}

/** Whether a listed path may be read at all (recorded as `UNSAFE_PATH` when not). */
function safeSourcePath(path: string, found: Findings): boolean {
  try {
    assertSafeRelPath(path, "source path");
  } catch (err) {
    // Named as a validation error, not thrown: validate lists every problem.
    if (!(err instanceof TrifectaError)) throw err;
    found.fail("UNSAFE_PATH", `Source path leaves the segment: ${shown(path)}`);
    return false;
  }
  if (isDenied(path)) {
    found.fail("UNSAFE_PATH", `Source path is on the denylist: ${shown(path)}`);
    return false;
  }
  return true;
}

/**
 * The text of a listed file (falling back to its basename at the root, as
 * the predecessor did) and the path it was read under, or undefined with the
 * refusal recorded.
 */
function readSource(
  segment: Segment,
  path: string,
  found: Findings,
): { text: string; used: string } | undefined {
  let read = readBounded(segment, path);
  let used = path;
  if ("code" in read && read.code === "FILE_NOT_FOUND" && path.includes("/")) {
    used = basename(path);
    read = readBounded(segment, used);
  }
  if (!("code" in read)) return { text: read.text, used };
  if (read.code === "FILE_NOT_FOUND") {
    found.fail(
      "SOURCE_MISSING",
      `Source file listed in pack but missing from disk: ${shown(path)}`,
    );
  } else {
    found.fail(
      "SOURCE_REFUSED",
      `Source file changed: the read boundary now refuses it (${read.code}): ${shown(path)}`,
    );
  }
  return undefined;
}

/** Modification time of `rel` (epoch s), or `fallback` when it cannot be stat'ed now. */
async function mtimeOf(segment: Segment, rel: string, fallback: number): Promise<number> {
  try {
    return ((await Deno.stat(`${segment.root}/${rel}`)).mtime?.getTime() ?? 0) / 1000;
  } catch (err) {
    // Read a moment ago: a stat failing now is a race with an edit, which
    // the next validate reports; the mtime warning is all that is lost.
    if (!(err instanceof Error)) throw err;
    return fallback;
  }
}

/** One listed file against the disk: readable, same hash, same size; mtime drift warned. */
async function checkSource(segment: Segment, f: PackSourceFile, found: Findings): Promise<void> {
  if (!safeSourcePath(f.path, found)) return;
  const read = readSource(segment, f.path, found);
  if (!read) return;
  if (textSha256(read.text) !== f.sha256) {
    found.fail("SOURCE_CHANGED", `Source file content changed (Hash mismatch): ${shown(f.path)}`);
    return;
  }
  const mtime = await mtimeOf(segment, read.used, f.mtime);
  if (Math.abs(mtime - f.mtime) > 1.0) {
    found.warnings.push(`Source file mtime changed but hash matches: ${shown(f.path)}`);
  }
  const chars = codePointLength(normalizeNewlines(read.text));
  if (chars !== f.chars) {
    found.fail(
      "SOURCE_CHANGED",
      `Source file size mismatch: ${shown(f.path)} (${chars} vs ${f.chars})`,
    );
  }
}

/** Check the pack of `segment` against its files and its index. */
export async function validatePack(segment: Segment): Promise<ValidationReport> {
  const found = new Findings();
  const loaded = await loadPack(segment, found);
  if (!loaded) return found.report({});
  const { pack } = loaded;
  const base = {
    pack_sha: loaded.packSha,
    pack_mtime: loaded.mtimeMs,
    chunks: pack.chunks.length,
    source_files: pack.source_files.length,
  };
  const distrust = untrustedReason(segment, loaded);
  if (distrust !== undefined) {
    found.fail(
      "PACK_UNTRUSTED",
      `Context pack not trusted: ${distrust} (rebuild with ctx build or ctx sync)`,
    );
    return found.report(base);
  }
  checkPackRules(pack, found);
  for (const f of pack.source_files) await checkSource(segment, f, found);
  if (pack.chunks.length === 0) found.fail("EMPTY_PACK", "Context pack contains no chunks");
  checkIndex(segment, loaded, found);
  return found.report(base);
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

function checkIndex(segment: Segment, loaded: LoadedPack, found: Findings): void {
  const fail = (code: string, message: string) => found.fail(code, message);
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
          (problems[0] ?? "").slice(0, 120)
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
    // An index of schema 1 still serves search, by BM25 alone (see search.ts).
    if (!db.hasSymbols()) found.warnings.push(OLD_INDEX_WARNING);
  } catch (err) {
    if (!(err instanceof TrifectaError)) throw err;
    fail(err.code, err.message);
  } finally {
    db.close();
  }
}
